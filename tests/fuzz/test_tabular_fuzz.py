"""CSV and XLSX reader (`importers.tabular.read_rows`) on odd and damaged spreadsheets."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from importers.records import RejectedRecord, SourceFileError, SourceRow
from importers.tabular import read_rows

from .strategies import data_file, examples, line_endings, mutated, safe_text, tried

CSV_FILES = [
    "malformed-objects/inventaire.tsv",
    "malformed-objects/inventaire_cp1252.csv",
    "malformed-objects/inventaire_utf16.csv",
]
TATE = data_file("museum-open-data/edge-cases/tate_artwork_data_2013-10-10_truncated.csv")[:6000]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tabular")


def read_all(path: Path, **options) -> list | None:
    """The rows of a file, or None when it was refused, as documented, naming the file."""
    tried("csv/xlsx")
    outcomes = []
    try:
        for outcome in read_rows(path, **options):
            assert isinstance(outcome, SourceRow | RejectedRecord), outcome
            assert outcome.file == str(path)
            if isinstance(outcome, RejectedRecord):
                assert outcome.record_number >= 1 and outcome.reason
                assert str(outcome).startswith(f"{path}, record {outcome.record_number}")
            outcomes.append(outcome)
    except SourceFileError as error:
        assert error.file == str(path) and error.reason
        return None
    return outcomes


@given(original=st.sampled_from([*map(data_file, CSV_FILES), TATE]), data=st.data())
def test_a_damaged_csv_gives_rows_rejections_or_a_file_error(folder, original, data):
    path = folder / "damaged.csv"
    path.write_bytes(data.draw(mutated(original)))
    read_all(path)


HEADER = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyzé_ 0123456789", min_size=1, max_size=12).filter(str.strip),
    min_size=1,
    max_size=6,
)
CELL = safe_text(max_size=30) | st.sampled_from(['"', '""', "\r\n", "\r", "a\nb", " ", "=1+1", ";"])


@given(
    header=HEADER,
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    ending=line_endings(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    final_break=st.booleans(),
)
def test_every_row_of_a_csv_is_read_or_rejected(
    folder, header, data, delimiter, quoting, ending, encoding, final_break
):
    """N rows written with odd quoting, delimiters, line endings and encodings: N outcomes,
    each value exactly as written."""
    width = len(header)
    rows = data.draw(
        st.lists(
            st.lists(CELL, min_size=width, max_size=width) | st.lists(CELL, max_size=width + 2),
            max_size=8,
        )
    )
    if quoting == csv.QUOTE_MINIMAL and any("\r" in c or "\n" in c for r in rows for c in r):
        quoting = csv.QUOTE_ALL  # the writer quotes only its own line ending: ambiguous CSV
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=ending)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if not final_break:
        text = text.removesuffix(ending)
    path = folder / "generated.csv"
    path.write_bytes(text.encode(encoding))
    outcomes = read_all(path, delimiter=delimiter)
    kept = [row for row in rows if any(cell.strip() for cell in row)]
    if outcomes is None:  # only a short last row without a final line break
        assert not final_break and rows and len(rows[-1]) not in (width,)
        return
    assert len(outcomes) == len(kept)
    columns = [name.strip() for name in header]
    for outcome, row in zip(outcomes, kept, strict=True):
        if len(row) == width:
            assert isinstance(outcome, SourceRow)
            assert [outcome.values[c][columns[:i].count(c)] for i, c in enumerate(columns)] == row
        else:
            assert isinstance(outcome, RejectedRecord) and f"{len(row)} values" in outcome.reason


@given(
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\r\n\r\n", b"\xff\xfe", b"\x00"]),
    body=st.binary(max_size=300),
    suffix=st.sampled_from([b"", b'"', b"\r", b"\x1a"]),
)
@example(prefix=b"", body=b'a;b\n1;"2\n', suffix=b"")
@example(prefix=b"", body=b"a\n" + b"x" * 140_000 + b"\n", suffix=b"")
def test_random_bytes_as_csv(folder, prefix, body, suffix):
    path = folder / "random.csv"
    path.write_bytes(prefix + body + suffix)
    read_all(path)


# ---- XLSX

XLSX_VALUE = st.one_of(
    st.none(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(9999, 1, 1)),
    st.dates(min_value=datetime.date(1900, 3, 1)),
    st.times(),
    safe_text(max_size=40).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)),
    st.sampled_from(["=1/0", "=A1&B1", "#DIV/0!", "#N/A", "#REF!", " ", "x" * 32767, "\u00a0"]),
)


def workbook_bytes(rows, title="Inventaire") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@settings(max_examples=examples(30))
@given(
    header=HEADER,
    rows=st.lists(st.lists(XLSX_VALUE, max_size=7), max_size=6),
    leading_blank_rows=st.integers(0, 2),
)
def test_every_row_of_a_workbook_is_read_or_rejected(folder, header, rows, leading_blank_rows):
    path = folder / "generated.xlsx"
    path.write_bytes(workbook_bytes([[None]] * leading_blank_rows + [header, *rows]))
    outcomes = read_all(path)
    assert outcomes is not None
    assert all(o.record_number <= len(rows) for o in outcomes)
    nonblank = [r for r in rows if any(v is not None and str(v).strip() for v in r)]
    assert len(outcomes) <= len(nonblank)


WORKBOOK = workbook_bytes(
    [["inv", "titre", "date"], *[["2019.1.1", "Vase", datetime.date(1890, 1, 2), 1.5]] * 3]
)


@settings(max_examples=examples(30))
@given(data=st.data())
def test_a_damaged_workbook_gives_rows_rejections_or_a_file_error(folder, data):
    original = WORKBOOK
    path = folder / data.draw(st.sampled_from(["damaged.xlsx", "damaged.csv"]))
    path.write_bytes(data.draw(mutated(original, max_ops=2)))
    read_all(path)
