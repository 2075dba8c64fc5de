"""Reader for MARC bibliographic records: UNIMARC and MARC 21, ISO 2709 and XML.

Plain streaming Python, no Django. :func:`read_records` yields one :class:`MarcRecord`
(the raw record, nothing lost) or one :class:`BadRecord` per record of a file;
:meth:`MarcRecord.normalised` gives a :class:`BookDescription` for the library loader.

Containers, told apart by their first bytes:

ISO 2709
    Read record by record (split on the record terminator 0x1D, never the whole file).
    A record whose length, directory, field terminators, tags, indicators or subfield
    codes do not hold is a BadRecord and reading goes on with the next one.
XML
    MARCXML (MARC21slim), MarcXchange v1/v2, UNIMARC XML with or without namespace,
    RUSMARC (no leader), any of them wrapped in SRU ``searchRetrieveResponse`` pages.
    Parsed with lxml ``iterparse`` (no DTD, no entities, no network), elements cleared as
    they are read. A file with a DOCTYPE is refused (entity bombs, external entities).

Character sets of ISO 2709 records, decided per record:

* UTF-8 when leader/09 is ``a`` (invalid bytes make a BadRecord), or when the bytes are
  valid UTF-8 (the Bibliothèque Sainte-Geneviève exports: UTF-8 with a blank leader/09);
* MARC 21 otherwise: MARC-8 (pymarc's tables); broken escapes or unknown characters make a
  BadRecord rather than text with holes;
* UNIMARC otherwise: ISO 5426 when 100$a/26-29 says ``03`` (table below; diacritics
  follow their base letter, NFC), else a BadRecord.

Everywhere the NSB/NSE non-sorting marks (0x88/0x89, U+0088/U+0089, U+0098/U+009C) are
removed and the text they enclose kept; a value holding U+FFFD (text damaged before it
reached us) makes a BadRecord.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from pymarc.marc8 import MARC8ToUnicode

RECORD_END, FIELD_END, SUBFIELD = b"\x1d", b"\x1e", b"\x1f"
MAX_RECORD = 99999  # ISO 2709 record length has 5 digits
CHUNK = 1 << 16

# NSB/NSE non-sorting marks in every form we meet them, removed from the text.
NON_SORTING = str.maketrans("", "", "\x88\x89\x98\x9c")

SRU_NAMESPACES = {
    "http://www.loc.gov/zing/srw/",
    "http://docs.oasis-open.org/ns/search-ws/sruResponse",
}
UNIMARC_NAMESPACES = {"http://www.rba.ru/rusmarc/soft"}
MARC21_NAMESPACES = {"http://www.loc.gov/MARC21/slim"}

TAG = re.compile(r"[0-9A-Za-z]{3}\Z")
CODE = re.compile(r"[0-9A-Za-z]\Z")

# ISO 5426 (extended Latin, UNIMARC): non-spacing diacritics, written before the letter.
ISO5426_COMBINING = {
    0xC0: "\u0309",  # hook above
    0xC1: "\u0300",  # grave
    0xC2: "\u0301",  # acute
    0xC3: "\u0302",  # circumflex
    0xC4: "\u0303",  # tilde
    0xC5: "\u0304",  # macron
    0xC6: "\u0306",  # breve
    0xC7: "\u0307",  # dot above
    0xC8: "\u0308",  # diaeresis
    0xC9: "\u0308",  # umlaut
    0xCA: "\u030a",  # ring above
    0xCD: "\u030b",  # double acute
    0xCF: "\u030c",  # caron
    0xD0: "\u0327",  # cedilla
    0xD3: "\u0328",  # ogonek
    0xD6: "\u0323",  # dot below
}
# ISO 5426 spacing characters (only those we are sure of; others make a BadRecord).
ISO5426_SPACING = {
    0xA1: "¡",
    0xA3: "£",
    0xA7: "§",
    0xAB: "«",
    0xBB: "»",
    0xBF: "¿",
    0xE1: "Æ",
    0xE2: "Đ",
    0xE6: "Ĳ",
    0xE8: "Ł",
    0xE9: "Ø",
    0xEA: "Œ",
    0xEC: "Þ",
    0xF1: "æ",
    0xF2: "đ",
    0xF3: "ð",
    0xF5: "ı",
    0xF6: "ĳ",
    0xF8: "ł",
    0xF9: "ø",
    0xFA: "œ",
    0xFB: "ß",
    0xFC: "þ",
}


# --------------------------------------------------------------------------- errors


class MarcFileError(ValueError):
    """A file that cannot be read at all (or past a point): not MARC, broken XML, DTD."""

    def __init__(self, file: str, reason: str):
        self.file, self.reason = file, reason
        super().__init__(f"{file}: {reason}")


@dataclass(frozen=True)
class BadRecord:
    """A record that cannot be read; reading went on with the next one.

    `offset` is the byte offset of the record in an ISO 2709 file, the line in an XML file.
    """

    file: str
    record_number: int
    offset: int
    reason: str

    def __str__(self):
        where = "line" if self.file.lower().endswith(".xml") else "byte"
        return f"{self.file}, record {self.record_number} ({where} {self.offset}): {self.reason}"


class _Bad(Exception):
    """Internal: the record being read is bad, for this reason."""


# --------------------------------------------------------------------------- records


@dataclass
class MarcRecord:
    """One record as read: leader and fields, values decoded to Unicode, nothing dropped.

    `fields` holds ``(tag, value)`` for control fields and
    ``(tag, indicators, [(code, value), ...])`` for data fields, in record order.
    """

    flavour: str  # "unimarc" | "marc21"
    record_id: str
    leader: str
    fields: list
    file: str = ""
    record_number: int = 0
    encoding: str = ""  # "utf-8", "marc-8", "iso-5426", "ascii" or "xml"
    xml_format: str | None = None  # the MarcXchange/RUSMARC `format` attribute

    def get(self, *tags: str) -> list:
        """The fields with these tags, in record order."""
        return [f for f in self.fields if f[0] in tags]

    def control(self, tag: str) -> str | None:
        """The value of the first control field `tag`."""
        for f in self.fields:
            if f[0] == tag and len(f) == 2:
                return f[1]
        return None

    def values(self, tag: str, code: str) -> list[str]:
        """Every $code of every `tag` data field."""
        return [v for f in self.fields if f[0] == tag and len(f) == 3 for c, v in f[2] if c == code]

    def first(self, tag: str, code: str) -> str:
        """The first $code of `tag`, or ""."""
        found = self.values(tag, code)
        return found[0] if found else ""

    def normalised(self) -> BookDescription:
        """The record as a :class:`BookDescription`."""
        if self.flavour == "unimarc":
            return _normalise_unimarc(self)
        return _normalise_marc21(self)


def detect_flavour(record: MarcRecord) -> str:
    """``"unimarc"`` or ``"marc21"``, from the XML format, the tags and the leader."""
    tags = {f[0] for f in record.fields}
    return _flavour(record.leader, tags, record.first("100", "a"), record.xml_format)


# UNIMARC 100$a, general processing data: date entered on file, type of date, dates...
UNIMARC_100 = re.compile(r"\d{8}[a-z|]")


def _flavour(leader: str, tags: set, f100: str, fmt: str | None = None, ns: str = "") -> str:
    fmt = (fmt or "").upper().replace(" ", "")
    if "UNIMARC" in fmt or "RUSMARC" in fmt or ns in UNIMARC_NAMESPACES:
        return "unimarc"
    if fmt in ("MARC21", "USMARC") or ns in MARC21_NAMESPACES and "200" not in tags:
        return "marc21"
    if "200" in tags and "245" not in tags:
        return "unimarc"
    if len(f100) >= 17 and UNIMARC_100.match(f100):
        return "unimarc"  # e.g. Sudoc/IdRef authority records (no 200, a 250)
    if "245" in tags:
        return "marc21"
    if leader[20:23] == "450" and leader[23:24] != "0":
        return "unimarc"
    return "marc21"


def _record_id(fields: list, leader: str) -> str:
    for f in fields:
        if f[0] == "001" and len(f) == 2 and f[1].strip():
            return f[1].strip()
    digest = hashlib.sha1(repr((leader, fields)).encode(), usedforsecurity=False)
    return "sha1:" + digest.hexdigest()[:20]


def _clean(text: str) -> str:
    """Drop NSB/NSE, compose to NFC, refuse text already damaged (U+FFFD)."""
    if not text.isascii():
        text = text.translate(NON_SORTING)
        if "\ufffd" in text:
            raise _Bad(f"the text holds a replacement character U+FFFD: {text!r}")
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    return text


# --------------------------------------------------------------------------- reading


def read_records(path: str | Path) -> Iterator[MarcRecord | BadRecord]:
    """Yield every record of an ISO 2709 or XML MARC file, or a BadRecord in its place.

    Raises MarcFileError when the file cannot be read (or not past a point).
    """
    path = Path(path)
    name = path.name
    with open(path, "rb") as fh:
        head = fh.read(64)
        fh.seek(0)
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if start.startswith(b"<"):
            yield from _read_xml(fh, name)
        elif start[:5].isdigit():
            yield from _read_iso2709(fh, name)
        elif not start:
            raise MarcFileError(name, "the file is empty")
        else:
            raise MarcFileError(name, "neither ISO 2709 (a 5-digit record length) nor XML")


# ---- ISO 2709


def _chunks(fh, name: str) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) of each record, terminator included; the last may lack it."""
    buf, pos, base = b"", 0, 0  # base: file offset of buf[0]
    while True:
        end = buf.find(RECORD_END, pos)
        if end < 0:
            more = fh.read(CHUNK)
            if not more:
                break
            buf, base, pos = buf[pos:] + more, base + pos, 0
            if len(buf) > MAX_RECORD + CHUNK and buf.find(RECORD_END) < 0:
                raise MarcFileError(
                    name, f"no record terminator (0x1D) in the {len(buf)} bytes from byte {base}"
                )
            continue
        chunk = buf[pos : end + 1]
        stripped = chunk.lstrip(b" \t\r\n\x00")
        yield base + pos + len(chunk) - len(stripped), stripped
        pos = end + 1
    rest = buf[pos:]
    stripped = rest.lstrip(b" \t\r\n\x00")
    if stripped.strip(b" \t\r\n\x00"):
        yield base + pos + len(rest) - len(stripped), stripped


