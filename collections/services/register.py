"""The registers' rules: numbering, validation, the hash chain, removal, verification.

Every change of state of a register goes through this module: the admin, the commands, the
importers and the demo call it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    DepositEntry,
    InventoryEntry,
    InventoryRemoval,
    ProtectedRecordError,
    RegisterEntry,
    RegisterHead,
    Work,
)

REGISTERS = (InventoryEntry, DepositEntry)
RENEWAL_NOTICE = timedelta(days=183)  # deposits whose convention ends within six months

# year.acquisition.item[.part], the year with 3 digits before 2000 and 4 since (annex 2)
_ANNEX_2 = re.compile(
    r"(?P<year>[1-9]\d{2,3})\.(?P<order>[1-9]\d*)\.(?P<item>[1-9]\d*)"
    r"(?:\.(?P<part>[1-9]\d*))?"
)


# Numbering -----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RegisterNumber:
    """An inventory number of the annex-2 form, as its elements."""

    year: int  # full year (985 -> 1985)
    order: int
    item: int
    part: int | None = None

    @property
    def year_text(self) -> str:
        return str(self.year) if self.year >= 2000 else str(self.year)[1:]

    def __str__(self):
        elements = [self.year_text, self.order, self.item] + ([self.part] if self.part else [])
        return ".".join(str(e) for e in elements)


def annex_2_number(text: str) -> RegisterNumber | None:
    """The elements of a number written exactly in the annex-2 form, else None."""
    match = _ANNEX_2.fullmatch(text.strip())
    if match is None:
        return None
    digits = match["year"]
    year = int(digits) + (1000 if len(digits) == 3 else 0)
    if (len(digits) == 4) != (year >= 2000) or not 1800 <= year <= 2099:
        return None
    part = int(match["part"]) if match["part"] else None
    return RegisterNumber(year, int(match["order"]), int(match["item"]), part)


def number_problems(entry: InventoryEntry) -> list[str]:
    """Why the entry's number cannot be registered as it is (empty when it can)."""
    if entry.legacy_numbering or annex_2_number(entry.inventory_number):
        return []
    return [
        _(
            "%(number)s is not written year.acquisition.item (2019.1.1; a 3-digit year before "
            "2000, e.g. 985.3.2; a 4th element for parts). If it is the number of an earlier "
            "system, kept as it is, tick “legacy numbering”."
        )
        % {"number": entry.inventory_number}
    ]


def _numbers_of_year(year: int) -> set[RegisterNumber]:
    texts = Work.objects.filter(inventory_year=year).values_list("inventory_number", flat=True)
    return {n for n in map(annex_2_number, texts) if n is not None and n.year == year}


def next_acquisition_number(year: int | None = None) -> str:
    """The first item of the year's next acquisition, e.g. 2026.4.1."""
    year = year or timezone.localdate().year
    used = _numbers_of_year(year)
    order = max((n.order for n in used), default=0) + 1
    return str(RegisterNumber(year, order, 1))


def next_item_number(year: int, order: int) -> str:
    """The next item of an acquisition already begun, e.g. 2026.3.5."""
    used = _numbers_of_year(year)
    item = max((n.item for n in used if n.order == order), default=0) + 1
    return str(RegisterNumber(year, order, item))


@dataclass(frozen=True)
class NumberingGap:
    year: int
    missing: tuple[str, ...]  # "2019.3" for a whole acquisition, "2019.1.4" for an item

    def __str__(self):
        return f"{self.year}: {', '.join(self.missing)}"


def numbering_gaps(year: int | None = None) -> list[NumberingGap]:
    """Missing acquisitions, items and parts in the register's annex-2 numbers, per year.

    Removed entries keep their number, so a removal never opens a gap.
    """
    entries = InventoryEntry.objects.all()
    if year is not None:
        entries = entries.filter(
            inventory_number__startswith=RegisterNumber(year, 1, 1).year_text + "."
        )
    numbers = {
        n
        for n in map(annex_2_number, entries.values_list("inventory_number", flat=True))
        if n is not None and (year is None or n.year == year)
    }
    by_year: dict[int, set[RegisterNumber]] = defaultdict(set)
    for number in numbers:
        by_year[number.year].add(number)
    gaps = []
    for each_year, used in sorted(by_year.items()):
        missing = []
        year_text = RegisterNumber(each_year, 1, 1).year_text
        orders = {n.order for n in used}
        missing += [f"{year_text}.{o}" for o in range(1, max(orders)) if o not in orders]
        for order in sorted(orders):
            items = {n.item for n in used if n.order == order}
            missing += [f"{year_text}.{order}.{i}" for i in range(1, max(items)) if i not in items]
            for item in sorted(items):
                parts = {n.part for n in used if (n.order, n.item) == (order, item) and n.part}
                if parts:
                    missing += [
                        f"{year_text}.{order}.{item}.{p}"
                        for p in range(1, max(parts))
                        if p not in parts
                    ]
        if missing:
            gaps.append(NumberingGap(each_year, tuple(missing)))
    return gaps


