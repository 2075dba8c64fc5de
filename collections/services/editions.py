"""What the printed editions read from the database: the inventory register's annual edition
and the annual list of deposits sent to a depositor.

The exporters (``exporters.register_edition``, ``exporters.deposits_report``) know nothing of
Django: this module turns the registers' rows into their plain dataclasses, one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from exporters.deposits_report import DepositRow, DepositsInfo
from exporters.register_edition import (
    REMOVAL_CASES,
    EditionEntry,
    EditionInfo,
    EditionRemoval,
    french_date,
)

from ..models import DepositEntry, InventoryEntry, InventoryRemoval, Person, Work

CHUNK = 500


class UnknownDepositor(ValueError):
    """No depositor, or more than one, answers to the name given."""


# The inventory register ------------------------------------------------------------------------


def edition_entries(year: int):
    """The validated entries registered in ``year``, in order of entry."""
    return (
        InventoryEntry.objects.validated()
        .filter(registration_date__year=year)
        .select_related("removal")
        .order_by("sequence")
    )


def edition_removals(year: int):
    """Entries of other years whose removal was recorded in ``year``, in the order recorded."""
    return (
        InventoryEntry.objects.validated()
        .filter(removal__recorded_at__year=year)
        .exclude(registration_date__year=year)
        .select_related("removal")
        .order_by("removal__recorded_at", "sequence")
    )


def register_edition_entries(year: int) -> Iterator[EditionEntry]:
    """The entries of the ``year``'s edition, in order of entry, read in chunks."""
    for entry in edition_entries(year).iterator(chunk_size=CHUNK):
        yield edition_entry(entry)


def register_edition_removals(year: int) -> Iterator[EditionEntry]:
    """The entries of earlier years removed during ``year`` (the "Radiations de l'année")."""
    for entry in edition_removals(year).iterator(chunk_size=CHUNK):
        yield edition_entry(entry)


def edition_info(year: int, *, archives_copy: bool = False, blank_pages: int = 4) -> EditionInfo:
    museum = settings.CARTEL_MUSEUM
    return EditionInfo(
        museum_name=museum["NAME"],
        city=museum["CITY"],
        museofile=museum["MUSEOFILE"],
        year=year,
        edition_date=timezone.localdate(),
        archives_copy=archives_copy,
        blank_pages=blank_pages,
    )


def euros(price: Decimal | None, public_funding: str = "") -> str:
    """A purchase price as the register writes it, e.g. "1 500,00 € (AS)"."""
    amount = ""
    if price is not None:
        amount = f"{price:,.2f}".replace(",", "\xa0").replace(".", ",") + "\xa0€"
    if public_funding:
        return f"{amount} ({public_funding})" if amount else public_funding
    return amount


def edition_removal(removal: InventoryRemoval) -> EditionRemoval:
    return EditionRemoval(
        case=REMOVAL_CASES.get(removal.case, removal.case),
        decision_reference=removal.decision_reference,
        decision_date=french_date(removal.decision_date),
        recorded_on=french_date(timezone.localdate(removal.recorded_at)),
    )


def edition_entry(entry: InventoryEntry) -> EditionEntry:
    """An inventory entry as the printed register shows it."""
    removal = entry.removal_or_none
    return EditionEntry(
        inventory_number=entry.inventory_number,
        sequence=entry.sequence,
        designation=entry.designation,
        acquisition_mode=entry.acquisition_mode,
        acquisition_source=entry.acquisition_source,
        acquisition_deed_date=entry.acquisition_deed_date,
        assignment_date=entry.assignment_date,
        scientific_opinion=entry.scientific_opinion,
        price=euros(entry.price, entry.public_funding),
        registration_date=french_date(entry.registration_date),
        inscriptions=entry.inscriptions,
        materials=entry.materials,
        techniques=entry.techniques,
        measurements=entry.measurements,
        identification_notes=entry.identification_notes,
        author=entry.author,
        period=entry.period,
        function=entry.function,
        provenance=entry.provenance,
        discovery=entry.discovery,
        observations=entry.observations,
        removal=edition_removal(removal) if removal else None,
    )


