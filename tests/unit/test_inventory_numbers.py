"""Tests for museum_collections.inventory_numbers (pure Python, no Django needed)."""

import json
import locale
import random
import re
from pathlib import Path

import pytest

from museum_collections.inventory_numbers import (
    InventoryNumber,
    check_inventory_number,
    inventory_sort_key,
    parse_inventory_number,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "demo" / "data" / "museum-open-data"
MOMA_FILE = DATA_DIR / "moma_objects_2015-08-13_sample_2000.jsonl"
TATE_DIR = DATA_DIR / "tate_artworks_json"
KEY_CHARS = re.compile(r"[0-9a-z]+")

# text, prefix, year, parts, is_standard
PARSE_CASES = [
    # French standard form (arrêté of 25 May 2004, annex 2)
    ("2019.1.1", "", 2019, (2019, 1, 1), True),
    ("2019.1.1.2", "", 2019, (2019, 1, 1, 2), True),
    ("2012.0.20", "", 2012, (2012, 0, 20), True),
    ("1985.3.2", "", 1985, (1985, 3, 2), True),
    ("  2019.1.10 ", "", 2019, (2019, 1, 10), True),
    ("985.3.2", "", 1985, (985, 3, 2), False),
    ("999.1.1", "", 1999, (999, 1, 1), False),
    ("885.3.1", "", 1885, (885, 3, 1), False),
    ("2019.01.1", "", 2019, (2019, 1, 1), False),
    ("1985-3-2", "", 1985, (1985, 3, 2), False),
    ("2019.1.1 a", "", 2019, (2019, 1, 1, "a"), False),
    ("2019.1.1.a-c", "", 2019, (2019, 1, 1, "a", "c"), False),
    ("N° 12", "", None, (12,), False),
    ("n°2019.1.1", "", 2019, (2019, 1, 1), False),
    # prefixed French forms and pre-2004 local systems
    ("MC.2012.0.20", "MC", 2012, (2012, 0, 20), False),
    ("D.2005.3.1", "D", 2005, (2005, 3, 1), False),
    ("D 2005.3.1", "D", 2005, (2005, 3, 1), False),
    ("Inv. 1985.3.2", "INV", 1985, (1985, 3, 2), False),
    ("INV 1985.3.2", "INV", 1985, (1985, 3, 2), False),
    ("RF 2125", "RF", None, (2125,), False),
    ("RF.2125", "RF", None, (2125,), False),
    ("INV 5016", "INV", None, (5016,), False),
    ("INV 75.12768", "INV", None, (75, 12768), False),
    ("MNR 250", "MNR", None, (250,), False),
    ("AM 3962P", "AM", None, (3962, "P"), False),
    ("FNAC PFH-6020", "FNAC", None, ("PFH", 6020), False),
    ("AR. 135", "AR", None, (135,), False),
    ("s.n.", "", None, ("s", "n"), False),
    # MoMA examples from the brief: order.year(.item), never a French year
    ("885.1996", "", None, (885, 1996), False),
    ("67.1955.9", "", None, (67, 1955, 9), False),
    ("1234.2000.a-c", "", None, (1234, 2000, "a", "c"), False),
    # Tate examples from the brief
    ("A01003", "A", None, (1003,), False),
    ("T05062", "T", None, (5062,), False),
    ("N02371", "N", None, (2371,), False),
    ("P02650", "P", None, (2650,), False),
    ("D36210", "D", None, (36210,), False),
    ("AR00103", "AR", None, (103,), False),
    # real MoMA numbers from moma_objects_2015-08-13_sample_2000.jsonl
    ("23.1995.1-3", "", None, (23, 1995, 1, 3), False),
    ("186.1948.1a-b", "", None, (186, 1948, 1, "a", "b"), False),
    ("19.1988.B14", "", None, (19, 1988, "B", 14), False),
    ("33.1973.C03", "", None, (33, 1973, "C", 3), False),
    ("865.1964.1-14", "", None, (865, 1964, 1, 14), False),
    ("915.1965.2", "", None, (915, 1965, 2), False),
    ("1980.1967.10", "", None, (1980, 1967, 10), False),
    ("947.2010.202.1-6", "", None, (947, 2010, 202, 1, 6), False),
    ("475.2004.x1-x2", "", None, (475, 2004, "x", 1, "x", 2), False),
    ("477.2004.a-i.x1-x2", "", None, (477, 2004, "a", "i", "x", 1, "x", 2), False),
    ("782.2013a-b", "", None, (782, 2013, "a", "b"), False),
    ("2980.2008.66a-yyyyy", "", None, (2980, 2008, 66, "a", "yyyyy"), False),
    ("MR5016PP.F1", "MR", None, (5016, "PP", "F", 1), False),
    ("MC 37", "MC", None, (37,), False),
    ("FC918", "FC", None, (918,), False),
    ("F1926", "F", None, (1926,), False),
    ("R9.198", "R", None, (9, 198), False),
    ("771919", "", None, (771919,), False),
    # real Tate numbers from tate_artworks_json/
    ("A00001", "A", None, (1,), False),
    ("D02876", "D", None, (2876,), False),
    ("P12409", "P", None, (12409,), False),
    ("T02056", "T", None, (2056,), False),
    ("T13438", "T", None, (13438,), False),
]


@pytest.mark.parametrize(("text", "prefix", "year", "parts", "is_standard"), PARSE_CASES)
def test_parse(text, prefix, year, parts, is_standard):
    number = parse_inventory_number(text)
    assert isinstance(number, InventoryNumber)
    assert number.text == text.strip()
    assert number.prefix == prefix
    assert number.year == year
    assert number.parts == parts
    assert number.is_standard is is_standard
    assert KEY_CHARS.fullmatch(number.sort_key)
    assert inventory_sort_key(text) == number.sort_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2019.1.1", "0042019011011"),
        ("2019.1.10", "00420190110210"),
        ("985.3.2", "0041985013012"),
        ("2019.1.1 a", "0042019011011a0"),
        ("RF 2125", "1rf0042125"),
        ("AM 3962P", "1am0043962p0"),
        ("T05062", "1t0045062"),
        ("FNAC PFH-6020", "1fnac0pfh0046020"),
    ],
)
def test_sort_key_format(text, key):
    assert inventory_sort_key(text) == key


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_blank_input_raises(text):
    with pytest.raises(ValueError, match="Inventory number is empty"):
        parse_inventory_number(text)


