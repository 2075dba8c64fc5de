"""importers.tabular on real and hand-made files: encodings, delimiters, truncation, XLSX cells."""

import csv
import datetime
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from importers import tabular
from importers.records import RejectedRecord, SourceFileError, SourceRow

DATA = Path(__file__).resolve().parent.parent / "data"
MALFORMED = DATA / "malformed-objects"
TATE = DATA / "museum-open-data" / "edge-cases" / "tate_artwork_data_2013-10-10_truncated.csv"
TATE_COLUMNS = (
    "id accession_number artist artistId title dateText creditLine year dimensions width "
    "height depth units inscription thumbnailUrl"
).split()


def read_all(path, **options):
    """Everything read before the end, and the SourceFileError that ended it (or None)."""
    items = []
    try:
        for item in tabular.read_rows(path, **options):
            items.append(item)
    except SourceFileError as error:
        return items, error
    return items, None


# --------------------------------------------------------------------------- CSV encodings


@pytest.mark.parametrize(
    "name, encoding, delimiter",
    [
        ("inventaire_cp1252.csv", "cp1252", ";"),
        ("inventaire_utf16.csv", "utf-16", "\t"),
    ],
)
def test_local_exports_are_read_as_written_in_their_encoding(name, encoding, delimiter):
    path = MALFORMED / name
    assert tabular.detect_encoding(path) == encoding
    with path.open(encoding=encoding, newline="") as fh:
        assert tabular.sniff_delimiter(fh.readline()) == delimiter
    rows, error = read_all(path)
    assert error is None
    assert [type(row) for row in rows] == [SourceRow, SourceRow]
    assert [row.record_number for row in rows] == [1, 2]
    assert rows[0].values == {
        "numéro": ["2026.5.1"],
        "titre": ["« Le Cœur » de la forêt"],
        "auteur": ["Émile Gallé"],
        "domaine": ["verrerie"],
        "hauteur": ["12,5"],
    }
    assert rows[1].values["titre"] == ["Vase à l'œuf"]
    assert rows[1].values["hauteur"] == ["30"]
    assert rows[0].file == str(path)


def test_a_tsv_keeps_line_breaks_and_tabs_inside_quoted_fields():
    rows, error = read_all(MALFORMED / "inventaire.tsv")
    assert error is None
    first, second = rows
    assert first.values["inscriptions"] == ["signé en bas à droite :\r\nMarie Bracquemond"]
    assert first.values["hauteur"] == ["38,5"]
    assert second.record_number == 2
    assert second.values["titre"] == ["Étude\tpour « L'Été »"]
    assert second.values["auteur"] == ["Bracquemond, Marie ; Bracquemond, Félix"]
    assert second.values["hauteur"] == [""]


def test_a_utf8_bom_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffinv,titre\r\n2026.1.1,Été\r\n".encode())
    assert tabular.detect_encoding(path) == "utf-8-sig"
    (row,) = tabular.read_rows(path)
    assert row.values == {"inv": ["2026.1.1"], "titre": ["Été"]}
    # and when the mapping says "utf-8" although the file has a BOM
    (row,) = tabular.read_rows(path, encoding="utf-8")
    assert list(row.values) == ["inv", "titre"]


def test_bytes_that_are_not_even_windows_1252_fall_back_to_latin_1(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"inv;titre\n1;Caf\xe9 \x81\n")  # 0x81 is undefined in Windows-1252
    assert tabular.detect_encoding(path) == "latin-1"
    (row,) = tabular.read_rows(path)
    assert row.values["titre"] == ["Café \x81"]


def test_an_encoding_given_by_the_mapping_wins_and_fails_clearly(tmp_path):
    rows, error = read_all(MALFORMED / "inventaire_cp1252.csv", encoding="utf-8")
    assert rows == []
    assert error.file == str(MALFORMED / "inventaire_cp1252.csv")
    assert error.reason.startswith("not utf-8 text after data row 0 (invalid continuation byte)")
    assert 'encoding = "cp1252"' in error.reason
    with pytest.raises(SourceFileError, match="unknown encoding “klingon”"):
        list(tabular.read_rows(MALFORMED / "inventaire_cp1252.csv", encoding="klingon"))


