"""importers.filemaker on the real FileMaker exports and on broken or unsafe ones."""

import re
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest

from importers import filemaker
from importers.records import RejectedRecord, SourceFileError, SourceRow

DATA = Path(__file__).resolve().parent.parent / "data"
FILEMAKER = DATA / "filemaker"
MALFORMED = DATA / "malformed-objects"
BELL = FILEMAKER / "fmpxmlresult_bell_gallery_subset-a_raw.xml"
CITATIONS = FILEMAKER / "fmpdsoresult_isiscb_chunked_citation.xml"
TATE = DATA / "museum-open-data" / "edge-cases" / "tate_artwork_data_2013-10-10_truncated.csv"


def read_all(path):
    """Everything read before the end, and the SourceFileError that ended it (or None)."""
    items = []
    try:
        for item in filemaker.read_rows(path):
            items.append(item)
    except SourceFileError as error:
        return items, error
    return items, None


# --------------------------------------------------------------------------- FMPXMLRESULT


def test_bell_gallery_gives_46_rows_of_36_fields_by_position():
    rows, error = read_all(BELL)
    assert error is None
    assert len(rows) == 46 and all(isinstance(row, SourceRow) for row in rows)
    fields = re.findall(rb'<FIELD [^>]*NAME="([^"]+)"', BELL.read_bytes())
    assert len(fields) == 36
    assert all(list(row.values) == ["@RECORDID", *(f.decode() for f in fields)] for row in rows)
    first = rows[0].values
    assert first["@RECORDID"] == ["399"]
    assert first["calc_accession_id"] == ["SC 1986.63"]
    assert first["object_title"] == ["Split Chess Pieces"]
    assert first["ARTISTS::calc_artist_full_name"] == ["Arman (Armand Fernandez)"]
    assert (first["object_height"], first["object_width"], first["object_depth"]) == (
        ["16"],
        ["7"],
        ["1.125"],
    )
    assert [row.record_number for row in rows] == list(range(1, 47))
    assert rows[42].values["object_height"] == ["23 1/2"]  # B 2013.1, as written


def test_values_are_kept_as_written_and_empty_cols_hold_none():
    rows, _ = read_all(BELL)
    cols = [values for row in rows for name, values in row.values.items() if name != "@RECORDID"]
    assert len(cols) == 46 * 36
    # PROVENANCE.md: <COL><DATA></DATA></COL> 430 times, <COL></COL> 108 times
    assert sum(values == [""] for values in cols) == 430
    assert sum(values == [] for values in cols) == 108
    # COLs holding several DATA (PROVENANCE.md says 54; the file has 48, counted below)
    raw_cols = re.findall(rb"<COL>(.*?)</COL>", BELL.read_bytes())
    assert sum(col.count(b"<DATA>") > 1 for col in raw_cols) == 48
    assert sum(len(values) > 1 for values in cols) == 48
    fifth = rows[4].values
    assert fifth["SERIES::series_name"] == [] and fifth["image_height"] == [""]
    media = Counter(v for row in rows for v in row.values["MEDIA_SUB::sub_media_name"])
    assert media["Glass  "] == 15  # trailing spaces as FileMaker wrote them


def test_related_values_repeat_in_order_so_they_can_be_zipped():
    rows, _ = read_all(BELL)
    assert rows[1].values["MEDIA_SUB::sub_media_name"] == ["Dye transfer print", "Screenprint"]
    cocteau = rows[18].values
    assert cocteau["calc_accession_id"] == ["SC 1966.6548"]
    assert cocteau["ARTISTS::artist_last_name"] == ["Cocteau", "Constantini"]
    assert cocteau["ARTISTS::artist_first_name"] == ["Jean", "Egidio"]
    assert cocteau["ARTISTS::artist_birth_year"] == ["1889", "1912"]
    assert cocteau["OBJECT_ARTISTS::artist_role"] == ["", "executed by"]
    assert cocteau["ARTISTS::artist_alias"] == ["", ""]
    carli = rows[19].values
    assert carli["ARTISTS::artist_last_name"] == ["Ernst", "Carli"]
    assert carli["ARTISTS::artist_birth_year"] == ["1891", ""]


