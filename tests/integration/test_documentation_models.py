"""The library, documentary files and archives: the rules their models keep."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documentation.lists import join_list, split_list, validate_languages
from documentation.models import (
    ArchiveUnit,
    BibliographicAuthor,
    BibliographicRecord,
    DocumentaryFile,
    LibraryItem,
    WorkReference,
)
from museum_collections.models import Person, Work

pytestmark = pytest.mark.django_db


def test_record_id_is_unique_and_made_up_for_typed_records():
    BibliographicRecord.objects.create(record_id="FRBNF12345678", title="Maurice Denis")
    with pytest.raises(IntegrityError), transaction.atomic():
        BibliographicRecord.objects.create(record_id="FRBNF12345678", title="Doublon")
    first = BibliographicRecord.objects.create(title="Fiche tapée")
    second = BibliographicRecord.objects.create(title="Autre fiche")
    assert first.record_id.startswith("cartel:") and first.record_id != second.record_id


def test_publication_year_comes_from_the_date_as_written_unless_given():
    record = BibliographicRecord.objects.create(title="Théories", publication_date="[1912?]")
    assert record.publication_year == 1912
    record = BibliographicRecord.objects.create(
        title="Nouvelles théories", publication_date="s.d.", publication_year=1922
    )
    assert record.publication_year == 1922


def test_lists_are_typed_with_semicolons_and_languages_are_iso_639_2():
    record = BibliographicRecord(
        title="x", isbn="2-07-011234-5 ; 978-2-07-011234-6", subjects="Peinture ;Nabis;"
    )
    assert record.isbn_list == ["2-07-011234-5", "978-2-07-011234-6"]
    assert record.subject_list == ["Peinture", "Nabis"]
    assert split_list("") == [] and join_list(["fre", "eng", "fre", " "]) == "fre; eng"
    validate_languages("fre; eng")
    with pytest.raises(ValidationError):
        validate_languages("fr; English")


def test_authors_are_ordered_authorities_and_copies_have_unique_barcodes():
    denis = Person.objects.create(name="Maurice Denis")
    cousturier = Person.objects.create(name="Lucie Cousturier")
    record = BibliographicRecord.objects.create(title="Maurice Denis")
    BibliographicAuthor.objects.create(record=record, person=denis, role="author", sort_order=1)
    BibliographicAuthor.objects.create(record=record, person=cousturier, sort_order=0)
    assert [str(a) for a in record.authors.all()] == ["Lucie Cousturier", "Maurice Denis (author)"]
    assert list(denis.bibliographic_authorships.values_list("record__title", flat=True)) == [
        "Maurice Denis"
    ]
    LibraryItem.objects.create(record=record, call_number="MON DEN 1", barcode="B0001")
    LibraryItem.objects.create(record=record, call_number="MON DEN 1", copy_number=2)
    LibraryItem.objects.create(record=record, call_number="MON DEN 1", copy_number=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        LibraryItem.objects.create(record=record, barcode="B0001")
    assert record.items.filter(status=LibraryItem.Status.AVAILABLE).count() == 3


def test_a_work_reference_links_a_work_bibliography_to_a_record_once():
    work = Work.objects.create(inventory_number="2019.1.1", title="Le Mystère catholique")
    record = BibliographicRecord.objects.create(title="Maurice Denis, catalogue raisonné")
    reference = WorkReference.objects.create(
        work=work, record=record, pages="112-113", catalogue_number="45"
    )
    assert str(reference) == "Maurice Denis, catalogue raisonné, p. 112-113, no. 45"
    assert list(work.library_references.all()) == [reference]
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkReference.objects.create(work=work, record=record, pages="200")


def test_documentary_files_link_works_and_people():
    work = Work.objects.create(inventory_number="2019.1.1")
    denis = Person.objects.create(name="Maurice Denis")
    folder = DocumentaryFile.objects.create(code="DA-DENIS", title="Maurice Denis", kind="artist")
    folder.works.add(work)
    folder.people.add(denis)
    assert list(work.documentary_files.all()) == [folder] == list(denis.documentary_files.all())


def unit(code, level, parent=None, **fields):
    archive = ArchiveUnit(reference_code=code, title=code, level=level, parent=parent, **fields)
    archive.full_clean()
    archive.save()
    return archive


def test_archives_form_a_tree_with_a_materialised_path():
    fonds = unit("1J", "fonds", dates="1880-1950")
    series = unit("1J-1", "series", fonds)
    file = unit("1J-1-3", "file", series)
    letter = unit("1J-1-3-1", "item", file, item_kind="letter", dates="12 mars 1893")
    assert (fonds.year_from, fonds.year_to) == (1880, 1950)
    assert letter.year_from == 1893
    assert letter.path == f"/{fonds.pk}/{series.pk}/{file.pk}/{letter.pk}/"
    assert letter.depth == 3
    assert letter.ancestors == [fonds, series, file]
    assert list(ArchiveUnit.objects.subtree(series)) == [series, file, letter]
    # Moved to another series, the file takes what it holds with it.
    other = unit("1J-2", "series", fonds)
    file.parent = other
    file.full_clean()
    file.save()
    letter.refresh_from_db()
    assert letter.path == f"/{fonds.pk}/{other.pk}/{file.pk}/{letter.pk}/"


def test_archive_levels_go_down_the_tree():
    fonds = unit("2J", "fonds")
    series = unit("2J-1", "series", fonds)
    unit("2J-2", "item", fonds)  # a level may be skipped
    with pytest.raises(ValidationError) as error:
        unit("2J-X", "series")
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        unit("2J-1-1", "fonds", series)
    assert "level" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        unit("2J-1-2", "file", series, item_kind="letter")
    assert "item_kind" in error.value.message_dict
    fonds.parent = series
    fonds.level = "fonds"
    with pytest.raises(ValidationError):
        fonds.full_clean()


def test_archive_reference_codes_are_unique():
    unit("3J", "fonds")
    with pytest.raises(ValidationError):
        unit("3J", "fonds")
