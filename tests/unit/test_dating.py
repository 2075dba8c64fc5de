"""Tests for museum_collections.dating (pure Python, no Django needed)."""

import json
import random
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from museum_collections.dating import DateRange, parse_date

DATA_DIR = Path(__file__).resolve().parents[2] / "demo" / "data" / "museum-open-data"
MOMA_FILE = DATA_DIR / "moma_objects_2015-08-13_sample_2000.jsonl"
TATE_DIR = DATA_DIR / "tate_artworks_json"


def R(earliest, latest):
    return DateRange(earliest, latest)


def approx(earliest, latest):
    return DateRange(earliest, latest, approximate=True)


def doubtful(earliest, latest):
    """'?' is both approximate and uncertain."""
    return DateRange(earliest, latest, approximate=True, uncertain=True)


# The wording asked for in the issue.
ISSUE_CASES = [
    ("vers 1890", approx(1890, 1890)),
    ("1890-1895", R(1890, 1895)),
    ("4e quart 19e siècle", R(1876, 1900)),
    ("XIXe siècle", R(1801, 1900)),
    ("1874 vers", approx(1874, 1874)),
    ("avant 1900", R(None, 1900)),
]

# Real strings, copied verbatim from the shared open data (the files are not read at run time).
# MoMA, moma_objects_2015-08-13_sample_2000.jsonl, key "Date"
MOMA_CASES = [
    ("1980-81", R(1980, 1981)),
    ("(1900-43)", R(1900, 1943)),
    ("1912–1913", R(1912, 1913)),
    ("c. 1886-88", approx(1886, 1888)),
    ("ca. 1924-25", approx(1924, 1925)),
    ("c.1950-52", approx(1950, 1952)),
    ("1922?", doubtful(1922, 1922)),
    ("1920s", R(1920, 1929)),
    ("early 1940s", R(1940, 1949)),
    ("(c. late 1970's)", approx(1970, 1979)),
    ("(c. 1900-1910s)", approx(1900, 1919)),
    ("1967–1970s", R(1967, 1979)),
    ("1910 or earlier", R(None, 1910)),
    ("After 1933", R(1933, None)),
    ("Before 1934", R(None, 1934)),
    ("April 20, 1916", R(1916, 1916)),
    ("June-July 1925", R(1925, 1925)),
    ("(March 9-April 17) 1961", R(1961, 1961)),
    ("(newspaper published March 26/27/28, 2005)", R(2005, 2005)),
    ("Paris, autumn 1913–early 1914", R(1913, 1914)),
    ("Mars, 7 h. matin, 1925", R(1925, 1925)),
    ("(1912, published 1913)", R(1912, 1912)),
    ("(1914).  (Print executed 1913-1914).", R(1914, 1914)),
    ("(Print executed c. 1922-1927)", approx(1922, 1927)),
    ("1974. Published 1973.", R(1974, 1974)),
    ("1948-49 (cast 1950)", R(1948, 1949)),
    ("published 1955; prints executed 1932", R(1955, 1955)),
    ("1998/2002", R(1998, 2002)),
    ("1967-1968/2011", R(1967, 2011)),
]

# Tate, tate_artworks_json/*.json, key "dateText"
TATE_CASES = [
    ("1615", R(1615, 1615)),
    ("c. 1734", approx(1734, 1734)),
    ("1798–9", R(1798, 1799)),
    ("c.1840–5", approx(1840, 1845)),
    ("c.1799–1802", approx(1799, 1802)),
    ("c.1830–41", approx(1830, 1841)),
    ("1929–80", R(1929, 1980)),
    ("circa 1809–11", approx(1809, 1811)),
    ("?1795", doubtful(1795, 1795)),
    ("?1827–8", doubtful(1827, 1828)),
    ("?c.1862", doubtful(1862, 1862)),
    ("?exhibited 1807", doubtful(1807, 1807)),
    ("after c.1830", approx(1830, None)),
    ("published 1833", R(1833, 1833)),
    ("1964, printed 2011", R(1964, 1964)),
    ("1976–7, enlarged version 2007", R(1976, 1977)),
    ("1970–1, printed after 1971", R(1970, 1971)),
    ("published 1823, reprinted 1978–9", R(1823, 1823)),
    ("1982, 1985–6", R(1982, 1982)),
]

