"""The library's loading layer: MARC records (read by importers.marc) into bibliographic records.

Each file is one transaction: a file that cannot be read writes nothing. Inside it, each record
is its own savepoint: a record that cannot be stored is reported (file, record number, reason)
and the others go in. Records are keyed by their MARC identifier (001), so a second run of the
same file changes nothing. Authors are reconciled with the people already in Cartel; a close
name is only proposed for review.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from importers.marc import BadRecord, MarcFileError, MarcRecord, read_records
from museum_collections.models import Person
from museum_collections.services.reconcile import PersonReconciler, display_name, identifiers_of

from .lists import join_list
from .models import BibliographicAuthor, BibliographicRecord

PROGRESS_EVERY = 500


@dataclass
class Rejected:
    file: str
    record_number: int
    record_id: str
    reason: str


@dataclass
class LibraryImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people_created: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    proposals: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)


def _values(record: MarcRecord, flavour: str) -> dict:
    book = record.normalised()
    languages = [code.lower() for code in book.languages if len(code) == 3 and code.isalpha()]
    return {
        "source_format": flavour,
        "record_type": book.record_type.replace(" ", "_"),
        "title": book.title,
        "subtitle": book.subtitle,
        "responsibility": book.responsibility,
        "edition": book.edition,
        "publisher": book.publisher,
        "publication_place": book.place,
        "publication_date": book.date,
        "extent": book.extent,
        "series": join_list(book.series),
        "isbn": join_list(book.isbns),
        "issn": book.issn,
        "notes": "\n".join(book.notes),
        "subjects": join_list(book.subjects),
        "languages": join_list(languages),
        # the record as read, through JSON so that it compares equal to what is stored
        "raw": json.loads(json.dumps({"leader": record.leader, "fields": record.fields})),
    } | ({"publication_year": book.year} if book.year else {}), book.authors


class LibraryLoader:
    def __init__(self, *, flavour: str = "auto", log: Callable[[str], None] = print):
        self.flavour = flavour
        self.log = log
        self.people = PersonReconciler()
        self.report = LibraryImportReport()

    def load_files(self, paths: Iterable[Path], *, dry_run: bool = False) -> LibraryImportReport:
        with transaction.atomic():
            self._load_files(paths)
            if dry_run:  # everything was checked as for real; now forget it
                transaction.set_rollback(True)
        return self.report

    def _load_files(self, paths: Iterable[Path]) -> None:
        started, seen = time.perf_counter(), 0
        for path in paths:
            before = dataclasses.replace(self.report, rejected=list(self.report.rejected))
            try:
                with transaction.atomic():  # a file that cannot be read writes nothing
                    for item in read_records(path):
                        seen += 1
                        self._load(path, item)
                        if seen % PROGRESS_EVERY == 0:
                            rate = seen / (time.perf_counter() - started)
                            self.log(f"  {seen:,} records ({rate:,.0f}/s)")
            except MarcFileError as error:
                self.report = before  # the file's records were rolled back: so are its counts
                self.people = PersonReconciler()  # and the people it created
                self.report.unreadable.append((str(path), error.reason))

    def _load(self, path: Path, item: MarcRecord | BadRecord) -> None:
        if isinstance(item, BadRecord):
            self.report.rejected.append(Rejected(str(path), item.record_number, "", item.reason))
            return
        flavour = item.flavour if self.flavour == "auto" else self.flavour
        try:
            with transaction.atomic():
                self._store(item, flavour)
        except ValidationError as error:
            reason = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            self.report.rejected.append(
                Rejected(str(path), item.record_number, item.record_id, reason)
            )

    def _store(self, item: MarcRecord, flavour: str) -> None:
        values, authors = _values(item, flavour)
        if not values["title"]:
            raise ValidationError({"title": ["no title (UNIMARC 200$a, MARC 21 245$a)"]})
        record = BibliographicRecord.objects.filter(record_id=item.record_id).first()
        people = [(self._person(author, item.record_id), author.role) for author in authors]
        if record is None:
            record = BibliographicRecord(record_id=item.record_id, **values)
            record.full_clean()
            record.save()
            self.report.created += 1
        else:
            changed = {k: v for k, v in values.items() if getattr(record, k) != v}
            same_authors = [(a.person_id, a.role) for a in record.authors.all()] == [
                (p.pk, role) for p, role in people
            ]
            if not changed and same_authors:
                self.report.unchanged += 1
                return
            for name, value in changed.items():
                setattr(record, name, value)
            record.full_clean()
            record.save()
            record.authors.all().delete()
            self.report.updated += 1
        if not record.authors.exists():
            BibliographicAuthor.objects.bulk_create(
                BibliographicAuthor(record=record, person=person, role=role, sort_order=n)
                for n, (person, role) in enumerate(people)
            )

    def _person(self, author, record_id: str) -> Person:
        name = display_name(author.name, author.forenames)
        identifiers = identifiers_of(author.identifiers)
        match = self.people.find(name, dates=author.dates, identifiers=identifiers)
        if match.person is not None:
            return match.person
        birth, _sep, death = author.dates.partition("-")
        person = Person(
            name=name,
            kind=Person.Kind.ORGANISATION if author.corporate else Person.Kind.PERSON,
            surname="" if author.corporate else author.name,
            forenames=author.forenames,
            birth_date=birth.strip(" .?()"),
            death_date=death.strip(" .?()"),
            **identifiers,
        )
        person.save()
        self.people.add(person)
        self.report.people_created += 1
        if match.candidates:
            self.report.proposals.append(
                (record_id, name, [str(candidate) for candidate in match.candidates])
            )
        return person