def test_a_later_block_that_does_not_decode_ends_the_file(tmp_path):
    path = tmp_path / "mixed.csv"
    good = "".join(f"2026.1.{n},Œuvre numéro {n}\n" for n in range(1, 4001))  # > 64 KiB
    assert len(good.encode()) > tabular.SAMPLE
    path.write_bytes(b"inv,titre\n" + good.encode() + "2026.2.1,Café\n".encode("cp1252"))
    assert tabular.detect_encoding(path) == "utf-8"  # decided from the first 64 KiB
    rows, error = read_all(path)
    assert error is not None and error.reason.startswith("not utf-8 text after data row ")
    # the error comes when the block holding the bad byte is decoded: never after the good rows
    assert len(rows) < 4000 and str(len(rows)) in error.reason
    assert all(isinstance(row, SourceRow) for row in rows)


# --------------------------------------------------------------------------- CSV structure


@pytest.mark.parametrize(
    "line, delimiter",
    [
        ('"Titre, sous-titre";"Date";"Auteur"\r\n', ";"),
        ("a|b|c\n", "|"),
        ("a\tb,c\td\n", "\t"),
        ("a,b;c,d\n", ","),
        ("inventaire\n", ","),
    ],
)
def test_the_delimiter_is_the_most_frequent_outside_quotes(line, delimiter):
    assert tabular.sniff_delimiter(line) == delimiter


def test_a_delimiter_given_by_the_mapping_wins(tmp_path):
    path = tmp_path / "objets.txt"
    path.write_text("inv;titre|date\n1;Vase|1900\n", encoding="utf-8")
    (row,) = tabular.read_rows(path, delimiter="|")
    assert row.values == {"inv;titre": ["1;Vase"], "date": ["1900"]}


def test_a_row_that_does_not_fit_the_header_is_rejected_and_reading_goes_on(tmp_path):
    path = tmp_path / "objets.csv"
    path.write_text(
        'inv,titre\n2026.1.1,"Vase\nà deux anses"\n2026.1.2,Coupe,en trop\n\n2026.1.3,Bol\n',
        encoding="utf-8",
    )
    rows, error = read_all(path)
    assert error is None
    assert [type(row) for row in rows] == [SourceRow, RejectedRecord, SourceRow]
    assert rows[0].values == {"inv": ["2026.1.1"], "titre": ["Vase\nà deux anses"]}
    rejected = rows[1]
    assert (rejected.file, rejected.record_number, rejected.field) == (str(path), 2, "")
    assert rejected.reason == "3 values for 2 columns (line 4)"  # line 2-3 hold row 1
    assert str(rejected) == f"{path}, record 2: 3 values for 2 columns (line 4)"
    # the blank line counts as a data row, so numbers stay positions in the file
    assert (rows[2].record_number, rows[2].values["inv"]) == (4, ["2026.1.3"])


def test_unnamed_and_repeated_columns_lose_nothing(tmp_path):
    path = tmp_path / "objets.csv"
    path.write_text("inv;note;;note\n1;a;b;c\n", encoding="utf-8")
    (row,) = tabular.read_rows(path)
    assert row.values == {"inv": ["1"], "note": ["a", "c"], "column 3": ["b"]}


def test_a_quote_in_the_middle_of_a_field_ends_the_file(tmp_path):
    path = tmp_path / "objets.csv"
    path.write_text('inv,titre\n1,Vase\n2,"Coupe" dite "Médicis"\n3,Bol\n', encoding="utf-8")
    rows, error = read_all(path)
    assert [row.values["inv"] for row in rows] == [["1"]]
    assert error.reason == (
        "data row 2 (line 3) is badly quoted (',' expected after '\"'), after data row 1: "
        "correct it or export the file again"
    )


def test_a_file_cut_in_the_middle_of_a_row_is_truncated(tmp_path):
    path = tmp_path / "objets.csv"
    path.write_bytes(b"\r\ninv;titre;date\r\n1;Vase;1900\r\n2;Coupe;1901\r\n3;Bo")
    rows, error = read_all(path)
    assert [type(row) for row in rows] == [SourceRow, SourceRow, RejectedRecord]
    assert rows[0].values == {"inv": ["1"], "titre": ["Vase"], "date": ["1900"]}
    assert error.reason == (
        "the last row (data row 3, line 5) is incomplete and the file ends without a line "
        "break: it is truncated; export it again"
    )
    path.write_bytes("inv;titre;date\r\n1;Vase;1900\r\n3;Bol\r\n".encode("utf-16"))
    rows, error = read_all(path)  # a short last row, but the file ends properly
    assert error is None and rows[-1].reason == "2 values for 3 columns (line 3)"


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty file"), (b"\r\n\r\n", "empty file"), (b" ; ;\n", "empty file")],
)
def test_a_file_without_header_is_refused(tmp_path, content, message):
    path = tmp_path / "vide.csv"
    path.write_bytes(content)
    with pytest.raises(SourceFileError, match=message):
        list(tabular.read_rows(path))