# images/images.csv, column "date"
IMAGES_CASES = [
    ("1434", R(1434, 1434)),
    ("c. 1304–1306", approx(1304, 1306)),
    ("1503–1519", R(1503, 1519)),
    ("c. 1665", approx(1665, 1665)),
]

JOCONDE_CASES = [
    # Joconde, mistral-xml-harvest/aquarelle-*.xml: "Période création/exécution",
    # "Millésime création/exécution", "Précision auteur/exécutant", "Exposition"
    ("4e quart 19e siècle", R(1876, 1900)),
    ("1899 vers", approx(1899, 1899)),
    ("1899", R(1899, 1899)),
    ("7 octobre 1845", R(1845, 1845)),
    ("2 février 1915", R(1915, 1915)),
    ("du 09 avril au 15 septembre 2003", R(2003, 2003)),
    ("du 12 juin au 1er septembre 1980", R(1980, 1980)),
    ("du 07 aout au 27 septembre 2003", R(2003, 2003)),
    ("1755/1960", R(1755, 1960)),
    # Joconde, actimuse-export/joconde2xml-data.csv: PERI, MILL, DACQ, ETAT
    ("1er quart 20e siècle", R(1901, 1925)),
    ("1903 de", R(1903, None)),
    ("2000/09/19", R(2000, 2000)),
    ("Etat moyen ; 22/09/2011", R(2011, 2011)),
    # Joconde, pop-fixtures/joconde-valid-UTF-8.txt (DECV, PDEC, BIBL) and
    # pop-fixtures/joconde-api-notice-000PE001028.json (DMIS)
    ("(19e siècle, date de découverte)", R(1801, 1900)),
    ("(1977, date de découverte)", R(1977, 1977)),
    ("1980 (invention du site)", R(1980, 1980)),
    ("16 mars- 27 octobre 1985", R(1985, 1985)),
    ("1999-12-06", R(1999, 1999)),
    # Joconde, thesaurus-smf-2014/lexperi.txt (PERI terms; "27 siècle" is spelt so there)
    ("1ère moitié 6e millénaire av JC", R(-6000, -5501)),
    ("2e moitié 2e millénaire av JC", R(-1500, -1001)),
    ("1er millénaire av JC", R(-1000, -1)),
    ("35e millénaire av JC", R(-35000, -34001)),
    ("27 siècle av JC", R(-2700, -2601)),
    ("1er quart 20e siècle av JC", R(-2000, -1976)),
    ("3e siècle av JC", R(-300, -201)),
    ("1er siècle av JC", R(-100, -1)),
    ("4e quart 1er siècle av JC", R(-25, -1)),
    ("3e quart 1er siècle", R(51, 75)),
    ("2e millénaire", R(1001, 2000)),
    ("21e siècle", R(2001, 2100)),
]

REAL_CASES = MOMA_CASES + TATE_CASES + IMAGES_CASES + JOCONDE_CASES

