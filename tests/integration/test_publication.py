"""The one rule that decides what leaves the museum, and what it keeps private."""

import json
from decimal import Decimal

import pytest

from museum_collections.models import Person, Work, WorkMaker
from museum_collections.publication import RULES, classified_fields, public_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("label", sorted(RULES))
def test_every_field_of_a_published_model_is_classified_public_or_private(label):
    rule = RULES[label]
    fields = classified_fields(rule.model)
    assert not (rule.public & rule.private), "a field cannot be both public and private"
    unclassified = fields - rule.public - rule.private
    assert not unclassified, f"{label}: classify {sorted(unclassified)} in publication.RULES"
    unknown = (rule.public | rule.private) - fields
    assert not unknown, f"{label}: RULES names fields that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize(
    "label, field",
    [
        ("collections.Work", "insurance_value"),
        ("collections.Work", "acquisition_price"),
        ("collections.Work", "acquisition_source"),
        ("collections.Work", "internal_notes"),
        ("collections.Person", "address"),
        ("collections.Person", "email"),
        ("collections.Person", "phone"),
        ("collections.Person", "private_notes"),
        ("collections.CartelImage", "is_public"),
    ],
)
def test_what_the_museum_keeps_private_is_never_public(label, field):
    assert field in RULES[label].private


def test_a_public_record_carries_no_private_value():
    donor = Person.objects.create(
        name="Jeanne Donatrice",
        address="12 rue Secrète, Paris",
        email="jeanne@example.org",
        phone="+33 1 23 45 67 89",
        private_notes="souhaite l'anonymat",
    )
    work = Work.objects.create(
        inventory_number="2019.1.1",
        title="Le Mystère catholique",
        acquisition_source=donor,
        acquisition_price=Decimal("123456.78"),
        insurance_value=Decimal("987654.32"),
        internal_notes="NOTE-INTERNE-XYZ",
        is_public=True,
    )
    record = json.dumps(public_record(work), default=str, ensure_ascii=False)
    assert "Le Mystère catholique" in record and "2019.1.1" in record
    for secret in ("123456.78", "987654.32", "NOTE-INTERNE-XYZ", "acquisition_source", "insurance"):
        assert secret not in record
    person = json.dumps(public_record(donor), default=str, ensure_ascii=False)
    assert "Jeanne Donatrice" in person
    for secret in ("Secrète", "jeanne@example.org", "23 45 67", "anonymat"):
        assert secret not in person


def test_only_published_current_works_are_public():
    Work.objects.create(inventory_number="1", is_public=True)
    Work.objects.create(inventory_number="2", is_public=False)
    Work.objects.create(inventory_number="3", is_public=True, is_deleted=True, deletion_reason="x")
    assert list(Work.objects.public().values_list("inventory_number", flat=True)) == ["1"]


def test_makers_are_public_through_their_public_fields_only():
    person = Person.objects.create(name="Maurice Denis", email="denis@example.org")
    work = Work.objects.create(inventory_number="2019.1.1", is_public=True)
    WorkMaker.objects.create(work=work, person=person, role="peintre")
    assert "email" not in public_record(person)
