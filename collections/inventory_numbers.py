"""Parse, sort and check museum inventory numbers (pure Python, no Django).

French rule: the arrêté du 25 mai 2004, annex 2, numbers each object of a musée
de France as ``year.acquisition-order.item``, e.g. ``2019.1.1``. Since 2000 the
year has four digits; older numbers keep their three-digit year (``985.3.2`` is
1985). A fourth element numbers the removable parts of an object
(``2019.1.1.2``). Coherent local systems older than 2004 (``RF 2125``,
``INV 5016``, ``D.2005.3.1`` for a deposit...) are kept, and a number is never
rewritten: we store the text exactly as written and derive parts from it.

Decisions:

* A prefix is the leading run of letters when a digit follows later
  (``Inv. 1985.3.2`` -> ``INV``; ``FNAC PFH-6020`` -> ``FNAC`` and parts
  ``("PFH", 6020)``); a leading "N°" sign is ignored.
* ``year`` is set when the text after the prefix reads ``year.order.item``:
  a 4-digit year from 1800 to 2099 or a 3-digit 8xx/9xx year, then two or three
  numbers. Hyphens, found in some old registers, are accepted as separators
  (``1985-3-2`` is 1985.3.2; ``check_inventory_number`` warns). An order number
  that is itself a 4-digit year (MoMA's ``order.year.item``, ``865.1964.1-14``)
  is not the French form, so it gets no year.
* ``is_standard`` means exactly the annex-2 form, without prefix or leading
  zeros: ``YYYY.N.N`` or ``YYYY.N.N.N``.

Sort key: only ``0-9a-z``, so byte order (C collation) and libc/ICU locale
collations such as en_US.UTF-8 agree (they ignore punctuation and spaces at
the first level, so no separator character is used at all). It is

    group  "0" without prefix, "1" with a prefix, then the prefix as a word
    word   ASCII lower-case letters followed by the terminator "0"
    number 2-digit length + digits without leading zeros ("7" -> "017")

e.g. ``2019.1.10`` -> ``00420190110210``, ``985.3.2`` -> ``0041985013012``
(the full year), ``RF 2125`` -> ``1rf0042125``, ``AM 3962P`` -> ``1am0043962p0``.
Numbers compare numerically, a number sorts before its extensions, digits
before letters. Punctuation, spacing, letter case, leading zeros and a 3-digit
year spelling do not change the key (``985.3.2`` and ``1985.3.2`` tie), so
order by (sort_key, text) for a total order. Longer keys are cut at 255.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SORT_KEY_MAX_LENGTH = 255

_NUMBER_SIGN = re.compile(r"^(?:[nN][°º]|№)\s*")
_PREFIX = re.compile(r"^([^\W\d_]+)\W*")
_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_FRENCH = re.compile(
    r"(?P<year>\d{3,4})[.-](?P<order>\d+)[.-](?P<item>\d+)(?:[.-](?P<part>\d+))?(?P<rest>\D.*)?"
)
_STANDARD = re.compile(r"[1-9]\d{3}(?:\.(?:0|[1-9]\d*)){2,3}")
_LEADING_ZERO = re.compile(r"(?<!\d)0\d+")


@dataclass(frozen=True)
class InventoryNumber:
    text: str  # exactly as given (after strip())
    prefix: str  # leading letters, upper-case, without dots/spaces ("RF", "INV", "" ...)
    year: int | None  # acquisition year of the French year.order.item form, else None
    parts: tuple[int | str, ...]  # numbers and letter runs after the prefix, in order
    is_standard: bool  # exactly the annex-2 form YYYY.N.N or YYYY.N.N.N, no prefix
    sort_key: str  # ASCII [0-9a-z], at most 255 characters


def _french_year(body: str) -> int | None:
    """Return the acquisition year if ``body`` reads year.order.item, else None."""
    match = _FRENCH.fullmatch(body)
    if match is None:
        return None
    digits, order = match["year"], match["order"]
    if len(order) == 4 and 1800 <= int(order) <= 2099:  # MoMA order.year.item
        return None
    year = int(digits)
    if len(digits) == 3 and digits[0] in "89":
        year += 1000
    return year if 1800 <= year <= 2099 else None


def _split(text: str) -> tuple[str, str]:
    """Split ``text`` into (prefix as written, body after the prefix)."""
    text = _NUMBER_SIGN.sub("", text)
    match = _PREFIX.match(text)
    if match is None or not re.search(r"\d", text[match.end() :]):
        return "", text
    return match[1], _NUMBER_SIGN.sub("", text[match.end() :])


def _word_key(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalpha())


def _number_key(number: int) -> str:
    digits = str(number)
    return f"{min(len(digits), 99):02d}{digits}"


def _sort_key(prefix: str, parts: tuple[int | str, ...], year: int | None) -> str:
    pieces = ["1" + _word_key(prefix) + "0" if prefix else "0"]
    for index, part in enumerate(parts):
        if isinstance(part, int):
            pieces.append(_number_key(year if index == 0 and year is not None else part))
        elif word := _word_key(part):
            pieces.append(word + "0")
    return "".join(pieces)[:SORT_KEY_MAX_LENGTH]


def parse_inventory_number(text: str) -> InventoryNumber:
    """Parse an inventory number; never raises on non-blank text.

    Raises ValueError when ``text`` is empty or only whitespace.
    """
    text = text.strip()
    if not text:
        raise ValueError(
            "Inventory number is empty: enter the number exactly as written in the register."
        )
    raw_prefix, body = _split(text)
    prefix = raw_prefix.upper()
    year = _french_year(body)
    parts = tuple(int(t) if t.isdecimal() else t for t in _TOKEN.findall(body))
    return InventoryNumber(
        text=text,
        prefix=prefix,
        year=year,
        parts=parts,
        is_standard=year is not None and _STANDARD.fullmatch(text) is not None,
        sort_key=_sort_key(prefix, parts, year),
    )


def inventory_sort_key(text: str) -> str:
    """Return the sort key of ``text`` (see the module docstring)."""
    return parse_inventory_number(text).sort_key


def check_inventory_number(text: str, *, acquisition_year: int | None = None) -> list[str]:
    """Return English warnings about ``text``; an empty list means nothing to report.

    These are warnings, not errors: legacy numbers are kept as registered.
    """
    number = parse_inventory_number(text)
    _, body = _split(number.text)
    quoted = f"'{number.text}'"
    keep = "Keep an existing number exactly as registered"
    warnings: list[str] = []
    french = _FRENCH.fullmatch(body) if number.year is not None else None

    if french is None:
        warnings.append(
            f"{quoted} is not in the format YYYY.N.N (year.acquisition-order.item) of the "
            f"arrêté of 25 May 2004, annex 2. {keep}; give new acquisitions a number "
            "such as 2024.1.1."
        )
    else:
        if number.prefix not in ("", "D"):
            warnings.append(
                f"{quoted} has the prefix '{number.prefix}' before year.order.item; the "
                "arrêté form has none (only deposits use 'D'). "
                f"{keep}; number new acquisitions without a prefix."
            )
        head = body[: french.start("rest")] if french["rest"] else body
        if "-" in head:
            warnings.append(
                f"{quoted} separates its elements with hyphens; the arrêté form uses dots "
                f"(e.g. 1985.3.2). {keep}; write new numbers with dots."
            )
        if french["rest"]:
            warnings.append(
                f"{quoted} adds '{french['rest'].strip()}' after year.order.item; the arrêté "
                "form has only digits, with a fourth element for removable parts "
                f"(2019.1.1.1, 2019.1.1.2). {keep}; number the parts of new acquisitions "
                "with digits."
            )

    if acquisition_year is not None and acquisition_year >= 2000:
        leading = re.match(r"(\d{1,3})[.-]\d+[.-]\d", body)
        if leading:
            warnings.append(
                f"{quoted} writes the year with {len(leading[1])} digits, but the object was "
                f"acquired in {acquisition_year}: since 2000 the year has 4 digits. "
                f"{keep}; number acquisitions made since 2000 as {acquisition_year}.N.N."
            )
    if acquisition_year is not None and number.year is not None and number.year != acquisition_year:
        warnings.append(
            f"{quoted} gives the year {number.year}, but the acquisition year is "
            f"{acquisition_year}. Check the register and the acquisition record; correct the "
            "acquisition date if it is wrong (a registered number is never rewritten)."
        )

    zeros = _LEADING_ZERO.findall(body)
    if zeros:
        warnings.append(
            f"{quoted} has leading zeros ({', '.join(zeros)}). Write numbers without "
            "leading zeros (2019.1.1, not 2019.01.1) so the register never holds two "
            f"spellings of one number. {keep} and never register the other spelling."
        )
    return warnings