# Forms from the specification that are not in the shared samples.
SPEC_CASES = [
    # full dates: only the year counts
    ("12 mars 1890", R(1890, 1890)),
    ("1er mars 1890", R(1890, 1890)),
    ("1890-03-12", R(1890, 1890)),
    ("March 12, 1890", R(1890, 1890)),
    ("mars 1890", R(1890, 1890)),
    ("03/1890", R(1890, 1890)),
    # approximation is flagged, never widened
    ("v. 1890", approx(1890, 1890)),
    ("v.1890", approx(1890, 1890)),
    ("env. 1890", approx(1890, 1890)),
    ("environ 1890", approx(1890, 1890)),
    ("circa 1890", approx(1890, 1890)),
    ("ca. 1890", approx(1890, 1890)),
    ("c. 1890", approx(1890, 1890)),
    ("c.1890", approx(1890, 1890)),
    ("1890 ?", doubtful(1890, 1890)),
    ("?1890", doubtful(1890, 1890)),
    ("1890 (?)", doubtful(1890, 1890)),
    ("[vers 1890]", approx(1890, 1890)),
    ("probablement 1890", DateRange(1890, 1890, uncertain=True)),
    # ranges
    ("1890 - 1895", R(1890, 1895)),
    ("1890–1895", R(1890, 1895)),
    ("1890/1895", R(1890, 1895)),
    ("entre 1890 et 1895", R(1890, 1895)),
    ("de 1890 à 1895", R(1890, 1895)),
    ("1890 à 1895", R(1890, 1895)),
    ("1890/91", R(1890, 1891)),
    ("vers 1890-1895", approx(1890, 1895)),
    ("c. 1890 – c. 1895", approx(1890, 1895)),
    # Joconde MILL suffixes
    ("1910 à", R(None, 1910)),
    ("1903 de ; 1910 à", R(1903, 1910)),
    # open bounds
    ("après 1850", R(1850, None)),
    ("before 1900", R(None, 1900)),
    ("after 1850", R(1850, None)),
    ("avant le XIXe siècle", R(None, 1801)),
    # centuries and millennia, strict ordinal
    ("XIX e siècle", R(1801, 1900)),
    ("XIXᵉ siècle", R(1801, 1900)),
    ("19e siècle", R(1801, 1900)),
    ("19ème siècle", R(1801, 1900)),
    ("19th century", R(1801, 1900)),
    ("XIXe s.", R(1801, 1900)),
    ("1er siècle", R(1, 100)),
    ("Ier siècle", R(1, 100)),
    ("3e siècle av. J.-C.", R(-300, -201)),
    ("IIIe siècle avant J.-C.", R(-300, -201)),
    ("3rd century BC", R(-300, -201)),
    ("1er siècle ap. J.-C.", R(1, 100)),
    ("XIXe siècle (?)", doubtful(1801, 1900)),
    ("XVIIIe-XIXe siècle", R(1701, 1900)),
    ("19e-20e siècles", R(1801, 2000)),
    ("3e-2e siècle av JC", R(-300, -101)),
    ("500 av. J.-C.", R(-500, -500)),
    ("500-400 BC", R(-500, -400)),
    # parts of centuries
    ("4e quart du XIXe siècle", R(1876, 1900)),
    ("1ère moitié 19e siècle", R(1801, 1850)),
    ("1re moitié du XIXe siècle", R(1801, 1850)),
    ("première moitié du XIXe siècle", R(1801, 1850)),
    ("2e moitié 19e siècle", R(1851, 1900)),
    ("2e moitié du XXe s.", R(1951, 2000)),
    ("dernier quart du XVIIIe siècle", R(1776, 1800)),
    ("1er tiers 19e siècle", R(1801, 1833)),
    ("2e tiers 19e siècle", R(1834, 1867)),
    ("3e tiers 19e siècle", R(1868, 1900)),
    ("début du XXe siècle", R(1901, 1920)),
    ("début XXe siècle", R(1901, 1920)),
    ("milieu du XIXe siècle", R(1841, 1860)),
    ("mi-XIXe siècle", R(1841, 1860)),
    ("fin du XVIIIe siècle", R(1781, 1800)),
    ("fin XVIIIe siècle", R(1781, 1800)),
    ("fin XVIIIe - début XIXe siècle", R(1781, 1820)),
    ("early 20th century", R(1901, 1933)),
    ("mid-19th century", R(1834, 1867)),
    ("late 18th century", R(1768, 1800)),
    ("second half of the 19th century", R(1851, 1900)),
    # decades
    ("années 1890", R(1890, 1899)),
    ("les années 1900", R(1900, 1909)),
    ("années 1890-1900", R(1890, 1909)),
    ("1890s", R(1890, 1899)),
    ("vers les années 1920", approx(1920, 1929)),
    # case, spacing, brackets, trailing full stop
    ("  VERS 1890  ", approx(1890, 1890)),
    ("[1890]", R(1890, 1890)),
    ("1890.", R(1890, 1890)),
]

NONE_CASES = [
    # real: MoMA "Date"
    "n.d.",
    "(n.d.)",
    "Unknown",
    "Various",
    "1929-1928",  # the end precedes the start: a typo we do not fix
    "(Drawing on mylar executed 1967)",  # an event inside a sentence
    # real: Tate "dateText"
    "date not known",
    # real: images.csv (empty cells)
    "",
    # real: Joconde lexperi.txt and DACQ (pop-fixtures/joconde-valid-UTF-8.txt)
    "ère chrétienne",
    "1955 acquis ; 1954 entrée matérielle",
    # no dates
    "   ",
    "s.d.",
    "sans date",
    "inconnu",
    "garbage",
    "?",
    "c.",
    # numbers that are not years, impossible dates, ambiguous forms
    "12",
    "0890",
    "10000",
    "1890-03",  # "1890-1903" or March 1890? ranges need 3-4 digits on the left
    "1890-13-45",
    "13/1890",
    "1900s",  # the decade or the century?
    "XIXe",
    "19e",
    "9e quart 19e siècle",
    "4e moitié 19e siècle",
    "MMXX",
    "1890 de ; 1880 à",
    "de 1890",
    "1890-85",
    "x" * 5000,
]


