"""The demo's registers: the inventory of the works acquired in 2026 and a few deposits.

The demo catalogue's own acquisitions are the works numbered 2026.1.N (the artwork images);
their entries are validated by the demo registrar, a few stay drafts to validate, one number is
left out (a gap the dashboard reports) and one entry is removed. Works from Tate and MoMA open
data become deposits from those museums, under their real accession numbers; the deposits
themselves are fictitious and say so in their observations.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from ..models import DepositEntry, InventoryEntry, InventoryRemoval, Person, Work
from . import register

DRAFTS = 3  # the last entries stay drafts, to show validation
SKIPPED = 2  # numbers left without an entry before the drafts: a gap
DEMO_NOTE = "Données de démonstration."
TATE, MOMA = "Tate", "The Museum of Modern Art, New York"


@dataclass
class RegisterCounts:
    validated: int = 0
    drafts: int = 0
    removed: int = 0
    deposits: int = 0


def load_demo_registers(registrar, *, today: datetime.date | None = None) -> RegisterCounts:
    """Create the demo's register entries and deposits (nothing already there is touched)."""
    today = today or datetime.date.today()
    counts = RegisterCounts()
    with transaction.atomic():
        _inventory(registrar, counts)
        _deposits(registrar, counts, today)
    return counts


def _inventory(registrar, counts: RegisterCounts) -> None:
    acquisitions = sorted(
        Work.objects.current().filter(inventory_number__startswith="2026.1."),
        key=lambda work: work.inventory_sort_key,
    )
    if not acquisitions:
        return
    last_validated = len(acquisitions) - DRAFTS - SKIPPED
    for index, work in enumerate(acquisitions):
        if last_validated <= index < last_validated + SKIPPED:
            continue
        entry = InventoryEntry.objects.filter(work=work).first()
        if entry is None:
            entry = register.draft_entry_for(
                work,
                acquisition_mode="don",
                acquisition_deed_date="15/01/2026",
                assignment_date="15/01/2026",
                scientific_opinion="Commission scientifique régionale du 10/12/2025 : favorable",
                registration_date=datetime.date(2026, 2, 2),
                observations=DEMO_NOTE,
            )
        if index < last_validated and not entry.is_validated:
            entry = register.validate_entry(entry, registrar)
        counts.validated += entry.is_validated
        counts.drafts += not entry.is_validated
    removed = InventoryEntry.objects.validated().order_by("sequence").first()
    if removed is not None and removed.removal_or_none is None:
        register.remove_entry(
            removed,
            case=InventoryRemoval.Case.CHANGE_OF_ASSIGNMENT,
            decision_reference="Arrêté de transfert d'affectation n° 2026-014 (démonstration)",
            decision_date=datetime.date(2026, 6, 30),
            note="Affecté à un autre musée de France de la collectivité.",
            user=registrar,
        )
    counts.removed = InventoryRemoval.objects.count()


def _deposits(registrar, counts: RegisterCounts, today: datetime.date) -> None:
    tate_works = (
        Work.objects.current()
        .filter(inventory_number__regex=r"^(N|T|A|AR|D)[0-9]{5}$")
        .order_by("inventory_sort_key")[:6]
    )
    moma_works = (
        Work.objects.current()
        .filter(inventory_number__regex=r"^[0-9]+\.[0-9]{4}(\.[0-9].*)?$")
        .order_by("inventory_sort_key")[:4]
    )
    plan = [(TATE, w) for w in tate_works] + [(MOMA, w) for w in moma_works]
    for number, (depositor_name, work) in enumerate(plan, start=1):
        deposit_number = f"D.2026.{number}.1"
        if DepositEntry.objects.filter(deposit_number=deposit_number).exists():
            counts.deposits += 1
            continue
        depositor, _created = Person.objects.get_or_create(
            name=depositor_name, defaults={"kind": Person.Kind.ORGANISATION}
        )
        start = datetime.date(2021, 1, 1) + datetime.timedelta(days=200 * number)
        # One convention ends within six months of today: the dashboard asks for its renewal.
        end = (
            today + datetime.timedelta(days=90)
            if number == 2
            else start.replace(year=start.year + 10)
        )
        entry = DepositEntry.objects.create(
            work=work,
            deposit_number=deposit_number,
            depositor=depositor,
            depositor_number=work.inventory_number,
            owner=depositor_name,
            deposit_deed=f"Convention de dépôt n° {2020 + number}-{number:03d} (démonstration)",
            taken_in_charge_on=start,
            convention_reference=f"CONV-{2020 + number}-{number:03d}",
            convention_start=start,
            convention_end=end,
            designation=work.title or work.inventory_number,
            author=", ".join(m.display for m in work.makers.all()),
            period=work.creation_date,
            observations=f"Dépôt fictif. {DEMO_NOTE}",
        )
        register.validate_entry(entry, registrar)
        counts.deposits += 1