def test_frozen():
    number = parse_inventory_number("2019.1.1")
    with pytest.raises(AttributeError):
        number.text = "2019.1.2"


# Each list is in the expected order; every key in it must be distinct.
ORDERINGS = {
    "numeric elements": ["2019.1.2", "2019.1.10", "2019.2.1"],
    "parts after the item": ["2019.1.1", "2019.1.1.1", "2019.1.1.2", "2019.1.2"],
    "three-digit years": ["985.3.2", "999.1.1", "2000.1.1", "2019.1.1"],
    "prefix groups": ["2019.1.1", "D 2005.3.1", "D36210", "INV 5016", "INV 16000", "RF 2125"],
    "prefix numbers": ["RF 2125", "RF 12000"],
    "letters after numbers": ["AM 3962", "AM 3962P", "AM 3962q", "AM 3963"],
    "moma letters": ["1234.2000", "1234.2000.1", "1234.2000.a-c", "1234.2000.B", "1234.2001"],
    "tate": ["T5062", "T05063", "T13438"],
}

FULL_ORDER = [
    "N° 12",
    "67.1955.9",
    "885.1996",
    "1234.2000.a-c",
    "985.3.2",
    "999.1.1",
    "2000.1.1",
    "2012.0.20",
    "2019.1.1",
    "2019.1.1.1",
    "2019.1.1.2",
    "2019.1.1 a",
    "2019.1.1.a-c",
    "2019.1.2",
    "2019.1.10",
    "2019.2.1",
    "A01003",
    "AM 3962P",
    "AM 3963",
    "AR00103",
    "AR. 135",
    "D 2005.3.1",
    "D36210",
    "FNAC PFH-6020",
    "INV 75.12768",
    "Inv. 1985.3.2",
    "INV 5016",
    "INV 16000",
    "MC.2012.0.20",
    "MNR 250",
    "N02371",
    "P02650",
    "RF 2125",
    "RF 12000",
    "T05062",
    "T13438",
]


def _shuffled(items, seed):
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    return shuffled


@pytest.mark.parametrize("expected", [*ORDERINGS.values(), FULL_ORDER], ids=[*ORDERINGS, "all"])
def test_sort_order(expected):
    keys = [inventory_sort_key(text) for text in expected]
    assert len(set(keys)) == len(keys), "different numbers must not share a sort key"
    for seed in range(5):
        assert sorted(_shuffled(expected, seed), key=inventory_sort_key) == expected


def test_sort_order_with_locale_collation():
    """The keys sort the same under en_US.UTF-8 (libc, as in PostgreSQL) as byte-wise."""
    previous = locale.setlocale(locale.LC_COLLATE)
    try:
        locale.setlocale(locale.LC_COLLATE, "en_US.UTF-8")
    except locale.Error:
        pytest.skip("en_US.UTF-8 locale not installed")
    try:
        keys = [inventory_sort_key(text) for text in FULL_ORDER]
        assert sorted(_shuffled(keys, 1), key=locale.strxfrm) == keys
        if MOMA_FILE.exists() and TATE_DIR.is_dir():
            moma, tate = _real_numbers()
            real = [inventory_sort_key(text) for text in moma + tate]
            assert sorted(real, key=locale.strxfrm) == sorted(real)
    finally:
        locale.setlocale(locale.LC_COLLATE, previous)


