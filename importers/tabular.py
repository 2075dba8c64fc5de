"""Read spreadsheets row by row: CSV (.csv, .tsv, .txt) in any delimiter and encoding, and XLSX.

Yields one `SourceRow` per data row (column -> [value], text exactly as in the file) and a
`RejectedRecord` for a row that does not fit the header. Raises `SourceFileError` when the
file itself cannot be read — missing, undecodable, badly quoted, cut off inside a quoted
field (a truncated export) — possibly in the middle of the iteration: the loader then keeps
nothing of the file. Record numbers count data rows from 1, the header excluded; messages
also give the line (CSV) or the sheet row (XLSX). Nothing is held in memory but one row.

CSV
    Encoding: from the BOM (UTF-8, UTF-16), else UTF-8 when the first 64 KiB decode as
    UTF-8, else Windows-1252 (Latin-1 if even that fails); a later part that does not
    decode ends the file with a message. Delimiter: the most frequent of ``, ; tab |`` in
    the header line, outside quotes. Read by the csv module in strict mode: quoted fields
    keep their line breaks (CRLF included), and a quote left open is an error, never a
    silent merge of the rows that follow. A file ending inside a quoted field, or with a
    short last row and no final line break, is truncated. Blank rows are skipped; a column
    without a name is called ``column N``; columns sharing a name give several values.
XLSX
    openpyxl in read-only mode (cached values of formulas), the first sheet or the named
    one; the first non-empty row is the header. Cells become text without loss: whole
    numbers without ``.0``, dates and times in ISO 8601, booleans TRUE/FALSE, empty "".
"""

from __future__ import annotations

import codecs
import csv
import datetime
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .records import RejectedRecord, SourceFileError, SourceRow

DELIMITERS = ",;\t|"
SAMPLE = 64 * 1024
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# What openpyxl raises on a damaged workbook: a cut or corrupt zip, broken XML inside it
# (SyntaxError covers the XML parsers' errors), parts missing or of the wrong type.
DAMAGED_XLSX = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    SyntaxError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
)


def read_rows(
    path, *, encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None
) -> Iterator[SourceRow | RejectedRecord]:
    """The rows of a CSV or XLSX file (told apart by extension, then by content)."""
    path = Path(path)
    if not path.is_file():
        raise SourceFileError(str(path), "no such file")
    if path.suffix.lower() == ".xls":
        raise SourceFileError(
            str(path), "an Excel 97-2003 workbook (.xls) cannot be read: save it as .xlsx or CSV"
        )
    if path.suffix.lower() in XLSX_SUFFIXES or zipfile.is_zipfile(path):
        return read_xlsx(path, sheet=sheet)
    return read_csv(path, encoding=encoding, delimiter=delimiter)


# --------------------------------------------------------------------------- CSV


def detect_encoding(path) -> str:
    """BOM first; else UTF-8 when the start of the file decodes; else Windows-1252, Latin-1."""
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE)
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    for name in ("utf-8", "cp1252"):
        try:
            codecs.getincrementaldecoder(name)().decode(head, final=False)
            return name
        except UnicodeDecodeError:
            pass
    return "latin-1"


def sniff_delimiter(line: str) -> str:
    """The most frequent of `, ; tab |` outside quotes; a comma when there is none."""
    unquoted = re.sub(r'"[^"]*"', "", line)
    best = max(DELIMITERS, key=unquoted.count)
    return best if unquoted.count(best) else ","


def read_csv(
    path, *, encoding: str | None = None, delimiter: str | None = None
) -> Iterator[SourceRow | RejectedRecord]:
    path = Path(path)
    name = str(path)
    try:
        encoding = encoding or detect_encoding(path)
        codecs.lookup(encoding)
    except OSError as error:
        raise SourceFileError(name, f"cannot be read ({error.strerror})") from None
    except LookupError:
        raise SourceFileError(name, f"unknown encoding “{encoding}” in the mapping") from None
    number = 0
    try:
        with path.open(encoding=encoding, newline="") as fh:
            first = next((line for line in fh if line.strip()), "")
            delimiter = delimiter or sniff_delimiter(first)
            fh.seek(0)
            reader = csv.reader(fh, delimiter=delimiter, strict=True)
            try:
                header = next(reader, None)
                while header is not None and not any(cell.strip() for cell in header):
                    header = next(reader, None)  # blank lines before the header
            except csv.Error as error:
                raise SourceFileError(name, f"the header line cannot be read: {error}") from None
            if header is None:
                raise SourceFileError(name, "empty file: the first line must name the columns")
            header[0] = header[0].removeprefix("\ufeff")
            columns = _column_names(header)
            short_row = 0  # the line of the last row read, when it had a wrong number of values
            while True:
                line = reader.line_num + 1  # where the next row starts
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    raise SourceFileError(name, _csv_problem(str(error), number, line)) from None
                number += 1
                short_row = 0
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(columns):
                    short_row = line
                    reason = f"{len(row)} values for {len(columns)} columns (line {line})"
                    yield RejectedRecord(name, number, "", "", reason)
                    continue
                yield SourceRow(name, number, _values(columns, row))
        if short_row and not _ends_with_line_break(path):
            raise SourceFileError(
                name,
                f"the last row (data row {number}, line {short_row}) is incomplete and the file "
                "ends without a line break: it is truncated; export it again",
            )
    except UnicodeDecodeError as error:
        raise SourceFileError(
            name,
            f"not {encoding} text after data row {number} ({error.reason}): give the file's "
            "encoding in the mapping's [source] table "
            '(e.g. encoding = "cp1252") or export it again in UTF-8',
        ) from None


