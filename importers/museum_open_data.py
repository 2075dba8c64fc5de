"""Read the open data of the demo (MoMA, Tate, artwork images) into plain records.

Pure Python, no Django: generators yield frozen dataclasses, and a record that cannot be
read yields a `BadRecord` naming the file, the record and the field, so the loader can
report it and go on. The mapping of the English source vocabulary (departments,
classifications, media, dimensions, Tate subjects) to the French Joconde vocabularies
lives here too, as tables that `tests/unit/test_museum_open_data.py` checks against the
real SMF / OpenTheso files in demo/data/vocabularies.

Decisions (see also the docstrings of each function):

* Dates are kept as written; "n.d.", "date not known" and "Unknown" are not dates and
  are left out (empty).
* Media: a medium string is mapped to French TECH terms only when *every* part of it is
  understood (e.g. "Oil paint on canvas" -> technique "peinture à l'huile", material
  "toile"); otherwise no term is stored, so half-understood media never flood the
  "outside the vocabulary" review list. The English text is always kept in the work's
  description as "Medium: ...".
* Dimensions: MoMA's metric part ("19 1/8 x 66 1/2\\" (48.6 x 168.9 cm)" -> H. 48.6 cm,
  l. 168.9 cm) and Tate's text ("support: 394 x 419 mm" -> H. 394 mm, l. 419 mm). Tate's
  separate height/width fields are swapped in the published JSON (tategallery/collection
  issue #35), so the text is the authority. Segments that do not parse are returned
  as written, for the work's dimensions note.
* Parts measured are given in French, as Joconde DIMS writes them: support, image,
  "avec cadre" (Tate "frame"), feuille (MoMA "sheet"), cuvette ("plate"), composition,
  page.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

MOMA_FILE = "moma_objects_2015-08-13_sample_2000.jsonl"
TATE_ARTWORKS_DIR = "tate_artworks_json"
TATE_ARTISTS_FILE = "tate_artist_data.csv"
IMAGES_FILE = "images.csv"

# Values that say "no date" rather than give one.
NO_DATE = {"n.d.", "(n.d.)", "date not known", "unknown", "undated"}


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class BadRecord:
    """A record that cannot be loaded: where it is, which field, and why."""

    source: str  # file name
    record: str  # "line 17", "acno T01234", "row 5 (file.jpg)"
    field: str
    message: str

    def __str__(self):
        return f"{self.source}, {self.record}, field {self.field}: {self.message}"


@dataclass(frozen=True)
class DimensionValue:
    kind: str  # height, width, depth, diameter, length, weight
    value: Decimal
    unit: str  # mm, cm, kg
    part: str = ""  # part measured, in French ("support", "feuille", "avec cadre", ...)


@dataclass(frozen=True)
class ParsedDimensions:
    values: tuple[DimensionValue, ...] = ()
    unparsed: tuple[str, ...] = ()  # segments as written, for the dimensions note

    @property
    def note(self) -> str:
        return " ; ".join(self.unparsed)


@dataclass(frozen=True)
class MediumTerms:
    """French TECH terms for a medium that was understood completely."""

    techniques: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()


@dataclass(frozen=True)
class Classification:
    """What the department / classification of a record says in Joconde terms."""

    domains: tuple[str, ...] = ()  # DOMN (th294 labels)
    denominations: tuple[str, ...] = ()  # DENO
    role: str = ""  # AUTROLE of the makers


@dataclass(frozen=True)
class PersonRecord:
    """A person or an organisation as a source describes it."""

    source_ref: str
    name: str  # usual form, forenames first
    surname: str = ""
    forenames: str = ""
    kind: str = "person"  # person | organisation
    birth_date: str = ""
    death_date: str = ""
    birth_place: str = ""
    death_place: str = ""
    nationality: str = ""
    biography: str = ""
    note: str = ""  # e.g. the place that follows a firm's name in a credit ("Nancy, France")


@dataclass(frozen=True)
class MomaObject:
    line: int
    object_id: str
    inventory_number: str
    title: str
    date: str
    medium: str
    dimensions: str
    credit_line: str
    date_acquired: str
    department: str
    classification: str
    url: str
    artists: tuple[PersonRecord, ...] = ()
    artist_text: str = ""


@dataclass(frozen=True)
class TateContributor:
    person: PersonRecord
    role: str  # "artist" or "after"


@dataclass(frozen=True)
class TateArtwork:
    file: str
    acno: str
    title: str
    date_text: str
    medium: str
    dimensions: str
    credit_line: str
    acquisition_year: str
    classification: str
    url: str
    contributors: tuple[TateContributor, ...] = ()
    subjects: tuple[str, ...] = ()  # leaf subject names, in the file's order


@dataclass(frozen=True)
class ImageRow:
    line: int  # line in the CSV (header is line 1)
    number: int  # row order, 1-based
    file: str
    title: str
    artist: str
    date: str
    institution: str
    accession_number: str
    licence: str
    source_repo: str = ""
    source_path: str = ""

    @property
    def rights(self) -> str:
        """Cartel Rights value from the licence text: cc0 or public_domain ("" if neither)."""
        text = self.licence.casefold()
        if text.startswith("cc0") or "cc0" in text.split("(")[0]:
            return "cc0"
        if "public domain" in text or "domaine public" in text:
            return "public_domain"
        return ""

    @property
    def author_death_year(self) -> int | None:
        match = re.search(r"author d\.\s*(\d{3,4})", self.licence)
        return int(match.group(1)) if match else None


# --------------------------------------------------------------------------- helpers


def clean_text(value) -> str:
    """A value as one line of text: None -> "", runs of spaces and line breaks -> one space."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def ascii_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug: 'Élisabeth Vigée Le Brun' -> 'elisabeth-vigee-le-brun'."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_key(text)).strip("-")
    return slug[:max_length].rstrip("-")


def as_date(text) -> str:
    """A creation or life date as written, or "" for the source's "no date" markers."""
    value = clean_text(text)
    return "" if value.casefold() in NO_DATE else value


# --------------------------------------------------------------------------- names

