"""Works as light read-only rows for the exports: public fields only, fast to stream.

Building model instances costs more than everything else an export does (a Work instance
with its parts is ~50 µs), so the exporters read plain rows: `works_with_parts(queryset)`
yields one `WorkRow` per work, its parts in lists with `.all()`, so that code written for
model instances (`work.makers.all()`, `work.legal_status`, `dimension.display`) reads them
unchanged: the rows borrow the models' own properties, so each rule stays in one place.

Only the fields `publication.RULES` declares public are loaded: a private field cannot
reach an export through these rows. Images come as model instances (their files are read
for the zips), and only those whose rights are cleared.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from types import SimpleNamespace

from django.db import connection, models

from ..models import (
    TERM_RELATIONS,
    Concept,
    Dimension,
    Inscription,
    Person,
    Work,
    WorkLink,
    WorkMaker,
    WorkMedia,
    WorkNumber,
)
from ..publication import RULES


class Parts(list):
    """A work's parts, in order; `.all()` as on a related manager."""

    def all(self):
        return self


NONE = Parts()  # shared by every work without parts of a kind: never appended to


class Row(SimpleNamespace):
    pass


class ConceptRow(Row):
    pass


class PersonRow(Row):
    Kind = Person.Kind
    AUTHORITY_URIS = Person.AUTHORITY_URIS
    joconde_name = Person.joconde_name
    authority_uris = Person.authority_uris


class MakerRow(Row):
    display = WorkMaker.display
    joconde_display = WorkMaker.joconde_display


class DimensionRow(Row):
    ABBREVIATIONS = Dimension.ABBREVIATIONS
    display = Dimension.display


class InscriptionRow(Row):
    display = Inscription.display


class WorkRow(Row):
    CopyrightStatus = Work.CopyrightStatus
    COPYRIGHT_YEARS = Work.COPYRIGHT_YEARS
    legal_status = Work.legal_status
    dimensions_display = Work.dimensions_display
    rights_in_work = Work.rights_in_work


def public_columns(model: type[models.Model]) -> list[str]:
    """The model's public concrete fields, by attribute name (`ownership_id`)."""
    public = RULES[model._meta.label].public
    return [f.attname for f in model._meta.concrete_fields if f.name in public]


WORK_COLUMNS = public_columns(Work)
CONCEPTS = [
    f.name for f in Work._meta.concrete_fields if f.is_relation and f.attname in WORK_COLUMNS
]
PERSON_COLUMNS = public_columns(Person)
ROW_COLUMNS = [*WORK_COLUMNS, *(f"{name}__pref_label" for name in CONCEPTS)]
TERM_COLUMNS = ("label", "concept_id", "concept__external_id", "concept__scheme_id")
MAKER_COLUMNS = ("role", "qualifier", *(f"person__{name}" for name in PERSON_COLUMNS))


def terms_sql() -> str:
    """Every term relation's rows for a chunk (`{ids}`), in TERM_COLUMNS' order, as one UNION
    ALL: the twelve relations share their columns, so one statement reads them all."""
    concept = Concept._meta.db_table
    # table names from the models; the ids, integers from the database, are put in by with_parts
    selects = [
        f"SELECT '{relation}' AS relation, t.work_id, t.label, t.concept_id, c.external_id, "  # noqa: S608
        f"c.scheme_id, t.sort_order, t.id FROM {model._meta.db_table} t "
        f"LEFT JOIN {concept} c ON c.id = t.concept_id WHERE t.work_id IN ({{ids}})"
        for relation, model in TERM_RELATIONS.items()
    ]
    return " UNION ALL ".join(selects) + " ORDER BY 2, 7, 8"


TERMS_SQL = terms_sql()


def term_row(label, concept_id, external_id, scheme_id, *_order) -> Row:
    concept = ConceptRow(external_id=external_id, scheme_id=scheme_id) if concept_id else None
    return Row(label=label, concept_id=concept_id, concept=concept)


def maker_row(role, qualifier, *person) -> MakerRow:
    return MakerRow(
        role=role,
        qualifier=qualifier,
        person=PersonRow(**dict(zip(PERSON_COLUMNS, person, strict=True))),
    )


def row_of(row_class: type[Row], *names: str):
    def build(*values) -> Row:
        return row_class(**dict(zip(names, values, strict=True)))

    return build, names


# relation -> (model, (row builder, its columns)); the columns are those the exports show.
PARTS = {
    **{relation: (model, (term_row, TERM_COLUMNS)) for relation, model in TERM_RELATIONS.items()},
    "makers": (WorkMaker, (maker_row, MAKER_COLUMNS)),
    "dimensions": (Dimension, row_of(DimensionRow, "kind", "value", "unit", "part")),
    "other_numbers": (WorkNumber, row_of(Row, "number", "kind", "note")),
    "inscriptions": (
        Inscription,
        row_of(InscriptionRow, "kind", "transcription", "position", "technique"),
    ),
    "links": (WorkLink, row_of(Row, "kind", "value", "label")),
}


def works_with_parts(works, chunk: int = 1000) -> Iterator[WorkRow]:
    """The works of a queryset, in its order, streamed in chunks, each with its parts."""
    rows = works.values_list(*ROW_COLUMNS).iterator(chunk_size=chunk)
    batch = []
    for values in chain(rows, [None]):  # None: the last chunk
        if values is not None:
            batch.append(work_row(ROW_COLUMNS, values))
            if len(batch) < chunk:
                continue
        if batch:
            with_parts(batch)
            yield from batch
        batch = []


def work_with_parts(works) -> WorkRow | None:
    """The first work of a queryset with its parts (a page's one work: no cursor to open)."""
    found = [work_row(ROW_COLUMNS, values) for values in works.values_list(*ROW_COLUMNS)[:1]]
    with_parts(found)
    return found[0] if found else None


def work_row(columns: list[str], values: tuple) -> WorkRow:
    fields = dict(zip(columns, values, strict=True))
    for name in CONCEPTS:
        label = fields.pop(f"{name}__pref_label")
        fields[name] = ConceptRow(pref_label=label) if fields[f"{name}_id"] else None
    fields["pk"] = fields["id"]
    return WorkRow(**fields, **dict.fromkeys([*PARTS, "media"], NONE))


def with_parts(works: list[WorkRow]) -> None:
    """One query per kind of part for the chunk. The ids are written into the SQL (they are the
    database's own integers): binding a thousand parameters through the ORM costs more than
    reading the rows."""
    by_pk = {work.pk: work for work in works}
    if not by_pk:
        return
    ids = ",".join(str(int(pk)) for pk in by_pk)

    def of_chunk(model):
        where = f"{model._meta.db_table}.work_id IN ({ids})"
        rows = model.objects.extra(where=[where])  # noqa: S610 (integers from the database)
        return rows.order_by("work_id", "sort_order", "pk")

    with connection.cursor() as cursor:  # the term relations: one statement for all of them
        cursor.execute(TERMS_SQL.format(ids=ids))
        for relation, work_id, *values in cursor.fetchall():
            add(by_pk[work_id], relation, term_row(*values))
    for relation, (model, (build, columns)) in PARTS.items():
        if relation in TERM_RELATIONS:
            continue
        for work_id, *values in of_chunk(model).values_list("work_id", *columns):
            add(by_pk[work_id], relation, build(*values))
    for item in of_chunk(WorkMedia).filter(image__is_public=True).select_related("image"):
        add(by_pk[item.work_id], "media", item)


def add(work: WorkRow, relation: str, item) -> None:
    parts = getattr(work, relation)
    if parts is NONE:
        parts = Parts()
        setattr(work, relation, parts)
    parts.append(item)
