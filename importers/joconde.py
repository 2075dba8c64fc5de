"""Read Joconde notices: POP "ajout piloté" .txt, POP CSV, the Actimuse CSV, the Mistral harvest XML.

Plain Python, no Django. `read_notices` yields a `JocondeNotice` (tag -> value as read) or a
`RejectedRecord` per notice; `to_object_record` gives the notice in Cartel's terms, with the
notice as read kept whole in `ObjectRecord.raw` (LOCA, MUSEO, PHOT, REFIM, PAUT… have no
Work field and live there). Rules from POP's importer (shared/docs/joconde-pop.md §2, §5):

* txt: every `-` + CRLF is removed (soft wrap), then lines are split on CR/LF runs; a line
  that is a POP tag starts a field, any other line continues the value, joined with nothing
  as POP does (reported: words may have been glued); a line `//` ends a notice. The first
  line of a notice is a tag whatever it says, as in POP: an unknown one is kept and reported.
  A last notice without `//` is read, as POP does, and reported.
* Encoding: UTF-8 when the bytes decode (BOM ignored), else Windows-1252 (ISO-8859-1 letters).
  Signs of a wrong decoding (`Ã¨`, `Ã©`, U+FFFD) stop the file, as in POP.
* The same REF twice stops the file, as in POP. A notice without REF or INV is rejected: REF is
  the key and INV the inventory number (POP's other required fields do not matter to Cartel).
* CSV: `;`, `"`, first row = tags; other columns ignored and empty cells left out; a REF of
  less than 11 characters is left-padded with 0, as POP does, and reported.
* Actimuse: `|`-separated, the 4th column a whole txt notice; the other columns kept in `raw`.
* Mistral harvest XML: REQ -> REF, FIELD NAME="label" -> tag (an unknown label is kept under
  its name and reported), IMAGE URLs -> VIDEO (POP's "Affichage image"), ONLINE kept. lxml
  without DTD, entities or network; a DOCTYPE is refused.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

from .records import DimensionRecord, MakerRecord, ObjectRecord, RejectedRecord, SourceFileError


@dataclass(frozen=True)
class PopField:
    tag: str
    label: str  # POP's label
    multi: bool = False  # POP type Array: split on ";" and trimmed
    required: bool = False  # POP rejects the notice when empty
    generated: bool = False  # filled in by POP: never to be sent
    deprecated: bool = False


F = PopField
# POP's Joconde model (apps/api/csv/joconde.csv) in POP's order, without its internal paths
# (_id, __v, POP_IMPORT, HISTORIQUE, POP_COORDONNEES.lat/.lon).
POP_FIELDS = (
    F("PRODUCTEUR", "Producteur", generated=True),
    F("BASE", "Nom de la base", generated=True),
    F("CONTIENT_IMAGE", "Contient une image", generated=True),
    F("POP_CONTIENT_GEOLOCALISATION", "Contient une position", generated=True),
    F("POP_FLAGS", "Alertes POP", multi=True, generated=True),
    F("REF", "Référence", required=True),
    F("REFMIS", "Référence MAJ"),
    F("MANQUANT", "Situation particulière", multi=True),
    F("MANQUANT_COM", "Situation particulière"),
    F("ADPT", "Ancien dépôt"),
    F("APPL", "Appellation"),
    F("APTN", "Ancienne appartenance"),
    F("ATTR", "Anciennes attributions"),
    F("AUTR", "Auteur", multi=True),
    F("BIBL", "Bibliographie"),
    F("COMM", "Commentaires"),
    F("CONTACT", "Contact musée", generated=True),
    F("COOR", "Coordinateur"),
    F("COPY", "Copyright notice"),
    F("DACQ", "Date acquisition"),
    F("DATA", "Artiste sous droits", deprecated=True),
    F("DATION", "", deprecated=True),
    F("DDPT", "Date de dépôt"),
    F("DECV", "Découverte / collecte"),
    F("DENO", "Dénomination", multi=True),
    F("DEPO", "Lieu de dépot", multi=True),
    F("DESC", "Description"),
    F("DESY", "Date création avant 1995", deprecated=True),  # unused (report §4.1)
    F("DIFFU", "", deprecated=True),
    F("DIMS", "Mesures"),
    F("DMAJ", "Date de mise à jour", generated=True),
    F("DMIS", "Date de création", generated=True),
    F("DOMN", "Domaine", multi=True, required=True),
    F("DREP", "Date sujet représenté"),
    F("ECOL", "Ecole-pays", multi=True),
    F("EPOQ", "Epoque", multi=True),
    F("ETAT", "Etat du bien"),
    F("EXPO", "Exposition"),
    F("GENE", "Genèse", multi=True),
    F("GEOHI", "Lieu historique", multi=True),
    F("HIST", "Historique"),
    F("IMAGE", "", deprecated=True),
    F("IMG", "Adresse image", multi=True),  # built by POP from REFIM
    F("INSC", "Inscriptions", multi=True),
    F("INV", "N°Inventaire", required=True),
    F("LABEL", "Appellation musée de France", generated=True),
    F("LABO", "", deprecated=True),
    F("LARC", "Lien base Arcade"),
    F("LIEUX", "Lieu de création/utilisation", multi=True),
    F("REGION", "Région", generated=True),
    F("DPT", "Département", generated=True),
    F("VILLE_M", "Ville", generated=True),
    F("NOMOFF", "Nom du musée", generated=True),
    F("LOCA", "Localisation"),
    F("LOCA2", "Pays-region-ville"),
    F("LOCA3", "Date d'entrée dans le domaine public", deprecated=True),
    F("MILL", "Millésime de création", multi=True),
    F("MILU", "Millésime d’utilisation"),
    F("MOSA", "", deprecated=True),
    F("MSGCOM", "Lien commande photo"),
    F("MUSEO", "Lien MUSEOFILE", required=True),
    F("NSDA", "Genre"),
    F("ONOM", "Onomastique", multi=True),
    F("PAUT", "Précision auteur"),
    F("PDAT", "Précision datation", deprecated=True),
    F("PDEC", "Précisions découverte"),
    F("PEOC", "Période de l’original copié", multi=True),
    F("PERI", "Période de création", multi=True),
    F("PERU", "Période d’utilisation", multi=True),
    F("PHOT", "Crédits photos"),
    F("PINS", "Précisions inscriptions"),
    F("PLIEUX", "Précisions lieu création"),
    F("PREP", "Précisions sujet représenté"),
    F("PUTI", "Précisions utilisation"),
    F("RANG", "", deprecated=True),
    F("REDA", "Rédacteur", multi=True),
    F("REFIM", "Référence image"),
    F("REFMEM", "Références Mémoire liées", multi=True),
    F("REFMER", "Références Mérimée liées", multi=True),
    F("REFPAL", "Références Palissy liées", multi=True),
    F("REPR", "Sujet représenté", multi=True),
    F("RETIF", "Lien INHA"),
    F("SREP", "Source représentation", multi=True),
    F("STAT", "Statut juridique", multi=True, required=True),
    F("TECH", "Matériaux - techniques", multi=True),
    F("TICO", "", deprecated=True),
    F("TITR", "Titre"),
    F("TOUT", "Recherche sur tout", deprecated=True),
    F("UTIL", "Utilisation / Destination", multi=True),
    F("VIDEO", "Affichage image", multi=True),
    F("WWW", "Lien site associé", multi=True),
    F("LVID", "Lien Vidéo"),
)
TAGS = tuple(f.tag for f in POP_FIELDS)
KNOWN = frozenset(TAGS)
MULTI_VALUED = frozenset(f.tag for f in POP_FIELDS if f.multi)
GENERATED = frozenset(f.tag for f in POP_FIELDS if f.generated)
DEPRECATED = frozenset(f.tag for f in POP_FIELDS if f.deprecated)
REQUIRED_BY_POP = frozenset(f.tag for f in POP_FIELDS if f.required)

# Labels of the Mistral harvest (report §3.2), then of the open-data field list
# (liste_champs_joconde_etiquettes_vdef_20220516); POP's own labels and the tags also match.
HARVEST_LABELS = {
    "Domaine": "DOMN",
    "Numéro d'inventaire": "INV",
    "Titre": "TITR",
    "Auteur/exécutant": "AUTR",
    "Précision auteur/exécutant": "PAUT",
    "Ecole": "ECOL",
    "Période création/exécution": "PERI",
    "Millésime création/exécution": "MILL",
    "Matériaux/techniques": "TECH",
    "Mesures": "DIMS",
    "Inscriptions": "INSC",
    "Précision inscriptions": "PINS",
    "Description": "DESC",
    "Etat de conservation": "ETAT",
    "Sujet représenté": "REPR",
    "Précision sujet représenté": "PREP",
    "Genèse": "GENE",
    "Historique": "HIST",
    "Lieu création / utilisation": "LIEUX",
    "Lieu de conservation": "LOCA",
    "Statut juridique": "STAT",
    "Date acquisition": "DACQ",
    "Anciennes appartenances": "APTN",
    "Dépôt/changement affectation": "DEPO",
    "Date dépôt/changement affectation": "DDPT",
    "Exposition": "EXPO",
    "Bibliographie": "BIBL",
    "Rédacteur": "REDA",
    "Copyright notice": "COPY",
    "Crédits photographiques": "PHOT",
}
OPEN_DATA_LABELS = {
    "Référence": "REF",
    "Ancien dépôt": "ADPT",
    "Appellation": "APPL",
    "Ancienne appartenance": "APTN",
    "Ancienne attribution": "ATTR",
    "Auteur": "AUTR",
    "Base concernée": "BASE",
    "Bibliographie": "BIBL",
    "Commentaires": "COMM",
    "Présence d’image (s) oui/non": "CONTIENT_IMAGE",
    "Copyright de la notice": "COPY",
    "Date d’acquisition": "DACQ",
    "Date de dépôt": "DDPT",
    "Découverte-collecte": "DECV",
    "Dénomination": "DENO",
    "Lieu de dépôt": "DEPO",
    "Description": "DESC",
    "Mesures": "DIMS",
    "Date de mise à jour": "DMAJ",
    "Date de création": "DMIS",
    "Domaine": "DOMN",
    "Département": "DPT",
    "Date sujet représenté": "DREP",
    "Ecole-pays": "ECOL",
    "Epoque": "EPOQ",
    "Etat du bien": "ETAT",
    "Exposition": "EXPO",
    "Genèse": "GENE",
    "Géographie historique": "GEOHI",
    "Historique": "HIST",
    "Inscription": "INSC",
    "Numéro d’inventaire": "INV",
    "Appellation musée de France": "LABEL",
    "Lien base Arcade": "LARC",
    "Lieux de création / utilisation": "LIEUX",
    "Localisation": "LOCA",
    "Pays Région Ville": "LOCA2",
    "Lien Vidéo": "LVID",
    "Bien manquant": "MANQUANT",
    "Millésime de création": "MILL",
    "Millésime d’utilisation": "MILU",
    "Lien commande photo": "MSGCOM",
    "Code Museofile": "MUSEO",
    "Nom officiel du musée": "NOMOFF",
    "Onomastique": "ONOM",
    "Précisions auteur": "PAUT",
    "Précisions découverte/collecte": "PDEC",
    "Période de l’original copié": "PEOC",
    "Période de création": "PERI",
    "Période d’utilisation": "PERU",
    "Crédits photographiques": "PHOT",
    "Précisions inscriptions": "PINS",
    "Précisions lieux de création": "PLIEUX",
    "Précisions sujet représenté": "PREP",
    "Producteur de la donnée": "PRODUCTEUR",
    "Précisions utilisation": "PUTI",
    "Références Mémoire liées": "REFMEM",
    "Références Mérimée liées": "REFMER",
    "Référence MAJ": "REFMIS",
    "Références Palissy liées": "REFPAL",
    "Sujet représenté": "REPR",
    "Lien INHA": "RETIF",
    "Source représentation": "SREP",
    "Statut juridique": "STAT",
    "Matériaux-techniques": "TECH",
    "Titre": "TITR",
    "Utilisation": "UTIL",
    "Ville": "VILLE_M",
    "Lien site associé": "WWW",
}


def _label_key(label: str) -> str:
    """Labels compared without case, spacing around `/` or the kind of apostrophe."""
    label = " ".join(label.replace("’", "'").split()).casefold()
    return re.sub(r" ?/ ?", "/", label)


LABELS = {
    _label_key(label): tag
    for table in (
        {t: t for t in TAGS},
        {f.label: f.tag for f in reversed(POP_FIELDS) if f.label},  # first one wins
        OPEN_DATA_LABELS,
        HARVEST_LABELS,
    )
    for label, tag in table.items()
}

# Tag -> Work field, text as written (`#` is a line break).
TEXT_FIELDS = {
    "TITR": "title",
    "APPL": "appellation",
    "MILL": "creation_date",
    "DESC": "description",
    "ETAT": "state",
    "PREP": "subject_details",
    "DREP": "subject_date",
    "PLIEUX": "creation_place_details",
    "GEOHI": "historical_geography",
    "PUTI": "use_details",
    "MILU": "use_date",
    "DECV": "discovery",
    "PDEC": "discovery_details",
    "HIST": "history",
    "APTN": "former_owners",
    "ATTR": "former_attributions",
    "BIBL": "bibliography",
    "EXPO": "exhibition_history",
    "COMM": "comments",
    "REDA": "cataloguers",
    "DACQ": "acquisition_date",
    "COPY": "copyright_notice",
}
# Tag -> Work relation of controlled terms.
TERM_TAGS = {
    "DOMN": "domains",
    "DENO": "denominations",
    "TECH": "techniques",  # the loader files each part as a material or a technique
    "PERI": "periods",
    "EPOQ": "styles",
    "ECOL": "schools",
    "REPR": "subjects",
    "SREP": "subject_sources",
    "LIEUX": "places",
    "UTIL": "uses",
    "GENE": "genesis",
}
LINK_TAGS = ("WWW", "LVID", "REFMER", "REFPAL", "REFMEM", "LARC", "RETIF")  # = WorkLink.Kind
URL_TAGS = frozenset({"WWW", "LVID", "LARC", "RETIF"})
URL = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?\Z", re.IGNORECASE)
MOJIBAKE = ("Ã¨", "Ã©", "\ufffd")  # POP checks Ã¨ and U+FFFD
# LOCA words for which POP moves the work to MANQUANT (entities/Joconde.js), as whole words.
MISSING = re.compile(
    r"\b(détruite?|detruite?|localisation inconnue|disparue?s?|pillée?|volée?s?|manquante?s?)\b",
    re.IGNORECASE,
)
LINE = re.compile(r"[^\r\n]+")
TAG_LIKE = re.compile(r"[A-Z][A-Z0-9_]*")  # a first line that may be a tag POP does not know
END = re.compile(r"^//\r?$", re.MULTILINE)


@dataclass
class JocondeNotice:
    """One notice as read: tag -> value (POP's reading, not trimmed), in file order."""

    file: str
    record_number: int
    fields: dict[str, str]
    warnings: list[str] = field(default_factory=list)  # what the reader kept aside or guessed
    errors: list[tuple[str, str]] = field(default_factory=list)  # (tag, why): to reject
    complete: bool = True  # False when the last notice of a txt file has no "//"

    @property
    def ref(self) -> str:
        return self.fields.get("REF", "").strip()


# --------------------------------------------------------------------------- reading


def read_objects(path, *, encoding: str | None = None) -> Iterator[ObjectRecord | RejectedRecord]:
    """The notices of a file as `ObjectRecord`s (or rejections)."""
    for item in read_notices(path, encoding=encoding):
        yield item if isinstance(item, RejectedRecord) else to_object_record(item)


def read_notices(path, *, encoding: str | None = None) -> Iterator[JocondeNotice | RejectedRecord]:
    """The notices of a file, whatever its format (told by its content)."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SourceFileError(name, f"cannot be read: {error.strerror}") from None
    refs: dict[str, int] = {}
    count = 0
    for notice in _parse(name, data, encoding):
        count += 1
        if isinstance(notice, RejectedRecord):
            yield notice
            continue
        for tag, value in notice.fields.items():
            if any(sign in value for sign in MOJIBAKE):
                raise SourceFileError(
                    name,
                    f"notice {notice.record_number}, {tag}: “{value[:60]}” shows signs of a "
                    "wrong encoding (“Ã©”, “Ã¨” or �); save the file in UTF-8 and import it again",
                )
        if ref := notice.ref:
            if ref in refs:
                raise SourceFileError(
                    name,
                    f"REF {ref} is in notices {refs[ref]} and {notice.record_number}: keep one "
                    "notice per REF (POP refuses such files)",
                )
            refs[ref] = notice.record_number
        yield _checked(notice)
    if not count:
        raise SourceFileError(name, "no Joconde notice found")


def _checked(notice: JocondeNotice) -> JocondeNotice | RejectedRecord:
    problems = list(notice.errors)
    for tag, what in (("REF", "the notice's key"), ("INV", "the inventory number")):
        if not notice.fields.get(tag, "").strip():
            problems.append((tag, f"no {tag} ({what})"))
    if not notice.complete:
        ending = "the notice does not end with “//”: the file may be truncated"
        if not problems:
            notice.warnings.append(f"{ending}; check that it is complete")
        else:
            problems.append(("", ending))
    if not problems:
        return notice
    reason = "; ".join(why for _, why in problems)
    return RejectedRecord(notice.file, notice.record_number, notice.ref, problems[0][0], reason)


def _parse(name: str, data: bytes, encoding: str | None):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.lstrip().startswith(b"<"):
        return _read_harvest(name, data)
    text = _decode(name, data, encoding)
    first = next((m.group() for m in LINE.finditer(text) if m.group().strip()), "")
    if not first:
        raise SourceFileError(name, "empty file: no Joconde notice found")
    if first in KNOWN or (TAG_LIKE.fullmatch(first) and END.search(text)):
        return _read_txt(name, text)
    if len(_header_cells(first, "|")) >= 4:
        return _read_actimuse(name, text)
    if "REF" in [cell.strip() for cell in _header_cells(first, ";")]:
        return _read_csv(name, text)
    raise SourceFileError(
        name,
        f"not a Joconde file: the first line “{first[:40]}” is neither a tag (txt), nor a "
        "header naming REF (CSV with “;”), nor an Actimuse header, nor XML",
    )


def _header_cells(line: str, delimiter: str) -> list[str]:
    """The cells of a first line; none when the csv module cannot read it (a cell longer than
    its field limit, 128 KiB): then it is not a header."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _decode(name: str, data: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise SourceFileError(name, f"cannot be read as {encoding}: {error}") from None
    if b"\x00" in data:
        raise SourceFileError(name, "the file looks like UTF-16: save it in UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # a superset of ISO-8859-1's letters
    except UnicodeDecodeError as error:
        raise SourceFileError(
            name, f"neither UTF-8 nor ISO-8859-1/Windows-1252 (byte {error.start})"
        ) from None


def _read_txt(name: str, text: str) -> Iterator[JocondeNotice]:
    """POP's `parseAjoutPilote`: see the module docstring."""
    notice, tag, glued = JocondeNotice(name, 1, {}), None, set()
    for match in LINE.finditer(text.replace("-\r\n", "")):
        line = match.group()
        if line == "//":
            yield notice
            notice, tag, glued = JocondeNotice(name, notice.record_number + 1, {}), None, set()
        elif tag is None and not line.strip():
            continue
        elif line in KNOWN or tag is None:
            tag = line
            if tag in notice.fields:
                notice.errors.append((tag, f"{tag} is given twice in the notice (a missing “//”?)"))
            elif tag not in KNOWN:
                notice.warnings.append(
                    f"“{tag}” is not a POP tag (POP ignores it): kept in the imported record only"
                )
            notice.fields[tag] = ""
        elif notice.fields[tag]:
            if tag not in glued:
                glued.add(tag)
                notice.warnings.append(
                    f"{tag}: a line break (without “ -”) was joined with nothing, as POP does; "
                    "check that no words were glued"
                )
            notice.fields[tag] += line
        else:
            notice.fields[tag] = line
    if notice.fields:
        notice.complete = False
        yield notice


def _read_actimuse(name: str, text: str) -> Iterator[JocondeNotice | RejectedRecord]:
    """Actimuse: `|`-separated, the 4th column a whole notice; the others kept as columns."""
    rows = csv.reader(io.StringIO(text, newline=""), delimiter="|")
    number = 0
    try:
        header = next(rows)
        for number, row in enumerate(rows, 1):
            if not any(cell.strip() for cell in row):
                continue
            notices = list(_read_txt(name, row[3])) if len(row) > 3 else []
            if len(notices) != 1:
                why = f"{len(notices)} notices in the 4th column" if notices else "no notice"
                yield RejectedRecord(name, number, "", header[3] if len(header) > 3 else "", why)
                continue
            notice = notices[0]
            notice.record_number = number
            for column, value in zip(header[:3], row[:3], strict=False):
                if value.strip():
                    notice.fields.setdefault(column, value)
            yield notice
    except csv.Error as error:
        raise SourceFileError(
            name,
            f"the Actimuse export cannot be read after row {number} ({error}): export it again",
        ) from None


def _read_csv(name: str, text: str) -> Iterator[JocondeNotice]:
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        header = [cell.strip() for cell in next(rows)]
        if repeated := {tag for tag in header if tag in KNOWN and header.count(tag) > 1}:
            raise SourceFileError(name, f"columns given twice: {', '.join(sorted(repeated))}")
        for number, row in enumerate(rows, 1):
            if not any(cell.strip() for cell in row):
                continue
            fields = {
                tag: value
                for tag, value in zip(header, row, strict=False)
                if tag in KNOWN and value.strip()
            }
            notice = JocondeNotice(name, number, fields)
            if ref := notice.ref:
                fields["REF"] = ref.rjust(11, "0")  # trimmed and padded, as POP does
                if len(ref) < 11:
                    notice.warnings.append(f"REF {ref} padded to {fields['REF']}, as POP does")
            yield notice
    except csv.Error as error:
        raise SourceFileError(
            name, f"badly formed CSV ({error}): check that the separator is “;”"
        ) from None


def _read_harvest(name: str, data: bytes) -> Iterator[JocondeNotice]:
    """The label-based XML harvested from Mistral: RECORD elements."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise SourceFileError(name, f"not well-formed XML: {error}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SourceFileError(
            name, "XML with a DOCTYPE (entities, external files) is refused: export it again"
        )
    records = [root] if root.tag == "RECORD" else list(root.iter("RECORD"))
    if not records:
        raise SourceFileError(name, f"no RECORD element (the root is <{root.tag}>)")
    for number, record in enumerate(records, 1):
        notice, images = JocondeNotice(name, number, {}), []
        for child in record:
            if not isinstance(child.tag, str):
                continue  # a comment or processing instruction
            text, tag = (child.text or "").strip(), child.tag
            if tag == "IMAGE":
                images.append(text)
                continue
            if tag == "REQ":
                tag = "REF"
            elif tag == "FIELD":
                label = child.get("NAME", "")
                tag = LABELS.get(_label_key(label))
                if tag is None:
                    tag = label
                    notice.warnings.append(
                        f"the label “{label}” has no Joconde tag: kept in the imported record only"
                    )
            elif tag != "ONLINE":  # the old permalink, kept as it is
                notice.warnings.append(f"<{tag}> is not a harvest element: kept as it is")
            if tag in notice.fields:
                notice.errors.append((tag, f"{tag} is given twice in the record"))
            notice.fields[tag] = text
        if images:
            notice.fields["VIDEO"] = " ; ".join(images)
        yield notice


# --------------------------------------------------------------------------- meaning


def split_list(value: str) -> list[str]:
    """A multi-valued field: `a ; b ; c`, parts trimmed, empty ones left out."""
    return [part.strip() for part in value.split(";") if part.strip()]


def split_outside_parentheses(value: str, separators: str = ",;") -> list[str]:
    """`papier vélin, rehaut (gouache, blanche) ; carton` -> 3 parts, parentheses kept whole."""
    parts, depth, current = [], 0, ""
    for char in value:
        depth += char == "("
        depth -= char == ")" and depth > 0
        if char in separators and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [" ".join(part.split()) for part in parts if part.strip()]


def _text(value: str) -> str:
    return value.replace("#", "\n").strip()


def to_object_record(notice: JocondeNotice) -> ObjectRecord | RejectedRecord:
    """The notice in Cartel's terms; `raw` keeps it as read."""
    tags = {tag: value.strip() for tag, value in notice.fields.items() if value.strip()}
    ref = tags.get("REF", "")
    inventory, *others = [part.strip() for part in tags.get("INV", "").split(";")]
    if not ref or not inventory:
        why = "no REF" if not ref else "the inventory number (first value of INV) is empty"
        return RejectedRecord(notice.file, notice.record_number, ref, "INV" if ref else "REF", why)
    fields = {name: _text(tags[tag]) for tag, name in TEXT_FIELDS.items() if tag in tags}
    if inscriptions := "\n".join(_text(tags[tag]) for tag in ("INSC", "PINS") if tag in tags):
        fields["inscriptions_note"] = inscriptions
    fields["in_joconde"] = True  # the notice is in Joconde: it goes on being sent
    dimensions, note = parse_dims(tags.get("DIMS", ""))
    if note:
        fields["dimensions_note"] = note
    terms = {
        relation: (split_outside_parentheses if tag == "TECH" else split_list)(tags[tag])
        for tag, relation in TERM_TAGS.items()
        if tag in tags
    }
    warnings = [("", warning) for warning in notice.warnings]
    links = []
    for tag in LINK_TAGS:
        values = split_list(tags.get(tag, "")) if tag in MULTI_VALUED else [tags.get(tag, "")]
        for value in filter(None, values):
            if tag in URL_TAGS and not URL.match(value):
                warnings.append((tag, f"“{value}” is not a web address: kept in the record only"))
            else:
                links.append((tag, value, ""))
    if said := MISSING.search(tags.get("LOCA", "")):
        warnings.append(
            (
                "LOCA",
                f"the notice says the work is “{said[0]}”: record it through a récolement "
                "(kept in the imported record)",
            )
        )
    return ObjectRecord(
        file=notice.file,
        record_number=notice.record_number,
        inventory_number=inventory,
        joconde_ref=ref,
        fields=fields,
        terms=terms,
        makers=[parse_author(entry) for entry in split_list(tags.get("AUTR", ""))],
        dimensions=dimensions,
        numbers=[_other_number(value) for value in others if value],
        links=links,
        # the loader splits STAT with the vocabulary (writers differ in the order of parts)
        legal_status={"statement": tags["STAT"]} if "STAT" in tags else {},
        raw=dict(notice.fields),
        warnings=warnings,
    )


def _other_number(value: str) -> tuple[str, str, str]:
    """`n° 130 (catalogue Fourgeaud)` -> ("n° 130", "catalogue", "catalogue Fourgeaud")."""
    match = re.fullmatch(r"(.+?)\s*\(([^()]*)\)", value)
    number, note = (match[1], match[2]) if match else (value, "")
    kind = "other"
    if "catalogue" in note.casefold():
        kind = "catalogue"
    elif "inventaire" in note.casefold():
        kind = "previous_inventory"
    return number, kind, note


QUALIFIERS = (
    "anciennement attribué à",
    "copie d'après",
    "attribué à",
    "atelier de",
    "entourage de",
    "école de",
    "suiveur de",
    "genre de",
    "d'après",
)  # WorkMaker.Qualifier, given in parentheses like a role
ORGANISATIONS = ("manufacture", "maison", "société", "fabrique", "compagnie", "établissements")


def parse_author(entry: str) -> MakerRecord:
    """`VUILLIER Gaston (dessinateur)`: the leading words in capitals are the surname.

    Several roles `(céramiste, artisan)`: the first is the role, the whole text the note.
    """
    name, groups = " ".join(entry.split()), []
    while match := re.fullmatch(r"(.+?) ?\(([^()]*)\)", name):
        name, groups = match[1], [match[2], *groups]
    parts = [part.strip() for group in groups for part in group.split(",") if part.strip()]
    qualifier = next((p for p in parts if p.replace("’", "'").casefold() in QUALIFIERS), "")
    roles = [part for part in parts if part != qualifier]
    maker = MakerRecord(
        name=name,
        role=roles[0] if roles else "",
        qualifier=qualifier.replace("’", "'").casefold(),
        note=", ".join(groups) if len(roles) > 1 else "",
    )
    words = name.split()
    if words and words[0].casefold() in ORGANISATIONS:
        maker.organisation = True
        return maker
    capitals = 0
    for word in words:
        letters = [c for c in word if c.isalpha()]
        if len(letters) < 2 or not all(c.isupper() for c in letters):
            break
        capitals += 1
    if capitals and name.casefold() != "anonyme":
        maker.surname = " ".join(words[:capitals]).title()
        maker.forenames = " ".join(words[capitals:])
        maker.name = f"{maker.forenames} {maker.surname}".strip()
    return maker


DIMS_KINDS = {
    "hauteur": "height",
    "largeur": "width",
    "profondeur": "depth",
    "longueur": "length",
    "diamètre": "diameter",
    "diametre": "diameter",
    "épaisseur": "thickness",
    "epaisseur": "thickness",
    "poids": "weight",
    "volume": "volume",
}
SHORT_KINDS = {
    "H": "height",
    "h": "height",
    "l": "width",
    "L": "length",
    "P": "depth",
    "D": "diameter",
    "E": "thickness",
    "Pds": "weight",
}
UNITS = {
    "mm": "length",
    "cm": "length",
    "m": "length",
    "g": "weight",
    "kg": "weight",
    "l": "volume",
}
NUMBER = r"(?P<value>\d+(?:[.,]\d+)?)"
DIMS_LONG = re.compile(
    r"(?P<kind>\w+)(?P<before>(?: [^\d;]+?)?) en (?P<unit>mm|cm|m|g|kg|l)"
    r"(?P<after>(?: [^\d;]+?)?) " + NUMBER
)
DIMS_SHORT = re.compile(r"(?P<kind>Pds|[HhlLPDE])\.? ?" + NUMBER + r"(?: (?P<unit>mm|cm|m|g|kg))?")


def parse_dims(text: str) -> tuple[list[DimensionRecord], str]:
    """Structured values when the whole DIMS is understood, else none and the text as written.

    `Hauteur en cm avec montage 26.8 ; Largeur en cm 30.7`, `H. 61, l. 50` (cm when no unit is
    given) and `l. 8 cm ; H. 16,5 cm` are understood; anything else is never half-read."""
    text = text.strip()
    if not text:
        return [], ""
    values = [_dimension(" ".join(part.split())) for part in re.split(r"\s*;\s*|,\s+", text)]
    if None in values:
        return [], text
    return values, ""


def _dimension(part: str) -> DimensionRecord | None:
    if match := DIMS_LONG.fullmatch(part):
        kind = DIMS_KINDS.get(match["kind"].casefold())
        measured = " ".join(f"{match['before']} {match['after']}".split())
        unit = match["unit"]
    elif match := DIMS_SHORT.fullmatch(part):
        kind, measured = SHORT_KINDS[match["kind"]], ""
        unit = match["unit"] or ("cm" if kind not in ("weight", "volume") else "")
    else:
        return None
    try:
        value = Decimal(match["value"].replace(",", "."))
    except InvalidOperation:
        return None
    dimension = {"weight": "weight", "volume": "volume"}.get(kind, "length")
    if kind is None or UNITS.get(unit) != dimension or value <= 0:
        return None
    if value.as_tuple().exponent < -3:  # Dimension.value keeps 3 decimals
        return None
    return DimensionRecord(kind, value, unit, measured)
