"""Inventory numbers, dates and numbers: algebraic properties of the small parsers."""

import re
import string

from hypothesis import assume, example, given
from hypothesis import strategies as st

from importers.mapping import parse_number
from museum_collections.dating import DateRange, parse_date
from museum_collections.inventory_numbers import (
    SORT_KEY_MAX_LENGTH,
    check_inventory_number,
    inventory_sort_key,
    parse_inventory_number,
)

from .strategies import safe_text, tried

# ---- inventory numbers

NON_BLANK = safe_text(max_size=60).filter(str.strip)
SORT_KEY = re.compile(r"[0-9a-z]*")


@given(
    text=NON_BLANK
    | st.from_regex(r"(N° ?|Inv\. ?|D\.)?\d{1,5}([.-]\d{1,4}){1,4}[a-z]?", fullmatch=True)
)
@example(text="٣.١.٢")  # Arabic-Indic digits
@example(text="2019.1.1" + ".1" * 200)
@example(text="²")
def test_any_inventory_number_parses_to_a_well_formed_sort_key(text):
    tried("inventory numbers")
    number = parse_inventory_number(text)
    assert number.text == text.strip()
    assert SORT_KEY.fullmatch(number.sort_key) and len(number.sort_key) <= SORT_KEY_MAX_LENGTH
    assert parse_inventory_number(f"  {text}\t") == number  # surrounding whitespace ignored
    assert parse_inventory_number(text) == number  # deterministic
    assert all(isinstance(w, str) for w in check_inventory_number(text, acquisition_year=2020))


@given(text=st.text(string.whitespace, max_size=5))
def test_a_blank_inventory_number_is_refused_with_a_message(text):
    tried("inventory numbers")
    try:
        parse_inventory_number(text)
    except ValueError as error:
        assert "empty" in str(error)
    else:
        raise AssertionError("a blank number was accepted")


YEAR = st.integers(1800, 2099)
NUMBER = st.integers(0, 99_999)
FRENCH = st.tuples(
    YEAR, st.integers(1, 9999).filter(lambda n: not 1800 <= n <= 2099), NUMBER, st.none() | NUMBER
)


def spell(parts, *, separator=".", zeros=0, three_digit_year=False) -> str:
    year, order, item, part = parts
    written = [
        str(year)[1:] if three_digit_year else str(year),
        *(("0" * zeros) + str(n) for n in (order, item)),
    ]
    if part is not None:
        written.append(str(part))
    return separator.join(written)


def numeric(parts):
    return tuple(p for p in parts if p is not None)


@given(a=FRENCH, b=FRENCH, c=FRENCH)
def test_french_numbers_sort_by_their_numbers(a, b, c):
    """Keys are equal iff the numbers are, and ordered as the numbers: a total, transitive
    order (a number sorts before its extensions: 2019.1.1 < 2019.1.1.1)."""
    tried("inventory numbers")
    keys = {p: inventory_sort_key(spell(p)) for p in (a, b, c)}
    for x in (a, b, c):
        for y in (a, b, c):
            assert (keys[x] == keys[y]) == (numeric(x) == numeric(y))
            assert (keys[x] < keys[y]) == (numeric(x) < numeric(y))
    assert sorted((a, b, c), key=keys.get) == sorted((a, b, c), key=numeric)


@given(
    parts=FRENCH,
    separator=st.sampled_from([".", "-"]),
    zeros=st.integers(0, 2),
    prefix=st.sampled_from(["", "Inv. ", "INV ", "inv.", "N° ", "n°"]),
)
def test_spelling_does_not_change_the_key(parts, separator, zeros, prefix):
    """Separators, leading zeros, the 3-digit year of 1800-1999 and the case of a prefix
    are spelling: the key stays the same."""
    tried("inventory numbers")
    key = inventory_sort_key(prefix + spell(parts))
    assert inventory_sort_key(prefix + spell(parts, separator=separator, zeros=zeros)) == key
    assert inventory_sort_key((prefix + spell(parts)).swapcase()) == key
    if parts[0] < 2000:
        assert inventory_sort_key(prefix + spell(parts, three_digit_year=True)) == key
        assert parse_inventory_number(spell(parts, three_digit_year=True)).year == parts[0]
    number = parse_inventory_number(spell(parts))
    assert number.year == parts[0] and number.is_standard


@given(prefix=st.sampled_from(["RF", "AM", "INV", "D", "FNAC"]), a=NUMBER, b=NUMBER)
def test_prefixed_numbers_sort_numerically_after_plain_ones(prefix, a, b):
    tried("inventory numbers")
    ka, kb = inventory_sort_key(f"{prefix} {a}"), inventory_sort_key(f"{prefix} {b}")
    assert (ka < kb) == (a < b) and (ka == kb) == (a == b)
    assert inventory_sort_key(str(a)) < ka


