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
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from wagtail.signal_handlers import disable_reference_index_auto_update

from importers.marc import BadRecord, MarcFileError, MarcRecord, read_records
from importers.records import ImportReport, Proposal, RejectedRecord
from museum_collections.dating import parse_date
from museum_collections.models import Person
from museum_collections.services.reconcile import PersonReconciler, display_name, identifiers_of
from museum_collections.services.references import index_references

from .lists import join_list, validate_languages
from .models import BibliographicAuthor, BibliographicRecord

PROGRESS_EVERY = 500
BATCH = 500


class LibraryImportReport(ImportReport):
    pass


def _year_of(date: str) -> int | None:
    """The year the model derives from a date as written (BibliographicRecord.save)."""
    parsed = parse_date(date) if date else None
    return parsed.earliest if parsed else None


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
        "publication_year": book.year or _year_of(book.date),
    }, book.authors


# What BibliographicRecord.full_clean() checks on the values an import writes, in a fraction
# of its time (it is most of an import's cost): lengths, choices, languages, the year's range.
_LIMITS = {
    f.name: f.max_length
    for f in BibliographicRecord._meta.concrete_fields
    if isinstance(f, models.CharField) and f.max_length
}
_CHOICES = {
    f.name: {value for value, _label in f.choices}
    for f in BibliographicRecord._meta.concrete_fields
    if f.choices
}


def _check(record_id: str, values: dict) -> None:
    errors = {}
    for name, value in {"record_id": record_id, **values}.items():
        if name in _LIMITS and len(value) > _LIMITS[name]:
            errors[name] = [f"{len(value)} characters, at most {_LIMITS[name]}"]
        elif name in _CHOICES and value not in _CHOICES[name]:
            errors[name] = [f"“{value}” is not one of {', '.join(sorted(_CHOICES[name]))}"]
    try:
        validate_languages(values["languages"])
    except ValidationError as error:
        errors["languages"] = error.messages
    year = values.get("publication_year")
    if year is not None and not -32768 <= year <= 32767:
        errors["publication_year"] = [f"{year} is not a year"]
    if errors:
        raise ValidationError(errors)