def _read_iso2709(fh, name: str) -> Iterator[MarcRecord | BadRecord]:
    for number, (offset, chunk) in enumerate(_chunks(fh, name), start=1):
        try:
            yield _parse_iso2709(chunk, name, number)
        except _Bad as bad:
            yield BadRecord(name, number, offset, str(bad))


def _parse_iso2709(data: bytes, name: str, number: int) -> MarcRecord:
    if not data.endswith(RECORD_END):
        raise _Bad("the record has no record terminator (0x1D): the file is truncated")
    if len(data) < 26:
        raise _Bad(f"the record is only {len(data)} bytes long")
    try:
        leader = data[:24].decode("ascii")
    except UnicodeDecodeError:
        raise _Bad(f"the leader is not ASCII: {data[:24]!r}") from None
    if not leader[:5].isdigit() or int(leader[:5]) != len(data):
        raise _Bad(
            f"the leader gives the record length {leader[:5]!r} but the record is "
            f"{len(data)} bytes long (up to its terminator)"
        )
    if leader[10:12] != "22":
        raise _Bad(
            f"leader/10-11 is {leader[10:12]!r}, not '22' (2 indicators, 1-character "
            "subfield codes): the fields cannot be read safely"
        )
    dir_end = data.find(FIELD_END, 24)
    if not leader[12:17].isdigit() or int(leader[12:17]) != dir_end + 1:
        raise _Bad(
            f"the base address of data {leader[12:17]!r} does not match the end of the "
            f"directory (byte {dir_end + 1})"
        )
    directory, base = data[24:dir_end], dir_end + 1
    if not directory:
        raise _Bad("the record has no fields")
    if len(directory) % 12:
        raise _Bad(f"the directory is {len(directory)} bytes long, not a multiple of 12")

    raw = []
    for i in range(0, len(directory), 12):
        entry = directory[i : i + 12]
        tag = entry[:3].decode("ascii", "replace")
        if not TAG.match(tag):
            raise _Bad(f"directory entry {i // 12 + 1}: invalid tag {tag!r}")
        if not entry[3:].isdigit():
            raise _Bad(f"field {tag}: invalid directory entry {entry!r}")
        start = base + int(entry[7:12])
        stop = start + int(entry[3:7])
        if stop > len(data) - 1 or data[stop - 1 : stop] != FIELD_END:
            raise _Bad(f"field {tag} does not end with a field terminator where the directory says")
        raw.append((tag, data[start : stop - 1]))

    tags = {tag for tag, _ in raw}
    f100 = next((v for t, v in raw if t == "100"), b"").partition(SUBFIELD + b"a")[2]
    flavour = _flavour(leader, tags, f100[:40].decode("ascii", "replace"))
    encoding = _choose_encoding(data, leader, flavour, raw)
    decode = _DECODERS[encoding]
    fields: list = []
    with _Marc8Errors() if encoding == "marc-8" else contextlib.nullcontext() as errors:
        for tag, value in raw:
            if tag < "010" and tag.isdigit():
                fields.append((tag, _clean(decode(value))))
                continue
            if len(value) < 2 or SUBFIELD in value[:2]:
                raise _Bad(f"field {tag} has no indicators")
            indicators = value[:2].decode("ascii", "replace")
            parts = value[2:].split(SUBFIELD)
            if parts[0].strip():
                raise _Bad(f"field {tag}: text before the first subfield: {parts[0]!r}")
            subfields = []
            for part in parts[1:]:
                code = part[:1].decode("ascii", "replace")
                if not CODE.match(code):
                    raise _Bad(f"field {tag}: invalid subfield code {part[:1]!r}")
                subfields.append((code, _clean(decode(part[1:]))))
            fields.append((tag, indicators, subfields))
    if errors is not None:
        # pymarc's tables lack the space of non-Latin sets; it writes a space: fine.
        messages = [m for m in errors.getvalue().splitlines() if "character 0x20 " not in m]
        if messages:
            raise _Bad(f"the MARC-8 text cannot be decoded ({messages[0]})")
    return MarcRecord(flavour, _record_id(fields, leader), leader, fields, name, number, encoding)


