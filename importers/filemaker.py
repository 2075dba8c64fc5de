"""Read FileMaker Pro XML exports row by row: `FMPXMLRESULT` and the older `FMPDSORESULT`.

FMPXMLRESULT names its fields once (METADATA/FIELD) and gives each ROW's values by position
(COL i is FIELD i). A related or portal field repeats DATA in one COL: the column then holds
several values, in order, empty ones included (`<DATA></DATA>` is ""), so that related
columns can be zipped by position; an empty `<COL></COL>` holds none. A ROW whose COL count
differs from the FIELD count is a `RejectedRecord`, and reading goes on.

FMPDSORESULT (the deprecated "DSO" grammar) names each value by its element, with or
without a namespace prefix (`<Type.controlled>`, `<ns0:Title>`); repeated values come as
DATA children. An empty element holds no value.

A ROW's `RECORDID`, when given, is the pseudo-column `@RECORDID`. Values are kept as written.

Safe parsing: a file whose prolog holds a DOCTYPE (where external entities and entity bombs
are declared) is refused before it is parsed; lxml `iterparse` then runs without DTD, entity
resolution or network, huge_tree off, and each ROW is cleared once read.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .records import RejectedRecord, SourceFileError, SourceRow

GRAMMARS = ("FMPXMLRESULT", "FMPDSORESULT")  # namespaces http://www.filemaker.com/fmp…result
HEAD = 64 * 1024
PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
ROOT = re.compile(rb"<(?:[\w.-]+:)?([\w.-]+)")
DOCTYPE_REFUSED = (
    "the XML has a DOCTYPE (DTD, entity declarations: external entities or an entity bomb); "
    "it is refused for safety, nothing was read. FileMaker never writes one: export it again"
)


def detect(path) -> str | None:
    """The grammar (FMPXMLRESULT, FMPDSORESULT) that the file's root element names, or None."""
    try:
        root, _doctype = _prolog(Path(path))
    except OSError:
        return None
    return root if root in GRAMMARS else None


def read_rows(path) -> Iterator[SourceRow | RejectedRecord]:
    """The ROWs of a FileMaker XML export; refuses an unsafe or foreign file at once."""
    path = Path(path)
    name = str(path)
    try:
        root, doctype = _prolog(path)
    except OSError as error:
        raise SourceFileError(name, f"cannot be read ({error.strerror or error})") from None
    if doctype:
        raise SourceFileError(name, DOCTYPE_REFUSED)
    if root == "":
        raise SourceFileError(name, "not an XML file: a FileMaker XML export starts with “<”")
    if root is not None and root not in GRAMMARS:
        raise SourceFileError(
            name,
            f"not a FileMaker XML export: the root element is <{root}>, not FMPXMLRESULT "
            "or FMPDSORESULT",
        )
    return _rows(path, name)


def _prolog(path: Path) -> tuple[str | None, bool]:
    """(root element's local name, DOCTYPE present) from the start of the file.

    The name is "" when the file does not start as XML, None when the start cannot be
    read as bytes (UTF-16, a prolog longer than the sample): lxml then decides.
    """
    with path.open("rb") as fh:
        head = fh.read(HEAD)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, False
    head = head.removeprefix(codecs.BOM_UTF8)
    position = 0
    while match := PROLOG_ITEM.match(head, position):
        position = match.end()
    rest = head[position:].lstrip()
    if rest[:9].upper() == b"<!DOCTYPE":
        return None, True
    if not rest.startswith(b"<"):
        return ("" if rest else None), False
    match = ROOT.match(rest)
    return (match[1].decode("ascii", "replace") if match else None), False


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _rows(path: Path, name: str) -> Iterator[SourceRow | RejectedRecord]:
    events = etree.iterparse(
        str(path),
        events=("start", "end"),
        tag=[f"{{*}}{name}" for name in (*GRAMMARS, "ERRORCODE", "FIELD", "ROW")],
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    grammar = ""
    fields: list[str] = []
    number = 0
    try:
        for event, elem in events:
            if not grammar:
                grammar = _check_root(name, elem)
                continue
            if event == "start":
                continue
            tag, parent = _local(elem.tag), elem.getparent()
            where = _local(parent.tag) if parent is not None else ""
            if tag == "ERRORCODE" and where == grammar:
                code = (elem.text or "").strip()
                if code not in ("", "0"):
                    raise SourceFileError(
                        name, f"FileMaker wrote error code {code} in the export: export it again"
                    )
            elif tag == "FIELD" and where == "METADATA":
                fields.append(elem.get("NAME", ""))
            elif tag == "ROW" and where in ("RESULTSET", "FMPDSORESULT"):
                number += 1
                if grammar == "FMPXMLRESULT":
                    yield _xml_row(name, number, elem, fields)
                else:
                    yield _dso_row(name, number, elem)
                elem.clear(keep_tail=False)
                while elem.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        raise SourceFileError(
            name,
            f"not well-formed XML at line {error.lineno}, after row {number} ({error.msg}): "
            "the file is damaged or cut off; export it again",
        ) from None
    if not grammar:
        raise SourceFileError(
            name, "not a FileMaker XML export: no FMPXMLRESULT or FMPDSORESULT root"
        )


def _check_root(name: str, elem) -> str:
    """The root's grammar; refuses a DOCTYPE that the prolog check could not see."""
    root = elem.getroottree().getroot()
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SourceFileError(name, DOCTYPE_REFUSED)
    tag = _local(root.tag)
    if tag not in GRAMMARS:
        raise SourceFileError(name, f"not a FileMaker XML export: the root element is <{tag}>")
    return tag


def _record_id(row) -> dict[str, list[str]]:
    return {"@RECORDID": [row.get("RECORDID")]} if row.get("RECORDID") else {}


def _xml_row(name, number, row, fields) -> SourceRow | RejectedRecord:
    cols = [child for child in row if _local(child.tag) == "COL"]
    if len(cols) != len(fields):
        return RejectedRecord(
            name,
            number,
            "",
            "",
            f"{len(cols)} COL elements for {len(fields)} fields (RECORDID "
            f"{row.get('RECORDID', '?')}): the row is broken; export it again",
        )
    values = _record_id(row)
    for field, col in zip(fields, cols, strict=True):
        data = [(d.text or "") for d in col if _local(d.tag) == "DATA"]
        values.setdefault(field, []).extend(data)
    return SourceRow(name, number, values)


def _dso_row(name, number, row) -> SourceRow:
    values = _record_id(row)
    for child in row:
        if not isinstance(child.tag, str):
            continue
        data = [(d.text or "") for d in child if _local(d.tag) == "DATA"]
        if not data and child.text and child.text.strip():
            data = [child.text]
        values.setdefault(_local(child.tag), []).extend(data)
    return SourceRow(name, number, values)
