"""The loading layer of the object importers: `ObjectRecord`s (read by `importers.*`) into works.

`import_objects` (CSV, XLSX, FileMaker through a mapping file) and `import_joconde` (POP
notices) both end here. Each file is one transaction: a file that cannot be read writes
nothing. Inside it, records go in batches through `WorkWriter`; a record that cannot be stored
is rejected with its file, number, field and reason, and the others go in.

* Works are keyed by inventory number; a Joconde notice by its REF, which the work keeps.
  A REF never moves to another work and an inventory number is never rewritten: a record
  that would do either is rejected.
* Makers are reconciled with the Person authorities (identifier, exact name, name without
  accents); a close name is only proposed for review, and a new person is created.
* Terms are linked to their concepts (preferred then alternative labels, accents ignored);
  a value outside the vocabulary is kept, flagged, and the close preferred labels proposed.
* The record as read is kept whole in `Work.imported_records`, under the source's name.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from wagtail.signal_handlers import disable_reference_index_auto_update

from importers.records import (
    ImportReport,
    ObjectRecord,
    Proposal,
    RejectedRecord,
    SourceFileError,
)

from ..models import TERM_RELATIONS, Person, Work
from ..text import match_key
from .reconcile import PersonReconciler
from .vocabularies import TermResolver
from .work_writer import MakerSpec, WorkSpec, WorkWriter, WriteReport, update_reference_index

BATCH = 500
PROGRESS_EVERY = 500
MATERIAL_BRANCH = match_key("matériau")
MAKER_FIELDS = ("name", "surname", "forenames", "birth_date", "death_date", "nationality")


@dataclass
class ObjectImportReport(ImportReport):
    works_outside_vocabulary: int = 0


Reader = Callable[[Path], Iterator[ObjectRecord | RejectedRecord]]


class ObjectLoader:
    """Loads the records of object files; `source` names them in `Work.imported_records`."""

    def __init__(
        self,
        source: str,
        *,
        publish: bool = False,
        log: Callable[[str], None] = print,
    ):
        self.source = source
        self.publish = publish
        self.log = log
        self.report = ObjectImportReport()
        self.resolver = TermResolver()
        self.people = PersonReconciler()
        self.touched: list[int] = []
        self._close_terms: dict[tuple[str, str], tuple[str, ...]] = {}

    # ----------------------------------------------------------------- files

    def load_files(
        self, paths: Iterable[Path], read: Reader, *, dry_run: bool = False
    ) -> ObjectImportReport:
        with transaction.atomic(), disable_reference_index_auto_update():
            started, seen = time.perf_counter(), 0
            for path in paths:
                seen = self._load_file(Path(path), read, started, seen)
            update_reference_index(self.touched)
            if dry_run:  # everything was checked and written as for real; now forget it
                transaction.set_rollback(True)
        return self.report

    def _load_file(self, path: Path, read: Reader, started: float, seen: int) -> int:
        snapshot = _copy(self.report)
        written = len(self.touched)
        keys: dict[str, int] = {}  # inventory number or REF -> record number, in this file
        try:
            with transaction.atomic():  # a file that cannot be read writes nothing
                batch: list[ObjectRecord] = []
                for item in read(path):
                    seen += 1
                    if isinstance(item, RejectedRecord):
                        self.report.rejected.append(item)
                    elif self._first_in_file(item, keys):
                        batch.append(item)
                    if len(batch) == BATCH:
                        self._write(batch)
                        batch = []
                    if seen % PROGRESS_EVERY == 0:
                        rate = seen / (time.perf_counter() - started)
                        self.log(f"  {seen:,} records ({rate:,.0f}/s)")
                self._write(batch)
        except SourceFileError as error:
            self.report = snapshot  # the file's records were rolled back: so are its counts
            self.people = PersonReconciler()  # and the people it created
            del self.touched[written:]
            self.report.unreadable.append((str(path), error.reason))
        return seen

    def _first_in_file(self, record: ObjectRecord, keys: dict[str, int]) -> bool:
        for key, name in (
            (record.inventory_number, "inventory number"),
            (record.joconde_ref, "REF"),
        ):
            if key and key in keys and keys[key] != record.record_number:
                self._reject(
                    record,
                    "REF" if name == "REF" else "inventory_number",
                    f"the same {name} {key} is already in record {keys[key]} of this file; "
                    "keep one record per object",
                )
                return False
        keys.update(
            {k: record.record_number for k in (record.inventory_number, record.joconde_ref) if k}
        )
        return True

    def _makers_fit(self, record: ObjectRecord) -> bool:
        """Whether every maker fits a Person (checked before any is created); else rejected."""
        for maker in record.makers:
            for name in MAKER_FIELDS:
                limit = Person._meta.get_field(name).max_length
                if len(getattr(maker, name)) > limit:
                    self._reject(
                        record,
                        "maker",
                        f"the maker's {name} “{getattr(maker, name)[:40]}…” is longer than "
                        f"{limit} characters (several makers without their separator?)",
                    )
                    return False
        return True

    def _reject(self, record: ObjectRecord, field_name: str, reason: str) -> None:
        self.report.rejected.append(
            RejectedRecord(record.file, record.record_number, record.key, field_name, reason)
        )

    # ----------------------------------------------------------------- records

    def _write(self, batch: list[ObjectRecord]) -> None:
        if not batch:
            return
        batch = [r for r in self._check_identifiers(batch) if self._makers_fit(r)]
        specs = [self._spec(record) for record in batch]
        by_record = {(r.file, str(r.record_number)): r for r in batch}
        report = WriteReport()
        writer = WorkWriter(report, self.resolver, strict=False)
        _written, touched = writer.write(specs)
        self.touched += touched
        works = report.counts["works"]
        self.report.created += works.created
        self.report.updated += works.updated
        self.report.unchanged += works.unchanged
        self.report.works_outside_vocabulary += report.works_outside_vocabulary
        for bad in report.errors:
            record = by_record[(bad.source, bad.record)]
            self._reject(record, bad.field, bad.message)

    def _check_identifiers(self, batch: list[ObjectRecord]) -> list[ObjectRecord]:
        """Records whose REF and inventory number agree with the works already stored."""
        refs = [record.joconde_ref for record in batch if record.joconde_ref]
        numbers = [record.inventory_number for record in batch]
        by_ref = dict(
            Work.objects.filter(joconde_ref__in=refs).values_list("joconde_ref", "inventory_number")
        )
        ref_of = dict(
            Work.objects.filter(inventory_number__in=numbers).values_list(
                "inventory_number", "joconde_ref"
            )
        )
        kept = []
        for record in batch:
            ref, number = record.joconde_ref, record.inventory_number
            if ref and ref in by_ref and by_ref[ref] != number:
                self._reject(
                    record,
                    "INV",
                    f"REF {ref} is work {by_ref[ref]} in Cartel, but this record gives inventory "
                    f"number {number}; inventory numbers are never rewritten: correct the file",
                )
            elif ref and ref not in by_ref and number in ref_of:
                self._reject(
                    record,
                    "REF",
                    f"work {number} already has the Joconde REF {ref_of[number]}, not {ref}; "
                    "a REF never changes: correct the file",
                )
            else:
                kept.append(record)
        return kept

    def _spec(self, record: ObjectRecord) -> WorkSpec:
        for field_name, what in record.warnings:
            self.report.warnings.append(
                RejectedRecord(record.file, record.record_number, record.key, field_name, what)
            )
        fields = dict(record.fields)
        if record.joconde_ref:
            fields["joconde_ref"] = record.joconde_ref
        if self.publish:
            fields["is_public"] = True
        fields.update(self._legal_status(record))
        terms = self._terms(record)
        makers = [self._maker(record, maker) for maker in record.makers if maker.name.strip()]
        relations = [name for name, labels in terms.items() if labels]
        for name, given in (
            ("makers", makers),
            ("dimensions", record.dimensions),
            ("other_numbers", record.numbers),
            ("links", record.links),
        ):
            if given:
                relations.append(name)
        return WorkSpec(
            source=record.file,
            record=str(record.record_number),
            inventory_number=record.inventory_number,
            fields=fields,
            makers=makers,
            terms=terms,
            dimensions=record.dimensions,
            numbers=record.numbers,
            links=record.links,
            relations=relations,
            sources={self.source: record.raw},
        )

    def _legal_status(self, record: ObjectRecord) -> dict:
        """Joconde STAT (`ownership ; mode of acquisition ; owner ; assigned museum`), or its
        parts. Writers put the parts in different orders (Actimuse puts the owner before the
        mode): the mode is the first part after the ownership that the vocabulary knows."""
        status = dict(record.legal_status)
        values = {}
        if statement := status.pop("statement", ""):
            parts = [part.strip() for part in statement.split(";")]
            status["ownership"], rest = parts[0], parts[1:]
            known = [i for i, part in enumerate(rest) if self.resolver.resolve("STAT", part)]
            mode_at = known[0] if known else 0
            status["acquisition_mode"] = rest[mode_at] if rest else ""
            others = [part for i, part in enumerate(rest) if i != mode_at and part]
            if others:
                values["owner"] = others[0]
                values["assigned_museum"] = " ; ".join(others[1:])
        for name in ("ownership", "acquisition_mode"):
            if label := status.get(name, ""):
                concept = self.resolver.resolve("STAT", label)
                if concept is not None:
                    values[name] = concept
                else:
                    self._propose(record, "STAT", label)
        return values

    def _terms(self, record: ObjectRecord) -> dict[str, list[str]]:
        """Terms by relation; a TECH value given as a technique that the vocabulary knows only
        as a material is filed as a material (Joconde's TECH mixes both)."""
        terms: dict[str, list[str]] = {name: [] for name in TERM_RELATIONS}
        for relation, labels in record.terms.items():
            model = TERM_RELATIONS[relation]
            for label in labels:
                label = " ".join(label.split())
                if not label:
                    continue
                concept = self.resolver.resolve(model.scheme_code, label, model.branch)
                target = relation
                if (
                    relation == "techniques"
                    and concept is not None
                    and concept.branch_key.startswith(MATERIAL_BRANCH)
                ):
                    target = "materials"
                if concept is None:
                    self._propose(record, model.scheme_code, label)
                terms[target].append(label)
        return terms

    def _propose(self, record: ObjectRecord, scheme: str, label: str) -> None:
        key = (scheme, label)
        if key not in self._close_terms:
            preferred, _alternative = self.resolver._index(scheme)
            close = difflib.get_close_matches(match_key(label), preferred, n=3, cutoff=0.85)
            self._close_terms[key] = tuple(dict.fromkeys(preferred[k][0].pref_label for k in close))
        if self._close_terms[key]:
            self.report.proposals.append(
                Proposal(
                    record.file,
                    record.record_number,
                    record.key,
                    scheme,
                    label,
                    self._close_terms[key],
                )
            )

    def _maker(self, record: ObjectRecord, maker) -> MakerSpec:
        match = self.people.find(maker.name, dates=maker.birth_date)
        person = match.person
        if person is None:
            person = Person(
                name=maker.name,
                kind=Person.Kind.ORGANISATION if maker.organisation else Person.Kind.PERSON,
                surname=maker.surname,
                forenames=maker.forenames,
                birth_date=maker.birth_date,
                death_date=maker.death_date,
                nationality=maker.nationality,
            )
            person.save()
            self.people.add(person)
            self.report.people_created += 1
            if match.candidates:
                self.report.proposals.append(
                    Proposal(
                        record.file,
                        record.record_number,
                        record.key,
                        "maker",
                        maker.name,
                        tuple(str(candidate) for candidate in match.candidates),
                    )
                )
        return MakerSpec(person, role=maker.role, qualifier=maker.qualifier, note=maker.note)


def _copy(report: ObjectImportReport) -> ObjectImportReport:
    return ObjectImportReport(
        **{
            name: list(value) if isinstance(value, list) else value
            for name, value in vars(report).items()
        }
    )