def test_a_missing_file_is_refused_at_once(tmp_path):
    with pytest.raises(SourceFileError) as error:
        tabular.read_rows(tmp_path / "absent.csv")
    assert error.value.reason == "no such file"
    with pytest.raises(SourceFileError, match="cannot be read"):
        list(tabular.read_csv(tmp_path / "absent.csv"))


def test_an_xls_workbook_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "inventaire.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(SourceFileError, match=r"\.xls\) cannot be read: save it as \.xlsx or CSV"):
        tabular.read_rows(path)


# --------------------------------------------------------------------------- the truncated Tate CSV


def test_the_truncated_tate_csv_gives_its_2134_rows_then_refuses_the_file():
    rows, error = read_all(TATE)
    assert len(rows) == 2134 and all(isinstance(row, SourceRow) for row in rows)
    assert [row.record_number for row in rows] == list(range(1, 2135))
    assert all(list(row.values) == TATE_COLUMNS for row in rows)
    assert rows[0].values["accession_number"] == ["A00001"]
    assert rows[0].values["artist"] == ["Blake, Robert"]
    assert rows[0].values["dimensions"] == ["support: 394 x 419 mm"]
    last = rows[-1].values
    assert (last["id"], last["accession_number"], last["title"]) == (
        ["99033"],
        ["AR00396"],
        ["Reigning Queens"],
    )
    assert last["dimensions"] == ["support: 821 x 600 mm\r\nframe: 889 x 668 x 38 mm"]
    assert last["creditLine"][0].startswith("ARTIST ROOMS\r\nAcquired jointly")
    assert error.file == str(TATE)
    assert error.reason == (
        "the file ends inside a quoted field at data row 2135 (line 2634), after data row "
        "2134: it is truncated; export it again"
    )
    # line 2634 is where the partial row starts (AR00397, Warhol)
    lines = TATE.read_bytes().split(b"\r\n")
    assert lines[2633].startswith(b'99034,AR00397,"Warhol, Andy"')


def test_the_tate_csv_agrees_with_the_csv_module():
    with TATE.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        expected = [row for row, _ in zip(reader, range(2134), strict=False)]
    rows, _error = read_all(TATE)
    assert [[values[0] for values in row.values.values()] for row in rows] == expected


def test_reading_a_large_csv_holds_one_row_at_a_time(tmp_path):
    path = tmp_path / "grand.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["inv", "titre", "description"])
        for n in range(40_000):
            writer.writerow([f"2026.{n}", f"Objet {n}", "Une longue description. " * 8])
    assert path.stat().st_size > 8_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in tabular.read_rows(path))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 40_000
    assert peak < 1_000_000  # the file is 8 MB


# --------------------------------------------------------------------------- XLSX


def tate_rows(count):
    with TATE.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        return [row for row, _ in zip(reader, range(count + 1), strict=False)]


