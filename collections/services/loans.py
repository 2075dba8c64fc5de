"""A loan's workflow: requested → approved → agreement signed → departed → returned (or refused,
cancelled). Departure and return write the movements of the loan's works through ``move()``."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Loan, Location, Movement, Work
from .commitments import clash_messages, clashes
from .movements import move


def loan_clashes(loan: Loan) -> list[str]:
    """What the loan's works are already promised to over the loan's dates."""
    works = {line.work_id: line.work for line in loan.lines.select_related("work")}
    found = clashes(
        "loan",
        loan.pk,
        works,
        loan.start_date,
        loan.end_date,
        exhibition_id=loan.exhibition_id if loan.direction == Loan.Direction.IN else None,
    )
    return clash_messages(found, works)


def outside_location(loan: Loan) -> Location:
    """The place that stands for the partner while works are there (created once per loan)."""
    if loan.outside_location_id:
        return loan.outside_location
    location, _created = Location.objects.get_or_create(
        code=f"EXT-{loan.number}",
        defaults={
            "name": f"{loan.partner.name} ({loan.number})",
            "kind": Location.Kind.EXTERNAL,
        },
    )
    Loan.objects.filter(pk=loan.pk).update(outside_location=location)
    loan.outside_location = location
    return location


def advance_loan(
    loan: Loan,
    status: str,
    *,
    user=None,
    at: datetime | None = None,
    location: Location | None = None,
) -> list[Movement]:
    """Take the loan to ``status``; on departure and return, move its works.

    ``location``: for a loan in, where the works go when they arrive; for a loan out, where they
    go when they come back (default: each work's normal location).
    """
    at = at or timezone.now()
    with transaction.atomic():
        loan = Loan.objects.select_for_update().get(pk=loan.pk)
        allowed = Loan.TRANSITIONS.get(loan.status, ())
        if status not in allowed:
            raise ValidationError(
                _("A loan %(from)s cannot become %(to)s. Next steps: %(allowed)s.")
                % {
                    "from": loan.get_status_display(),
                    "to": dict(Loan.Status.choices).get(status, status),
                    "allowed": ", ".join(str(Loan.Status(s).label) for s in allowed) or "—",
                }
            )
        if status in (Loan.Status.APPROVED, Loan.Status.AGREEMENT_SIGNED):
            problems = loan_clashes(loan)
            if problems:
                raise ValidationError(problems)
        movements = []
        works = [line.work for line in loan.lines.select_related("work__normal_location")]
        if status == Loan.Status.DEPARTED:
            movements = _depart(loan, works, user=user, at=at, location=location)
        elif status == Loan.Status.RETURNED:
            movements = _return(loan, works, user=user, at=at, location=location)
        loan.status = status
        loan.status_changed_at = at
        Loan.objects.filter(pk=loan.pk).update(status=status, status_changed_at=at)
    return movements


def _depart(loan: Loan, works: list[Work], *, user, at, location) -> list[Movement]:
    if not works:
        raise ValidationError(_("The loan has no works: add them before the departure."))
    if loan.direction == Loan.Direction.OUT:
        to = outside_location(loan)
        note = _("Departure for loan %(number)s") % {"number": loan.number}
        return [
            move(w, to, reason=Movement.Reason.LOAN, user=user, moved_at=at, loan=loan, note=note)
            for w in works
        ]
    if location is None:
        raise ValidationError(_("Say where the borrowed works are put when they arrive."))
    note = _("Arrival for loan %(number)s") % {"number": loan.number}
    return [
        move(w, location, reason=Movement.Reason.LOAN, user=user, moved_at=at, loan=loan, note=note)
        for w in works
    ]


def _return(loan: Loan, works: list[Work], *, user, at, location) -> list[Movement]:
    if loan.direction == Loan.Direction.IN:
        to = outside_location(loan)
        note = _("Returned to the lender, loan %(number)s") % {"number": loan.number}
        return [
            move(w, to, reason=Movement.Reason.LOAN, user=user, moved_at=at, loan=loan, note=note)
            for w in works
        ]
    homeless = [w.inventory_number for w in works if location is None and not w.normal_location]
    if homeless:
        raise ValidationError(
            _("These works have no normal location; say where they go back: %(works)s.")
            % {"works": ", ".join(homeless)}
        )
    note = _("Back from loan %(number)s") % {"number": loan.number}
    return [
        move(
            w,
            location or w.normal_location,
            reason=Movement.Reason.LOAN,
            user=user,
            moved_at=at,
            loan=loan,
            note=note,
        )
        for w in works
    ]
