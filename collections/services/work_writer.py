"""Write works described by `WorkSpec`s: in batches, idempotently, reporting bad records.

Used by the demo loader and by the object importers (`work_import`). A work is keyed by its
inventory number; a spec says which fields and which parts (terms, makers, dimensions,
numbers, links) it controls, and only those are compared and written, so a source never
blanks what it does not describe. A second run with the same specs saves nothing.

Speed: `Work.save()` runs once per new or changed work (it allocates the Joconde REF unless
one is given, and normalises the dates); the parts are written with `bulk_create`, after
resolving their concepts in memory with `TermResolver`, exactly as their own `save()` would.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from importers import museum_open_data as od

from ..inventory_numbers import parse_inventory_number
from ..models import (
    TERM_RELATIONS,
    Dimension,
    Person,
    Work,
    WorkLink,
    WorkMaker,
    WorkNumber,
)
from .references import index_references
from .vocabularies import TermResolver

TERM_MODELS = TERM_RELATIONS
# Child rows are validated without their foreign keys (set by the loader, checked by the database).
FOREIGN_KEYS = ["work", "person", "concept", "role_concept", "image", "document"]


class StrictLoadError(Exception):
    """A bad record with strict=True: the file's transaction is rolled back."""

    def __init__(self, bad: od.BadRecord):
        super().__init__(str(bad))
        self.bad = bad


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class MakerSpec:
    person: Person
    role: str = ""
    qualifier: str = ""
    note: str = ""


# The parts the open-data demo describes (it says nothing of styles, schools, places…).
OPEN_DATA_RELATIONS = (
    "domains",
    "denominations",
    "materials",
    "techniques",
    "periods",
    "subjects",
    "makers",
    "dimensions",
    "other_numbers",
    "links",
)


@dataclass
class WorkSpec:
    """Everything a source says about one work; compared with the database before writing.

    `fields` holds the Work fields the source writes; the others, private ones included, are
    left as they are. `relations` names the parts the source controls: only those are
    compared and replaced. `sources` holds records as read, by source name, kept in
    `Work.imported_records` beside what other sources said.
    """

    source: str
    record: str
    inventory_number: str
    fields: dict
    makers: list[MakerSpec] = field(default_factory=list)
    terms: dict[str, Iterable[str]] = field(default_factory=dict)
    dimensions: Iterable[od.DimensionValue] = ()
    numbers: list[tuple[str, str, str]] = field(default_factory=list)  # number, kind, note
    links: list[tuple[str, str, str]] = field(default_factory=list)  # kind, value, label
    relations: Iterable[str] = OPEN_DATA_RELATIONS
    sources: dict[str, dict] = field(default_factory=dict)


@dataclass
class WriteReport:
    counts: dict[str, Counts] = field(
        default_factory=lambda: {kind: Counts() for kind in ("people", "works", "images")}
    )
    errors: list[od.BadRecord] = field(default_factory=list)
    works_outside_vocabulary: int = 0


def _signature(relation: str, row) -> tuple:
    if relation in TERM_MODELS:
        return (row.label, row.concept_id)
    if relation == "makers":
        return (row.person_id, row.role, row.role_concept_id, row.qualifier, row.note)
    if relation == "dimensions":
        value = row.value.normalize() if row.value is not None else None
        return (row.kind, value, row.unit, row.part)
    if relation == "other_numbers":
        return (row.number, row.kind, row.note)
    if relation == "links":
        return (row.kind, row.value, row.label)
    raise ValueError(relation)


RELATIONS = (*TERM_MODELS, "makers", "dimensions", "other_numbers", "links")
RELATION_MODELS = {
    **TERM_MODELS,
    "makers": WorkMaker,
    "dimensions": Dimension,
    "other_numbers": WorkNumber,
    "links": WorkLink,
}


