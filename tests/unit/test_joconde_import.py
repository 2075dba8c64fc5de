"""The Joconde reader on real notices (POP's fixtures, the Mistral harvest, an Actimuse export)
and on small files written here for what the real ones do not show. No database."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from importers import joconde
from importers.records import MakerRecord, ObjectRecord, RejectedRecord, SourceFileError

DATA = Path(__file__).resolve().parents[1] / "data" / "joconde"
POP = DATA / "pop-fixtures"
HARVEST = DATA / "mistral-xml-harvest"
ACTIMUSE = DATA / "actimuse-export" / "joconde2xml-data.csv"


def read(path, **options):
    return list(joconde.read_notices(path, **options))


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def record_of(text, tmp_path):
    (notice,) = read(write(tmp_path, "notice.txt", text))
    return joconde.to_object_record(notice)


# --------------------------------------------------------------------------- the tag list


def test_the_tag_list_is_pops_dictionary_in_its_order():
    with (DATA / "pop-schema" / "joconde-fields.csv").open(encoding="utf-8") as fh:
        rows = [
            row
            for row in csv.DictReader(fh)
            if row["path"] not in {"_id", "__v", "POP_IMPORT", "HISTORIQUE"}
            and not row["path"].startswith("POP_COORDONNEES.")
        ]
    assert joconde.TAGS == tuple(row["path"] for row in rows)
    assert len(joconde.TAGS) == 92
    for field, row in zip(joconde.POP_FIELDS, rows, strict=True):
        assert field.label == row["label"].strip()
        assert field.multi == (row["type"] == "Array")
        assert field.required == (row["required"] == "oui")
        assert field.generated == (row["generated"] == "true")
        assert field.deprecated == ("déprécié" in row["description"] or row["path"] == "DESY")
    assert joconde.REQUIRED_BY_POP == {"REF", "INV", "DOMN", "STAT", "MUSEO"}
    assert "LABEL" in joconde.GENERATED and "IMG" not in joconde.GENERATED
    assert {"AUTR", "DOMN", "TECH", "WWW"} <= joconde.MULTI_VALUED
    assert "LVID" not in joconde.MULTI_VALUED and len(joconde.DEPRECATED) == 12


# --------------------------------------------------------------------------- POP's txt fixtures


@pytest.mark.parametrize("name", ["joconde-valid-UTF-8.txt", "joconde-valid-ISO-8859-1.txt"])
def test_pops_fixture_gives_three_notices_in_either_encoding(name):
    notices = read(POP / name)
    assert [(n.record_number, n.ref) for n in notices] == [
        (1, "01610014032"),
        (2, "01610014134"),
        (3, "01610014147"),
    ]
    assert all(n.warnings == [] and n.complete for n in notices)
    first, second, third = (n.fields for n in notices)
    assert list(first)[:4] == ["REF", "COOR", "MUSEO", "LABEL"]
    assert first["DECV"] == (
        "France, Saône-et-Loire, Autun (lieu de découverte) ; (19e siècle, date de découverte) "
        "; (GAUTHIER, découvreur)"
    )
    # "-" + CRLF is a soft wrap: removed, the space before it kept
    assert first["PDEC"] == (
        "Rue de la Croix-Verte, dans les terrassements des H.L.M. de la Croix-Verte ; "
        "Anonyme Anonyme (inventeur) ; 1980 (invention du site)"
    )
    assert first["DESC"] == (
        "Fond de vaisselle en sigillée, type coupelle, à pied annulaire rapporté, estampille "
        "au centre dans cartouche cerclé : OFFRMO"
    )
    assert first["LABEL"] == "Musée de France#au sens de la loi n°2002-5 du 4 janvier 2002"
    assert first["COPY"] == "© Autun, musée Rolin, © Service des musées de France, 2018"
    assert first["NSDA"] == "80-7 (N° de site) (coordonnées du site)"
    assert second["DIMS"] == (
        "Diamètre extérieur en cm 5.6 ; Diamètre intérieur en cm 5 ; "
        "Diamètre extérieur en cm 5.1 ; Diamètre intérieur en cm 4.7"
    )
    assert second["PDEC"].endswith("(coordonnées de l'objet) ; AnonymeAnonyme (inventeur)")
    assert third["DESC"] == (
        "Fragment de figurine en céramique commune blanche, dont subsiste une main, émergeant "
        "d'une manche développée, plaquée sur un oeil et pommette saillant; dents visibles "
        "dans bouche entrouverte ?"
    )


def test_both_encodings_read_alike_and_a_wrong_choice_stops_the_file():
    utf8 = read(POP / "joconde-valid-UTF-8.txt")
    latin1 = read(POP / "joconde-valid-ISO-8859-1.txt", encoding="iso-8859-1")
    assert [n.fields for n in utf8] == [n.fields for n in latin1]
    with pytest.raises(SourceFileError, match=r"notice 1, LABEL: .*wrong encoding"):
        read(POP / "joconde-valid-UTF-8.txt", encoding="iso-8859-1")


def test_the_first_fixture_notice_in_cartels_terms():
    record = joconde.to_object_record(read(POP / "joconde-valid-UTF-8.txt")[0])
    assert isinstance(record, ObjectRecord)
    assert (record.joconde_ref, record.inventory_number, record.key) == (
        "01610014032",
        "A1973.2.1",
        "01610014032",
    )
    assert record.fields == {
        "description": (
            "Fond de vaisselle en sigillée, type coupelle, à pied annulaire rapporté, "
            "estampille au centre dans cartouche cerclé : OFFRMO"
        ),
        "discovery": (
            "France, Saône-et-Loire, Autun (lieu de découverte) ; (19e siècle, date de "
            "découverte) ; (GAUTHIER, découvreur)"
        ),
        "discovery_details": (
            "Rue de la Croix-Verte, dans les terrassements des H.L.M. de la Croix-Verte ; "
            "Anonyme Anonyme (inventeur) ; 1980 (invention du site)"
        ),
        "former_owners": "Société Eduenne",
        "bibliography": (
            "Inventaire B. Archéo, fiches inventaire, Bulliot\nAutun Augustodunum - Capitale "
            "des Eduens, musée Rolin - Hôtel de Ville - Autun, 16 mars- 27 octobre 1985 "
            "(p. 159-162)"
        ),
        "acquisition_date": "1955 acquis ; 1954 entrée matérielle",
        "copyright_notice": "© Autun, musée Rolin, © Service des musées de France, 2018",
        "inscriptions_note": "estampille\nestampille, sur la face : OFFRMO",
        "dimensions_note": "Hauteur en cm 1.64 ; Longueur en cm 6.6 ; Epaisseur en cm",
        "in_joconde": True,  # it is in Joconde: exported again
    }
    assert record.terms == {
        "domains": ["archéologie", "céramique", "gallo-romain"],
        "denominations": ["fragment"],
        "techniques": ["céramique", "sigillée"],
        "styles": ["gallo-romain"],
        "places": ["France, Saône-et-Loire, Autun (lieu de création)"],
    }
    assert record.makers == [
        MakerRecord(name="anonymesss", role="céramiste", note="céramiste, artisan")
    ]
    assert record.dimensions == [] and record.numbers == [] and record.links == []
    assert record.legal_status == {
        "statement": "propriété de la commune ; don ; Autun ; musée Rolin"
    }
    assert record.raw["LABEL"] == "Musée de France#au sens de la loi n°2002-5 du 4 janvier 2002"
    assert (record.raw["MUSEO"], record.raw["PHOT"], record.raw["LOCA"]) == (
        "M0017",
        "Cliché Anonyme",
        "Autun ; musée Rolin",
    )
    assert record.raw["REFIM"].startswith("M016183_0016630_P.JPG,DS1,,0016630.JPG;")
    assert len(record.raw) == 27 and record.warnings == []


def test_the_second_and_third_fixture_notices_have_structured_dimensions():
    _, second, third = map(joconde.to_object_record, read(POP / "joconde-valid-UTF-8.txt"))
    assert [(d.kind, d.value, d.unit, d.part) for d in second.dimensions] == [
        ("diameter", Decimal("5.6"), "cm", "extérieur"),
        ("diameter", Decimal("5"), "cm", "intérieur"),
        ("diameter", Decimal("5.1"), "cm", "extérieur"),
        ("diameter", Decimal("4.7"), "cm", "intérieur"),
    ]
    assert "dimensions_note" not in second.fields
    assert second.terms["denominations"] == ["anneau (2)"]
    assert third.fields["title"] == "Main"
    assert third.terms["techniques"] == ["céramique (claire)"]
    assert [(d.kind, d.value) for d in third.dimensions] == [
        ("length", Decimal("2.3")),
        ("width", Decimal("1.9")),
    ]


def test_pops_warnings_fixture_keeps_its_short_ref_and_sets_bad_links_aside():
    (record,) = list(joconde.read_objects(POP / "joconde-valid-UTF-8-warnings.txt"))
    assert record.joconde_ref == "123456789"  # only POP's CSV import pads a REF
    assert record.links == []
    assert record.warnings == [
        ("WWW", "“a” is not a web address: kept in the record only"),
        ("LVID", "“htp://ds.de” is not a web address: kept in the record only"),
    ]
    assert (record.raw["WWW"], record.raw["LVID"]) == ("a", "htp://ds.de")


def test_pops_truncated_fixture_is_rejected_and_says_why():
    assert read(POP / "joconde-invalid-UTF-8.txt") == [
        RejectedRecord(
            str(POP / "joconde-invalid-UTF-8.txt"),
            1,
            "01610014032",
            "INV",
            "no INV (the inventory number); the notice does not end with “//”: "
            "the file may be truncated",
        )
    ]


# --------------------------------------------------------------------------- txt rules


def test_a_complete_last_notice_without_its_slashes_is_read_as_pop_does(tmp_path):
    (notice,) = read(write(tmp_path, "n.txt", "\ufeffREF\r\nM0354000001\r\nINV\r\n2026.1.1\r\n"))
    assert notice.fields == {"REF": "M0354000001", "INV": "2026.1.1"}
    assert notice.warnings == [
        "the notice does not end with “//”: the file may be truncated; check that it is complete"
    ]


def test_continuation_lines_are_glued_as_pop_does_and_reported(tmp_path):
    text = "REF\nM0354000001\nINV\n2026.1.1\nDESC\nUn vase -\nà anses\n\n\nTITR\nVase\n//\n"
    (notice,) = read(write(tmp_path, "n.txt", text))
    # LF only: "-" + LF is not a soft wrap for POP; blank lines vanish
    assert notice.fields["DESC"] == "Un vase -à anses"
    assert notice.fields["TITR"] == "Vase"
    assert notice.warnings == [
        "DESC: a line break (without “ -”) was joined with nothing, as POP does; check that "
        "no words were glued"
    ]


def test_an_unknown_first_line_is_kept_as_pops_key_and_reported(tmp_path):
    text = "ANCNUM\n12\nREF\nM0354000001\nINV\n2026.1.1\n//\n"
    (notice,) = read(write(tmp_path, "n.txt", text))
    assert notice.fields == {"ANCNUM": "12", "REF": "M0354000001", "INV": "2026.1.1"}
    assert notice.warnings == [
        "“ANCNUM” is not a POP tag (POP ignores it): kept in the imported record only"
    ]
    assert joconde.to_object_record(notice).raw["ANCNUM"] == "12"


def test_a_tag_given_twice_rejects_the_notice(tmp_path):
    text = "REF\nM0354000001\nINV\n2026.1.1\nTITR\nVase\n// \nREF\nM0354000002\nINV\n2026.1.2\n//\n"
    (rejected,) = read(write(tmp_path, "n.txt", text))
    assert (rejected.record_number, rejected.field) == (1, "REF")
    assert rejected.reason == (
        "REF is given twice in the notice (a missing “//”?); "
        "INV is given twice in the notice (a missing “//”?)"
    )


def test_a_notice_without_ref_is_rejected_and_the_next_one_read(tmp_path):
    text = "INV\n2026.1.1\n//\nREF\nM0354000002\nINV\n2026.1.2\n//\n"
    rejected, notice = read(write(tmp_path, "n.txt", text))
    assert (rejected.record_number, rejected.key, rejected.field) == (1, "", "REF")
    assert rejected.reason == "no REF (the notice's key)"
    assert (notice.record_number, notice.ref) == (2, "M0354000002")


@pytest.mark.parametrize(
    "text, message",
    [
        ("REF\n1\nINV\nA\n//\nREF\n1\nINV\nB\n//\n", "REF 1 is in notices 1 and 2"),
        ("REF\n1\nINV\nA\nTITR\nLumière\n//\n", r"notice 1, TITR: “LumiÃ¨re”.*wrong encoding"),
        ("REF\n1\nINV\nA\nTITR\nLumi\ufffdre\n//\n", "wrong encoding"),
        ("", "empty file"),
        ("Inventaire\nA1\n", "not a Joconde file"),
        ("R\x00E\x00F\x00\n\x00", "UTF-16"),
    ],
)
def test_files_that_cannot_go_in_whole_are_refused(tmp_path, text, message):
    path = write(tmp_path, "n.txt", text.replace("Lumière", "LumiÃ¨re"))
    with pytest.raises(SourceFileError, match=message) as error:
        read(path)
    assert error.value.file == str(path)


def test_the_duplicate_is_found_after_the_first_notices_were_given(tmp_path):
    path = write(tmp_path, "n.txt", "REF\n1\nINV\nA\n//\nREF\n2\nINV\nB\n//\nREF\n1\nINV\nC\n//")
    notices = joconde.read_notices(path)
    assert next(notices).ref == "1" and next(notices).ref == "2"
    with pytest.raises(SourceFileError, match="REF 1 is in notices 1 and 3"):
        next(notices)


def test_a_missing_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceFileError, match="cannot be read"):
        read(tmp_path / "absent.txt")


def test_a_windows_1252_file_is_read(tmp_path):
    path = write(tmp_path, "n.txt", "REF\r\nM1\r\nINV\r\nA1\r\nTITR\r\nL’œuvre\r\n//\r\n", "cp1252")
    (notice,) = read(path)
    assert notice.fields["TITR"] == "L’œuvre"


# --------------------------------------------------------------------------- Mistral harvest

HARVEST_REFS = {
    "aquarelle-1.xml": ("05000000115", "MC.2012.0.20"),
    "aquarelle-2.xml": ("05000000116", "MC.2012.0.19"),
    "aquarelle-3.xml": ("05000000106", "MC.2012.0.18"),
    "aquarelle-4.xml": ("05000000105", "MC.2012.0.17"),
    "aquarelle-5.xml": ("05000000101", "MC.2012.0.16"),
    "aquarelle-6.xml": ("05000000103", "MC.2012.0.15"),
    "aquarelle-7.xml": ("05000000099", "MC.2012.0.14"),
    "aquarelle-8.xml": ("05000000097", "MC.2012.0.13"),
    "aquarelle-9.xml": ("05000000093", "MC.2012.0.12"),
    "aquarelle-10.xml": ("05000000091", "MC.2012.0.10"),
    "aquarelle-11.xml": ("05000000086", "MC.2012.0.9"),
    "aquarelle-12.xml": ("05000000084", "MC.2012.0.8"),
    "aquarelle-13.xml": ("05000000083", "MC.2012.0.7"),
    "aquarelle-14.xml": ("05000000081", "MC.2012.0.6"),
    "aquarelle-15.xml": ("05000000079", "MC.2012.0.5"),
}


def test_the_fifteen_harvested_notices_have_their_ref_and_inventory_number():
    found = {}
    for path in sorted(HARVEST.glob("*.xml")):
        (record,) = list(joconde.read_objects(path))
        found[path.name] = (record.joconde_ref, record.inventory_number)
        assert record.warnings == []
        assert record.raw["LOCA"] == "Tulle ; musée du Cloître André Mazeyrie"
        assert record.raw["VIDEO"].startswith("http://www.culture.gouv.fr/Wave/image/joconde/")
        assert record.makers[0].name == "Gaston Vuillier"
    assert found == HARVEST_REFS


def test_harvest_labels_become_tags():
    (notice,) = read(HARVEST / "aquarelle-1.xml")
    assert list(notice.fields) == [
        "REF",
        "ONLINE",
        "DOMN",
        "TITR",
        "AUTR",
        "PAUT",
        "PERI",
        "MILL",
        "HIST",
        "TECH",
        "DESC",
        "DIMS",
        "INSC",
        "PINS",
        "REPR",
        "PREP",
        "LOCA",
        "STAT",
        "DACQ",
        "INV",
        "EXPO",
        "BIBL",
        "REDA",
        "COPY",
        "PHOT",
        "VIDEO",
    ]
    assert notice.fields["REPR"] == "vue d'architecture (terrasse : château)"
    assert notice.fields["PHOT"] == "© Chevrier"
    assert notice.fields["VIDEO"] == (
        "http://www.culture.gouv.fr/Wave/image/joconde/0675/m050004_0000192_p.jpg"
    )


def test_a_harvested_notice_in_cartels_terms():
    record = joconde.to_object_record(read(HARVEST / "aquarelle-1.xml")[0])
    assert record.numbers == [
        ("n° 130", "catalogue", "catalogue Fourgeaud"),
        ("p. 361 n° 2", "catalogue", "catalogue André Mazeyrie"),
        ("53.127", "previous_inventory", "Minutes d'inventaire SOUCHAL"),
    ]
    assert record.makers == [
        MakerRecord(
            name="Gaston Vuillier", surname="Vuillier", forenames="Gaston", role="dessinateur"
        )
    ]
    assert [(d.kind, str(d.value), d.part) for d in record.dimensions] == [
        ("height", "26.8", "avec montage"),
        ("height", "32.2", "avec montage"),
        ("height", "26.4", ""),
        ("width", "30.7", ""),
    ]
    assert record.terms == {
        "domains": ["dessin"],
        "techniques": [
            "papier vélin",
            "pierre noire",
            "aquarelle",
            "pierre noire",
            "rehaut (gouache, blanche)",
            "carton",
        ],
        "periods": ["4e quart 19e siècle"],
        "subjects": ["vue d'architecture (terrasse : château)"],
    }
    assert record.fields["title"] == "La terrasse de Pebeyre"
    assert record.fields["creation_date"] == "1899"
    assert record.fields["inscriptions_note"] == "signature\nEn bas à droite : G. Vuillier"
    assert record.fields["cataloguers"].startswith("FOURGEAUD René ; MAZEYRIE André ;")
    assert record.raw["PAUT"].startswith("Gaston Vuillier est né le 7 octobre 1845 à Gincla")
    assert "is_public" not in record.fields


def test_an_unknown_label_is_kept_and_reported(tmp_path):
    path = write(
        tmp_path,
        "h.xml",
        '<?xml version="1.0" encoding="UTF-8"?><RECORD><REQ>05000000001</REQ>'
        '<FIELD NAME="Numéro d’inventaire">MC.1</FIELD>'
        '<FIELD NAME="Précisions  utilisation">fête</FIELD><FIELD NAME="TECH">huile</FIELD>'
        '<FIELD NAME="Odeur">violette</FIELD><!-- a comment --></RECORD>',
    )
    (notice,) = read(path)
    assert notice.fields == {
        "REF": "05000000001",
        "INV": "MC.1",
        "PUTI": "fête",
        "TECH": "huile",
        "Odeur": "violette",
    }
    assert notice.warnings == [
        "the label “Odeur” has no Joconde tag: kept in the imported record only"
    ]
    assert joconde.to_object_record(notice).warnings == [
        ("", "the label “Odeur” has no Joconde tag: kept in the imported record only")
    ]


@pytest.mark.parametrize(
    "xml, message",
    [
        (
            '<?xml version="1.0"?><!DOCTYPE RECORD [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<RECORD><REQ>1</REQ><FIELD NAME="Titre">&x;</FIELD></RECORD>',
            "DOCTYPE",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE RECORD [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            '<RECORD><REQ>1</REQ><FIELD NAME="Titre">&c;</FIELD></RECORD>',
            "DOCTYPE",
        ),
        ('<?xml version="1.0"?><RECORD><REQ>1</REQ><FIELD NAME="Titre">', "not well-formed"),
        ('<?xml version="1.0"?><records><record/></records>', "no RECORD element"),
    ],
)
def test_unsafe_or_broken_xml_is_refused(tmp_path, xml, message):
    with pytest.raises(SourceFileError, match=message):
        read(write(tmp_path, "h.xml", xml))


# --------------------------------------------------------------------------- Actimuse, CSV


def test_the_actimuse_export_gives_its_two_notices():
    first, second = list(joconde.read_objects(ACTIMUSE))
    assert [(r.record_number, r.joconde_ref, r.inventory_number) for r in (first, second)] == [
        (1, "M0354011600", "000919-1"),
        (2, "M0354017656", "000919-49-1"),
    ]
    assert (
        first.fields["use_details"]
        == "A l’occasion du mariage de G. Galmiche. ; DUBOIS (utilisateur)"
    )
    assert first.terms["techniques"] == ["papier (cartonné, typographie, en relief, argenté)"]
    assert [(d.kind, d.value, d.unit) for d in first.dimensions] == [
        ("width", Decimal("8"), "cm"),
        ("height", Decimal("16.5"), "cm"),
    ]
    assert first.legal_status == {
        "statement": "propriété du département ; Haute-Saône ; don ; Musée Départemental Albert Demard"
    }
    assert (first.raw["Cote"], first.raw["Support"], first.raw["Auteur"]) == (
        "M0354_000919-001_1",
        "DV5_M0354_2013_1",
        "MONNIN Jacques",
    )
    assert second.makers == [MakerRecord(name="anonyme")]
    assert second.fields["cataloguers"] == "CROTTET Nicole ; COUTURIER Luisa ; BARDIAU Jérôme"
    assert first.warnings == second.warnings == []


def test_pop_csv_pads_short_refs_and_reads_quoted_cells(tmp_path):
    path = write(
        tmp_path,
        "notices.csv",
        '"REF";"INV";"DOMN";"TITR";"DESC";"Notes internes"\r\n'
        '"1610014147";"A1983.15.1";"archéologie ; sculpture";"Main";"Une main ""droite""\r\n'
        'sur deux lignes";"à ne pas importer"\r\n'
        "\r\n"
        '" M0017000002 ";"";"dessin";"";"";""\r\n',
        "cp1252",
    )
    notice, rejected = read(path)
    assert (notice.record_number, notice.ref) == (1, "01610014147")
    assert notice.fields == {
        "REF": "01610014147",
        "INV": "A1983.15.1",
        "DOMN": "archéologie ; sculpture",
        "TITR": "Main",
        "DESC": 'Une main "droite"\r\nsur deux lignes',
    }
    assert notice.warnings == ["REF 1610014147 padded to 01610014147, as POP does"]
    assert joconde.to_object_record(notice).fields["description"] == (
        'Une main "droite"\r\nsur deux lignes'
    )
    assert rejected == RejectedRecord(
        str(path), 3, "M0017000002", "INV", "no INV (the inventory number)"
    )


def test_a_csv_ref_that_pads_to_another_is_a_duplicate(tmp_path):
    path = write(tmp_path, "n.csv", "REF;INV\n123;A\n00000000123;B\n")
    with pytest.raises(SourceFileError, match="REF 00000000123 is in notices 1 and 2"):
        read(path)


def test_a_badly_quoted_csv_is_refused(tmp_path):
    with pytest.raises(SourceFileError, match="badly formed CSV"):
        read(write(tmp_path, "n.csv", 'REF;INV\n"1;A"x\n'))


# --------------------------------------------------------------------------- meaning


@pytest.mark.parametrize(
    "dims, parsed",
    [
        (
            "Hauteur en cm 26.4 ; Largeur en cm 30.7",
            [("height", "26.4", "cm", ""), ("width", "30.7", "cm", "")],
        ),
        ("H. 61, l. 50", [("height", "61", "cm", ""), ("width", "50", "cm", "")]),
        ("Hauteur en cm avec montage 26.8", [("height", "26.8", "cm", "avec montage")]),
        ("l. 10,6 cm ; H. 16,5 cm", [("width", "10.6", "cm", ""), ("height", "16.5", "cm", "")]),
        ("Poids en kg 2.5 ; P. 4 mm", [("weight", "2.5", "kg", ""), ("depth", "4", "mm", "")]),
        ("Hauteur en cm 1.64 ; Epaisseur en cm", None),
        ("61 x 50 cm", None),
        ("H. 61 ; environ 30 cm", None),
        ("Pds 300", None),  # a weight needs its unit
        ("Hauteur en kg 3", None),
        ("Hauteur en cm 0", None),
        ("Hauteur en cm 1.2345", None),  # Cartel keeps 3 decimals
        ("Couleur en cm 3", None),
    ],
)
def test_dims_are_structured_only_when_wholly_understood(dims, parsed):
    values, note = joconde.parse_dims(dims)
    assert [(d.kind, str(d.value), d.unit, d.part) for d in values] == (parsed or [])
    assert note == ("" if parsed else dims)


@pytest.mark.parametrize(
    "autr, maker",
    [
        (
            "VUILLIER Gaston (dessinateur)",
            MakerRecord("Gaston Vuillier", "Vuillier", "Gaston", role="dessinateur"),
        ),
        (
            "LA TOUR Georges de (peintre)",
            MakerRecord("Georges de La Tour", "La Tour", "Georges de", role="peintre"),
        ),
        (
            "D'ORLÉANS Marie (sculpteur, dessinateur)",
            MakerRecord(
                "Marie D'Orléans",
                "D'Orléans",
                "Marie",
                role="sculpteur",
                note="sculpteur, dessinateur",
            ),
        ),
        ("DUBOIS (utilisateur)", MakerRecord("Dubois", "Dubois", role="utilisateur")),
        (
            "RUBENS Pierre Paul (d’après) (peintre)",
            MakerRecord(
                "Pierre Paul Rubens", "Rubens", "Pierre Paul", role="peintre", qualifier="d'après"
            ),
        ),
        (
            "anonyme (céramiste, artisan)",
            MakerRecord("anonyme", role="céramiste", note="céramiste, artisan"),
        ),
        ("anonyme", MakerRecord("anonyme")),
        ("ANONYME", MakerRecord("ANONYME")),
        (
            "Manufacture nationale de Sèvres (manufacture)",
            MakerRecord("Manufacture nationale de Sèvres", role="manufacture", organisation=True),
        ),
    ],
)
def test_autr_entries_become_makers(autr, maker):
    assert joconde.parse_author(autr) == maker


def test_several_makers_are_split_on_semicolons(tmp_path):
    record = record_of(
        "REF\nM1\nINV\nA1\nAUTR\nNADAR (photographe) ; anonyme (tireur)\n//\n", tmp_path
    )
    assert [(m.name, m.role) for m in record.makers] == [
        ("Nadar", "photographe"),
        ("anonyme", "tireur"),
    ]


@pytest.mark.parametrize(
    "tech, parts",
    [
        (
            "papier vélin, crayon graphite, aquarelle, rehaut (gouache, blanche), carton",
            ["papier vélin", "crayon graphite", "aquarelle", "rehaut (gouache, blanche)", "carton"],
        ),
        ("peinture à l'huile ; toile", ["peinture à l'huile", "toile"]),
        ("papier (cartonné, typographie) ; encre", ["papier (cartonné, typographie)", "encre"]),
        ("bronze", ["bronze"]),
    ],
)
def test_tech_is_split_outside_parentheses(tech, parts):
    assert joconde.split_outside_parentheses(tech) == parts


def test_inventory_number_links_and_location_warnings(tmp_path):
    record = record_of(
        "REF\nM1\nINV\nA1 ; 12 ; 845 (inventaire 1890)\n"
        "WWW\nhttps://example.org/a ; https://example.org/b#c\nREFMER\nPA00113108\n"
        "LVID\nhttps://video.example.org/v?x=1;y=2\n"
        "LOCA\nAutun ; musée Rolin ; volé\nMUSEO\nM0017\nTITR\nDeux#lignes\n//\n",
        tmp_path,
    )
    assert record.inventory_number == "A1"
    assert record.numbers == [("12", "other", ""), ("845", "previous_inventory", "inventaire 1890")]
    assert record.links == [
        ("WWW", "https://example.org/a", ""),
        ("WWW", "https://example.org/b#c", ""),
        ("LVID", "https://video.example.org/v?x=1;y=2", ""),  # LVID holds one address
        ("REFMER", "PA00113108", ""),
    ]
    assert record.warnings == [
        (
            "LOCA",
            "the notice says the work is “volé”: record it through a récolement "
            "(kept in the imported record)",
        )
    ]
    assert record.fields == {"title": "Deux\nlignes", "in_joconde": True}
    assert record.raw["TITR"] == "Deux#lignes" and record.raw["MUSEO"] == "M0017"


@pytest.mark.parametrize(
    "loca, flagged",
    [
        ("Autun ; musée Rolin ; disparue", True),
        ("localisation inconnue", True),
        ("Paris ; musée Manquant", True),
        ("Paris ; musée de l'Envolée", False),
        ("Autun ; musée Rolin", False),
    ],
)
def test_a_missing_work_is_flagged_not_recorded(tmp_path, loca, flagged):
    record = record_of(f"REF\nM1\nINV\nA1\nLOCA\n{loca}\n//\n", tmp_path)
    assert [field for field, _ in record.warnings] == (["LOCA"] if flagged else [])
    assert record.raw["LOCA"] == loca and "MANQUANT" not in record.raw


def test_an_empty_first_inventory_value_is_rejected(tmp_path):
    record = record_of("REF\nM1\nINV\n ; n° 3\n//\n", tmp_path)
    assert record == RejectedRecord(
        str(tmp_path / "notice.txt"),
        1,
        "M1",
        "INV",
        "the inventory number (first value of INV) is empty",
    )


def test_read_objects_passes_rejections_through():
    (rejected,) = list(joconde.read_objects(POP / "joconde-invalid-UTF-8.txt"))
    assert isinstance(rejected, RejectedRecord) and rejected.field == "INV"


def test_a_field_beyond_the_csv_limit_is_a_file_error(tmp_path):
    """Found by tests/fuzz: csv.Error (field larger than field limit) escaped the reader."""
    actimuse = tmp_path / "actimuse.csv"
    actimuse.write_text("Cote|Support|Auteur|Notice\n" + "a" * 140_000 + "\n", encoding="utf-8")
    with pytest.raises(SourceFileError, match="Actimuse"):
        list(joconde.read_notices(actimuse))
    one_long_line = tmp_path / "long.csv"
    one_long_line.write_text('"' + "a" * 140_000 + '"|b\n', encoding="utf-8")
    with pytest.raises(SourceFileError, match="not a Joconde file"):
        list(joconde.read_notices(one_long_line))