def _choose_encoding(data: bytes, leader: str, flavour: str, raw: list) -> str:
    if leader[9] == "a":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _Bad(
                f"leader/09 says UTF-8 but byte {error.start} is not UTF-8 "
                f"({data[error.start : error.start + 4]!r})"
            ) from None
        return "utf-8"
    if data.isascii():
        if b"\x1b" not in data:
            return "ascii"
        if flavour == "marc21":
            return "marc-8"
        raise _Bad("ISO 2022 escape sequences in a UNIMARC record are not supported")
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if flavour == "marc21":
        _check_marc8_escapes(data)
        return "marc-8"
    charset = ""
    for tag, value in raw:
        if tag == "100":
            charset = value.split(SUBFIELD + b"a", 1)[-1][26:30].decode("latin-1")
            break
    if "03" in (charset[:2], charset[2:]):
        return "iso-5426"
    raise _Bad(f"the bytes are not UTF-8 and 100$a/26-29 ({charset!r}) does not declare ISO 5426")


def _check_marc8_escapes(data: bytes) -> None:
    for match in re.finditer(rb"\x1b(.?)", data):
        if match.group(1) not in (b"(", b",", b"$", b")", b"-", b"g", b"b", b"p", b"s"):
            raise _Bad(f"invalid MARC-8 escape sequence at byte {match.start()}: {match.group()!r}")