def test_a_row_with_a_missing_col_is_rejected_and_the_others_are_read():
    broken = (MALFORMED / "bell_gallery_broken_row.xml").read_bytes()
    original = BELL.read_bytes()
    removed = b"<COL><DATA>Arneson SC_1977.1167.tif</DATA></COL>"
    assert broken == original.replace(removed + b"</ROW>", b"</ROW>", 1)
    rows, error = read_all(MALFORMED / "bell_gallery_broken_row.xml")
    assert error is None and len(rows) == 46
    rejected = [row for row in rows if isinstance(row, RejectedRecord)]
    assert rejected == [
        RejectedRecord(
            str(MALFORMED / "bell_gallery_broken_row.xml"),
            5,
            "",
            "",
            "35 COL elements for 36 fields (RECORDID 403): the row is broken; export it again",
        )
    ]
    assert rows[5].values["calc_accession_id"] == ["SC 1991.22"]
    assert [row.record_number for row in rows] == list(range(1, 47))


def test_a_cut_file_gives_its_complete_rows_then_ends_with_a_message():
    cut = (MALFORMED / "bell_gallery_cut.xml").read_bytes()
    assert cut == BELL.read_bytes()[:27114] and cut.count(b"</ROW>") == 21
    rows, error = read_all(MALFORMED / "bell_gallery_cut.xml")
    assert len(rows) == 21 and all(isinstance(row, SourceRow) for row in rows)
    assert error.file == str(MALFORMED / "bell_gallery_cut.xml")
    assert error.reason.startswith("not well-formed XML at line 1, after row 21 (Premature end")
    assert error.reason.endswith("the file is damaged or cut off; export it again")


# --------------------------------------------------------------------------- FMPDSORESULT


@pytest.mark.parametrize(
    "name, count, record_ids",
    [
        ("fmpdsoresult_isiscb_chunked_citation.xml", 22, True),
        ("fmpdsoresult_isiscb_chunked_ccrelation.xml", 10, True),
        ("fmpdsoresult_isiscb_authority.xml", 3, False),
        ("fmpdsoresult_isiscb_citation.xml", 2, False),
        ("fmpdsoresult_isiscb_linkeddata.xml", 2, False),
        ("fmpdsoresult_isiscb_tracking.xml", 2, False),
    ],
)
def test_every_isiscb_file_gives_its_rows(name, count, record_ids):
    rows, error = read_all(FILEMAKER / name)
    assert error is None and len(rows) == count
    assert all(isinstance(row, SourceRow) and row.values.get("ID") for row in rows)
    assert all(("@RECORDID" in row.values) == record_ids for row in rows)


def test_dso_element_names_are_field_names_with_or_without_prefix():
    rows, _ = read_all(CITATIONS)
    first = rows[0].values
    assert first["@RECORDID"] == ["1"]
    assert first["ID"] == ["CBB000111626"]
    assert first["Type.controlled"] == ["Book"]
    assert first["Title"] == [
        "The Reveries of the Solitary Walker, Botanical Writings, and Letters to Franquières"
    ]
    assert first["ModifiedOn"] == ["5/12/2016 2:07:52 PM"]
    assert first["Abstract"] == [] and first["Description"] == []  # <ns0:Abstract />
    first_row = CITATIONS.read_text(encoding="utf-8").split("</ns0:ROW>")[0]
    assert len(first) == first_row.count("<ns0:") - 1 + 1 == 31  # elements but ROW, @RECORDID
    assert Counter(row.first("Type.controlled") for row in rows) == {
        "Book": 12,
        "Article": 8,
        "EssayReview": 2,
    }
    assert rows[1].values["Description"] == [
        "Ziman, a theoretical physicist, discusses the social institutions of science, and "
        "expresses concerns about “post-academic” science tied to industrial concerns."
    ]
    authority, _ = read_all(FILEMAKER / "fmpdsoresult_isiscb_authority.xml")
    assert [row.first("Type.controlled") for row in authority] == [
        "Institution",
        "Person",
        "Institution",
    ]
    assert authority[0].values["Name"] == ["Test Thing"]


def test_dso_repeated_values_come_as_data_children(tmp_path):
    path = tmp_path / "dso.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<FMPDSORESULT xmlns="http://www.filemaker.com/fmpdsoresult">'
        "<ERRORCODE>0</ERRORCODE>"
        '<ROW MODID="3" RECORDID="7"><inv>2026.1.1</inv>'
        "<Auteur><DATA>Gallé</DATA><DATA></DATA><DATA>Daum</DATA></Auteur>"
        "<Titre>  Vase « Œuf »  </Titre><Vide>   </Vide></ROW>"
        "</FMPDSORESULT>",
        encoding="utf-8",
    )
    (row,) = filemaker.read_rows(path)
    assert row.values == {
        "@RECORDID": ["7"],
        "inv": ["2026.1.1"],
        "Auteur": ["Gallé", "", "Daum"],
        "Titre": ["  Vase « Œuf »  "],
        "Vide": [],
    }