class LibraryLoader:
    def __init__(self, *, flavour: str = "auto", log: Callable[[str], None] = print):
        self.flavour = flavour
        self.log = log
        self.people = PersonReconciler()
        self.report = LibraryImportReport()
        self.touched: list[int] = []  # records created or updated, to index at the end

    def load_files(self, paths: Iterable[Path], *, dry_run: bool = False) -> LibraryImportReport:
        # Wagtail's reference index is updated once at the end, for the records written, with
        # their authors read in one query: per save it would cost more than the import itself.
        with transaction.atomic(), disable_reference_index_auto_update():
            self._load_files(paths)
            self._index()
            if dry_run:  # everything was checked as for real; now forget it
                transaction.set_rollback(True)
        return self.report

    def _load_files(self, paths: Iterable[Path]) -> None:
        started, seen = time.perf_counter(), 0
        for path in paths:
            before = dataclasses.replace(self.report, rejected=list(self.report.rejected))
            written = len(self.touched)
            try:
                with transaction.atomic():  # a file that cannot be read writes nothing
                    batch: list[tuple[MarcRecord, dict, list]] = []
                    for item in read_records(path):
                        seen += 1
                        prepared = self._prepare(path, item)
                        if prepared and any(p[0].record_id == item.record_id for p in batch):
                            self._store_batch(path, batch)  # the same 001 twice: in order
                            batch = []
                        if prepared:
                            batch.append(prepared)
                        if len(batch) == BATCH:
                            self._store_batch(path, batch)
                            batch = []
                        if seen % PROGRESS_EVERY == 0:
                            rate = seen / (time.perf_counter() - started)
                            self.log(f"  {seen:,} records ({rate:,.0f}/s)")
                    self._store_batch(path, batch)
            except MarcFileError as error:
                self.report = before  # the file's records were rolled back: so are its counts
                self.people = PersonReconciler()  # and the people it created
                del self.touched[written:]
                self.report.unreadable.append((str(path), error.reason))

    def _index(self) -> None:
        index_references(BibliographicRecord, self.touched)

    def _reject(self, path: Path, item, error: ValidationError) -> None:
        reason = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        self.report.rejected.append(
            RejectedRecord(str(path), item.record_number, item.record_id, "", reason)
        )

    def _prepare(self, path: Path, item: MarcRecord | BadRecord):
        """The record's values and authors, checked in memory; None when it is rejected."""
        if isinstance(item, BadRecord):
            self.report.rejected.append(
                RejectedRecord(str(path), item.record_number, "", "", item.reason)
            )
            return None
        values, authors = _values(item, self.flavour if self.flavour != "auto" else item.flavour)
        try:
            if not values["title"]:
                raise ValidationError({"title": ["no title (UNIMARC 200$a, MARC 21 245$a)"]})
            _check(item.record_id, values)
        except ValidationError as error:
            self._reject(path, item, error)
            return None
        return item, values, authors

    def _store_batch(self, path: Path, batch) -> None:
        """Write a batch in a few queries; if the database refuses it, record by record."""
        if not batch:
            return
        counts = (self.report.created, self.report.updated, self.report.unchanged)
        written = len(self.touched)
        try:
            with transaction.atomic():
                self._write(path, batch)
        except IntegrityError:
            self.report.created, self.report.updated, self.report.unchanged = counts
            del self.touched[written:]
            for prepared in batch:
                try:
                    with transaction.atomic():
                        self._write(path, [prepared])
                except (IntegrityError, ValidationError) as error:
                    reason = (
                        error
                        if isinstance(error, ValidationError)
                        else ValidationError({"record": [str(error)]})
                    )
                    self._reject(path, prepared[0], reason)

    def _write(self, path: Path, batch) -> None:
        existing = {
            record.record_id: record
            for record in BibliographicRecord.objects.filter(
                record_id__in=[item.record_id for item, _v, _a in batch]
            ).prefetch_related("authors")
        }
        new, changed_records, changed_fields, authors_of = [], [], set(), {}
        for item, values, authors in batch:
            people = [(self._person(a, path, item), a.role) for a in authors]
            record = existing.get(item.record_id)
            if record is None:
                record = BibliographicRecord(record_id=item.record_id, **values)
                new.append(record)
            else:
                changed = {k: v for k, v in values.items() if getattr(record, k) != v}
                same_authors = [(a.person_id, a.role) for a in record.authors.all()] == [
                    (person.pk, role) for person, role in people
                ]
                if not changed and same_authors:
                    self.report.unchanged += 1
                    continue
                for name, value in changed.items():
                    setattr(record, name, value)
                record.updated_at = timezone.now()  # bulk_update does not set auto_now fields
                changed_records.append(record)
                changed_fields |= set(changed)
            authors_of[item.record_id] = (record, people)
        BibliographicRecord.objects.bulk_create(new, batch_size=BATCH)
        if changed_records:
            if changed_fields:
                BibliographicRecord.objects.bulk_update(
                    changed_records, [*changed_fields, "updated_at"], batch_size=BATCH
                )
            BibliographicAuthor.objects.filter(record__in=changed_records).delete()
        BibliographicAuthor.objects.bulk_create(
            (
                BibliographicAuthor(record=record, person=person, role=role, sort_order=n)
                for record, people in authors_of.values()
                for n, (person, role) in enumerate(people)
            ),
            batch_size=BATCH,
        )
        self.report.created += len(new)
        self.report.updated += len(changed_records)
        self.touched += [record.pk for record, _people in authors_of.values()]

    def _person(self, author, path: Path, item: MarcRecord) -> Person:
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
                Proposal(
                    str(path),
                    item.record_number,
                    item.record_id,
                    "author",
                    name,
                    tuple(str(candidate) for candidate in match.candidates),
                )
            )
        return person