# Deposits -------------------------------------------------------------------------------------


def known_depositors() -> list[str]:
    return sorted(
        set(Person.objects.filter(deposits__isnull=False).values_list("name", flat=True)),
        key=str.casefold,
    )


def find_depositor(name_or_person: str | Person) -> Person:
    """The depositor named (case-insensitive full name, else a part of it).

    Raises ``UnknownDepositor``, naming the known depositors, when none or several match.
    """
    if isinstance(name_or_person, Person):
        return name_or_person
    name = str(name_or_person).strip()
    matches: set[int] = set()
    if name:
        deposits = DepositEntry.objects.all()
        matches = set(
            deposits.filter(depositor__name__iexact=name).values_list("depositor_id", flat=True)
        )
        if not matches:
            matches = set(
                deposits.filter(
                    Q(depositor_name__icontains=name) | Q(depositor__name__icontains=name)
                ).values_list("depositor_id", flat=True)
            )
    if len(matches) == 1:
        return Person.objects.get(pk=matches.pop())
    if matches:
        names = sorted(Person.objects.filter(pk__in=matches).values_list("name", flat=True))
        raise UnknownDepositor(
            f"“{name}” matches several depositors: {'; '.join(names)}. Give the full name."
        )
    known = "; ".join(known_depositors()) or "none, the register of deposits is empty"
    raise UnknownDepositor(f"No depositor matches “{name}”. Known depositors: {known}.")


def current_deposits(depositor: Person, year: int):
    """The depositor's validated deposits held during ``year``: taken in charge by its end and
    not ended before it began."""
    return (
        DepositEntry.objects.validated()
        .filter(depositor=depositor, taken_in_charge_on__lte=date(year, 12, 31))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date(year, 1, 1)))
        .select_related("work__current_location__location")
        .order_by("deposit_sort_key", "deposit_number")
    )


def work_location_label(work: Work) -> str:
    """Where the work is now, as the depositor's list prints it (its current location)."""
    current = getattr(work, "current_location", None)
    return current.location.full_name if current else ""


def deposit_row(deposit: DepositEntry) -> DepositRow:
    return DepositRow(
        deposit_number=deposit.deposit_number,
        depositor_number=deposit.depositor_number,
        designation=deposit.designation,
        author=deposit.author,
        taken_in_charge_on=french_date(deposit.taken_in_charge_on),
        deposit_deed=deposit.deposit_deed,
        convention_reference=deposit.convention_reference,
        convention_start=french_date(deposit.convention_start),
        convention_end=french_date(deposit.convention_end),
        is_sub_deposit=deposit.is_sub_deposit,
        sub_deposit_place=deposit.sub_deposit_place,
        location=work_location_label(deposit.work),
        condition=deposit.work.state,
        observations=deposit.observations,
        ended_on=french_date(deposit.ended_on),
        end_deed=deposit.end_deed,
    )


def deposit_report_rows(depositor_name_or_person: str | Person, year: int) -> Iterator[DepositRow]:
    """The rows of the ``year``'s list of deposits for one depositor (see ``find_depositor``)."""
    depositor = find_depositor(depositor_name_or_person)  # raises now, not at the first row
    deposits = current_deposits(depositor, year).iterator(chunk_size=CHUNK)
    return (deposit_row(deposit) for deposit in deposits)


def deposits_info(depositor: Person, year: int) -> DepositsInfo:
    museum = settings.CARTEL_MUSEUM
    return DepositsInfo(
        museum_name=museum["NAME"],
        city=museum["CITY"],
        museofile=museum["MUSEOFILE"],
        depositor=depositor.name,
        year=year,
        edition_date=timezone.localdate(),
    )
