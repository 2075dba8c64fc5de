"""Normalise creation dates "as written" by cataloguers into a range of years.

Pure Python, no Django: ``parse_date("4e quart 19e siècle")`` returns
``DateRange(1876, 1900)``. French (Joconde MILL / PERI, musées de France) and
English (MoMA, Tate) forms are understood; anything else gives ``None``, because
a wrong date is worse than no date (the text as written is always kept).

Conventions
-----------
* Years are ints; BC years are negative and there is no year 0 (1 BC is -1).
* Centuries and millennia follow the strict ordinal convention of the Joconde
  PERI vocabulary: the 19th century is 1801-1900, "3e siècle av JC" is -300..-201,
  the 1st millennium BC is -1000..-1, the 2nd millennium is 1001-2000.
* Parts of a century (or millennium) are cut from its first year: quarters,
  halves and thirds ("4e quart 19e siècle" = 1876-1900; thirds are rounded to
  1801-1833, 1834-1867, 1868-1900). French "début", "milieu" / "mi-" and "fin"
  are the first, middle and last fifth ("début du XXe siècle" = 1901-1920,
  "milieu du XIXe" = 1841-1860, "fin du XVIIIe" = 1781-1800). English "early",
  "mid" and "late" are the first, middle and last third ("early 20th century" =
  1901-1933). Before a year or a decade those words (and months, seasons, days)
  are dropped: "early 1930s" is the whole decade 1930-1939.
* "vers", "c.", "circa", "env." only set ``approximate``: the range is never
  widened. "?" sets ``approximate`` and ``uncertain``; "probablement" /
  "probably" set ``uncertain`` only.
* Open bounds keep the year written: "avant 1900" is (None, 1900), "après 1850"
  is (1850, None). Joconde MILL suffixes: "1903 de" is (1903, None), "1910 à" is
  (None, 1910), "1903 de ; 1910 à" is (1903, 1910).
* Abbreviated range ends borrow the first year's leading digits ("1980-81",
  "c.1840–5"); a range whose end precedes its start ("1929-1928") is rejected.
* When several dates are given ("1964, printed 2011", "1912 (published 1913)"),
  the first date expression wins; leading parts without a year (a place, a
  day and month, "book published") are skipped.
* Texts longer than 200 characters are notes, not dates: None.
* English "1900s" / "1800s" (decade or century?) is rejected; French "années
  1900" is the decade 1900-1909.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

__all__ = ["DateRange", "parse_date"]


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of years; ``None`` means an open bound."""

    earliest: int | None  # first year covered, None = open start
    latest: int | None  # last year covered, None = open end
    approximate: bool = False  # "vers", "c.", "circa", "env.", "?"
    uncertain: bool = False  # "?", "(?)", "probablement"

    def __post_init__(self) -> None:
        if self.earliest is not None and self.latest is not None and self.earliest > self.latest:
            raise ValueError(f"earliest {self.earliest} is after latest {self.latest}")


_MAX_LENGTH = 200  # longer texts are notes, not dates
_MAX_SEPARATORS = 8  # bounds the work spent on one range candidate