_PARTICLES = {
    "van",
    "von",
    "de",
    "der",
    "den",
    "da",
    "di",
    "du",
    "del",
    "della",
    "des",
    "ter",
    "ten",
    "le",
    "la",
    "y",
    "d'",
    "dos",
    "das",
}
_GENERATION_SUFFIXES = {
    "junior",
    "senior",
    "jr.",
    "jr",
    "sr.",
    "sr",
    "the younger",
    "the elder",
    "i",
    "ii",
    "iii",
    "iv",
}
_HONORIFICS = re.compile(r"^(?:(?:sir|dame|rev\.|revd|prof\.|dr\.?|the hon\.|lord|lady)\s+)+", re.I)
_ORGANISATION_WORDS = re.compile(
    r"\b(?:inc\.?|company|co\.|corp\.?|ltd\.?|llc|gmbh|s\.a\.|workshop|studio|studios|"
    r"architects?|architecture|frères|atelier|institute|brigade|department|committee|"
    r"collection|observatory|co-op|group|collective|gallery|press|editions|éditions|verlag|"
    r"school|family|associates|partnership|agency|office|society|museum|manufactur\w*|"
    r"proletkult|izoram)\b",
    re.I,
)

# Usual name forms the simple rules below get wrong (demo image rows): surname, forenames.
KNOWN_NAME_FORMS = {
    "el greco": ("El Greco", ""),
    "caravaggio": ("Caravaggio", ""),
    "katsushika hokusai": ("Katsushika", "Hokusai"),
    "giotto di bondone": ("Giotto di Bondone", ""),
    "elisabeth louise vigee le brun": ("Vigée Le Brun", "Élisabeth Louise"),
    "rembrandt van rijn": ("Rembrandt van Rijn", ""),
    "leonardo da vinci": ("Leonardo da Vinci", ""),
    "georges de la tour": ("La Tour", "Georges de"),
    "jean-auguste-dominique ingres": ("Ingres", "Jean-Auguste-Dominique"),
}


def split_display_name(name: str) -> tuple[str, str]:
    """(surname, forenames) of a name written forenames first.

    'Otto Wagner' -> ('Wagner', 'Otto'); 'Vincent van Gogh' -> ('van Gogh', 'Vincent');
    'Hans Holbein the Younger' -> ('Holbein', 'Hans'); 'Henry Wessel, Jr.' -> ('Wessel',
    'Henry'); a single word is a surname. A few usual forms are listed in KNOWN_NAME_FORMS.
    """
    name = clean_text(name)
    known = KNOWN_NAME_FORMS.get(ascii_key(name))
    if known:
        return known
    base = re.sub(
        r",?\s+(?:jr\.?|sr\.?|junior|senior|the younger|the elder|ii|iii|iv)$", "", name, flags=re.I
    )
    tokens = base.split()
    if len(tokens) <= 1:
        return base, ""
    start = len(tokens) - 1
    # A lower-case particle before the last word belongs to the surname ("van Gogh").
    while start > 1 and tokens[start - 1].casefold() in _PARTICLES and tokens[start - 1].islower():
        start -= 1
    return " ".join(tokens[start:]), " ".join(tokens[:start])


def strip_honorifics(forenames: str) -> str:
    """'Sir John Everett' -> 'John Everett' (for matching names written without titles)."""
    return _HONORIFICS.sub("", forenames).strip()


def is_organisation_name(name: str) -> bool:
    return bool(_ORGANISATION_WORDS.search(name)) or " & " in name


# --------------------------------------------------------------------------- Tate artists


def split_tate_name(raw: str) -> tuple[str, str, str]:
    """(display name, surname, forenames) of Tate's 'Surname, Forenames[, suffix]' form.

    'Abbey, Edwin Austin' -> ('Edwin Austin Abbey', 'Abbey', 'Edwin Austin');
    'Holbein, Hans, the Younger' -> ('Hans Holbein the Younger', 'Holbein', 'Hans');
    'Barker, Thomas, of Bath' -> ('Thomas Barker of Bath', ...);
    'Millais, Sir John Everett, Bt' -> ('Sir John Everett Millais, Bt', ...);
    'Aylesford, Heneage Finch, Fourth Earl of' -> ('Heneage Finch, Fourth Earl of Aylesford', ...);
    a name without a comma ('Canaletto', 'Art & Language (Ian Burn)') is kept whole as surname.
    """
    raw = clean_text(raw)
    parts = [p.strip() for p in raw.split(", ")]
    if len(parts) == 1 or not parts[1]:
        return raw, raw, ""
    surname, forenames, suffix = parts[0], parts[1], ", ".join(parts[2:])
    if not suffix:
        return f"{forenames} {surname}", surname, forenames
    if suffix.endswith(" of"):  # a title: "Fourth Earl of", "Duchess of"
        return f"{forenames}, {suffix} {surname}", surname, forenames
    if suffix.casefold() in _GENERATION_SUFFIXES or suffix.startswith("of "):
        return f"{forenames} {surname} {suffix}", surname, forenames
    return f"{forenames} {surname}, {suffix}", surname, forenames  # honours: Bt, OM, CBE, ...


_LIFE = re.compile(r"^(?P<birth>[^–]*?)\s*–\s*(?P<death>[^–]*)$")
_PLAIN_DATE = re.compile(
    r"^(?:c\.|\?)?\d{4}(?: or \d{1,4})?$|^\?c\.\d{4}$|^after \d{4}$|^before \d{4}$"
)


def tate_life_dates(dates: str, year_of_birth: str, year_of_death: str) -> tuple[str, str, str]:
    """(birth date, death date, biography note) from Tate's 'dates' column, as written.

    '1852–1911' -> ('1852', '1911', ''); 'c.1630–1665' -> ('c.1630', '1665', '');
    'born 1930' -> ('1930', '', ''); 'died c.1860' -> ('', 'c.1860', '');
    a floruit or a collective's dates ('active 1787–1808', 'established 1999',
    'born 1944, born 1945', '19th century') are no life dates: kept as a note.
    """
    dates = clean_text(dates)
    if not dates:
        return "", "", ""
    born = re.fullmatch(r"born (\S+)", dates)
    if born and _PLAIN_DATE.match(born.group(1)):
        return born.group(1), "", ""
    died = re.fullmatch(r"died (\S+)", dates)
    if died and _PLAIN_DATE.match(died.group(1)):
        return "", died.group(1), ""
    life = _LIFE.match(dates)
    if life and not dates.startswith(("active", "exhibited")):
        birth, death = life.group("birth").strip(), life.group("death").strip()
        if _PLAIN_DATE.match(birth) and (_PLAIN_DATE.match(death) or re.fullmatch(r"\d{2}", death)):
            if re.fullmatch(r"\d{2}", death):  # '1903–63'
                death = birth.lstrip("c.?")[:2] + death
            return birth, death, ""
        return year_of_birth, year_of_death, f"Dates: {dates}"
    if _PLAIN_DATE.match(dates):
        return dates, "", ""
    return "", "", f"Dates: {dates}"