@pytest.mark.parametrize(
    "same",
    [
        ("RF 2125", "RF.2125", "rf  2125", "RF-2125"),
        ("Inv. 1985.3.2", "INV 1985.3.2", "inv.1985.3.2"),
        ("D 2005.3.1", "D.2005.3.1"),
        ("T05062", "T5062"),
        ("2019.1.1 a", "2019.1.1a", "2019.1.1.A"),
        ("1985.3.2", "985.3.2", "1985-3-2"),  # one number: the 3-digit year spelling
        ("N° 12", "12"),
    ],
)
def test_equal_sort_keys(same):
    assert len({inventory_sort_key(text) for text in same}) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("2019.1.1", "2019.11"),
        ("2019.1.12", "2019.11.2"),
        ("2019.1.1", "D.2019.1.1"),
        ("2019.1.1", "MC 2019.1.1"),
        ("1234.2000.a-c", "1234.2000.ac"),
        ("AM 3962P", "AM 3962"),
        ("D 12", "DA 12"),
    ],
)
def test_different_sort_keys(left, right):
    assert inventory_sort_key(left) != inventory_sort_key(right)


@pytest.mark.parametrize("text", ["2019.1.1", "2019.1.1.2", "2012.0.20", "D.2005.3.1", "985.3.2"])
def test_check_no_warning(text):
    assert check_inventory_number(text) == []


def test_check_matching_acquisition_year():
    assert check_inventory_number("2019.1.1", acquisition_year=2019) == []
    assert check_inventory_number("985.3.2", acquisition_year=1985) == []


# text, acquisition_year, fragments expected (one per warning, in order)
CHECK_CASES = [
    ("RF 2125", None, ["is not in the format YYYY.N.N"]),
    ("MNR 250", None, ["is not in the format YYYY.N.N"]),
    ("885.1996", None, ["is not in the format YYYY.N.N"]),
    ("2019.01.1", None, ["leading zeros (01)"]),
    ("T05062", None, ["is not in the format YYYY.N.N", "leading zeros (05062)"]),
    ("1985-3-2", None, ["hyphens"]),
    ("MC.2012.0.20", None, ["prefix 'MC'"]),
    ("Inv. 1985.3.2", None, ["prefix 'INV'"]),
    ("2019.1.1 a", None, ["adds 'a'"]),
    ("2019.1.1", 2018, ["gives the year 2019, but the acquisition year is 2018"]),
    ("985.3.2", 2005, ["year with 3 digits", "year 1985, but the acquisition year is 2005"]),
    ("19.1.1", 2019, ["is not in the format YYYY.N.N", "year with 2 digits"]),
    ("2019.01.01", 2019, ["leading zeros (01, 01)"]),
]


@pytest.mark.parametrize(("text", "acquisition_year", "fragments"), CHECK_CASES)
def test_check_warnings(text, acquisition_year, fragments):
    warnings = check_inventory_number(text, acquisition_year=acquisition_year)
    assert len(warnings) == len(fragments), warnings
    for warning, fragment in zip(warnings, fragments, strict=True):
        assert fragment in warning
        assert f"'{text.strip()}'" in warning
        assert warning.endswith(".")


def test_check_messages_say_what_to_do():
    for text, year, _ in CHECK_CASES:
        for warning in check_inventory_number(text, acquisition_year=year):
            assert re.search(r"\b(Keep|Write|write|number|Check|correct)\b", warning)


def test_check_blank_raises():
    with pytest.raises(ValueError, match="empty"):
        check_inventory_number(" ")


def _real_numbers():
    if not MOMA_FILE.exists() or not TATE_DIR.is_dir():
        pytest.skip(f"open data not found in {DATA_DIR}")
    with MOMA_FILE.open(encoding="utf-8") as lines:
        moma = [json.loads(line)["MoMANumber"] for line in lines if line.strip()]
    tate = [
        json.loads(path.read_text(encoding="utf-8"))["acno"]
        for path in sorted(TATE_DIR.glob("*.json"))
    ]
    return moma, tate


def test_real_numbers_parse():
    moma, tate = _real_numbers()
    assert len(moma) == 2000
    assert len(tate) == 300
    for text in moma + tate:
        number = parse_inventory_number(text)
        assert number.text == text.strip()
        assert 0 < len(number.sort_key) <= 255
        assert number.sort_key.isascii()
        assert KEY_CHARS.fullmatch(number.sort_key), text
        check_inventory_number(text, acquisition_year=2001)
    # MoMA writes order.year: no MoMA number may be read as a French year.
    assert [text for text in moma if parse_inventory_number(text).year is not None] == []
    for text in tate:
        number = parse_inventory_number(text)
        assert number.prefix in {"A", "AR", "D", "N", "P", "T"}
        assert len(number.parts) == 1
        assert isinstance(number.parts[0], int)


def test_long_and_odd_input_never_raises():
    for text in ["9" * 400, "a." * 300 + "1", "°", "N°", "ΑΒ 12", "壹 2019.1.1", "1" + "-" * 500]:
        number = parse_inventory_number(text)
        assert len(number.sort_key) <= 255
        assert KEY_CHARS.fullmatch(number.sort_key)


def test_superscript_and_other_non_decimal_digits_never_raise():
    """Found by tests/fuzz: "²" is a digit for str.isdigit() but not for int()."""
    for text in ["²", "2019.1.1²", "INV ³4", "½", "2019.1.①"]:
        number = parse_inventory_number(text)
        assert KEY_CHARS.fullmatch(number.sort_key), text
    assert parse_inventory_number("2019.1.1²").year == 2019