# Days, months and seasons before a year are dropped ("12 mars 1890", "autumn 1913").
_MONTHS = (
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre "
    "january february march april may june july august september october november december "
    "janv fevr fev avr juil jan feb mar apr jun jul aug sept sep oct nov dec"
)
_VAGUE = "spring summer autumn fall winter printemps ete automne hiver early mid late debut fin"
_MONTH_OR_SEASON = (
    "(?:" + "|".join(sorted((_MONTHS + " " + _VAGUE).split(), key=len, reverse=True)) + r")\.?"
)
_DM_WORD = re.compile(rf"(?<![a-z]){_MONTH_OR_SEASON}(?![a-z])")
_DM_TOKEN = rf"(?:[0-9]{{1,2}}(?:er|st|nd|rd|th)?|{_MONTH_OR_SEASON})"
# "12 mars", "march 9-april 17", "du 12 juin au 1er septembre", "june 19 through june 29"
_DAY_MONTH = (
    rf"(?:(?:du|le|the|on)\s+)?{_DM_TOKEN}"
    rf"(?:(?:\s*(?:-|/|&|\bau\b|\ba\b|\bto\b|\bet\b|\band\b|\bthrough\b)\s*|\s+){_DM_TOKEN})*"
)
_POINT = re.compile(
    rf"(?:(?P<dm>{_DAY_MONTH})(?:\s+|\s*-\s*))?"
    r"(?:(?P<year>[1-9][0-9]{0,3})(?P<bc>\s*bc)?|(?P<decade>[1-9][0-9]{2}0)'?s)"
)
# French decades: "années 1890", "les années 1890-1900" (both ends are decades)
_ANNEES = re.compile(
    r"(?:les\s+)?annees\s+(?P<a>[1-9][0-9]{2}0)"
    r"(?:\s*(?:-|a|au|et)\s*(?:les\s+)?(?:annees\s+)?(?P<b>[1-9][0-9]{2}0))?"
)
# "[part] <ordinal> <unit> [bc]": "1ère moitié du XIXe siècle", "mid-19th century"
_CENTURY = re.compile(
    r"(?:(?:le|la|the)\s+)?"
    r"(?:(?:(?P<k>[1-4]|premiere?|deuxieme|seconde?|troisieme|quatrieme|derniere?"
    r"|first|third|fourth|last)\s*(?:e|eme|er|ere|re|nd|st|rd|th)?"
    r"\s+(?P<fraction>quart|moitie|tiers|quarter|half|third)"
    r"|(?P<vague>debut|milieu|mi|fin|early|mid|late))"
    r"(?:\s+(?:du|de|of the|of)\s+|\s*-\s*|\s+))?"
    r"(?P<n>[0-9]{1,2}|[ivxlc]+)\s*(?P<suffix>eme|ere|er|re|e|nd|st|rd|th)?[\s-]*"
    r"(?P<unit>siecles?|s\.?|century|centuries|millenaires?|millenni(?:um|a))(?P<bc>\s*bc)?"
)
_ROMAN = re.compile(r"c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ORDINAL_WORDS = {
    "premier": 1, "premiere": 1, "first": 1, "deuxieme": 2, "second": 2, "seconde": 2,
    "troisieme": 3, "third": 3, "quatrieme": 4, "fourth": 4,
}  # fmt: skip
_FRACTIONS = {"quart": 4, "quarter": 4, "moitie": 2, "half": 2, "tiers": 3, "third": 3}
# (first slice, last slice + 1, number of slices)
_VAGUE_PARTS = {
    "debut": (0, 1, 5), "milieu": (2, 3, 5), "mi": (2, 3, 5), "fin": (4, 5, 5),
    "early": (0, 1, 3), "mid": (1, 2, 3), "late": (2, 3, 3),
}  # fmt: skip

# Numeric full dates: 1890-03-12, 2000/09/19, 22/09/2011, 03/1890
_ISO = re.compile(r"(?P<year>[1-9][0-9]{3})([-/.])(?P<m>[0-9]{1,2})\2(?P<d>[0-9]{1,2})")
_DMY = re.compile(r"(?:(?P<d>[0-9]{1,2})[-/.])?(?P<m>[0-9]{1,2})[-/.](?P<year>[1-9][0-9]{3})")
# Ranges: "1980-81" is rewritten "1980-1981" before splitting on a separator
_ABBREVIATED_END = re.compile(r"(?<![0-9])([1-9][0-9]{2,3})(\s*[-/]\s*)([0-9]{1,3})(?![0-9])")
_RANGE_SEPARATOR = re.compile(
    r"\s*(?:-|/|(?<![a-z])(?:a|au|to|et|and|ou|or|through|until)(?![a-z]))\s*"
)
_RANGE_INTRO = re.compile(r"(?:entre|between|de|from)\s+")
_UNIT_TAIL = re.compile(
    r"(?:\s+(?:siecles?|s\.?|century|centuries|millenaires?|millenni(?:um|a)))?(?:\s*bc)?$"
)
# Qualifiers around a date
_BOUND = re.compile(
    r"(?:(?P<before>avant|before|ante|not after)|(?P<after>apres|after|post|not before))\s+"
)
_LEADING = re.compile(
    r"(?P<question>\?)\s*"
    r"|(?P<approx>vers|v\.|v(?=\s*[0-9])|environ|env\.?|circa|ca\.|ca(?=\s*[0-9?])"
    r"|c\.|c(?=\s*[0-9?])|about|around)\s*"
    r"|(?P<uncertain>probablement|probably|possibly|peut-etre)\s+"
    r"|(?:(?:book|print|prints|newspaper|newspapers)\s+)?(?:published|printed|reprinted"
    r"|executed|exhibited|dated|signed|cast|publiee?|imprimee?|datee?|signee?|executee?)\s+"
)
_TRAILING = re.compile(
    r"\s*(?:(?P<question>\?)|(?<![a-z])(?:(?P<approx>vers|environ|env\.?|circa|ca\.?)"
    r"|(?P<from>de|or later)|(?P<to>a|or earlier)))$"
)
# Whole text: the Joconde MILL pair, segments, and normalisation
_MILL_PAIR = re.compile(r"(?P<a>[1-9][0-9]{2,3})\s+de\s*;\s*(?P<b>[1-9][0-9]{2,3})\s+a")
_SEGMENT_SEPARATOR = re.compile(r"[;,()\[\]]|(?<=[0-9])\.(?=\s|$)")
_DATE_LIKE = re.compile(r"[0-9]{3}|siecle|centur|millenaire|millenni|(?<![a-z])bc(?![a-z])")
_BC = re.compile(
    r"(?<![a-z])(?:av(?:ant|\.)?\s*j\.?\s*-?\s*c(?![a-z])\.?|b\.?\s?c\.?(?:\s?e(?![a-z])\.?)?)"
    r"(?![a-z])"
)
_AD = re.compile(r"(?<![a-z])(?:ap(?:res|\.)?\s*j\.?\s*-?\s*c(?![a-z])\.?|a\.d\.|ad(?![a-z]))")
_QUESTION_IN_BRACKETS = re.compile(r"[(\[]\s*\?\s*[)\]]")
_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-") | {"\u2019": "'"}
)