def read_tate_artists(path: Path, limit: int | None = None) -> Iterator[PersonRecord | BadRecord]:
    """Tate's artist_data.csv (UTF-8 with a BOM) as PersonRecords keyed tate-artist:<id>."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        count = 0
        for row in reader:
            if limit is not None and count >= limit:
                return
            count += 1
            where = f"line {reader.line_num}"
            artist_id = clean_text(row.get("id"))
            if not artist_id.isdigit():
                yield BadRecord(path.name, where, "id", f"not a Tate artist id: {artist_id!r}")
                continue
            raw_name = clean_text(row.get("name"))
            if not raw_name:
                yield BadRecord(path.name, f"{where} (id {artist_id})", "name", "empty name")
                continue
            yield tate_artist(
                artist_id=artist_id,
                raw_name=raw_name,
                dates=row.get("dates", ""),
                year_of_birth=clean_text(row.get("yearOfBirth")),
                year_of_death=clean_text(row.get("yearOfDeath")),
                birth_place=clean_text(row.get("placeOfBirth")),
                death_place=clean_text(row.get("placeOfDeath")),
            )


def tate_artist(
    *,
    artist_id,
    raw_name,
    dates="",
    year_of_birth="",
    year_of_death="",
    birth_place="",
    death_place="",
) -> PersonRecord:
    dates = clean_text(dates)
    organisation = (
        dates.startswith(("established", "founded"))
        or dates.count("born") > 1
        or "(" in raw_name
        or is_organisation_name(raw_name)
    )
    if organisation:
        name, surname, forenames = raw_name, "", ""
    else:
        name, surname, forenames = split_tate_name(raw_name)
    birth, death, note = tate_life_dates(dates, year_of_birth, year_of_death)
    if organisation and dates:
        birth, death, note = "", "", f"Dates: {dates}"
    return PersonRecord(
        source_ref=f"tate-artist:{artist_id}",
        name=name,
        surname=surname,
        forenames=forenames,
        kind="organisation" if organisation else "person",
        birth_date=birth,
        death_date=death,
        birth_place=birth_place,
        death_place=death_place,
        biography=note,
    )


# --------------------------------------------------------------------------- MoMA artists


def bio_groups(bio: str) -> list[str]:
    """The top-level parenthesised groups of an ArtistBio, nested brackets kept.

    '(French, born Germany (Alsace). 1886–1966) (Swiss)' -> ['French, born Germany (Alsace).
    1886–1966', 'Swiss'].
    """
    groups, depth, current = [], 0, []
    for char in bio or "":
        if char == "(":
            depth += 1
            if depth == 1:
                current = []
                continue
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                groups.append(clean_text("".join(current)))
                continue
        if depth:
            current.append(char)
    return groups


@dataclass(frozen=True)
class Bio:
    nationality: str = ""
    birth_date: str = ""
    death_date: str = ""
    birth_place: str = ""
    organisation: bool = False
    note: str = ""


_YEAR = r"(?:ca\.\s*)?\d{4}"
_NOT_NATIONALITIES = {"various", "nationality unknown", "unknown", "active"}


def parse_moma_bio(text: str) -> Bio:
    """One ArtistBio group: '(Austrian, 1841–1918)' -> nationality Austrian, 1841, 1918.

    Forms seen: 'American, born 1947'; 'German, born Russia. 1901–1995'; 'French and Swiss,
    born Switzerland 1944'; 'Italian'; '1886–1917'; 'founded 1989', 'French, established
    1875', 'UK, est. 1994' (organisations); 'Japanese, active 1930–64' (a floruit: note only);
    'Nationality unknown', 'Various' (nothing).
    """
    text = clean_text(text).strip(" .")
    if not text:
        return Bio()
    head, _, rest = text.partition(",")
    if re.search(r"\d", head) or head.casefold().startswith(("born", "founded", "established")):
        nationality, rest = "", text
    else:
        nationality, rest = head.strip(), rest.strip()
    if nationality.casefold() in _NOT_NATIONALITIES:
        nationality = ""
    organisation = re.search(rf"\b(?:founded|established|est\.|formed)\s*({_YEAR})", rest, re.I)
    if organisation:
        return Bio(nationality=nationality, organisation=True, note=rest)
    if re.match(r"active\b", rest, re.I) or text.casefold().startswith("active"):
        return Bio(nationality=nationality, note=rest if rest else text)
    birth_place = ""
    place = re.search(
        r"born\s+(?:in\s+)?(?!ca\.)(?P<place>[^\d]+?)[.,]?\s+(?=(?:ca\.\s*)?\d{4})", rest
    )
    if place:
        birth_place = place.group("place").strip()
    span = re.search(rf"({_YEAR})\s*[–-]\s*(\d{{2,4}})\b", rest)
    if span:
        birth, death = span.group(1), span.group(2)
        if len(death) == 2:
            digits = birth[-4:]
            death = digits[:2] + death
        return Bio(nationality, birth, death, birth_place)
    born = re.search(rf"born\s+({_YEAR})", rest) or re.search(
        rf"born\s+(?:[^\d]+?[.,]?\s+)?({_YEAR})", rest
    )
    if born:
        return Bio(nationality, born.group(1), "", birth_place)
    return Bio(nationality=nationality)


_ANONYMOUS = re.compile(r"^(?:unknown|various|anonymous)\b", re.I)
_NAME_SUFFIX = re.compile(
    r"^(?:inc\.?|jr\.?|sr\.?|ltd\.?|co\.|corp\.?|llc|s\.a\.|gmbh|ii|iii)$", re.I
)
_US_STATE = re.compile(r"^[A-Z]{2}$")
# Places that follow a firm's name in MoMA's Artist field ("Daum Frères, Nancy, France").
PLACE_NAMES = {
    "new york",
    "paris",
    "france",
    "nancy",
    "los angeles",
    "leningrad",
    "new kensington",
    "london",
    "berlin",
    "vienna",
    "milan",
    "moscow",
    "tokyo",
    "chicago",
    "germany",
    "italy",
    "japan",
    "usa",
    "u.s.a.",
    "england",
    "switzerland",
    "the netherlands",
    "amsterdam",
}


def _is_place(part: str) -> bool:
    return bool(_US_STATE.match(part)) or part.casefold() in PLACE_NAMES


def split_moma_artists(artist: str, bio: str) -> list[tuple[str, str, Bio]]:
    """MoMA's Artist and ArtistBio fields as (name, place note, bio) per maker.

    'Charles Eames, Ray Eames' + '(American, 1907–1978) (American, 1912–1988)' gives two
    makers with their own bios. 'Kensington, Inc., New Kensington, PA' is one firm,
    'Kensington, Inc.', made in 'New Kensington, PA'. Anonymous and collective credits
    ('Unknown photographer', 'Various Artists') are not makers. Bios are paired with names
    only when there is one per name; otherwise a single bio goes to the first name (MoMA's
    ArtistID and ArtistBio describe the first constituent) and several are dropped, because
    a date on the wrong person is worse than none.
    """
    artist = clean_text(artist)
    if not artist:
        return []
    makers: list[list] = []  # [name, [places]]
    for part in artist.split(", "):
        part = part.strip()
        if not part:
            continue
        if makers and _NAME_SUFFIX.match(part):
            makers[-1][0] = f"{makers[-1][0]}, {part}"
        elif makers and _is_place(part):
            makers[-1][1].append(part)
        else:
            makers.append([part, []])
    bios = [parse_moma_bio(group) for group in bio_groups(bio)]
    if len(bios) == len(makers):
        paired = bios
    elif len(bios) == 1:
        paired = bios + [Bio()] * (len(makers) - 1)
    else:
        paired = [Bio()] * len(makers)
    result = []
    for (name, places), person_bio in zip(makers, paired, strict=True):
        if _ANONYMOUS.match(name):
            continue
        result.append((name, ", ".join(places), person_bio))
    return result


def moma_person(name: str, place: str, bio: Bio, source_ref: str) -> PersonRecord:
    organisation = bio.organisation or is_organisation_name(name)
    surname, forenames = ("", "") if organisation else split_display_name(name)
    return PersonRecord(
        source_ref=source_ref,
        name=name,
        surname=surname,
        forenames=forenames,
        kind="organisation" if organisation else "person",
        birth_date=bio.birth_date,
        death_date=bio.death_date,
        birth_place=bio.birth_place,
        nationality=bio.nationality,
        biography=bio.note,
        note=place,
    )


def moma_artist_ref(name: str, ids: dict[str, int]) -> str:
    """moma-artist:<ArtistID> when MoMA gives the id for this name, else a name key."""
    artist_id = ids.get(ascii_key(name))
    if artist_id is not None:
        return f"moma-artist:{artist_id}"
    return f"moma-artist-name:{slugify(name)}"


def moma_artist_ids(lines: list[str]) -> dict[str, int]:
    """Name key -> ArtistID over the whole file: the id belongs to the first named artist."""
    ids: dict[str, int] = {}
    for text in lines:
        try:
            obj = json.loads(text)
        except ValueError:
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("ArtistID"), int):
            continue
        first = clean_text(obj.get("Artist")).split(", ")[0]
        if first:
            ids.setdefault(ascii_key(first), obj["ArtistID"])
    return ids


# --------------------------------------------------------------------------- MoMA objects


def read_moma_objects(path: Path, limit: int | None = None) -> Iterator[MomaObject | BadRecord]:
    """MoMA's objects as JSON Lines (one object per line), in file order."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    ids = moma_artist_ids(lines)
    count = 0
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        if limit is not None and count >= limit:
            return
        count += 1
        where = f"line {number}"
        try:
            obj = json.loads(text)
        except ValueError as error:
            yield BadRecord(path.name, where, "(JSON)", f"not valid JSON: {error}")
            continue
        if not isinstance(obj, dict):
            yield BadRecord(path.name, where, "(JSON)", "not a JSON object")
            continue
        number_text = clean_text(obj.get("MoMANumber"))
        if not number_text:
            yield BadRecord(path.name, where, "MoMANumber", "no accession number")
            continue
        credited = split_moma_artists(obj.get("Artist", ""), obj.get("ArtistBio", ""))
        makers = tuple(
            moma_person(name, place, bio, moma_artist_ref(name, ids))
            for name, place, bio in credited
        )
        yield MomaObject(
            line=number,
            object_id=clean_text(obj.get("ObjectID")),
            inventory_number=number_text,
            title=clean_text(obj.get("Title")),
            date=as_date(obj.get("Date")),
            medium=clean_text(obj.get("Medium")),
            dimensions=(obj.get("Dimensions") or "").strip(),
            credit_line=clean_text(obj.get("CreditLine")),
            date_acquired=clean_text(obj.get("DateAcquired")),
            department=clean_text(obj.get("Department")),
            classification=clean_text(obj.get("Classification")),
            url=clean_text(obj.get("URL")),
            artists=makers,
            artist_text=clean_text(obj.get("Artist")),
        )


# --------------------------------------------------------------------------- Tate artworks


def _subject_leaves(node) -> list[str]:
    if not isinstance(node, dict):
        return []
    children = node.get("children") or []
    if not children:
        return [clean_text(node.get("name"))] if node.get("name") else []
    leaves = []
    for child in children:
        leaves.extend(_subject_leaves(child))
    return leaves


def read_tate_artworks(
    directory: Path, limit: int | None = None
) -> Iterator[TateArtwork | BadRecord]:
    """Tate's per-artwork JSON files, in file-name order."""
    directory = Path(directory)
    files = sorted(directory.glob("*.json"))
    for count, path in enumerate(files):
        if limit is not None and count >= limit:
            return
        source = f"{directory.name}/{path.name}"
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            yield BadRecord(source, path.name, "(JSON)", f"not valid JSON: {error}")
            continue
        acno = clean_text(obj.get("acno")) if isinstance(obj, dict) else ""
        if not acno:
            yield BadRecord(source, path.name, "acno", "no accession number")
            continue
        contributors = []
        for item in obj.get("contributors") or []:
            if not isinstance(item, dict) or item.get("id") is None:
                continue
            mda = clean_text(item.get("mda")) or clean_text(item.get("fc"))
            birth = clean_text(item.get("birthYear"))
            person = tate_artist(
                artist_id=item["id"],
                raw_name=mda,
                dates=clean_text(item.get("date")),
                year_of_birth=birth,
            )
            role = clean_text(item.get("role")) or "artist"
            contributors.append(TateContributor(person=person, role=role))
        acquired = obj.get("acquisitionYear")
        yield TateArtwork(
            file=path.name,
            acno=acno,
            title=clean_text(obj.get("title")),
            date_text=as_date(obj.get("dateText")),
            medium=clean_text(obj.get("medium")),
            dimensions=(obj.get("dimensions") or "").strip(),
            credit_line=clean_text(obj.get("creditLine")),
            acquisition_year=str(acquired) if acquired else "",
            classification=clean_text(obj.get("classification")),
            url=clean_text(obj.get("url")),
            contributors=tuple(contributors),
            subjects=tuple(_subject_leaves(obj.get("subjects"))),
        )


# --------------------------------------------------------------------------- image rows


def read_image_rows(path: Path, limit: int | None = None) -> Iterator[ImageRow | BadRecord]:
    """demo/data/images/images.csv, one row per artwork image; `number` is the row order."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for number, row in enumerate(reader, start=1):
            if limit is not None and number > limit:
                return
            file_name = clean_text(row.get("file"))
            if not file_name:
                yield BadRecord(path.name, f"line {reader.line_num}", "file", "no image file named")
                continue
            yield ImageRow(
                line=reader.line_num,
                number=number,
                file=file_name,
                title=clean_text(row.get("title")),
                artist=clean_text(row.get("artist")),
                date=as_date(row.get("date")),
                institution=clean_text(row.get("institution")),
                accession_number=clean_text(row.get("accession_number")),
                licence=clean_text(row.get("licence")),
                source_repo=clean_text(row.get("source_repo")),
                source_path=clean_text(row.get("source_path")),
            )


# --------------------------------------------------------------------------- dimensions

_NUMBER = r"\d+(?:\.\d+)?"
_METRIC = re.compile(
    rf"\(\s*(?P<a>{_NUMBER})(?:\s*[x×]\s*(?P<b>{_NUMBER}))?(?:\s*[x×]\s*(?P<c>{_NUMBER}))?\s*cm\s*\)"
)
_IMPERIAL = r"[\d\s/.]+(?:[x×][\d\s/.]+){0,2}\""
_MOMA_SEGMENT = re.compile(
    rf"^(?P<label>[^\d\"()]*?(?:\([^\d()]*\))?[^\d\"()]*?)\s*{_IMPERIAL}\s*(?P<metric>\(.*\))$"
)
_MOMA_KEYED = re.compile(
    rf"(?P<key>h\.|w\.|l\.|d\.|diam\.)\s*{_IMPERIAL}\s*\(\s*(?P<v>{_NUMBER})\s*cm\s*\)"
)
_MOMA_KEYS = {"h.": "height", "w.": "width", "l.": "length", "d.": "depth", "diam.": "diameter"}

# Parts measured: English label -> French, as Joconde DIMS writes them.
PARTS = {
    "": "",
    "overall": "",
    "object": "",
    "sheet": "feuille",
    "composition": "composition",
    "comp.": "composition",
    "comp": "composition",
    "plate": "cuvette",
    "page": "page",
    "image": "image",
    "support": "support",
    "frame": "avec cadre",
    "framed": "avec cadre",
    "composition and sheet": "composition et feuille",
    "sheet and composition": "composition et feuille",
}
_IRREGULAR = re.compile(r"\(?\b(?:sl\.?\s+|slightly\s+)?irreg\.?(?:\s*\))?\s*|\(\s*\)", re.I)


def _part(label: str) -> str | None:
    """French part for a label like 'irreg. composition:' ('composition irrégulière'), or None."""
    label = label.strip().rstrip(":").strip()
    irregular = bool(re.search(r"irreg", label, re.I))
    label = clean_text(_IRREGULAR.sub(" ", label)).casefold()
    if label not in PARTS:
        return None
    part = PARTS[label]
    if irregular and part:
        part = f"{part} irrégulière"
    return part


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value > 0 else None


def _segments(text: str, separators: str) -> list[str]:
    return [clean_text(s) for s in re.split(separators, text or "") if clean_text(s)]


def parse_moma_dimensions(text: str) -> ParsedDimensions:
    """MoMA Dimensions -> structured values in cm from the metric part of each segment.

    '19 1/8 x 66 1/2" (48.6 x 168.9 cm)' -> H. 48.6 cm, l. 168.9 cm;
    'plate: 13 1/16 x 8 1/4" (33.2 x 20.9 cm); sheet: 22 7/16 x 15 1/16" (57 x 38.2 cm)' ->
    four values, parts 'cuvette' and 'feuille'; 'h. 20" (50.8 cm), diam. 28" (71.1 cm)' ->
    height and diameter. Durations ('74 min.'), 'various dimensions' and labels not in PARTS
    are returned unparsed.
    """
    values: list[DimensionValue] = []
    unparsed: list[str] = []
    for segment in _segments(text, r";|\r?\n"):
        parsed = _moma_segment(segment)
        if parsed is None:
            unparsed.append(segment)
        else:
            values.extend(parsed)
    return ParsedDimensions(tuple(values), tuple(unparsed))


def _moma_segment(segment: str) -> list[DimensionValue] | None:
    keyed = list(_MOMA_KEYED.finditer(segment))
    if keyed:
        label = segment[: keyed[0].start()]
        rest = _MOMA_KEYED.sub("", segment[keyed[0].start() :])
        part = _part(label)
        if part is None or rest.strip(" ,"):
            return None
        values = []
        for match in keyed:
            value = _decimal(match.group("v"))
            if value is None:
                return None
            values.append(DimensionValue(_MOMA_KEYS[match.group("key").lower()], value, "cm", part))
        return values
    match = _MOMA_SEGMENT.match(segment)
    if not match:
        return None
    metric = _METRIC.fullmatch(match.group("metric").strip())
    part = _part(match.group("label"))
    if not metric or part is None:
        return None
    numbers = [metric.group(k) for k in ("a", "b", "c") if metric.group(k)]
    if len(numbers) < 2:
        return None  # one number: which dimension is it?
    kinds = ("height", "width", "depth")
    values = [_decimal(n) for n in numbers]
    if any(v is None for v in values):
        return None
    return [
        DimensionValue(kind, value, "cm", part) for kind, value in zip(kinds, values, strict=False)
    ]


_TATE_SEGMENT = re.compile(
    rf"^(?:(?P<label>[a-z ]+):\s*)?(?P<a>{_NUMBER})\s*x\s*(?P<b>{_NUMBER})"
    rf"(?:\s*x\s*(?P<c>{_NUMBER}))?\s*(?P<unit>mm|cm)(?:,\s*(?P<kg>{_NUMBER})\s*kg)?$",
    re.I,
)


def parse_tate_dimensions(text: str) -> ParsedDimensions:
    """Tate dimensions text -> values in mm: 'support: 394 x 419 mm' -> H. 394 mm, l. 419 mm.

    One segment a line; the label gives the part ('support', 'image', 'frame' -> 'avec cadre',
    'object' -> the whole object). 'object: 230 x 455 x 189 mm, 11.1 kg' adds a weight.
    'unconfirmed: ...' and '... (approx display dimensions)' are not measurements to rely on:
    they stay as written.
    """
    values: list[DimensionValue] = []
    unparsed: list[str] = []
    for segment in _segments(text, r"\r?\n"):
        match = _TATE_SEGMENT.match(segment)
        part = _part(match.group("label") or "") if match else None
        if not match or part is None:
            unparsed.append(segment)
            continue
        unit = match.group("unit").lower()
        numbers = [match.group(k) for k in ("a", "b", "c") if match.group(k)]
        segment_values = [_decimal(n) for n in numbers]
        if any(v is None for v in segment_values):
            unparsed.append(segment)
            continue
        for kind, value in zip(("height", "width", "depth"), segment_values, strict=False):
            values.append(DimensionValue(kind, value, unit, part))
        if match.group("kg"):
            weight = _decimal(match.group("kg"))
            if weight is not None:
                values.append(DimensionValue("weight", weight, "kg", part))
    return ParsedDimensions(tuple(values), tuple(unparsed))


# --------------------------------------------------------------------------- media -> TECH

# English medium words -> (techniques, materials) in the SMF TECH list (lextech.txt).
MEDIUM_TERMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # painting
    "oil": (("peinture à l'huile",), ()),
    "oil paint": (("peinture à l'huile",), ()),
    "synthetic polymer paint": (("peinture acrylique",), ()),
    "acrylic": (("peinture acrylique",), ()),
    "acrylic paint": (("peinture acrylique",), ()),
    "tempera": (("peinture à tempera",), ()),
    "watercolor": (("aquarelle",), ()),
    "watercolour": (("aquarelle",), ()),
    "gouache": (("gouache",), ()),
    # drawing
    "pencil": (("mine de plomb",), ()),
    "graphite": (("graphite",), ()),
    "colored pencil": (("crayon de couleur",), ()),
    "coloured pencil": (("crayon de couleur",), ()),
    "crayon": (("crayon gras",), ()),
    "charcoal": (("fusain",), ()),
    "ink": (("encre",), ()),
    "pen and ink": (("plume", "encre"), ()),
    "ink wash": (("lavis d'encre",), ()),
    "wash": (("lavis",), ()),
    "chalk": (("craie",), ()),
    "conté crayon": (("crayon Conté",), ()),
    "sanguine": (("sanguine",), ()),
    "pastel": (("pastel",), ()),
    "felt-tipped pen": (("crayon feutre",), ()),
    "felt-tip pen": (("crayon feutre",), ()),
    # prints
    "lithograph": (("lithographie",), ()),
    "transfer lithograph": (("lithographie",), ()),
    # TECH's only "offset" is a ceramic decoration technique: offset prints are lithographs.
    "offset lithograph": (("lithographie",), ()),
    "offset lithography": (("lithographie",), ()),
    "lithograph, offset printed": (("lithographie",), ()),
    "photolithograph": (("lithographie photomécanique",), ()),
    "screenprint": (("sérigraphie",), ()),
    "serigraph": (("sérigraphie",), ()),
    "monotype": (("monotype",), ()),
    "silkscreen": (("sérigraphie",), ()),
    "etching": (("eau-forte",), ()),
    "soft ground etching": (("vernis mou",), ()),
    "aquatint": (("aquatinte",), ()),
    "lift ground aquatint": (("aquatinte",), ()),
    "drypoint": (("pointe sèche",), ()),
    "engraving": (("burin",), ()),
    "wood engraving": (("bois de bout",), ()),
    "woodcut": (("bois de fil",), ()),
    "linoleum cut": (("linogravure",), ()),
    "linocut": (("linogravure",), ()),
    "mezzotint": (("manière noire",), ()),
    "mezzotint engraving": (("manière noire",), ()),
    "intaglio print": (("taille-douce",), ()),
    "letterpress": (("impression typographique",), ()),
    "collotype": (("phototypie",), ()),
    "photogravure": (("héliogravure",), ()),
    # photographs
    "photograph": ((), ()),  # Tate's 'Photograph, gelatin silver print on paper'
    "gelatin silver print": (("gélatino-bromure d'argent",), ()),
    "gelatin silver prints": (("gélatino-bromure d'argent",), ()),
    "gelatine silver print": (("gélatino-bromure d'argent",), ()),
    "gelatin silver printing-out-paper print": (("gélatino-chlorure d'argent",), ()),
    "albumen silver print": (("papier albuminé",), ()),
    "albumen print": (("papier albuminé",), ()),
    "matte albumen silver print": (("papier albuminé",), ()),
    "albumen silver print from a paper negative": (("papier albuminé",), ()),
    "albumen silver print from a glass negative": (("papier albuminé",), ()),
    "albumen silver prints": (("papier albuminé",), ()),
    "carbon print": (("charbon",), ()),
    "platinum print": (("platinotype",), ()),
    "chromogenic color print": (("photographie couleur",), ()),
    "chromogenic print": (("photographie couleur",), ()),
    "silver dye bleach print": (("cibachrome",), ()),
    "pigmented inkjet print": (("impression à jet d'encre",), ()),
    # materials of objects. Not "bronze" nor "cast iron": accents and case aside, "bronze" is
    # the technique "bronzé" and "fonte" the casting technique, which come first in TECH.
    "glass": ((), ("verre",)),
    "wood": ((), ("bois",)),
    "plywood": ((), ("contreplaqué",)),
    "walnut": ((), ("noyer",)),
    "mahogany": ((), ("acajou",)),
    "beechwood": ((), ("hêtre",)),
    "brass": ((), ("laiton",)),
    "steel": ((), ("acier",)),
    "aluminum": ((), ("aluminium",)),
    "iron": ((), ("fer",)),
    "lead": ((), ("plomb",)),
    "copper": ((), ("cuivre",)),
    "marble": ((), ("marbre",)),
    "plaster": ((), ("plâtre",)),
    "porcelain": ((), ("porcelaine",)),
    "linen": ((), ("lin",)),
    "silk": ((), ("soie",)),
    "cotton": ((), ("coton",)),
    "leather": ((), ("cuir",)),
}
# Supports, after ' on ': English -> TECH material.
SUPPORT_TERMS: dict[str, str] = {
    "paper": "papier",
    "wove paper": "papier vélin",
    "tracing paper": "papier calque",
    "japan paper": "papier Japon",
    "china paper": "papier de Chine",
    "chine appliqué": "papier de Chine",
    "canvas": "toile",
    "linen": "toile",
    "board": "carton",
    "card": "carton",
    "cardboard": "carton",
    "paperboard": "carton",
    "paper board": "carton",
    "wood": "bois",
    "panel": "bois",
}
# Printing details that add nothing to the technique: ', printed in black', ', printed 1968'.
_PRINTED_IN = re.compile(r",\s*printed (?:in [a-z ]+|\d{4})$")
# Phrases that contain ' and ' but name one technique.
_COMPOUNDS = ("pen and ink",)


def map_medium(medium: str) -> MediumTerms | None:
    """French TECH terms for an English medium, or None when any part is not understood.

    'Oil paint on canvas' -> techniques ('peinture à l'huile',), materials ('toile',);
    'Gelatin silver print' -> ('gélatino-bromure d'argent',); 'Lithograph, printed in
    black' -> ('lithographie',); 'Etching and aquatint on paper' -> ('eau-forte',
    'aquatinte') on 'papier'. 'Ink and cut-and-pasted painted pages on paper' -> None.
    """
    text = clean_text(medium).casefold().rstrip(".")
    if not text or "verso" in text:
        return None
    text = _PRINTED_IN.sub("", text)
    if text in MEDIUM_TERMS:
        techniques, materials = MEDIUM_TERMS[text]
        return MediumTerms(techniques, materials)
    technique_text, support = text, ""
    if " on " in text:
        technique_text, _, support = text.rpartition(" on ")
    materials: list[str] = []
    if support:
        if support not in SUPPORT_TERMS:
            return None
        materials.append(SUPPORT_TERMS[support])
    protected = technique_text
    for i, compound in enumerate(_COMPOUNDS):
        protected = protected.replace(compound, f"\0{i}\0")
    tokens = [t.strip() for t in re.split(r",\s*(?:and\s+)?|\s+and\s+", protected) if t.strip()]
    techniques: list[str] = []
    for token in tokens:
        token = re.sub(r"\0(\d+)\0", lambda m: _COMPOUNDS[int(m.group(1))], token)
        if token not in MEDIUM_TERMS:
            return None
        token_techniques, token_materials = MEDIUM_TERMS[token]
        techniques.extend(token_techniques)
        materials.extend(token_materials)
    if not techniques and not materials:
        return None
    return MediumTerms(tuple(dict.fromkeys(techniques)), tuple(dict.fromkeys(materials)))


# --------------------------------------------------------------------------- domains, roles

_LITHOGRAPHY = {"lithographie", "lithographie photomécanique"}
_PRINT_TECHNIQUES = {
    *_LITHOGRAPHY,
    "sérigraphie",
    "eau-forte",
    "vernis mou",
    "aquatinte",
    "pointe sèche",
    "burin",
    "bois de bout",
    "bois de fil",
    "linogravure",
    "manière noire",
    "taille-douce",
    "impression typographique",
    "phototypie",
    "héliogravure",
    "monotype",
}


def _print_role(medium: str) -> str:
    terms = map_medium(medium)
    if terms and terms.techniques and set(terms.techniques) <= _LITHOGRAPHY:
        return "lithographe"
    return "graveur"


def moma_classification(department: str, classification: str, medium: str = "") -> Classification:
    """DOMN, DENO and maker role for a MoMA Department / Classification (and medium).

    Photograph -> photographie, tirage photographique, photographe; Print -> estampe,
    lithographe or graveur; Illustrated Book -> estampe + imprimé, livre, illustrateur;
    Drawing -> dessin, dessinateur; Painting -> peinture, tableau, peintre; Sculpture ->
    sculpture, sculpteur; A&D architecture -> architecture (+ dessin), architecte; A&D Design
    -> design, designer; posters -> affiche, affichiste; Film -> cinéma, réalisateur;
    Video / Media / Audio -> nouveaux médias; Installation, Multiple and Fluxus -> art
    contemporain, plasticien.
    """
    medium_key = clean_text(medium).casefold()
    poster = "poster" in medium_key
    match classification:
        case "Photograph" | "A&D Photograph":
            return Classification(("photographie",), ("tirage photographique",), "photographe")
        case "Print":
            if poster:
                return Classification(("estampe",), ("affiche",), "affichiste")
            return Classification(("estampe",), (), _print_role(medium))
        case "Illustrated Book":
            return Classification(("estampe", "imprimé"), ("livre",), "illustrateur")
        case "Periodical":
            return Classification(("imprimé",), ("revue",), "illustrateur")
        case "Drawing":
            return Classification(("dessin",), (), "dessinateur")
        case "Painting":
            return Classification(("peinture",), ("tableau",), "peintre")
        case "Sculpture":
            return Classification(("sculpture",), (), "sculpteur")
        case "A&D Architectural Drawing" | "A&D Mies van der Rohe Archive":
            return Classification(("architecture", "dessin"), (), "architecte")
        case "A&D Architectural Model":
            return Classification(("architecture",), ("maquette d'architecture",), "architecte")
        case "A&D Design":
            return Classification(("design",), (), "designer")
        case "A&D Graphic Design":
            if poster:
                return Classification(("design", "imprimé"), ("affiche",), "affichiste")
            return Classification(("design", "imprimé"), (), "designer")
        case "Film":
            return Classification(("cinéma",), (), "réalisateur")
        case "Work on Paper":  # Film department: posters, animation cels and backgrounds
            return Classification(("cinéma",), ("affiche",) if poster else (), "")
        case "Video":
            return Classification(("nouveaux médias",), (), "réalisateur")
        case "Media" | "Audio":
            return Classification(("nouveaux médias",), (), "plasticien")
        case "Installation":
            return Classification(("art contemporain",), ("installation",), "plasticien")
        case "Multiple" | "(not assigned)":
            return Classification(("art contemporain",), (), "plasticien")
    return Classification()


def tate_classification(classification: str, medium: str = "") -> Classification:
    """DOMN, DENO and role for a Tate classification (medium refines photographs and prints).

    painting -> peinture, tableau, peintre; sculpture / relief -> sculpture, sculpteur;
    on paper, unique -> dessin, dessinateur (aquarelliste for watercolours), photographie for
    photographs; on paper, print -> estampe, lithographe or graveur; block for printing ->
    élément d'impression, graveur.
    """
    medium_key = clean_text(medium).casefold()
    terms = map_medium(medium) if medium else None
    techniques = set(terms.techniques) if terms else set()
    if medium_key.startswith("photograph"):
        return Classification(("photographie",), ("tirage photographique",), "photographe")
    match classification:
        case "painting":
            return Classification(("peinture",), ("tableau",), "peintre")
        case "sculpture" | "relief":
            return Classification(("sculpture",), (), "sculpteur")
        case "on paper, unique":
            watercolour = medium_key.startswith(("watercolour", "watercolor"))
            role = "aquarelliste" if watercolour else "dessinateur"
            if techniques and techniques <= _PRINT_TECHNIQUES:
                return Classification(("estampe",), (), _print_role(medium))
            return Classification(("dessin",), (), role)
        case "on paper, print":
            return Classification(("estampe",), (), _print_role(medium))
        case "block for printing":
            return Classification(("élément d'impression",), (), "graveur")
    return Classification()


# --------------------------------------------------------------------------- Tate subjects

# Tate subject (leaf) -> French REPR term (lexrepr.txt, Garnier iconographic thesaurus).
# Only subjects with an obvious equivalent; the others are not stored.
TATE_SUBJECTS = {
    "man": "homme",
    "woman": "femme",
    "figure": "figure",
    "group": "groupe de figures",
    "child": "enfant",
    "children": "enfant",
    "boy": "garçon",
    "girl": "fille",
    "landscape": "paysage",
    "hill": "colline",
    "mountain": "montagne",
    "valley": "vallée",
    "rocky": "rocher",
    "wooded": "forêt",
    "tree": "arbre",
    "river": "rivière",
    "lake": "lac",
    "waterfall": "cascade",
    "sea": "mer",
    "coast": "côte",
    "cliff": "falaise",
    "wave": "vague",
    "cloud": "nuage",
    "castle": "château-fort",
    "bridge": "pont",
    "church": "église",
    "abbey": "abbaye",
    "cathedral": "cathédrale",
    "house": "maison",
    "tower": "tour",
    "townscape": "ville",
    "townscape, distant": "ville",
    "boat, sailing": "bateau",
    "boat - non-specific": "bateau",
    "ship, sailing": "navire",
    "horse": "cheval",
    "dog - non-specific": "chien",
    "cow": "vache",
    "hat": "chapeau",
    "head / face": "tête",
    "self-portraits": "autoportrait",
    "individuals: male": "portrait",
    "individuals: female": "portrait",
    "telephone": "téléphone",
    "sitting": "assis",
    "reclining": "couché",
    "England": "Angleterre",
    "Italy": "Italie",
    "France": "France",
    "Germany": "Allemagne",
    "Switzerland": "Suisse",
    "River Thames": "Tamise",
}


def map_tate_subjects(subjects) -> tuple[str, ...]:
    """French REPR labels for Tate subject leaves, in order, without repeats."""
    mapped = (TATE_SUBJECTS.get(subject) for subject in subjects)
    return tuple(dict.fromkeys(label for label in mapped if label))


# --------------------------------------------------------------------------- image rows

# Image rows whose work is not a painting on an easel: file -> (domain, denomination, role).
IMAGE_OVERRIDES = {
    "durer_feldhase.jpg": ("dessin", "", "aquarelliste"),
    "durer_melencolia-i.jpg": ("estampe", "", "graveur"),
    "hokusai_great-wave.jpg": ("estampe", "", "dessinateur"),
    "giotto_kiss-of-judas.jpg": ("peinture", "peinture murale", "peintre"),
}


# The museum's own work among the demo images, described in full.
OWN_COLLECTION = {
    "denis_le-mystere-catholique.jpg": {
        "materials": ("toile",),
        "techniques": ("peinture à l'huile",),
        "periods": ("4e quart 19e siècle",),
    },
}


def image_classification(row: ImageRow) -> Classification:
    domain, denomination, role = IMAGE_OVERRIDES.get(row.file, ("peinture", "tableau", "peintre"))
    return Classification((domain,), (denomination,) if denomination else (), role)
