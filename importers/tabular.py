"""Read spreadsheets row by row: CSV in any delimiter and encoding (with or without BOM), XLSX.

Yields `SourceRow`s (column -> [value], exactly as written) and `RejectedRecord`s for rows
that do not fit the header; raises `SourceFileError` when the file itself cannot be read —
undecodable, or cut off inside a quoted field (a truncated export: nothing of it should go in).
"""

from __future__ import annotations

import codecs
import csv
import datetime
from collections.abc import Iterator
from pathlib import Path

from .records import RejectedRecord, SourceFileError, SourceRow

DELIMITERS = ",;\t|"
SAMPLE = 64 * 1024


def read_rows(
    path, *, encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None
) -> Iterator[SourceRow | RejectedRecord]:
    path = Path(path)
    if not path.is_file():
        raise SourceFileError(str(path), "no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    return _read_csv(path, encoding, delimiter)


def detect_encoding(path: Path) -> str:
    """BOM first; else UTF-8 when the start of the file decodes; else Windows-1252."""
    with path.open("rb") as fh:
        head = fh.read(SAMPLE)
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return name
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _read_csv(path: Path, encoding: str | None, delimiter: str | None):
    name = str(path)
    encoding = encoding or detect_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as fh:
            header_line = fh.readline()
            delimiter = delimiter or max(DELIMITERS, key=header_line.count)
            fh.seek(0)
            reader = csv.reader(fh, delimiter=delimiter, strict=True)
            header = next(reader, None)
            if not header or not any(h.strip() for h in header):
                raise SourceFileError(name, "empty file: the first line must name the columns")
            header = [h.strip() for h in header]
            number = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise SourceFileError(
                        name,
                        f"after data row {number} (line {reader.line_num}): {error}. The file is "
                        "cut off or badly quoted: export it again; nothing of it was imported",
                    ) from None
                number += 1
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    yield RejectedRecord(
                        name,
                        number,
                        "",
                        "",
                        f"{len(row)} values for {len(header)} columns (line {reader.line_num})",
                    )
                    continue
                yield SourceRow(name, number, {h: [v] for h, v in zip(header, row, strict=True)})
    except UnicodeDecodeError as error:
        raise SourceFileError(
            name, f"not readable as {encoding} ({error.reason}): give --encoding in the mapping"
        ) from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, sheet: str | None):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise SourceFileError(name, f"not a readable XLSX workbook: {error}") from None
    try:
        if sheet and sheet not in workbook.sheetnames:
            raise SourceFileError(
                name, f"no sheet “{sheet}” (sheets: {', '.join(workbook.sheetnames)})"
            )
        rows = (workbook[sheet] if sheet else workbook.worksheets[0]).iter_rows(values_only=True)
        header = None
        number = 0
        for values in rows:
            cells = [_cell(value) for value in values]
            if header is None:
                if any(cell.strip() for cell in cells):
                    header = [cell.strip() for cell in cells]
                continue
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            extra = [cell for cell in cells[len(header) :] if cell.strip()]
            if extra:
                yield RejectedRecord(
                    name, number, "", "", f"values beyond the last column: {extra}"
                )
                continue
            cells += [""] * (len(header) - len(cells))
            yield SourceRow(
                name, number, {h: [v] for h, v in zip(header, cells, strict=False) if h}
            )
        if header is None:
            raise SourceFileError(name, "empty sheet: the first row must name the columns")
    finally:
        workbook.close()
