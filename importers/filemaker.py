"""Read FileMaker XML exports row by row: `FMPXMLRESULT` and the older `FMPDSORESULT`.

FMPXMLRESULT names its fields once (METADATA/FIELD) and gives each ROW's values by position
(COL i is FIELD i); a related or portal field repeats its DATA in one COL, so a column may hold
several values, in order. FMPDSORESULT names each value by its element (`<Type.controlled>`).
The record's `RECORDID` is given as the column `@RECORDID`. Parsed with lxml `iterparse`, no
DTD, no entities, no network; a file that declares any is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .records import RejectedRecord, SourceFileError, SourceRow

XMLRESULT = "http://www.filemaker.com/fmpxmlresult"
DSORESULT = "http://www.filemaker.com/fmpdsoresult"


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def is_filemaker(path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(2048)
    return b"FMPXMLRESULT" in head or b"FMPDSORESULT" in head


def read_rows(path) -> Iterator[SourceRow | RejectedRecord]:
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise SourceFileError(name, "no such file")
    events = etree.iterparse(
        str(path),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    fields: list[str] = []
    kind = None
    number = 0
    try:
        for event, elem in events:
            tag = _local(elem.tag)
            if event == "start":
                if kind is None:
                    _refuse_doctype(name, elem)
                    if tag not in ("FMPXMLRESULT", "FMPDSORESULT"):
                        raise SourceFileError(
                            name, f"not a FileMaker XML export (root element <{tag}>)"
                        )
                    kind = tag
                continue
            if tag == "FIELD" and kind == "FMPXMLRESULT":
                fields.append(elem.get("NAME", ""))
            elif tag == "ROW":
                number += 1
                yield _row(name, number, elem, kind, fields)
                elem.clear(keep_tail=False)
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise SourceFileError(
            name, f"not well-formed XML after row {number}: {error}; export it again"
        ) from None
    if kind is None:
        raise SourceFileError(name, "empty file")


def _refuse_doctype(name: str, root) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SourceFileError(
            name, "XML with a DOCTYPE (entities, external files) is refused: export it again"
        )


def _row(name, number, row, kind, fields) -> SourceRow | RejectedRecord:
    values: dict[str, list[str]] = {}
    if row.get("RECORDID"):
        values["@RECORDID"] = [row.get("RECORDID")]
    if kind == "FMPDSORESULT":
        for child in row:
            if isinstance(child.tag, str):
                text = (child.text or "").strip()
                values.setdefault(_local(child.tag), []).extend([text] if text else [])
        return SourceRow(name, number, values)
    cols = [child for child in row if _local(child.tag) == "COL"]
    if len(cols) != len(fields):
        return RejectedRecord(
            name,
            number,
            row.get("RECORDID", ""),
            "",
            f"{len(cols)} COL elements for {len(fields)} fields (RECORDID "
            f"{row.get('RECORDID', '?')}): the row is broken",
        )
    for field, col in zip(fields, cols, strict=True):
        # kept in position, empty ones too: related values are zipped across columns
        values[field] = [(d.text or "") for d in col if _local(d.tag) == "DATA"]
    return SourceRow(name, number, values)
