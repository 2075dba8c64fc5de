"""The demo's récolement: a ten-year plan and a campaign under way in the paper store (R2).

About two thirds of the expected works are observed, through ``record_observation()`` like a
tablet would: most are seen and marked, a few make anomalies (one missing, one not seen, one not
marked, one in poor condition to restore, one object found that is not inventoried) and two
tablets disagree on one work. Run after the demo's locations; a second run adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..models import CurrentLocation, Location, RecolementCampaign, RecolementPlan
from .recolement import expected_works, progress, record_observation

DEMO = "Données de démonstration."
PLAN_TITLE = "Plan de récolement 2026-2035 (démonstration)"
CAMPAIGN_TITLE = "Réserve des arts graphiques (démonstration)"
STORE = "R2"
SEEN = {"presence": "seen", "marked_on_object": True, "conforms": True, "condition": "good"}
#: The anomalies, given to works spread through the ones observed.
ANOMALIES = (
    {"presence": "missing", "follow_ups": ["to_search"], "notes": "Boîte vide. " + DEMO},
    {"presence": "not_seen", "notes": "Boîte inaccessible le jour du récolement. " + DEMO},
    {**SEEN, "marked_on_object": False, "follow_ups": ["to_mark"]},
    {
        **SEEN,
        "condition": "poor",
        "alterations": "déchirure ; empoussièrement",
        "follow_ups": ["to_restore"],
    },
    "conflict",
)


@dataclass
class RecolementDemo:
    campaign: RecolementCampaign | None = None
    expected: int = 0
    done: int = 0
    anomalies: int = 0
    conflicts: int = 0

    def __str__(self):
        if self.campaign is None:
            return "no campaign (no location R2)."
        return (
            f"campaign “{self.campaign.title}”, {self.done} of {self.expected} works checked, "
            f"{self.anomalies} anomalies, {self.conflicts} conflict(s)."
        )


def load_demo_recolement(registrar, *, today: datetime.date | None = None) -> RecolementDemo:
    store = Location.objects.filter(code=STORE).first()
    if store is None:
        return RecolementDemo()
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=21)
    with transaction.atomic():
        plan, _created = RecolementPlan.objects.get_or_create(
            title=PLAN_TITLE,
            defaults={
                "first_year": 2026,
                "last_year": 2035,
                "approved_on": datetime.date(2025, 11, 14),
                "notes": "Plan approuvé par la DRAC (fictif). " + DEMO,
            },
        )
        campaign, created = RecolementCampaign.objects.get_or_create(
            plan=plan,
            title=CAMPAIGN_TITLE,
            defaults={
                "status": RecolementCampaign.Status.IN_PROGRESS,
                "start_date": start,
                "team": "Anne Martin (régisseuse), Paul Lefèvre (assistant de conservation)",
                "method": (
                    "Récolement sur place, meuble à plans par meuble à plans, boîte par boîte, "
                    "à partir des objets ; saisie sur deux tablettes hors connexion, "
                    "synchronisées chaque soir. " + DEMO
                ),
                "comments": DEMO,
            },
        )
        if created:
            campaign.locations.add(store)
        if not campaign.observations.exists():
            _observe(campaign, registrar, start)
    figures = progress(campaign)
    return RecolementDemo(
        campaign, figures.expected, figures.done, figures.anomalies, figures.conflicts
    )


def _observe(campaign, registrar, start: datetime.date) -> None:
    works = list(expected_works(campaign).order_by("inventory_sort_key"))
    observed = works[: round(len(works) * 2 / 3)]
    where = dict(
        CurrentLocation.objects.filter(work__in=observed).values_list("work_id", "location__code")
    )
    special = dict(zip((w.pk for w in observed[1::3]), ANOMALIES, strict=False))
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9, 30)))
    for index, work in enumerate(observed):
        at = first + datetime.timedelta(days=index // 8, minutes=6 * (index % 8))
        data = special.get(work.pk, SEEN)
        device = f"tablette-{1 + index % 2}"
        if data == "conflict":
            record_observation(
                campaign,
                key=f"demo-{campaign.pk}-{work.pk}-1",
                work=work,
                data={**SEEN, "location_found": where.get(work.pk)},
                device="tablette-1",
                agent=registrar,
                observed_at=at,
            )
            data, device = {"presence": "missing"}, "tablette-2"
            at += datetime.timedelta(hours=2)
        elif data["presence"] == "seen":
            data = {**data, "location_found": where.get(work.pk)}
        record_observation(
            campaign,
            key=f"demo-{campaign.pk}-{work.pk}",
            work=work,
            data=data,
            device=device,
            agent=registrar,
            observed_at=at,
        )
    record_observation(
        campaign,
        key=f"demo-{campaign.pk}-found",
        found_description=(
            "Feuille volante sans numéro : étude de paysage au crayon, glissée entre deux "
            "boîtes. " + DEMO
        ),
        data={
            "presence": "seen",
            "location_found": where.get(observed[0].pk) if observed else STORE,
            "follow_ups": ["to_inventory"],
            "condition": "fair",
        },
        device="tablette-1",
        agent=registrar,
        observed_at=first,
    )