# Drafts -----------------------------------------------------------------------------------------


def _joined(values) -> str:
    return " ; ".join(v for v in values if v)


def entry_initial_from_work(work: Work) -> dict:
    """A draft entry's columns, filled from the work's documentation (the registrar checks them)."""
    denomination = _joined(t.label for t in work.denominations.all())
    title = work.title or work.appellation
    designation = f"{denomination} : {title}" if denomination and title else denomination or title
    return {
        "designation": designation,
        "inscriptions": _joined(
            [*(i.display for i in work.inscriptions.all()), work.inscriptions_note]
        ),
        "materials": _joined(t.label for t in work.materials.all()),
        "techniques": _joined(t.label for t in work.techniques.all()),
        "measurements": work.dimensions_display,
        "identification_notes": work.state,
        "author": _joined(m.display for m in work.makers.all()),
        "period": work.creation_date or _joined(t.label for t in work.periods.all()),
        "function": _joined([*(t.label for t in work.uses.all()), work.use_details]),
        "provenance": work.former_owners,
        "discovery": work.discovery,
        "acquisition_mode": work.acquisition_mode.pref_label if work.acquisition_mode else "",
        "acquisition_source": work.acquisition_source.name if work.acquisition_source else "",
        "acquisition_deed_date": work.acquisition_date,
        "price": work.acquisition_price if work.acquisition_currency == "EUR" else None,
    }


def draft_entry_for(work: Work, **columns) -> InventoryEntry:
    """Create the draft inventory entry of a work, from its documentation and ``columns``."""
    values = entry_initial_from_work(work) | columns
    entry = InventoryEntry(work=work, **values)
    if not entry.legacy_numbering and annex_2_number(work.inventory_number) is None:
        entry.legacy_numbering = True  # a number that predates the annex-2 form is kept as is
    entry.full_clean(exclude=["inventory_number"])
    entry.save()
    return entry


# The hash chain ---------------------------------------------------------------------------------


def _canonical(field: models.Field, value):
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return f"{Decimal(value):.{field.decimal_places}f}"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    return str(value)


def entry_payload(entry: RegisterEntry) -> dict:
    """The columns a validated entry's hash covers: everything but the chain, the open columns
    and the links to other tables (whose names are copied into the entry)."""
    payload = {"register": entry.REGISTER}
    for field in entry._meta.concrete_fields:
        if field.name in entry.MUTABLE_FIELDS | entry.UNHASHED_FIELDS or field.is_relation:
            continue
        payload[field.attname] = _canonical(field, getattr(entry, field.attname))
    return payload


def chain_hash(previous_hash: str, payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}\n{text}".encode()).hexdigest()


def removal_payload(removal: InventoryRemoval) -> dict:
    return {
        "register": "inventory-removal",
        "entry_hash": removal.entry.entry_hash,
        "case": removal.case,
        "decision_reference": removal.decision_reference,
        "decision_date": removal.decision_date.isoformat(),
        "note": removal.note,
        "recorded_at": _canonical(models.DateTimeField(), removal.recorded_at),
        "recorded_by_name": removal.recorded_by_name,
    }


# Validation and removal -------------------------------------------------------------------------


