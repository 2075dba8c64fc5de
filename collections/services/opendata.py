"""The published works as open-data records: the public fields of `publication.RULES` only."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from ..models import TERM_RELATIONS, Work
from ..publication import RULES
from .work_rows import works_with_parts

TEXT_TYPES = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def columns() -> list[str]:
    public = RULES["collections.Work"].public
    fields = [
        f.name
        for f in Work._meta.concrete_fields
        if f.name in public and (isinstance(f, TEXT_TYPES) or f.is_relation)
    ]
    return [*fields, *TERM_RELATIONS, "makers", "dimensions"]


def records(chunk: int = 500) -> Iterator[dict]:
    names = columns()
    fields = [f for f in Work._meta.concrete_fields if f.name in names]
    works = (
        Work.objects.public()
        .select_related("ownership", "acquisition_mode")
        .order_by("inventory_sort_key")
    )
    for work in works_with_parts(works, chunk):
        yield _record(work, fields)


def _record(work: Work, fields) -> dict:
    record = {}
    for field in fields:
        value = getattr(work, field.name)
        if field.is_relation:
            value = value.pref_label if value is not None else ""
        record[field.name] = value.isoformat() if hasattr(value, "isoformat") else value
    for relation in TERM_RELATIONS:
        record[relation] = " ; ".join(term.label for term in getattr(work, relation).all())
    record["makers"] = " ; ".join(maker.display for maker in work.makers.all())
    record["dimensions"] = work.dimensions_display
    return record
