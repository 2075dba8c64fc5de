"""What a work is promised to: loans, exhibitions, restorations — and the clashes between them.

Dates are inclusive: a loan that ends on the 10th and an exhibition that opens on the 10th
clash (a work is not packed, carried and hung on the same day). A loan in and the exhibition
it is made for are one commitment, not a clash.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from ..models import ConservationTreatment, ExhibitionWork, LoanObject


@dataclass(frozen=True)
class Commitment:
    kind: str  # "loan", "exhibition", "treatment"
    pk: int
    work_id: int
    label: str
    start: date
    end: date
    exhibition_id: int | None = None  # for a loan in: the exhibition it serves

    def describe(self) -> str:
        return _("%(label)s, %(start)s – %(end)s") % {
            "label": self.label,
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }


def commitments(work_ids: Iterable[int], start: date, end: date) -> list[Commitment]:
    """The active loans, exhibitions and treatments of these works that overlap [start, end]."""
    from ..models import Exhibition, Loan

    work_ids = list(work_ids)
    found = []
    for line in LoanObject.objects.filter(
        work_id__in=work_ids,
        loan__status__in=Loan.ACTIVE,
        loan__start_date__lte=end,
        loan__end_date__gte=start,
    ).select_related("loan__partner"):
        loan = line.loan
        found.append(
            Commitment(
                "loan",
                loan.pk,
                line.work_id,
                _("loan %(number)s (%(partner)s)")
                % {"number": loan.number, "partner": loan.partner.name},
                loan.start_date,
                loan.end_date,
                loan.exhibition_id if loan.direction == Loan.Direction.IN else None,
            )
        )
    for line in ExhibitionWork.objects.filter(
        work_id__in=work_ids,
        exhibition__status__in=Exhibition.ACTIVE,
        exhibition__start_date__lte=end,
        exhibition__end_date__gte=start,
    ).select_related("exhibition"):
        show = line.exhibition
        found.append(
            Commitment(
                "exhibition",
                show.pk,
                line.work_id,
                _("exhibition “%(title)s”") % {"title": show.title},
                show.start_date,
                show.end_date,
            )
        )
    for treatment in ConservationTreatment.objects.filter(
        work_id__in=work_ids,
        status__in=ConservationTreatment.ACTIVE,
        start_date__lte=end,
        end_date__gte=start,
    ):
        found.append(
            Commitment(
                "treatment",
                treatment.pk,
                treatment.work_id,
                _("conservation treatment (%(purpose)s)")
                % {"purpose": treatment.purpose or treatment.get_status_display()},
                treatment.start_date,
                treatment.end_date,
            )
        )
    return found


def clashes(
    kind: str,
    pk: int | None,
    work_ids: Iterable[int],
    start: date,
    end: date,
    *,
    exhibition_id: int | None = None,
) -> dict[int, list[Commitment]]:
    """For a commitment being saved (``kind``/``pk``, None when new), what each of its works
    already clashes with. ``exhibition_id``: for a loan in, the exhibition it serves; for an
    exhibition, its own id (its loans in do not clash with it)."""
    result: dict[int, list[Commitment]] = defaultdict(list)
    if start is None or end is None:
        return result
    for other in commitments(work_ids, start, end):
        if other.kind == kind and other.pk == pk:
            continue
        if exhibition_id is not None and (
            (other.kind == "exhibition" and other.pk == exhibition_id)
            or other.exhibition_id == exhibition_id
        ):
            continue
        result[other.work_id].append(other)
    return dict(result)


def clash_messages(clashing: dict[int, list[Commitment]], works: dict[int, object]) -> list[str]:
    """One sentence per work: what it is already promised to."""
    return [
        _("%(work)s is already promised to %(others)s.")
        % {"work": works[work_id], "others": "; ".join(c.describe() for c in others)}
        for work_id, others in clashing.items()
    ]


def exhibition_clashes(exhibition) -> list[str]:
    """What the checklist's works are already promised to over the exhibition's dates."""
    works = {line.work_id: line.work for line in exhibition.checklist.select_related("work")}
    found = clashes(
        "exhibition",
        exhibition.pk,
        works,
        exhibition.start_date,
        exhibition.end_date,
        exhibition_id=exhibition.pk,
    )
    return clash_messages(found, works)


def treatment_clashes(treatment) -> list[str]:
    found = clashes(
        "treatment", treatment.pk, [treatment.work_id], treatment.start_date, treatment.end_date
    )
    return clash_messages(found, {treatment.work_id: treatment.work})