@pytest.fixture
def workbook_path(tmp_path):
    """The header and first 30 Tate rows, then typed cells, after an empty first row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tate"
    sheet.append([])
    header, *rows = tate_rows(30)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append([])  # a blank row inside the data
    sheet.append(
        [
            9001,  # int
            "2026.7.1",
            "Gallé, Émile",
            7.0,  # a whole float
            "« Vase » à l'œuf",
            datetime.date(1900, 5, 1),
            None,
            datetime.datetime(1901, 2, 3, 14, 30),
            "support: 120 x 80 mm",
            12.5,
            Decimal("80"),
            0.1,
            True,
            None,
            None,
        ]
    )
    other = workbook.create_sheet("Autre")
    other.append(["inv", "titre", None, None])
    other.append(["2026.8.1", "Vase", None, None])
    other.append(["2026.8.2", "Coupe", "en trop", None])
    path = tmp_path / "inventaire.xlsx"
    workbook.save(path)
    return path


def test_xlsx_rows_keep_every_value_as_text(workbook_path):
    rows, error = read_all(workbook_path)
    assert error is None
    assert len(rows) == 31 and all(isinstance(row, SourceRow) for row in rows)
    header, *tate = tate_rows(30)
    assert list(rows[0].values) == header
    assert [[v[0] for v in row.values.values()] for row in rows[:30]] == tate
    assert rows[0].values["title"] == [
        "A Figure Bowing before a Seated Old Man with his Arm Outstretched in Benediction. "
        "Verso: Indecipherable Sketch"
    ]
    last = rows[-1]
    assert last.record_number == 32  # 30 Tate rows, a blank row, then this one
    assert last.values == {
        "id": ["9001"],
        "accession_number": ["2026.7.1"],
        "artist": ["Gallé, Émile"],
        "artistId": ["7"],
        "title": ["« Vase » à l'œuf"],
        "dateText": ["1900-05-01"],
        "creditLine": [""],
        "year": ["1901-02-03T14:30:00"],
        "dimensions": ["support: 120 x 80 mm"],
        "width": ["12.5"],
        "height": ["80"],
        "depth": ["0.1"],
        "units": ["TRUE"],
        "inscription": [""],
        "thumbnailUrl": [""],
    }


def test_a_named_sheet_and_values_beyond_the_header(workbook_path):
    rows, error = read_all(workbook_path, sheet="Autre")
    assert error is None
    assert rows[0].values == {"inv": ["2026.8.1"], "titre": ["Vase"]}
    rejected = rows[1]
    assert isinstance(rejected, RejectedRecord) and rejected.record_number == 2
    assert rejected.reason == "values beyond the last named column (sheet row 3): ['en trop']"
    with pytest.raises(SourceFileError, match="no sheet “Inventaire”; the sheets are: Tate, Autre"):
        list(tabular.read_rows(workbook_path, sheet="Inventaire"))


def test_a_workbook_is_recognised_by_its_content_and_a_broken_one_refused(workbook_path, tmp_path):
    renamed = tmp_path / "export.csv"
    renamed.write_bytes(workbook_path.read_bytes())
    assert len(list(tabular.read_rows(renamed))) == 31
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(workbook_path.read_bytes()[:2000])
    with pytest.raises(SourceFileError, match="not a readable XLSX workbook"):
        list(tabular.read_rows(broken))
    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    with pytest.raises(SourceFileError, match="empty sheet"):
        list(tabular.read_rows(empty))


@pytest.mark.parametrize(
    "value, text",
    [
        (None, ""),
        (3, "3"),
        (3.0, "3"),
        (1e20, "100000000000000000000"),
        (2.1875, "2.1875"),
        (False, "FALSE"),
        (datetime.datetime(2026, 1, 2), "2026-01-02"),
        (datetime.time(9, 5), "09:05:00"),
        ("  texte  ", "  texte  "),
    ],
)
def test_cell_text(value, text):
    assert tabular.cell_text(value) == text


def test_a_workbook_damaged_inside_its_sheet_is_a_file_error(tmp_path):
    """Found by tests/fuzz: a corrupt sheet raised zlib.error (or BadZipFile) while the rows
    were read, past the checks made when the workbook was opened."""
    workbook = Workbook()
    for number in range(1, 200):
        workbook.active.append([f"2019.1.{number}", "Vase " * 20])
    path = tmp_path / "damaged.xlsx"
    workbook.save(path)
    data = bytearray(path.read_bytes())
    start = data.index(b"xl/worksheets/sheet1.xml") + 200  # inside its compressed data
    data[start : start + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    with pytest.raises(SourceFileError) as error:
        list(tabular.read_rows(path))
    assert error.value.file == str(path) and "workbook" in error.value.reason


def test_a_workbook_whose_sheet_is_missing_is_a_file_error(tmp_path):
    """Found by tests/fuzz: a byte changed in the name of the only sheet's part (in the
    archive's directory) left openpyxl a workbook without worksheets, and an IndexError."""
    workbook = Workbook()
    workbook.active.append(["inventaire", "titre"])
    path = tmp_path / "no-sheet.xlsx"
    workbook.save(path)
    data = path.read_bytes()
    central = data.rindex(b"xl/worksheets/sheet1.xml")  # the central directory's entry
    path.write_bytes(data[:central] + b"y" + data[central + 1 :])  # yl/worksheets/…
    with pytest.raises(SourceFileError) as error:
        list(tabular.read_rows(path))
    assert error.value.file == str(path) and "no worksheet" in error.value.reason