@pytest.mark.parametrize(("text", "expected"), ISSUE_CASES + REAL_CASES + SPEC_CASES)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", NONE_CASES)
def test_not_understood(text):
    assert parse_date(text) is None


def test_tables_hold_enough_real_strings():
    assert len({text for text, _ in REAL_CASES}) >= 40
    assert len({text for text, _ in JOCONDE_CASES}) >= 15


def test_date_range_is_frozen_and_ordered():
    date = DateRange(1890, 1895)
    with pytest.raises(FrozenInstanceError):
        date.earliest = 1800
    with pytest.raises(ValueError, match="after"):
        DateRange(1895, 1890)
    assert DateRange(1890, None).latest is None


@pytest.mark.parametrize("value", [None, 1890, b"1890", ["1890"]])
def test_non_strings_give_none(value):
    assert parse_date(value) is None


def _check(text):
    """parse_date must not raise, and a result must be a well-ordered, non-empty range."""
    result = parse_date(text)
    if result is not None:
        assert isinstance(result, DateRange)
        assert result.earliest is not None or result.latest is not None
        if result.earliest is not None and result.latest is not None:
            assert result.earliest <= result.latest
    return result


def test_random_strings_never_raise():
    tokens = [
        "1890", "95", "5", "c.", "vers", "?", "-", "–", "/", " ", ",", ";", "(", ")", "[", "]",
        "siècle", "XIXe", "IIIe", "e", "er", "av JC", "BC", "à", "de", "entre", "et", "années",
        "s", "quart", "4e", "moitié", "tiers", "début", "fin", "mi-", "early", "after", "avant",
        "mars", "12", "1er", "published", "or earlier", ".",
    ]  # fmt: skip
    rng = random.Random(20261128)
    for _ in range(3000):
        text = "".join(rng.choice(tokens) + rng.choice(["", " "]) for _ in range(rng.randint(0, 9)))
        _check(text)
    for _ in range(1000):
        _check("".join(chr(rng.randint(0, 0x2FF)) for _ in range(rng.randint(0, 40))))


def _moma_dates():
    with MOMA_FILE.open(encoding="utf-8") as lines:
        return [json.loads(line).get("Date") or "" for line in lines if line.strip()]


def _tate_records():
    return [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(TATE_DIR.glob("*.json"))
    ]


@pytest.mark.skipif(not MOMA_FILE.exists(), reason=f"demo data missing: {MOMA_FILE}")
def test_every_moma_date():
    dates = sorted({text for text in _moma_dates() if text.strip()})
    assert dates, "empty MoMA sample"
    understood = [text for text in dates if _check(text) is not None]
    # measured on the 2015 sample: 675 of 681 distinct non-empty dates
    assert len(understood) / len(dates) >= 0.95


@pytest.mark.skipif(not TATE_DIR.is_dir(), reason=f"demo data missing: {TATE_DIR}")
def test_every_tate_date_text():
    records = _tate_records()
    assert records, "empty Tate sample"
    texts = sorted({r["dateText"] for r in records if r.get("dateText", "").strip()})
    understood = [text for text in texts if _check(text) is not None]
    # measured on the sample: 164 of 165 distinct non-empty texts ("date not known" is the other)
    assert len(understood) / len(texts) >= 0.95


@pytest.mark.skipif(not TATE_DIR.is_dir(), reason=f"demo data missing: {TATE_DIR}")
def test_tate_date_range_agrees():
    """Tate publishes its own normalisation (dateRange); the first year always matches.

    The last year differs only where we keep the first of several dates ("1964, printed 2011")
    or an open bound ("after c.1830").
    """
    for record in _tate_records():
        expected, result = record.get("dateRange"), parse_date(record.get("dateText") or "")
        if not expected or result is None:
            continue
        text = record["dateText"]
        if result.earliest is not None:
            assert result.earliest == expected["startYear"], text
        if result.latest is not None and "," not in text:
            assert result.latest == expected["endYear"], text
