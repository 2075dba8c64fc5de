"""What the procès-verbal of a récolement campaign reads from the database.

``exporters.recolement_pv`` knows nothing of Django: this module turns a campaign and its
``report_counts()`` into the exporter's plain dataclasses. Used by ``manage.py recolement_pv``
and by the admin's "Print the official report".
"""

from __future__ import annotations

import os

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone

from exporters.recolement_pv import PvCounts, PvInfo, PvRow, write_recolement_pv

from ..models import RecolementCampaign, RecolementRecord
from .recolement import Presence, ReportCounts, report_counts


def pv_info(campaign: RecolementCampaign) -> PvInfo:
    museum = settings.CARTEL_MUSEUM
    years = (campaign.inventory_year_from, campaign.inventory_year_to)
    if years == (None, None):
        inventory_years = ""
    elif None not in years:
        inventory_years = f"de {years[0]} à {years[1]}"
    else:
        inventory_years = f"à partir de {years[0]}" if years[0] else f"jusqu'à {years[1]}"
    return PvInfo(
        museum_name=museum["NAME"],
        city=museum["CITY"],
        museofile=museum["MUSEOFILE"],
        campaign=campaign.title,
        plan=str(campaign.plan),
        start_date=campaign.start_date,
        end_date=campaign.end_date,
        closed=campaign.status == RecolementCampaign.Status.CLOSED,
        method=campaign.method,
        locations=tuple(location.full_name for location in campaign.locations.all()),
        domains=campaign.domains,
        inventory_years=inventory_years,
        team=campaign.team,
        comments=campaign.comments,
        edition_date=timezone.localdate(),
    )


def pv_counts(counts: ReportCounts) -> PvCounts:
    condition = counts.by_condition
    Condition = RecolementRecord.Condition
    return PvCounts(
        total=counts.total,
        seen=counts.by_presence[Presence.SEEN],
        not_seen=counts.by_presence[Presence.NOT_SEEN],
        missing=counts.by_presence[Presence.MISSING],
        destroyed=counts.by_presence[Presence.DESTROYED],
        not_inventoried=counts.not_inventoried,
        inventoried_twice=counts.inventoried_twice,
        marked=counts.marked,
        unmarked=counts.unmarked,
        on_display=counts.on_display,
        in_storage=counts.in_storage,
        identification_problems=counts.identification_problems,
        with_photos=counts.with_photos,
        condition_good=condition[Condition.GOOD],
        condition_fair=condition[Condition.FAIR],
        condition_poor=condition[Condition.POOR],
        condition_critical=condition[Condition.CRITICAL],
    )


def pv_row(record: RecolementRecord) -> PvRow:
    work = record.work
    notes = [record.notes.strip()] if record.notes.strip() else []
    if record.alterations:
        notes.insert(0, f"Altérations : {record.alterations}")
    return PvRow(
        number=work.inventory_number if work else record.found_description,
        designation=work.designation if work else "",
        expected_location=record.expected_location.full_name if record.expected_location else "",
        location_found=record.location_found.full_name if record.location_found else "",
        notes="\n".join(notes),
        follow_ups=tuple(record.follow_ups),
    )


def write_campaign_pv(campaign: RecolementCampaign, path: str | os.PathLike):
    """Write the campaign's PV to ``path``; returns (pages, the figures printed)."""
    counts = report_counts(campaign)
    # the designation of a work without a title is its first denomination
    works = {record.work for rows in counts.annexes.values() for record in rows if record.work}
    prefetch_related_objects(list(works), "denominations")
    annexes = {key: [pv_row(record) for record in rows] for key, rows in counts.annexes.items()}
    printed = pv_counts(counts)
    pages = write_recolement_pv(path, pv_info(campaign), printed, annexes)
    return pages, printed
