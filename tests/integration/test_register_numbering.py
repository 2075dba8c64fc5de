"""Numbering of the inventory (annex 2): proposals for new numbers, gaps, legacy numbers."""

import pytest

from museum_collections.models import Work
from museum_collections.services import register
from museum_collections.services.register import RegisterNumber, annex_2_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019.1.1", RegisterNumber(2019, 1, 1)),
        ("2019.12.3.2", RegisterNumber(2019, 12, 3, 2)),
        ("985.3.2", RegisterNumber(1985, 3, 2)),
        ("1985.3.2", None),  # before 2000 the year has 3 digits
        ("019.1.1", None),  # since 2000 it has 4
        ("2019.01.1", None),  # no leading zeros
        ("2019.0.1", None),
        ("2019.1", None),
        ("RF 2125", None),
        ("D.2005.3.1", None),
        ("2019-1-1", None),
    ],
)
def test_the_annex_2_form(text, expected):
    assert annex_2_number(text) == expected
    if expected:
        assert str(expected) == text


def test_the_next_numbers_follow_the_works_of_the_year():
    assert register.next_acquisition_number(2026) == "2026.1.1"
    for number in ("2026.1.1", "2026.1.2", "2026.3.1", "2026.3.4.1", "2025.9.1", "RF 2026"):
        Work.objects.create(inventory_number=number)
    assert register.next_acquisition_number(2026) == "2026.4.1"
    assert register.next_item_number(2026, 3) == "2026.3.5"
    assert register.next_item_number(2026, 2) == "2026.2.1"
    Work.objects.create(inventory_number="987.2.1")
    assert register.next_acquisition_number(1987) == "987.3.1"


def test_gaps_are_found_per_year_acquisition_item_and_part(make_user):
    registrar = make_user("Registrar")
    numbers = [
        "2019.1.1",
        "2019.1.2",
        "2019.1.4",
        "2019.3.1",
        "2019.3.2.1",
        "2019.3.2.3",
        "985.1.1",
        "985.2.1",
        "986.2.1",
        "RF 2125",
    ]
    for number in numbers:
        work = Work.objects.create(inventory_number=number)
        entry = register.draft_entry_for(work, designation=number, acquisition_mode="don")
        if number.startswith("2019"):
            register.validate_entry(entry, registrar)
    gaps = {gap.year: gap.missing for gap in register.numbering_gaps()}
    assert gaps == {
        2019: ("2019.2", "2019.1.3", "2019.3.2.2"),
        1986: ("986.1",),
    }
    assert [str(g) for g in register.numbering_gaps(1986)] == ["1986: 986.1"]
    assert register.numbering_gaps(1985) == []


def test_a_number_from_an_earlier_system_is_kept_as_legacy(make_user):
    work = Work.objects.create(inventory_number="RF 2125")
    entry = register.draft_entry_for(work, designation="Statue", acquisition_mode="don")
    assert entry.legacy_numbering and entry.inventory_number == "RF 2125"
    entry = register.validate_entry(entry, make_user("Registrar"))
    assert entry.inventory_number == "RF 2125"


def test_a_draft_is_prefilled_from_the_work_documentation(vocabularies):
    work = Work.objects.create(
        inventory_number="2019.1.1",
        title="Les Muses",
        creation_date="1893",
        state="coin inférieur droit manquant",
    )
    work.denominations.create(label="tableau")
    work.materials.create(label="toile")
    work.techniques.create(label="peinture à l'huile")
    work.save()
    entry = register.draft_entry_for(work, acquisition_mode="achat")
    assert entry.designation == "tableau : Les Muses"
    assert (entry.materials, entry.techniques) == ("toile", "peinture à l'huile")
    assert entry.period == "1893" and entry.identification_notes.startswith("coin")
    assert entry.status == "draft" and entry.inventory_number == "2019.1.1"