# ---- dates


def check_range(result):
    assert result is None or isinstance(result, DateRange)
    if result is not None and None not in (result.earliest, result.latest):
        assert result.earliest <= result.latest


@given(text=safe_text(max_size=220))
@example(text="1er quart du 0e siècle")
@example(text="ﷺ" * 20 + " 1850")
@example(text="entre " * 30 + "1850")
def test_any_text_is_a_date_range_or_none(text):
    tried("dates")
    result = parse_date(text)
    check_range(result)
    assert parse_date(text) == result  # deterministic
    if len(text) <= 190:
        assert parse_date(f"  {text}  ") == result


ASCII_DATE_TEXT = st.text(string.ascii_letters + string.digits + " -/.,;?()'", max_size=60)


@given(text=ASCII_DATE_TEXT)
def test_case_does_not_matter(text):
    tried("dates")
    assert parse_date(text.upper()) == parse_date(text.lower())


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
         "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI"]  # fmt: skip


@st.composite
def written_dates(draw):
    """(text as a cataloguer writes it, first year, last year, approximate)."""
    kind = draw(
        st.sampled_from(
            ["year", "vers", "range", "entre", "century", "roman", "decade", "quarter", "bc"]
        )
    )
    year = draw(st.integers(1000, 2099))
    if kind == "year":
        return str(year), year, year, False
    if kind == "vers":
        word = draw(st.sampled_from(["vers", "v.", "circa", "c.", "env."]))
        return f"{word} {year}", year, year, True
    if kind in ("range", "entre"):
        end = draw(st.integers(year, 2099))
        if kind == "range":
            separator = draw(st.sampled_from(["-", " - ", "–", "/", " à "]))
            return f"{year}{separator}{end}", year, end, False
        return f"entre {year} et {end}", year, end, False
    century = draw(st.integers(1, 21))
    first, last = (century - 1) * 100 + 1, century * 100
    if kind == "century":
        suffix = draw(st.sampled_from(["e siècle", "e s.", "ème siècle", "th century"]))
        return f"{century}{suffix}", first, last, False
    if kind == "roman":
        return f"{ROMAN[century - 1]}e siècle", first, last, False
    if kind == "quarter":
        quarter = draw(st.integers(1, 4))
        ordinal = "1er" if quarter == 1 else f"{quarter}e"
        return (
            f"{ordinal} quart du {ROMAN[century - 1]}e siècle",
            first + 25 * (quarter - 1),
            first + 25 * quarter - 1,
            False,
        )
    if kind == "bc":
        return (
            f"{ROMAN[century - 1]}e siècle av. J.-C.",
            -century * 100,
            -(century - 1) * 100 - 1,
            False,
        )
    decade = year - year % 10
    return f"années {decade}", decade, decade + 9, False


@given(written=written_dates(), case=st.sampled_from([str, str.upper, str.lower, str.title]))
@example(written=("XVIIe siècle", 1601, 1700, False), case=str)
@example(written=("vers 1850", 1850, 1850, True), case=str)
@example(written=("1850-1860", 1850, 1860, False), case=str)
def test_well_formed_dates_cover_the_expected_years(written, case):
    tried("dates")
    text, first, last, approximate = written
    result = parse_date(case(text))
    assert result is not None, text
    assert (result.earliest, result.latest) == (first, last), text
    assert result.approximate == approximate
    assert parse_date(f" {text} ") == parse_date(text)


@given(year=st.integers(1000, 2099), word=st.sampled_from(["avant", "après", "before", "after"]))
def test_open_bounds(year, word):
    tried("dates")
    result = parse_date(f"{word} {year}")
    assert result is not None
    if word in ("avant", "before"):
        assert (result.earliest, result.latest) == (None, year)
    else:
        assert (result.earliest, result.latest) == (year, None)


# ---- numbers of mapping files


@given(
    text=safe_text(max_size=40)
    | st.from_regex(r"\d{1,30}([.,]\d{1,10})?(e-?\d{1,6})?|\d+ \d+/\d+", fullmatch=True)
)
@example(text="1/0")
@example(text="1e999999999")
@example(text="Infinity")
@example(text="1 0/0")
def test_parse_number_gives_a_finite_decimal_or_none(text):
    tried("numbers")
    number = parse_number(text)
    assert number is None or number.is_finite()
    assume(number is not None)
    assert parse_number(f" {text}\u00a0") == number
