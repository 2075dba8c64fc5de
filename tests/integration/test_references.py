"""The bulk reference index writes exactly the rows Wagtail's own indexing writes."""

import pytest
from wagtail.models import ReferenceIndex

from documentation.models import BibliographicAuthor, BibliographicRecord
from museum_collections.models import Person, Work, WorkMaker
from museum_collections.services.references import index_references

pytestmark = pytest.mark.django_db

FIELDS = (
    "content_type",
    "base_content_type",
    "object_id",
    "to_content_type",
    "to_object_id",
    "model_path",
    "content_path",
    "content_path_hash",
)


def rows():
    return sorted(ReferenceIndex.objects.values_list(*FIELDS))


def test_bulk_rows_are_wagtails_rows_and_follow_changes():
    denis, bonnard = (
        Person.objects.create(name="Maurice Denis"),
        Person.objects.create(name="Pierre Bonnard"),
    )
    work = Work.objects.create(inventory_number="2026.3.1", title="Les Muses")
    WorkMaker.objects.create(work=work, person=denis)
    record = BibliographicRecord.objects.create(record_id="X1", title="Théories")
    BibliographicAuthor.objects.create(record=record, person=denis)
    BibliographicAuthor.objects.create(record=record, person=bonnard)

    ReferenceIndex.objects.all().delete()
    ReferenceIndex.create_or_update_for_object(work)
    ReferenceIndex.create_or_update_for_object(record)
    wagtail = rows()
    assert len(wagtail) >= 3

    ReferenceIndex.objects.all().delete()
    index_references(Work, [work.pk])
    index_references(BibliographicRecord, [record.pk])
    assert rows() == wagtail

    record.authors.filter(person=bonnard).delete()  # a removed author's row goes
    index_references(BibliographicRecord, [record.pk])
    ReferenceIndex.create_or_update_for_object(record)  # and Wagtail finds nothing to change
    assert rows() == [
        row for row in wagtail if not (row[4] == str(bonnard.pk) and row[2] == str(record.pk))
    ]
    assert len(rows()) == len(wagtail) - 1
