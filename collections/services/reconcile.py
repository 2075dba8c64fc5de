"""Reconcile the people named in imported records with the authorities already in Cartel.

In order: an identifier (IdRef PPN, BnF ARK) the authority carries; the exact name; the name
without accents, case or punctuation (and the dates, when both have them). A fuzzy match is
never taken: the new person is created and the close names are returned as candidates, for a
cataloguer to review and merge (the admin's merge action) if they are the same.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..models import Person
from ..text import match_key

IDREF = re.compile(r"(?:idref\.fr/)?(\d{8}[\dX])$")
ARK = re.compile(r"(ark:/12148/cb\d{8,9}[0-9bcdfghjkmnpqrstvwxz])")
FUZZY_CUTOFF = 0.88


@dataclass
class Match:
    person: Person | None
    how: str  # "identifier", "exact", "accents", "new"
    candidates: list[Person] = field(default_factory=list)  # close names, to review


def identifiers_of(values) -> dict[str, str]:
    """IdRef and BnF ARK among a record's authority links ($3, $0, URIs)."""
    found = {}
    for value in values:
        value = value.strip()
        if match := ARK.search(value):
            found.setdefault("bnf_ark", match[1])
        elif match := IDREF.search(value):
            found.setdefault("idref_id", match[1])
    return found


def name_key(name: str) -> str:
    """Accents, case and punctuation ignored: "Jean-François Ménard" = "jean francois menard"."""
    return " ".join(re.sub(r"[^\w]+", " ", match_key(name)).split())


def _year(dates: str) -> int | None:
    match = re.search(r"\d{4}", dates or "")
    return int(match[0]) if match else None


class PersonReconciler:
    """An in-memory index of the authorities, built once per import."""

    def __init__(self):
        self.by_id: dict[tuple[str, str], Person] = {}
        self.by_name: dict[str, list[Person]] = {}
        self.by_key: dict[str, list[Person]] = {}
        for person in Person.objects.filter(merged_into__isnull=True).order_by("pk"):
            self.add(person)

    def add(self, person: Person) -> None:
        for name in ("idref_id", "bnf_ark"):
            if getattr(person, name):
                self.by_id.setdefault((name, getattr(person, name)), person)
        self.by_name.setdefault(person.name, []).append(person)
        self.by_key.setdefault(name_key(person.name), []).append(person)

    def find(self, name: str, *, dates: str = "", identifiers: dict | None = None) -> Match:
        for key, value in (identifiers or {}).items():
            if person := self.by_id.get((key, value)):
                return Match(person, "identifier")
        year = _year(dates)

        def fits(person):
            return year is None or person.birth_year in (None, year)

        for how, index, key in (
            ("exact", self.by_name, name),
            ("accents", self.by_key, name_key(name)),
        ):
            people = [p for p in index.get(key, []) if fits(p)]
            if people:
                return Match(people[0], how)
        close = difflib.get_close_matches(name_key(name), self.by_key, n=3, cutoff=FUZZY_CUTOFF)
        return Match(None, "new", [p for key in close for p in self.by_key[key]][:3])


def display_name(surname: str, forenames: str = "") -> str:
    """Forenames first, as the authorities show people (Maurice Denis)."""
    return f"{forenames} {surname}".strip() if forenames else surname
