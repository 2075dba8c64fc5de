"""Person and organisation authorities: identifiers, life dates, merging duplicates."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from museum_collections.models import Person, PersonName, ProtectedRecordError, Work, WorkMaker
from museum_collections.services.people import merge_people

pytestmark = pytest.mark.django_db


def test_life_dates_are_kept_as_written_with_years_for_sorting():
    denis = Person.objects.create(
        name="Maurice Denis",
        surname="Denis",
        forenames="Maurice",
        birth_date="25 novembre 1870",
        birth_place="Granville",
        death_date="13 novembre 1943",
        death_place="Paris",
    )
    assert (denis.birth_year, denis.death_year) == (1870, 1943)
    assert denis.joconde_name == "DENIS Maurice"
    assert str(denis) == "Maurice Denis (25 novembre 1870 – 13 novembre 1943)"
    assert denis.sort_name == "denis maurice"


@pytest.mark.parametrize(
    "field, good, bad",
    [
        ("wikidata_id", "Q312602", "312602"),
        ("ulan_id", "500009365", "400009365"),
        ("bnf_ark", "ark:/12148/cb11899757w", "ark:/12148/11899757w"),
        ("idref_id", "02701225X", "2701225"),
    ],
)
def test_authority_identifiers_are_checked(field, good, bad):
    Person(name="x", **{field: good}).full_clean()
    with pytest.raises(ValidationError) as error:
        Person(name="x", **{field: bad}).full_clean()
    assert field in error.value.message_dict


def test_an_authority_identifier_points_to_one_record_only():
    Person.objects.create(name="Maurice Denis", wikidata_id="Q312602")
    Person.objects.create(name="Autre", wikidata_id="")
    Person.objects.create(name="Encore", wikidata_id="")  # blanks do not clash
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="Doublon", wikidata_id="Q312602")


@pytest.fixture
def duplicates():
    keep = Person.objects.create(
        name="Maurice Denis", surname="Denis", forenames="Maurice", wikidata_id="Q312602"
    )
    dup = Person.objects.create(
        name="M. Denis",
        ulan_id="500009365",
        birth_date="1870",
        death_place="Paris",
        private_notes="vu au salon",
    )
    PersonName.objects.create(person=dup, name="Nabi aux belles icônes", kind="pseudonym")
    painting = Work.objects.create(inventory_number="2019.1.1", acquisition_source=dup)
    drawing = Work.objects.create(inventory_number="2019.1.2")
    WorkMaker.objects.create(work=painting, person=keep, role="peintre")
    WorkMaker.objects.create(work=painting, person=dup, role="peintre")  # same maker twice
    WorkMaker.objects.create(work=drawing, person=dup, role="dessinateur")
    return keep, dup, painting, drawing


def test_merge_moves_every_link_and_keeps_names_and_identifiers(duplicates, admin_user):
    keep, dup, painting, drawing = duplicates
    report = merge_people(keep=keep, duplicates=[dup], user=admin_user)

    keep.refresh_from_db()
    dup.refresh_from_db()
    assert report.merged == [dup]
    assert dup.merged_into == keep and dup.merged_at is not None  # annotated, not deleted
    assert dup.ulan_id == "" and keep.ulan_id == "500009365"
    assert (keep.birth_year, keep.death_place) == (1870, "Paris")
    assert keep.wikidata_id == "Q312602"
    assert "vu au salon" in keep.private_notes
    assert set(keep.other_names.values_list("name", "kind")) == {
        ("Nabi aux belles icônes", "pseudonym"),
        ("M. Denis", "merged"),
    }
    assert Work.objects.get(pk=painting.pk).acquisition_source == keep
    assert list(painting.makers.values_list("person__name", "role")) == [
        ("Maurice Denis", "peintre")
    ]
    assert list(drawing.makers.values_list("person__name", flat=True)) == ["Maurice Denis"]
    assert dup.canonical == keep
    assert list(Person.objects.active()) == [keep]
    assert ModelLogEntry.objects.filter(action="cartel.merge", user=admin_user).count() == 2


def test_merge_refuses_two_records_with_different_reference_identifiers(duplicates):
    keep, dup, *_ = duplicates
    dup.wikidata_id = "Q1"
    dup.save()
    with pytest.raises(ProtectedRecordError, match="may be two different people"):
        merge_people(keep=keep, duplicates=[dup])
    dup.refresh_from_db()
    assert dup.merged_into is None
    assert WorkMaker.objects.filter(person=dup).count() == 2  # nothing moved


def test_merge_refuses_itself_and_records_already_merged(duplicates):
    keep, dup, *_ = duplicates
    with pytest.raises(ProtectedRecordError, match="itself"):
        merge_people(keep=keep, duplicates=[keep])
    merge_people(keep=keep, duplicates=[dup])
    with pytest.raises(ProtectedRecordError, match="already merged"):
        merge_people(keep=keep, duplicates=[dup])
    with pytest.raises(ProtectedRecordError, match="merge into that one"):
        merge_people(keep=dup, duplicates=[keep])