def validation_problems(entry: RegisterEntry) -> list[str]:
    """What must be fixed before the entry can be validated (empty when nothing)."""
    problems = []
    try:
        entry.full_clean(exclude=["inventory_number"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            label = entry._meta.get_field(field).verbose_name if field != "__all__" else _("entry")
            problems += [f"{label}: {message}" for message in messages]
    if isinstance(entry, InventoryEntry):
        problems += number_problems(entry)
        if entry.work.inventory_number != entry.inventory_number:
            problems.append(_("The entry's number is not the work's number."))
    return problems


def user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def validate_entry(entry: RegisterEntry, user) -> RegisterEntry:
    """Validate a draft: give it its place in the register and its hash. From now on only its
    open columns may change."""
    model = type(entry)
    with transaction.atomic():
        head, _created = RegisterHead.objects.select_for_update().get_or_create(
            register=model.REGISTER
        )
        entry = model.objects.select_for_update().get(pk=entry.pk)
        if entry.is_validated:
            raise ProtectedRecordError(
                _("%(entry)s was already validated on %(date)s.")
                % {"entry": entry, "date": entry.validated_at.date()}
            )
        problems = validation_problems(entry)
        if problems:
            raise ValidationError(problems)
        entry.status = model.Status.VALIDATED
        entry.sequence = head.last_sequence + 1
        entry.validated_at = timezone.now().replace(microsecond=0)
        entry.validated_by = user
        entry.validated_by_name = user_name(user)
        if isinstance(entry, InventoryEntry) and entry.registration_date is None:
            entry.registration_date = timezone.localdate()
        entry.previous_hash = head.last_hash
        entry.entry_hash = chain_hash(entry.previous_hash, entry_payload(entry))
        entry.save()
        head.last_sequence, head.last_hash = entry.sequence, entry.entry_hash
        head.save()
    return entry


def remove_entry(
    entry: InventoryEntry,
    *,
    case: str,
    decision_reference: str,
    decision_date: date,
    note: str = "",
    user=None,
) -> InventoryRemoval:
    """Record the removal (*radiation*) of a validated entry; the entry itself stays."""
    if not entry.is_validated:
        raise ProtectedRecordError(
            _(
                "Only a validated entry can be removed from the register; a draft can be "
                "corrected or deleted."
            )
        )
    if entry.removal_or_none is not None:
        raise ProtectedRecordError(
            _("%(number)s was already removed from the register.")
            % {"number": entry.inventory_number}
        )
    removal = InventoryRemoval(
        entry=entry,
        case=case,
        decision_reference=decision_reference.strip(),
        decision_date=decision_date,
        note=note,
        recorded_at=timezone.now().replace(microsecond=0),
        recorded_by=user,
        recorded_by_name=user_name(user),
    )
    removal.full_clean(exclude=["removal_hash", "entry"])
    removal.removal_hash = chain_hash(entry.entry_hash, removal_payload(removal))
    removal.save()
    return removal


# Verification -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    register: str
    checked: int
    first_mismatch: str  # empty when the chain holds

    @property
    def ok(self) -> bool:
        return not self.first_mismatch


def verify_chain(model: type[RegisterEntry]) -> ChainReport:
    """Recompute a register's chain in order of entry; name the first entry that does not match."""
    head = RegisterHead.objects.filter(register=model.REGISTER).first()
    previous, checked = "", 0
    entries = model.objects.validated().order_by("sequence")
    for checked, entry in enumerate(entries.iterator(chunk_size=500), start=1):
        label = f"n° {entry.sequence} ({entry})"
        if entry.sequence != checked:
            return ChainReport(
                model.REGISTER,
                checked - 1,
                _("entry n° %(expected)s is missing before %(entry)s: a validated row was deleted")
                % {"expected": checked, "entry": label},
            )
        if entry.previous_hash != previous:
            return ChainReport(
                model.REGISTER,
                checked - 1,
                _("%(entry)s does not follow the entry before it (chain broken)")
                % {"entry": label},
            )
        if chain_hash(previous, entry_payload(entry)) != entry.entry_hash:
            return ChainReport(
                model.REGISTER,
                checked - 1,
                _("%(entry)s was altered after validation (its hash does not match its content)")
                % {"entry": label},
            )
        removal = getattr(entry, "removal_or_none", None)
        if removal and chain_hash(entry.entry_hash, removal_payload(removal)) != (
            removal.removal_hash
        ):
            return ChainReport(
                model.REGISTER,
                checked - 1,
                _("the removal of %(entry)s was altered after it was recorded") % {"entry": label},
            )
        previous = entry.entry_hash
    if head is not None and (head.last_sequence, head.last_hash) != (checked, previous):
        return ChainReport(
            model.REGISTER,
            checked,
            _(
                "the register ends at n° %(found)s but %(expected)s entries were validated: "
                "the last entries were deleted"
            )
            % {"found": checked, "expected": head.last_sequence},
        )
    return ChainReport(model.REGISTER, checked, "")


def verify_registers() -> list[ChainReport]:
    return [verify_chain(model) for model in REGISTERS]


# What needs attention ---------------------------------------------------------------------------


def works_without_entry():
    """Current works in neither register."""
    return Work.objects.current().filter(inventory_entry__isnull=True, deposit_entries__isnull=True)


def deposits_due_for_renewal(today: date | None = None):
    """Current deposits whose convention ends within six months, or has ended."""
    today = today or timezone.localdate()
    return DepositEntry.objects.filter(
        ended_on__isnull=True, convention_end__lte=today + RENEWAL_NOTICE
    ).order_by("convention_end")
