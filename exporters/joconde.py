"""Write Joconde notices for POP: "ajout piloté" .txt, POP's CSV, and Joconde XML.

Plain Python, streaming: a notice is an ordered mapping of POP tags to lists of values, as
`museum_collections.services.joconde_notices` builds it from the works. The rules are POP's
(shared/docs/joconde-pop.md §2 and §7):

* txt: UTF-8, CRLF, `REF` first, one tag line then one value line, no empty field, no line
  wrapping, line breaks inside a value written `#`, tabs and `//` removed, only known tags,
  `//` after each notice.
* CSV: `;`, every value quoted, lists joined with ` ; `, a header of the tags used.
* XML: `<notices><notice>` with one element per POP tag, repeated for multi-valued fields, in
  POP's order (`exporters/schemas/joconde.xsd`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from lxml import etree

from importers.joconde import TAGS

# The tags a museum sends, in the order a proven exporter writes them (joconde-pop.md §7).
ORDER = (
    "REF INV DOMN DENO APPL TITR AUTR PAUT ECOL ATTR LIEUX PLIEUX PERI MILL PEOC EPOQ UTIL PUTI "
    "PERU MILU TECH DIMS ETAT DESC GENE HIST GEOHI DECV PDEC REPR PREP DREP SREP ONOM LOCA STAT "
    "DACQ DEPO DDPT ADPT APTN EXPO BIBL COMM PHOT REFIM MUSEO REDA COPY INSC PINS MANQUANT "
    "MANQUANT_COM WWW LVID REFMEM REFMER REFPAL"
).split()
MULTI = frozenset(
    "AUTR DENO DEPO DOMN ECOL EPOQ GENE GEOHI IMG INSC LIEUX MANQUANT MILL ONOM PEOC PERI PERU "
    "POP_FLAGS REDA REFMEM REFMER REFPAL REPR SREP STAT TECH UTIL VIDEO WWW".split()
)
Notice = Mapping[str, list[str]]


def clean(value: str) -> str:
    """A value as POP's txt parser can read it back: `#` for line breaks, no tab, no `//`."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    value = "#".join(line.strip() for line in value.split("\n"))
    while "//" in value:
        value = value.replace("//", "/")
    return value.strip()


def joined(tag: str, values: list[str]) -> str:
    """Several values in one field: ` ; `, but REFIM's entries with a bare `;`, as POP writes
    them (it matches image names exactly)."""
    return separator(tag).join(clean(v) for v in values if clean(v))


def separator(tag: str) -> str:
    return ";" if tag == "REFIM" else " ; "


POSITION = {tag: n for n, tag in enumerate(ORDER)}


def ordered(notice: Notice) -> list[tuple[str, list[str]]]:
    """The notice's known, non-empty fields in POP's order."""
    tags = sorted((tag for tag in notice if tag in POSITION), key=POSITION.__getitem__)
    return [(tag, notice[tag]) for tag in tags if any(v.strip() for v in notice[tag])]


def write_txt(notices: Iterable[Notice], out) -> int:
    """Binary `out`; returns the number of notices written."""
    count = 0
    for notice in notices:
        for tag, values in ordered(notice):
            value = joined(tag, values)
            if value and value not in TAGS:  # a value equal to a tag would be misread
                out.write(f"{tag}\r\n{value}\r\n".encode())
        out.write(b"//\r\n")
        count += 1
    return count


def write_csv(notices: Iterable[Notice], out, tags: list[str] | None = None) -> int:
    """Text `out` (newline=""); every value quoted, as POP's own export."""
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    tags = tags or ORDER
    writer.writerow(tags)
    count = 0
    for notice in notices:
        writer.writerow([joined(tag, notice.get(tag, [])) for tag in tags])
        count += 1
    return count


def write_xml(notices: Iterable[Notice], out) -> int:
    """Binary `out`, written element by element (lxml xmlfile)."""
    count = 0
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("notices"):
            for notice in notices:
                element = etree.Element("notice")
                for tag, values in ordered(notice):
                    parts = values if tag in MULTI else [separator(tag).join(values)]
                    for value in parts:
                        if value.strip():
                            etree.SubElement(element, tag).text = value.strip()
                xf.write(element)
                count += 1
    return count


SCHEMA = Path(__file__).resolve().parent / "schemas" / "joconde.xsd"


def validate_xml(path) -> None:
    """Check a Joconde XML file against the schema, streaming; raises etree.DocumentInvalid or
    XMLSyntaxError naming the line."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    for _event, element in etree.iterparse(
        str(path), events=("end",), tag="notice", schema=schema, resolve_entities=False
    ):
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]


WRITERS = {"txt": write_txt, "xml": write_xml}


def export(notices: Iterable[Notice], path, fmt: str) -> int:
    """Write `notices` to `path` in `fmt` through a temporary file renamed when complete (and,
    for XML, valid): a failure leaves the previous file untouched. Returns the count."""
    from .register_edition import atomic_output

    with atomic_output(path) as temporary:
        if fmt == "csv":
            with open(temporary, "w", encoding="utf-8", newline="") as out:
                count = write_csv(notices, out)
        else:
            with open(temporary, "wb") as out:
                count = WRITERS[fmt](notices, out)
            if fmt == "xml":
                validate_xml(temporary)
    return count


def export_zip(notices: Iterable[Notice], path, pictures: Iterable) -> int:
    """POP's drop: the ajout-piloté text and the JPEG images its REFIM names, in one zip.

    `pictures` is read after `notices` are written (it may be filled meanwhile): pairs of (file
    name, callable opening the image as a context manager).
    """
    import io
    import tempfile
    import zipfile

    from PIL import Image

    from .register_edition import atomic_output

    target = Path(path)
    with tempfile.TemporaryFile() as text:
        count = write_txt(notices, text)
        text.seek(0)
        with atomic_output(target) as temporary, zipfile.ZipFile(temporary, "w") as archive:
            archive.writestr(target.with_suffix(".txt").name, text.read(), zipfile.ZIP_DEFLATED)
            for name, open_image in pictures:
                with open_image() as source, Image.open(source) as image:
                    jpeg = io.BytesIO()
                    image.convert("RGB").save(jpeg, "JPEG", quality=90)
                archive.writestr(name, jpeg.getvalue(), zipfile.ZIP_STORED)
    return count