class _Marc8Errors(contextlib.redirect_stderr):
    """pymarc's MARC-8 decoder reports bad characters on stderr only: catch them."""

    def __init__(self):
        self._buffer = io.StringIO()
        super().__init__(self._buffer)

    def __enter__(self):
        super().__enter__()
        return self._buffer


def _marc8(value: bytes) -> str:
    try:
        text = MARC8ToUnicode().translate(value)
    except (TypeError, IndexError, KeyError, ValueError) as error:  # pymarc on a cut escape
        raise _Bad(f"the MARC-8 text cannot be decoded ({error}): {value[-20:]!r}") from None
    if "\x1b" in text:  # pymarc keeps the escape of a sequence cut short
        raise _Bad(f"the MARC-8 text holds a broken escape sequence: {value[-20:]!r}")
    return text


def _iso5426(value: bytes) -> str:
    out, pending = [], []
    for byte in value:
        if byte < 0x80:
            out.append(chr(byte))
            out.extend(pending)
            pending = []
        elif byte in ISO5426_COMBINING:
            pending.append(ISO5426_COMBINING[byte])
        elif byte in (0x88, 0x89):  # NSB/NSE
            continue
        elif byte in ISO5426_SPACING:
            out.append(ISO5426_SPACING[byte])
            out.extend(pending)
            pending = []
        else:
            raise _Bad(f"byte 0x{byte:02X} is not in the ISO 5426 table")
    if pending:
        raise _Bad("an ISO 5426 diacritic has no letter after it")
    return unicodedata.normalize("NFC", "".join(out))


