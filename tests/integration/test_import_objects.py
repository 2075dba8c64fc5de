"""`import_objects` and `import_joconde` on the real files: counts, exact values with accents,
a second run that changes nothing, dry runs, rejected records reported, bad files writing nothing."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from museum_collections.models import Person, Work

pytestmark = pytest.mark.django_db


def run(command, *args, report):
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command(command, *map(str, args), "--report", str(report), stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue() + err.getvalue()


def report_rows(path):
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


@pytest.fixture
def bell(test_data):
    return test_data / "filemaker" / "fmpxmlresult_bell_gallery_subset-a_raw.xml"


def test_a_filemaker_database_comes_in_whole(bell, tmp_path):
    code, output = run(
        "import_objects", bell, "--mapping", "bell_gallery", report=tmp_path / "r.csv"
    )
    assert code == 0, output
    assert "46 records" in output and "46 were created" in output
    work = Work.objects.get(inventory_number="SC 1986.63")
    assert work.title == "Split Chess Pieces" and not work.is_public
    assert [d.display for d in work.dimensions.all()] == [
        "H. 40.64 cm",
        "l. 17.78 cm",
        "P. 2.86 cm",
    ]
    assert work.makers.get().person.name == "Armand Fernandez"
    assert work.imported_records["bell_gallery"]["ARTISTS::artist_alias"] == "Arman"
    assert Person.objects.filter(name="Armand Fernandez").count() == 1  # 2 works, 1 person
    assert [n.number for n in work.other_numbers.all()] == ["2"]


def test_a_second_run_changes_nothing(bell, tmp_path):
    run("import_objects", bell, "--mapping", "bell_gallery", report=tmp_path / "r.csv")
    stamps = dict(Work.objects.values_list("pk", "updated_at"))
    code, output = run(
        "import_objects", bell, "--mapping", "bell_gallery", report=tmp_path / "r.csv"
    )
    assert code == 0 and "0 were created, 0 updated, 46 unchanged" in output
    assert dict(Work.objects.values_list("pk", "updated_at")) == stamps


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(bell, tmp_path):
    code, output = run(
        "import_objects", bell, "--mapping", "bell_gallery", "--dry-run", report=tmp_path / "r.csv"
    )
    assert code == 0 and "46 would be created" in output
    assert Work.objects.count() == 0 and Person.objects.count() == 0


def test_a_broken_row_is_rejected_reported_and_the_others_go_in(test_data, tmp_path):
    report = tmp_path / "r.csv"
    code, output = run(
        "import_objects",
        test_data / "malformed-objects" / "bell_gallery_broken_row.xml",
        "--mapping",
        "bell_gallery",
        report=report,
    )
    assert code == 1 and "45 were created" in output and "1 rejected" in output
    (row,) = report_rows(report)
    assert row["record"] == "5" and "35 COL elements for 36 fields" in row["problem"]
    assert row["file"].endswith("bell_gallery_broken_row.xml")
    assert Work.objects.count() == 45


@pytest.mark.parametrize(
    "path, mapping, message",
    [
        (
            "museum-open-data/edge-cases/tate_artwork_data_2013-10-10_truncated.csv",
            "tate_artworks_csv",
            "after data row 2134",
        ),
        ("malformed-objects/bell_gallery_cut.xml", "bell_gallery", "not well-formed"),
        ("malformed-objects/filemaker_xxe.xml", "bell_gallery", "DOCTYPE"),
        ("malformed-objects/filemaker_entity_bomb.xml", "bell_gallery", "DOCTYPE"),
    ],
)
def test_a_file_that_cannot_be_read_writes_nothing(test_data, tmp_path, path, mapping, message):
    code, output = run(
        "import_objects", test_data / path, "--mapping", mapping, report=tmp_path / "r"
    )
    assert code == 2
    assert message in output and "nothing of it was written" in output
    assert Work.objects.count() == 0 and Person.objects.count() == 0


def test_a_local_csv_with_its_own_mapping(test_data, tmp_path):
    mapping = tmp_path / "inventaire.toml"
    mapping.write_text(
        'key = "numéro"\n[fields]\ntitle = "titre"\n[makers]\nname = "auteur"\n'
        '[terms.DOMN]\ncolumn = "domaine"\n'
        '[[dimensions]]\ncolumn = "hauteur"\nkind = "height"\nunit = "cm"\n',
        encoding="utf-8",
    )
    code, output = run(
        "import_objects",
        test_data / "malformed-objects" / "inventaire_cp1252.csv",
        "--mapping",
        mapping,
        "--publish",
        report=tmp_path / "r.csv",
    )
    assert code == 0, output
    work = Work.objects.get(inventory_number="2026.5.1")
    assert work.title == "« Le Cœur » de la forêt" and work.is_public
    assert [d.display for d in work.dimensions.all()] == ["H. 12.5 cm"]
    assert [t.label for t in work.domains.all()] == ["verrerie"]
    assert work.makers.get().person.name == "Émile Gallé"


def test_a_missing_mapping_says_which_exist(bell, tmp_path):
    with pytest.raises(CommandError, match="bell_gallery"):
        call_command("import_objects", str(bell), "--mapping", "nope")


# --------------------------------------------------------------------------- Joconde


@pytest.fixture
def notices(test_data):
    folder = test_data / "joconde"
    return [
        folder / "pop-fixtures" / "joconde-valid-UTF-8.txt",
        folder / "actimuse-export" / "joconde2xml-data.csv",
        *sorted((folder / "mistral-xml-harvest").glob("*.xml")),
    ]


def test_joconde_notices_become_works_that_keep_their_ref(notices, tmp_path, vocabularies):
    code, output = run("import_joconde", *notices, "--publish", report=tmp_path / "r.csv")
    assert code == 0, output
    assert Work.objects.count() == 20
    work = Work.objects.get(joconde_ref="05000000115")
    assert (work.inventory_number, work.title, work.is_public) == (
        "MC.2012.0.20",
        "La terrasse de Pebeyre",
        True,
    )
    assert work.makers.get().person.name == "Gaston Vuillier"
    assert work.makers.get().role == "dessinateur"
    assert work.imported_records["joconde"]["PHOT"] == "© Chevrier"
    autun = Work.objects.get(joconde_ref="01610014032")
    assert autun.inventory_number == "A1973.2.1"
    assert autun.ownership is None and autun.owner == "Autun"
    assert autun.acquisition_mode.pref_label == "don"
    assert autun.assigned_museum == "musée Rolin"
    assert autun.acquisition_date == "1955 acquis ; 1954 entrée matérielle"
    assert autun.dimensions_note == "Hauteur en cm 1.64 ; Longueur en cm 6.6 ; Epaisseur en cm"
    menu = Work.objects.get(joconde_ref="M0354011600")
    assert menu.owner == "Haute-Saône" and menu.acquisition_mode.pref_label == "don"
    assert menu.ownership.pref_label == "propriété du département"
    assert menu.use_details == "A l’occasion du mariage de G. Galmiche. ; DUBOIS (utilisateur)"
    # a second run changes nothing
    code, output = run("import_joconde", *notices, "--publish", report=tmp_path / "r.csv")
    assert code == 0 and "0 updated, 20 unchanged" in output


def test_the_same_notices_in_latin1_are_unchanged(test_data, tmp_path):
    fixtures = test_data / "joconde" / "pop-fixtures"
    run("import_joconde", fixtures / "joconde-valid-UTF-8.txt", report=tmp_path / "r.csv")
    code, output = run(
        "import_joconde", fixtures / "joconde-valid-ISO-8859-1.txt", report=tmp_path / "r.csv"
    )
    assert code == 0 and "3 unchanged" in output


def test_pops_warnings_are_reported_and_the_notice_goes_in(test_data, tmp_path):
    report = tmp_path / "w.csv"
    warnings = test_data / "joconde" / "pop-fixtures" / "joconde-valid-UTF-8-warnings.txt"
    code, output = run("import_joconde", warnings, report=report)
    assert code == 0 and "1 were created" in output
    rows = report_rows(report)
    assert [(row["identifier"], row["field"]) for row in rows] == [
        ("123456789", "WWW"),
        ("123456789", "LVID"),
    ]
    assert "“htp://ds.de” is not a web address" in rows[1]["problem"]
    assert Work.objects.get().imported_records["joconde"]["LVID"] == "htp://ds.de"


def test_a_notice_that_would_move_a_ref_is_rejected(test_data, tmp_path):
    fixtures = test_data / "joconde" / "pop-fixtures"
    run("import_joconde", fixtures / "joconde-valid-UTF-8.txt", report=tmp_path / "r.csv")
    report = tmp_path / "w.csv"
    # POP's warnings fixture: the first notice again, under another REF
    code, output = run(
        "import_joconde", fixtures / "joconde-valid-UTF-8-warnings.txt", report=report
    )
    assert code == 1
    (row,) = report_rows(report)
    assert (row["identifier"], row["field"]) == ("123456789", "REF")
    assert "already has the Joconde REF 01610014032" in row["problem"]
    assert Work.objects.get(inventory_number="A1973.2.1").joconde_ref == "01610014032"


@pytest.mark.parametrize(
    "path, code",
    [
        ("pop-fixtures/joconde-invalid-UTF-8.txt", 1),
        ("../malformed-objects/joconde_harvest_xxe.xml", 2),
    ],
)
def test_bad_joconde_files(test_data, tmp_path, path, code):
    result, output = run("import_joconde", test_data / "joconde" / path, report=tmp_path / "r.csv")
    assert result == code, output
    assert Work.objects.count() == 0