def _csv_problem(error: str, number: int, line: int) -> str:
    if "unexpected end of data" in error:
        return (
            f"the file ends inside a quoted field at data row {number + 1} (line {line}), "
            f"after data row {number}: it is truncated; export it again"
        )
    what = "is badly quoted" if '"' in error else "cannot be read"
    return (
        f"data row {number + 1} (line {line}) {what} ({error}), after data row {number}: "
        "correct it or export the file again"
    )


def _ends_with_line_break(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(max(fh.seek(0, 2) - 2, 0))
        return fh.read().endswith((b"\n", b"\r", b"\n\x00", b"\r\x00"))


def _column_names(header: list[str]) -> list[str]:
    return [cell.strip() or f"column {index}" for index, cell in enumerate(header, 1)]


def _values(columns: list[str], cells: list[str]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for column, cell in zip(columns, cells, strict=True):
        values.setdefault(column, []).append(cell)
    return values


# --------------------------------------------------------------------------- XLSX


def cell_text(value) -> str:
    """A cell's value as text, nothing lost: 12 not 12.0, dates in ISO 8601, None as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def read_xlsx(path, *, sheet: str | None = None) -> Iterator[SourceRow | RejectedRecord]:
    path = Path(path)
    name = str(path)
    try:
        fh = path.open("rb")  # a file, not a name: openpyxl would refuse a workbook named .csv
    except OSError as error:
        raise SourceFileError(name, f"cannot be read ({error.strerror})") from None
    with fh:
        try:
            workbook = load_workbook(fh, read_only=True, data_only=True)
        except DAMAGED_XLSX as error:
            raise SourceFileError(name, f"not a readable XLSX workbook ({error})") from None
        try:
            yield from _sheet_rows(name, workbook, sheet)
        finally:
            workbook.close()


def _sheet_rows(name: str, workbook, sheet: str | None) -> Iterator[SourceRow | RejectedRecord]:
    if sheet and sheet not in workbook.sheetnames:
        raise SourceFileError(
            name, f"no sheet “{sheet}”; the sheets are: {', '.join(workbook.sheetnames)}"
        )
    if not workbook.worksheets:  # its only sheet's part missing or misnamed in the archive
        raise SourceFileError(name, "not a readable XLSX workbook (it has no worksheet)")
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    columns: list[str] | None = None
    number = 0
    for sheet_row, cells in enumerate(_cells(name, worksheet), 1):
        texts = [cell_text(value) for value in cells]
        if columns is None:
            while texts and not texts[-1].strip():
                texts.pop()
            if texts:
                columns = _column_names(texts)
            continue
        number += 1
        if not any(text.strip() for text in texts):
            continue
        extra = [text for text in texts[len(columns) :] if text.strip()]
        if extra:
            reason = f"values beyond the last named column (sheet row {sheet_row}): {extra}"
            yield RejectedRecord(name, number, "", "", reason)
            continue
        texts = (texts + [""] * len(columns))[: len(columns)]
        yield SourceRow(name, number, _values(columns, texts))
    if columns is None:
        raise SourceFileError(name, "empty sheet: the first row must name the columns")


def _cells(name: str, worksheet) -> Iterator[tuple]:
    """The sheet's rows of values; a workbook damaged past its start is a SourceFileError."""
    rows = worksheet.iter_rows(values_only=True)
    for sheet_row in itertools.count(1):
        try:
            yield next(rows)
        except StopIteration:
            return
        except DAMAGED_XLSX as error:
            raise SourceFileError(
                name,
                f"the workbook is damaged at sheet row {sheet_row} ({type(error).__name__}: "
                f"{error}): open it in a spreadsheet and save it again",
            ) from None