_DECODERS = {
    "utf-8": lambda b: b.decode("utf-8"),
    "ascii": lambda b: b.decode("ascii"),
    "marc-8": _marc8,
    "iso-5426": _iso5426,
}


# ---- XML


def _local(tag) -> tuple[str, str]:
    if not isinstance(tag, str):
        return "", ""
    if tag[:1] == "{":
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _read_xml(fh, name: str) -> Iterator[MarcRecord | BadRecord]:
    parser = etree.iterparse(
        fh,
        events=("end",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    number = 0
    checked = False
    try:
        for _, elem in parser:
            if not checked:
                checked = True
                docinfo = elem.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise MarcFileError(
                        name,
                        "the XML file has a DOCTYPE (DTD or entity declarations); "
                        "refused for safety (external entities, entity expansion)",
                    )
            namespace, local = _local(elem.tag)
            if local != "record":
                continue
            if namespace not in SRU_NAMESPACES and _is_marc(elem):
                number += 1
                try:
                    yield _parse_xml_record(elem, namespace, name, number)
                except _Bad as bad:
                    yield BadRecord(name, number, elem.sourceline or 0, str(bad))
            elem.clear()
            parent = elem.getparent()
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        raise MarcFileError(name, f"the XML is not well-formed: {error}") from None
    if number == 0:
        raise MarcFileError(name, "no MARC record found in the XML file")


def _is_marc(elem) -> bool:
    for child in elem:
        if _local(child.tag)[1] in ("leader", "controlfield", "datafield"):
            return True
    return False


def _parse_xml_record(elem, namespace: str, name: str, number: int) -> MarcRecord:
    leader, fields = "", []
    for child in elem:
        local = _local(child.tag)[1]
        if local == "leader":
            leader = _clean(child.text or "")
        elif local == "controlfield":
            tag = child.get("tag", "")
            if not TAG.match(tag):
                raise _Bad(f"control field {len(fields) + 1}: invalid tag {tag!r}")
            fields.append((tag, _clean(child.text or "")))
        elif local == "datafield":
            tag = child.get("tag", "")
            if not TAG.match(tag):
                raise _Bad(f"field {len(fields) + 1}: invalid tag {tag!r}")
            indicators = (child.get("ind1") or " ")[:1] + (child.get("ind2") or " ")[:1]
            subfields = []
            for sub in child:
                if _local(sub.tag)[1] != "subfield":
                    continue
                code = sub.get("code", "")
                if not CODE.match(code):
                    raise _Bad(f"field {tag}: invalid subfield code {code!r}")
                subfields.append((code, _clean(sub.text or "")))
            fields.append((tag, indicators, subfields))
    fmt = elem.get("format")
    tags = {f[0] for f in fields}
    f100 = next(
        (v for f in fields if f[0] == "100" and len(f) == 3 for c, v in f[2] if c == "a"), ""
    )
    flavour = _flavour(leader, tags, f100, fmt, namespace)
    return MarcRecord(flavour, _record_id(fields, leader), leader, fields, name, number, "xml", fmt)


# --------------------------------------------------------------------------- normalising


@dataclass
class Author:
    """A person or body responsible for the work."""

    name: str
    forenames: str = ""
    dates: str = ""
    role: str = ""  # UNIMARC relator code (070) or MARC 21 $4/$e
    identifiers: list[str] = field(default_factory=list)  # IdRef PPN, BnF ARK, URIs
    corporate: bool = False


@dataclass
class BookDescription:
    """What the library keeps of a bibliographic record."""

    record_id: str
    flavour: str
    record_type: str  # book, serial, exhibition catalogue, offprint, other
    title: str = ""
    subtitle: str = ""
    responsibility: str = ""
    edition: str = ""
    publisher: str = ""
    place: str = ""
    date: str = ""
    year: int | None = None
    extent: str = ""
    series: list[str] = field(default_factory=list)
    isbns: list[str] = field(default_factory=list)
    issn: str = ""
    notes: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)


YEAR = re.compile(r"(1[0-9]{3}|20[0-9]{2})")
TRAILING = " /:;,=."


def _year(date: str) -> int | None:
    found = YEAR.search(date)
    return int(found.group(1)) if found else None


def _tidy(text: str) -> str:
    """Drop ISBD punctuation left at the end of a value (`Paris :`, `Gallimard,`)."""
    text = " ".join(text.split())
    while text and text[-1] in TRAILING and not text.endswith("..."):
        if text[-1] == "." and len(text) > 2 and (text[-3] == " " or text[-3] == "."):
            break  # an initial or an abbreviation: "J. K.", "p."
        text = text[:-1].rstrip()
    return text


def _join(subfields: list, codes: str, sep: str = " ") -> str:
    return sep.join(t for c, v in subfields if c in codes and (t := _tidy(v)))


EXHIBITION = ("exhibition", "exposition", "ausstellung", "esposizione", "exposición")
OFFPRINT = ("extrait de", "extr. de", "tiré à part", "tiré-à-part", "offprint", "sonderdruck")


def _record_type(leader: str, texts: list[str], notes: list[str]) -> str:
    """book, serial, exhibition catalogue, offprint or other, from leader/06-07 and words.

    An exhibition catalogue says so in its genre (UNIMARC 608, MARC 655), subjects,
    subtitle or notes; an offprint is a component part (leader/07 'a') or says so in a note.
    """
    if leader[7] == "s":
        return "serial"
    if any(w in t.lower() for t in texts for w in EXHIBITION):
        return "exhibition catalogue"
    if leader[7] == "a" or any(n.lower().startswith(OFFPRINT) for n in notes):
        return "offprint"
    if leader[6] in "a " and leader[7] in "m ":
        return "book"
    return "other"


def _normalise_unimarc(r: MarcRecord) -> BookDescription:
    leader = r.leader.ljust(24)
    subjects = [
        _join(f[2], "abcjxyz", " -- ")
        for f in r.get(*[str(t) for t in range(600, 610)])
        if len(f) == 3
    ]
    genre = [_join(f[2], "a") for f in r.get("608") if len(f) == 3]
    notes = [_join(f[2], "a") for f in r.fields if len(f) == 3 and f[0][0] == "3"]
    notes = [n for n in notes if n]
    subtitle = _join(next((f[2] for f in r.get("200") if len(f) == 3), []), "e", " : ")
    kind = _record_type(leader, genre + subjects + [subtitle] + notes, notes)
    t200 = next((f for f in r.get("200") if len(f) == 3), None)
    sub200 = t200[2] if t200 else []
    pub = next((f for f in r.get("214", "210") if len(f) == 3), None)
    date = _join(pub[2], "dh") if pub else ""
    authors = []
    for f in r.get("700", "701", "702", "710", "711", "712"):
        if len(f) != 3:
            continue
        subs = f[2]
        ids = [v for c, v in subs if c in "30" and v]
        corporate = f[0].startswith("71")
        authors.append(
            Author(
                name=_join(subs, "ab" if corporate else "a"),
                forenames="" if corporate else _join(subs, "b").lstrip(", "),
                dates=_join(subs, "f"),
                role=_join(subs, "4"),
                identifiers=ids,
                corporate=corporate,
            )
        )
    fixed = r.first("100", "a")
    return BookDescription(
        record_id=r.record_id,
        flavour="unimarc",
        record_type=kind,
        title=_tidy(" ".join(v for c, v in sub200 if c == "a")),
        subtitle=_join(sub200, "e", " : "),
        responsibility=_join(sub200, "fg", " ; "),
        edition=_join(next((f[2] for f in r.get("205") if len(f) == 3), []), "abf"),
        publisher=_join(pub[2], "c", " : ") if pub else "",
        place=_join(pub[2], "a", " ; ") if pub else "",
        date=date,
        year=_year(date) or _year(fixed[9:13] if len(fixed) > 12 else ""),
        extent=_join(next((f[2] for f in r.get("215") if len(f) == 3), []), "acde", " ; "),
        series=[_join(f[2], "aehiv", " ; ") for f in r.get("225") if len(f) == 3],
        isbns=[_tidy(v) for v in r.values("010", "a")],
        issn=_tidy(r.first("011", "a")),
        notes=notes,
        subjects=[s for s in subjects + genre if s],
        languages=r.values("101", "a"),
        authors=authors,
    )


def _normalise_marc21(r: MarcRecord) -> BookDescription:
    leader = r.leader.ljust(24)
    subjects = [
        _join(f[2], "abcdvxyz", " -- ")
        for f in r.fields
        if len(f) == 3 and f[0].startswith("6") and f[0] != "655"
    ]
    genre = [_join(f[2], "a") for f in r.get("655") if len(f) == 3]
    notes = [n for f in r.fields if len(f) == 3 and f[0][0] == "5" if (n := _join(f[2], "a"))]
    subtitle = _join(next((f[2] for f in r.get("245") if len(f) == 3), []), "b")
    kind = _record_type(leader, genre + subjects + [subtitle] + notes, notes)
    t245 = next((f for f in r.get("245") if len(f) == 3), None)
    sub245 = t245[2] if t245 else []
    pub = next(
        (f for f in r.get("264") if len(f) == 3 and f[1][1:] == "1"),
        next((f for f in r.get("260", "264") if len(f) == 3), None),
    )
    date = _join(pub[2], "c") if pub else ""
    fixed = r.control("008") or ""
    authors = []
    for f in r.get("100", "110", "111", "700", "710", "711"):
        if len(f) != 3:
            continue
        subs = f[2]
        corporate = f[0][1] != "0"
        name = _join(subs, "ab" if corporate else "a")
        surname, _, forenames = name.partition(", ") if not corporate else (name, "", "")
        authors.append(
            Author(
                name=_tidy(surname),
                forenames=_tidy(forenames),
                dates=_join(subs, "d"),
                role=_join(subs, "4") or _join(subs, "e"),
                identifiers=[v for c, v in subs if c in "01" and v],
                corporate=corporate,
            )
        )
    codes = "".join(r.values("041", "a"))  # old records run codes together: "engund"
    languages = [codes[i : i + 3] for i in range(0, len(codes), 3)] or (
        [fixed[35:38]] if fixed[35:38].strip() else []
    )
    return BookDescription(
        record_id=r.record_id,
        flavour="marc21",
        record_type=kind,
        title=_join(sub245, "anp"),
        subtitle=_join(sub245, "b"),
        responsibility=_join(sub245, "c"),
        edition=_join(next((f[2] for f in r.get("250") if len(f) == 3), []), "ab"),
        publisher=_join(pub[2], "b", " : ") if pub else "",
        place=_join(pub[2], "a", " ; ") if pub else "",
        date=date,
        year=_year(date) or _year(fixed[7:11]),
        extent=_join(next((f[2] for f in r.get("300") if len(f) == 3), []), "abce", " "),
        series=[_join(f[2], "av", " ; ") for f in r.get("490", "830", "800", "810") if len(f) == 3],
        isbns=[_tidy(v) for v in r.values("020", "a")],
        issn=_tidy(r.first("022", "a")),
        notes=notes,
        subjects=[s for s in subjects + genre if s],
        languages=languages,
        authors=authors,
    )