def parse_date(text: str) -> DateRange | None:
    """Normalise a date as written; None when the text is not understood (never guess)."""
    if not isinstance(text, str) or len(text) > _MAX_LENGTH:
        return None
    text = _normalise(text)
    pair = _MILL_PAIR.fullmatch(text)
    if pair:  # Joconde MILL "1903 de ; 1910 à"
        return _range(int(pair["a"]), int(pair["b"]))
    for segment in _SEGMENT_SEPARATOR.split(text):
        segment = segment.strip(" .")
        if not segment:
            continue
        result = _parse_expression(segment)
        if result is not None:
            return result
        if _DATE_LIKE.search(segment):
            return None  # a date we do not understand: stop rather than guess
    return None


def _normalise(text: str) -> str:
    """Lower case, no accents, one kind of dash, 'bc' for every 'before Christ' marker."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_DASHES))
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    text = _QUESTION_IN_BRACKETS.sub(" ?", text)
    text = _AD.sub(" ", _BC.sub(" bc", text))
    return " ".join(text.split())


def _range(
    earliest: int | None, latest: int | None, approximate: bool = False, uncertain: bool = False
) -> DateRange | None:
    """A DateRange, or None instead of an inverted one."""
    if earliest is not None and latest is not None and earliest > latest:
        return None
    return DateRange(earliest, latest, approximate, uncertain)


def _parse_expression(text: str, depth: int = 0) -> DateRange | None:
    """Qualifiers around a core date: '?c.1862', '1874 vers', '1903 de', '1910 or earlier'.

    ``depth`` bounds the recursion: 0 is a whole segment, 1 the end of a range (itself
    possibly a range, as in '1794/c.1830-5'), 2 a single date (no range any more).
    """
    approximate = uncertain = False
    open_end = None
    while match := _LEADING.match(text):
        approximate |= bool(match["question"] or match["approx"])
        uncertain |= bool(match["question"] or match["uncertain"])
        text = text[match.end() :]
    while match := _TRAILING.search(text):
        approximate |= bool(match["question"] or match["approx"])
        uncertain |= bool(match["question"])
        if match["from"] or match["to"]:
            if open_end:
                return None
            open_end = "from" if match["from"] else "to"
        text = text[: match.start()]
    result = _parse_core(text.strip(" ."), depth)
    if result is None:
        return None
    if open_end == "from":
        result = _range(result.earliest, None) if result.earliest is not None else None
    elif open_end == "to":
        result = _range(None, result.latest) if result.latest is not None else None
    if result is None:
        return None
    return replace(
        result,
        approximate=result.approximate or approximate,
        uncertain=result.uncertain or uncertain,
    )


def _parse_core(text: str, depth: int) -> DateRange | None:
    """An open bound, a full date, a decade, a range, a year or a century, unqualified."""
    bound = _BOUND.match(text)
    if bound:
        inner = _parse_expression(text[bound.end() :], depth=2)
        if inner is None or inner.earliest is None or inner.latest is None:
            return None
        if bound["before"]:
            return replace(inner, earliest=None, latest=inner.earliest)
        return replace(inner, earliest=inner.latest, latest=None)
    full = _ISO.fullmatch(text) or _DMY.fullmatch(text)
    if full:
        if 1 <= int(full["m"]) <= 12 and 1 <= int(full["d"] or 1) <= 31:
            return _range(int(full["year"]), int(full["year"]))
        return None
    decades = _ANNEES.fullmatch(text)
    if decades:
        return _range(int(decades["a"]), int(decades["b"] or decades["a"]) + 9)
    intro = _RANGE_INTRO.match(text)
    if intro:  # "entre 1890 et 1895", "de 1890 à 1895": must be a range
        return _parse_range(text[intro.end() :], depth) if depth < 2 else None
    if depth < 2:
        result = _parse_range(text, depth)
        if result is not None:
            return result
    return _parse_point(text) or _parse_century(text)


def _parse_range(text: str, depth: int) -> DateRange | None:
    """'1890-1895', '1980-81', '1890 à 1895', 'XVIIIe-XIXe siècle', '3e-2e siècle av JC'."""
    text = _ABBREVIATED_END.sub(_expand_abbreviated_end, text)
    separators = list(_RANGE_SEPARATOR.finditer(text))
    if len(separators) > _MAX_SEPARATORS:
        return None
    tail = _UNIT_TAIL.search(text).group()  # unit shared by both ends: "18e-19e siècle"
    for separator in separators:
        left, right = text[: separator.start()], text[separator.end() :]
        if not left or not right:
            continue
        end = _parse_expression(right, depth + 1)
        if end is None or end.latest is None:
            continue
        start = None
        if tail and not left.endswith(tail):
            start = _parse_expression(left + tail, depth=2)
        start = start or _parse_expression(left, depth=2)
        if start is None or start.earliest is None:
            continue
        result = _range(
            start.earliest,
            end.latest,
            start.approximate or end.approximate,
            start.uncertain or end.uncertain,
        )
        if result is not None:
            return result
    return None


def _expand_abbreviated_end(match: re.Match) -> str:
    first, separator, end = match.groups()
    if len(end) >= len(first):
        return match.group()
    return first + separator + first[: len(first) - len(end)] + end


def _parse_point(text: str) -> DateRange | None:
    """A year or a decade, possibly after days, months or seasons: '12 mars 1890', '1890s'."""
    match = _POINT.fullmatch(text)
    if match is None or (match["dm"] and not _DM_WORD.search(match["dm"])):
        return None
    if match["decade"]:
        start = int(match["decade"])
        if start % 100 == 0:  # "1900s": the decade or the century?
            return None
        return _range(start, start + 9)
    year = int(match["year"])
    if match["bc"]:
        return _range(-year, -year)
    if len(match["year"]) < 3:
        return None
    return _range(year, year)


def _parse_century(text: str) -> DateRange | None:
    """'XIXe siècle', '4e quart 19e siècle', 'early 20th century', '1er millénaire av JC'."""
    match = _CENTURY.fullmatch(text)
    if match is None:
        return None
    unit = match["unit"]
    if unit.startswith("s") and not unit.startswith("siecle") and not match["suffix"]:
        return None  # "s." only as in "XIXe s."
    number = _ordinal_number(match["n"])
    if not number:
        return None
    size = 1000 if unit.startswith("mill") else 100
    first = -number * size if match["bc"] else (number - 1) * size + 1
    if match["fraction"]:
        slices = _FRACTIONS[match["fraction"]]
        k = match["k"]
        index = slices if k in ("dernier", "derniere", "last") else _ORDINAL_WORDS.get(k)
        index = index or int(k)
        if index > slices:
            return None
        low, high = index - 1, index
    elif match["vague"]:
        low, high, slices = _VAGUE_PARTS[match["vague"]]
    else:
        low, high, slices = 0, 1, 1
    return _range(first + _share(low, size, slices), first + _share(high, size, slices) - 1)


def _share(index: int, size: int, slices: int) -> int:
    """round(index * size / slices), halves rounded up, in integers."""
    return (2 * index * size + slices) // (2 * slices)


def _ordinal_number(text: str) -> int:
    """'19' -> 19, 'xix' -> 19; 0 when the roman numeral is malformed."""
    if text.isdigit():
        return int(text)
    if not _ROMAN.fullmatch(text):
        return 0
    values = [_ROMAN_VALUES[c] for c in text]
    return sum(-v if v < w else v for v, w in zip(values, values[1:] + [0], strict=True))
