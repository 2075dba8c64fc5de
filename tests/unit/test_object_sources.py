"""The object importers' readers on real files: CSV, XLSX, FileMaker, mappings, Joconde notices."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from importers import filemaker, joconde, tabular
from importers.mapping import MappingError, load_mapping
from importers.records import RejectedRecord, SourceFileError

DATA = Path(__file__).resolve().parents[1] / "data"
MAPPINGS = Path(__file__).resolve().parents[2] / "importers" / "mappings"
BELL = DATA / "filemaker" / "fmpxmlresult_bell_gallery_subset-a_raw.xml"
TATE = DATA / "museum-open-data" / "edge-cases" / "tate_artwork_data_2013-10-10_truncated.csv"
MALFORMED = DATA / "malformed-objects"
POP = DATA / "joconde" / "pop-fixtures"


def items(iterator):
    return list(iterator)


# --------------------------------------------------------------------------- CSV and XLSX


@pytest.mark.parametrize("name", ["inventaire_cp1252.csv", "inventaire_utf16.csv"])
def test_csv_in_any_encoding_and_delimiter_reads_as_written(name):
    rows = items(tabular.read_rows(MALFORMED / name))
    assert [row.record_number for row in rows] == [1, 2]
    assert rows[0].values["titre"] == ["« Le Cœur » de la forêt"]
    assert rows[0].values["auteur"] == ["Émile Gallé"]
    assert rows[1].values["hauteur"] == ["30"]


def test_the_truncated_tate_csv_is_refused_after_its_last_complete_row():
    rows = []
    with pytest.raises(SourceFileError) as error:
        for row in tabular.read_rows(TATE):
            rows.append(row)
    assert len(rows) == 2134 and not any(isinstance(r, RejectedRecord) for r in rows)
    assert rows[0].values["dimensions"] == ["support: 394 x 419 mm"]
    assert "after data row 2134" in error.value.reason and "export it again" in error.value.reason
    assert error.value.file == str(TATE)


def test_a_row_that_does_not_fit_the_header_is_rejected_with_its_line(tmp_path):
    path = tmp_path / "objets.csv"
    path.write_text("inv,titre\n2026.1.1,Vase\n2026.1.2,Coupe,en trop\n", encoding="utf-8")
    first, second = items(tabular.read_rows(path))
    assert first.values == {"inv": ["2026.1.1"], "titre": ["Vase"]}
    assert (second.record_number, second.reason) == (2, "3 values for 2 columns (line 3)")


def test_xlsx_cells_keep_their_values(tmp_path):
    import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    header, *rows = list(csv.reader(TATE.open(encoding="utf-8", newline="")))[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append(["9", "2026.1.1", "Gallé, Émile", 7, "« Vase » à l'œuf", None, None, 1900])
    sheet["F32"] = datetime.date(1900, 5, 1)
    path = tmp_path / "inventaire.xlsx"
    workbook.save(path)
    read = items(tabular.read_rows(path))
    assert len(read) == 31
    assert read[0].values["title"][0].startswith("A Figure Bowing before a Seated Old Man")
    last = read[-1].values
    assert (last["title"], last["artistId"], last["year"], last["dateText"]) == (
        ["« Vase » à l'œuf"],
        ["7"],
        ["1900"],
        ["1900-05-01"],
    )


# --------------------------------------------------------------------------- FileMaker


def test_fmpxmlresult_values_by_position_with_repeated_related_values():
    rows = items(filemaker.read_rows(BELL))
    assert len(rows) == 46 and len(rows[0].values) == 37  # 36 fields and @RECORDID
    assert rows[0].values["calc_accession_id"] == ["SC 1986.63"]
    assert rows[0].values["@RECORDID"] == ["399"]
    assert rows[1].values["MEDIA_SUB::sub_media_name"] == ["Dye transfer print", "Screenprint"]


@pytest.mark.parametrize(
    "name, count",
    [
        ("fmpdsoresult_isiscb_chunked_citation.xml", 22),
        ("fmpdsoresult_isiscb_chunked_ccrelation.xml", 10),
        ("fmpdsoresult_isiscb_authority.xml", 3),
        ("fmpdsoresult_isiscb_citation.xml", 2),
        ("fmpdsoresult_isiscb_linkeddata.xml", 2),
        ("fmpdsoresult_isiscb_tracking.xml", 2),
    ],
)
def test_fmpdsoresult_names_values_by_element(name, count):
    rows = items(filemaker.read_rows(DATA / "filemaker" / name))
    assert len(rows) == count and all(row.values for row in rows)


def test_fmpdsoresult_keeps_dotted_names_and_accents():
    rows = items(
        filemaker.read_rows(DATA / "filemaker" / "fmpdsoresult_isiscb_chunked_citation.xml")
    )
    assert rows[0].values["Type.controlled"] == ["Book"]
    assert rows[0].values["Title"] == [
        "The Reveries of the Solitary Walker, Botanical Writings, and Letters to Franquières"
    ]


def test_a_broken_filemaker_row_is_rejected_and_the_others_read():
    rows = items(filemaker.read_rows(MALFORMED / "bell_gallery_broken_row.xml"))
    rejected = [row for row in rows if isinstance(row, RejectedRecord)]
    assert len(rows) == 46 and [r.record_number for r in rejected] == [5]
    assert "35 COL elements for 36 fields" in rejected[0].reason


@pytest.mark.parametrize(
    "name, message",
    [
        ("bell_gallery_cut.xml", "not well-formed"),
        ("filemaker_xxe.xml", "DOCTYPE"),
        ("filemaker_entity_bomb.xml", "DOCTYPE"),
    ],
)
def test_unsafe_or_broken_filemaker_files_are_refused(name, message):
    with pytest.raises(SourceFileError, match=message):
        items(filemaker.read_rows(MALFORMED / name))


# --------------------------------------------------------------------------- mappings


def test_the_bell_gallery_mapping_zips_artists_and_converts_inches():
    records = items(load_mapping(MAPPINGS / "bell_gallery.toml").read(BELL))
    assert len(records) == 46
    first = records[0]
    assert (first.inventory_number, first.fields["title"]) == ("SC 1986.63", "Split Chess Pieces")
    assert first.fields["description"] == (
        "Medium: Cast acrylic (multiple)\nSeries: To and for Rose Selavy"
    )
    assert first.terms == {"domains": ["sculpture"], "techniques": ["Acrylic"]}
    assert [(d.kind, d.value, d.unit) for d in first.dimensions] == [
        ("height", Decimal("40.64"), "cm"),
        ("width", Decimal("17.78"), "cm"),
        ("depth", Decimal("2.86"), "cm"),
    ]
    cocteau = next(r for r in records if len(r.makers) == 2 and r.makers[0].surname == "Cocteau")
    assert [(m.name, m.birth_date) for m in cocteau.makers] == [
        ("Jean Cocteau", "1889"),
        ("Egidio Constantini", "1912"),
    ]
    book = next(r for r in records if r.inventory_number == "B 2013.1")
    assert book.dimensions[0].value == Decimal("59.69")  # "23 1/2" inches
    assert first.raw["ARTISTS::calc_artist_full_name"] == "Arman (Armand Fernandez)"


def test_every_shipped_mapping_reads_its_example():
    examples = {
        "bell_gallery": BELL,
        "isiscb_citation": DATA / "filemaker" / "fmpdsoresult_isiscb_chunked_citation.xml",
    }
    for name, path in examples.items():
        records = items(load_mapping(MAPPINGS / f"{name}.toml").read(path))
        assert records and not any(isinstance(r, RejectedRecord) for r in records), name
    tate = load_mapping(MAPPINGS / "tate_artworks_csv.toml").read(TATE)
    first = next(iter(tate))
    assert first.makers[0].name == "Robert Blake"
    assert sorted(p.stem for p in MAPPINGS.glob("*.toml")) == sorted(
        [*examples, "tate_artworks_csv"]
    )


@pytest.mark.parametrize(
    "text, key",
    [
        ('title = "x"', "title"),
        ('[source]\nformat = "csv"', "key"),
        ('key = "inv"\n[fields]\ninsurance_value = "prix"', "fields.insurance_value"),
        ('key = "inv"\n[terms.colour]\ncolumn = "c"', "terms.colour"),
        ('key = "inv"\n[[dimensions]]\ncolumn = "h"\nkind = "height"\nunit = "ft"', "dimensions 1"),
        ("key = ", "file"),
    ],
)
def test_a_bad_mapping_says_where(tmp_path, text, key):
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=f"\\[{key}\\]"):
        load_mapping(path)


def test_a_dimension_that_is_not_a_number_rejects_its_record_naming_the_column(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(
        'key = "numéro"\n[[dimensions]]\ncolumn = "hauteur"\nkind = "height"\nunit = "cm"\n',
        encoding="utf-8",
    )
    data = tmp_path / "objets.csv"
    data.write_text("numéro;hauteur\n2026.1.1;12,5\n2026.1.2;env. 30\n", encoding="utf-8")
    good, bad = items(load_mapping(path).read(data))
    assert good.dimensions[0].value == Decimal("12.5")
    assert (bad.record_number, bad.key, bad.field) == (2, "2026.1.2", "hauteur")


# --------------------------------------------------------------------------- Joconde


@pytest.mark.parametrize("name", ["joconde-valid-UTF-8.txt", "joconde-valid-ISO-8859-1.txt"])
def test_pop_fixtures_give_three_notices_in_either_encoding(name):
    notices = items(joconde.read_notices(POP / name))
    assert [n.ref for n in notices] == ["01610014032", "01610014134", "01610014147"]
    first = notices[0].fields
    assert first["PDEC"] == (
        "Rue de la Croix-Verte, dans les terrassements des H.L.M. de la Croix-Verte ; "
        "Anonyme Anonyme (inventeur) ; 1980 (invention du site)"
    )
    assert first["DOMN"] == "archéologie ; céramique ; gallo-romain"
    assert first["COPY"] == "© Autun, musée Rolin, © Service des musées de France, 2018"


def test_a_notice_becomes_an_object_record():
    record = joconde.to_object_record(
        items(joconde.read_notices(POP / "joconde-valid-UTF-8.txt"))[1]
    )
    assert (record.joconde_ref, record.inventory_number) == ("01610014134", "A1982.9.4")
    assert record.terms["domains"] == ["archéologie"]
    assert [(d.kind, d.value, d.part) for d in record.dimensions] == [
        ("diameter", Decimal("5.6"), "extérieur"),
        ("diameter", Decimal("5"), "intérieur"),
        ("diameter", Decimal("5.1"), "extérieur"),
        ("diameter", Decimal("4.7"), "intérieur"),
    ]
    assert (record.makers[0].name, record.makers[0].role) == ("anonyme", "artisan")
    assert record.legal_status == {
        "statement": "propriété de la commune ; affectation ; Autun ; musée Rolin"
    }
    assert record.raw["LOCA"] == "Autun ; musée Rolin" and record.raw["PHOT"] == "Cliché C. Massard"


def test_the_truncated_pop_fixture_is_rejected_as_such():
    (rejected,) = items(joconde.read_notices(POP / "joconde-invalid-UTF-8.txt"))
    assert (rejected.key, rejected.field) == ("01610014032", "INV")
    assert "truncated" in rejected.reason


def test_an_invalid_url_is_kept_aside_with_a_warning():
    (record,) = items(joconde.read_objects(POP / "joconde-valid-UTF-8-warnings.txt"))
    assert record.joconde_ref == "123456789" and record.links == []
    assert [field for field, _ in record.warnings] == ["WWW", "LVID"]
    assert record.raw["LVID"] == "htp://ds.de"


def test_the_mistral_harvest_maps_labels_to_tags():
    notices = [
        n
        for path in sorted((DATA / "joconde" / "mistral-xml-harvest").glob("*.xml"))
        for n in joconde.read_notices(path)
    ]
    assert len(notices) == 15 and all(not n.warnings for n in notices)
    record = joconde.to_object_record(next(n for n in notices if n.ref == "05000000115"))
    assert record.inventory_number == "MC.2012.0.20"
    assert record.numbers[0] == ("n° 130", "catalogue", "catalogue Fourgeaud")
    assert (record.makers[0].name, record.makers[0].surname, record.makers[0].role) == (
        "Gaston Vuillier",
        "Vuillier",
        "dessinateur",
    )
    assert record.terms["techniques"] == [
        "papier vélin",
        "pierre noire",
        "aquarelle",
        "pierre noire",
        "rehaut (gouache, blanche)",
        "carton",
    ]
    assert record.fields["title"] == "La terrasse de Pebeyre"


def test_the_actimuse_export_holds_two_notices_with_decimal_commas():
    records = items(
        joconde.read_objects(DATA / "joconde" / "actimuse-export" / "joconde2xml-data.csv")
    )
    assert [r.joconde_ref for r in records] == ["M0354011600", "M0354017656"]
    assert [(d.kind, d.value) for d in records[0].dimensions] == [
        ("width", Decimal("8")),
        ("height", Decimal("16.5")),
    ]
    assert (
        records[0].fields["use_details"]
        == "A l’occasion du mariage de G. Galmiche. ; DUBOIS (utilisateur)"
    )


def test_pop_csv_pads_short_refs_and_ignores_unknown_columns(tmp_path):
    path = tmp_path / "notices.csv"
    path.write_text(
        '"REF";"INV";"DOMN";"TITR";"NOTE"\n'
        '"1610014147";"A1983.15.1";"archéologie ; sculpture";"Main";"ignored"\n',
        encoding="utf-8",
    )
    (notice,) = items(joconde.read_notices(path))
    assert notice.ref == "01610014147" and "NOTE" not in notice.fields
    assert notice.warnings == ["REF 1610014147 padded to 01610014147, as POP does"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("REF\n1\nINV\nA\n//\nREF\n1\nINV\nB\n//\n", "REF 1 is in notices 1 and 2"),
        ("REF\n1\nINV\nA\nTITR\nArchÃ©ologie\n//\n", "wrong encoding"),
    ],
)
def test_files_pop_would_refuse_are_refused(tmp_path, content, message):
    path = tmp_path / "notices.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceFileError, match=message):
        items(joconde.read_notices(path))


def test_an_xml_harvest_with_an_entity_is_refused():
    with pytest.raises(SourceFileError, match="DOCTYPE"):
        items(joconde.read_notices(MALFORMED / "joconde_harvest_xxe.xml"))


def test_the_tag_list_is_pops():
    with (DATA / "joconde" / "pop-schema" / "joconde-fields.csv").open(encoding="utf-8") as fh:
        pop = [row["path"] for row in csv.DictReader(fh)]
    internal = {
        "POP_COORDONNEES.lat",
        "POP_COORDONNEES.lon",
        "POP_IMPORT",
        "HISTORIQUE",
        "_id",
        "__v",
    }
    assert list(joconde.TAGS) == [tag for tag in pop if tag not in internal]


@pytest.mark.parametrize(
    "dims, parsed",
    [
        ("H. 61, l. 50", [("height", "61", "cm", ""), ("width", "50", "cm", "")]),
        ("Hauteur en cm avec cadre 26.8", [("height", "26.8", "cm", "avec cadre")]),
        ("Hauteur en cm 1.64 ; Epaisseur en cm", []),
        ("environ 30 cm", []),
    ],
)
def test_dims_are_structured_only_when_wholly_understood(dims, parsed):
    values, note = joconde.parse_dims(dims)
    assert [(d.kind, str(d.value), d.unit, d.part) for d in values] == parsed
    assert note == ("" if parsed else dims)