def test_a_filemaker_error_code_refuses_the_export(tmp_path):
    path = tmp_path / "error.xml"
    text = (FILEMAKER / "fmpdsoresult_isiscb_authority.xml").read_text(encoding="utf-8")
    path.write_text(text.replace("<ERRORCODE>0<", "<ERRORCODE>802<"), encoding="utf-8")
    rows, error = read_all(path)
    assert rows == []
    assert error.reason == "FileMaker wrote error code 802 in the export: export it again"


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    "path, grammar",
    [
        (BELL, "FMPXMLRESULT"),
        (CITATIONS, "FMPDSORESULT"),
        (FILEMAKER / "fmpdsoresult_isiscb_authority.xml", "FMPDSORESULT"),  # after a comment
        (MALFORMED / "bell_gallery_cut.xml", "FMPXMLRESULT"),
        (MALFORMED / "filemaker_xxe.xml", None),
        (TATE, None),
        (DATA / "nowhere.xml", None),
    ],
)
def test_detect_by_root_element(path, grammar):
    assert filemaker.detect(path) == grammar


def test_a_file_that_is_not_a_filemaker_export_is_refused_at_once(tmp_path):
    with pytest.raises(SourceFileError) as error:
        filemaker.read_rows(TATE)
    assert error.value.reason == "not an XML file: a FileMaker XML export starts with “<”"
    other = tmp_path / "catalogue.xml"
    other.write_text('<?xml version="1.0"?><!-- x --><catalog><ROW/></catalog>', encoding="utf-8")
    with pytest.raises(SourceFileError) as error:
        filemaker.read_rows(other)
    assert error.value.reason == (
        "not a FileMaker XML export: the root element is <catalog>, not FMPXMLRESULT or "
        "FMPDSORESULT"
    )
    with pytest.raises(SourceFileError, match="cannot be read"):
        filemaker.read_rows(tmp_path / "absent.xml")


# --------------------------------------------------------------------------- unsafe XML


@pytest.mark.parametrize("name", ["filemaker_xxe.xml", "filemaker_entity_bomb.xml"])
def test_entity_declarations_are_refused_before_parsing(name):
    path = MALFORMED / name
    assert b"<!DOCTYPE FMPXMLRESULT [<!ENTITY" in path.read_bytes()
    with pytest.raises(SourceFileError) as error:
        filemaker.read_rows(path)  # refused at the call: not one event was parsed
    assert error.value.file == str(path)
    assert error.value.reason == filemaker.DOCTYPE_REFUSED
    assert "DOCTYPE" in str(error.value) and "export it again" in str(error.value)


def test_a_doctype_the_prolog_check_cannot_see_is_refused_and_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        f'<!DOCTYPE FMPXMLRESULT [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        '<FMPXMLRESULT xmlns="http://www.filemaker.com/fmpxmlresult"><METADATA>'
        '<FIELD NAME="inv"/></METADATA><RESULTSET><ROW RECORDID="1"><COL><DATA>&xxe;</DATA>'
        "</COL></ROW></RESULTSET></FMPXMLRESULT>"
    )
    path = tmp_path / "utf16.xml"
    path.write_bytes(xml.encode("utf-16"))  # with a BOM: the byte check leaves it to lxml
    assert filemaker._prolog(path) == (None, False)
    rows, error = read_all(path)
    assert rows == [] and error.reason == filemaker.DOCTYPE_REFUSED
    assert "TOP-SECRET" not in str(error)


def test_a_doctype_after_a_comment_is_still_seen(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!-- <FMPXMLRESULT> -->\n'
        '<!doctype FMPXMLRESULT [<!ENTITY a "b">]><FMPXMLRESULT/>',
        encoding="utf-8",
    )
    with pytest.raises(SourceFileError, match="DOCTYPE"):
        filemaker.read_rows(path)


def test_rows_are_cleared_as_they_are_read(tmp_path):
    row = "".join(f"<COL><DATA>valeur {n} « é »</DATA></COL>" for n in range(20))
    fields = "".join(f'<FIELD NAME="f{n}"/>' for n in range(20))
    path = tmp_path / "big.xml"
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<FMPXMLRESULT xmlns="http://www.filemaker.com/fmpxmlresult">')
        fh.write(f"<METADATA>{fields}</METADATA><RESULTSET>")
        for n in range(5_000):
            fh.write(f'<ROW RECORDID="{n}">{row}</ROW>')
        fh.write("</RESULTSET></FMPXMLRESULT>")
    assert path.stat().st_size > 3_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in filemaker.read_rows(path))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 5_000 and peak < 500_000