class WorkWriter:
    """Writes WorkSpecs in batches: one query set per batch to read what exists."""

    def __init__(self, report: WriteReport, resolver: TermResolver, *, strict: bool):
        self.report = report
        self.resolver = resolver
        self.strict = strict

    def bad(self, bad: od.BadRecord) -> None:
        if self.strict:
            raise StrictLoadError(bad)
        self.report.errors.append(bad)

    def children(self, spec: WorkSpec) -> dict[str, list]:
        """Unsaved child rows of a spec, resolved against the vocabularies and validated."""
        rows: dict[str, list] = {relation: [] for relation in RELATIONS}
        for relation, model in TERM_MODELS.items():
            for label in dict.fromkeys(spec.terms.get(relation, ())):
                term = model(label=label, sort_order=len(rows[relation]))
                term.resolve_concept(self.resolver.resolve)
                signature = _signature(relation, term)
                if all(_signature(relation, t) != signature for t in rows[relation]):
                    rows[relation].append(term)
        seen = set()
        for maker in spec.makers:
            row = WorkMaker(
                person=maker.person,
                role=maker.role,
                qualifier=maker.qualifier,
                note=maker.note[:255],
                sort_order=len(rows["makers"]),
            )
            row.resolve_role(self.resolver.resolve)
            key = (maker.person.pk, row.role, row.qualifier)
            if key not in seen:
                seen.add(key)
                rows["makers"].append(row)
        for value in spec.dimensions:
            rows["dimensions"].append(
                Dimension(
                    kind=value.kind,
                    value=value.value,
                    unit=value.unit,
                    part=value.part,
                    sort_order=len(rows["dimensions"]),
                )
            )
        for number, kind, note in spec.numbers:
            rows["other_numbers"].append(
                WorkNumber(
                    number=number, kind=kind, note=note, sort_order=len(rows["other_numbers"])
                )
            )
        for kind, value, label in spec.links:
            rows["links"].append(
                WorkLink(kind=kind, value=value, label=label, sort_order=len(rows["links"]))
            )
        return rows

    def validate(self, work: Work, rows: dict[str, list], spec: WorkSpec) -> str | None:
        """The first field that would not store, as 'field: message', or None."""
        try:
            parse_inventory_number(spec.inventory_number)
        except ValueError as error:
            return f"inventory_number: {error}"
        exclude = [f.name for f in Work._meta.fields if f.name not in spec.fields]
        try:
            work.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            return _first_error(error)
        for relation, items in rows.items():
            for item in items:
                try:
                    item.full_clean(
                        exclude=FOREIGN_KEYS, validate_unique=False, validate_constraints=False
                    )
                except ValidationError as error:
                    return f"{relation}.{_first_error(error)}"
        return None

    def write(self, specs: list[WorkSpec]) -> tuple[dict[str, Work], list[int]]:
        """Create or update the works of a batch.

        Returns the works by inventory number and the pks of those written (created or
        changed), whose reference index the caller updates once their media are linked.
        """
        numbers = [spec.inventory_number for spec in specs]
        found = Work.objects.filter(inventory_number__in=numbers).prefetch_related(*RELATIONS)
        existing = {work.inventory_number: work for work in found}
        counts = self.report.counts["works"]
        written: dict[str, Work] = {}
        to_create: dict[str, list] = {relation: [] for relation in RELATIONS}
        to_clear: dict[str, list[int]] = {relation: [] for relation in RELATIONS}
        touched: list[int] = []
        for spec in specs:
            work = existing.get(spec.inventory_number)
            is_new = work is None
            if is_new:
                work = Work(inventory_number=spec.inventory_number)
            values = dict(spec.fields)
            if spec.sources:
                values["imported_records"] = {**work.imported_records, **_as_json(spec.sources)}
            changed_fields = [
                name for name, value in values.items() if getattr(work, name) != value
            ]
            for name in changed_fields:
                setattr(work, name, values[name])
            rows = self.children(spec)
            problem = self.validate(work, rows, spec)
            if problem:
                name, _, message = problem.partition(": ")
                self.bad(od.BadRecord(spec.source, spec.record, name, message))
                continue
            changed_relations = [
                relation
                for relation in spec.relations
                if is_new
                or [_signature(relation, r) for r in getattr(work, relation).all()]
                != [_signature(relation, r) for r in rows[relation]]
            ]
            if is_new or changed_fields:
                try:
                    with transaction.atomic():
                        work.save()
                except (DatabaseError, ValidationError) as error:  # not a bad MUSEOFILE
                    self.bad(od.BadRecord(spec.source, spec.record, "(work)", str(error)))
                    continue
            elif changed_relations:
                Work.objects.filter(pk=work.pk).update(updated_at=timezone.now())
            if is_new:
                counts.created += 1
            elif changed_fields or changed_relations:
                counts.updated += 1
            else:
                counts.unchanged += 1
            if is_new or changed_fields or changed_relations:
                touched.append(work.pk)
            for relation in changed_relations:
                if not is_new:
                    to_clear[relation].append(work.pk)
                for row in rows[relation]:
                    row.work = work
                    to_create[relation].append(row)
            if any(
                row.concept_id is None for relation in TERM_MODELS for row in rows[relation]
            ) or any(row.role and row.role_concept_id is None for row in rows["makers"]):
                self.report.works_outside_vocabulary += 1
            written[spec.inventory_number] = work
        for relation, pks in to_clear.items():
            if pks:
                RELATION_MODELS[relation].objects.filter(work_id__in=pks).delete()
        for relation, items in to_create.items():
            if items:
                RELATION_MODELS[relation].objects.bulk_create(items, batch_size=500)
        return written, touched


def _as_json(value):
    """As the database gives it back (lists, not tuples), so that a second run compares equal."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def update_reference_index(work_pks: list[int]) -> None:
    """Wagtail's reference index ("usage") for works written in bulk.

    The load runs with the index's save signals off (they would index each work before its
    parts exist, one query per relation); the works are indexed here once, in batches.
    """
    index_references(Work, work_pks)


def _first_error(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        return f"{name}: {' '.join(e.message % (e.params or {}) for e in errors)}"
    return f"(record): {' '.join(error.messages)}"
