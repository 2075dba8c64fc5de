"""The récolement's rules: what a campaign expects, how observations become records, what is an
anomaly, bulk validation, progress, and the counts of the official report (procès-verbal).

Tablets and the back office both go through ``record_observation()``: an observation is kept
once (its key), and merged into the work's record for the campaign; when two observations from
different tablets or agents disagree on presence, the record is flagged and nothing is
overwritten until a registrar decides (``resolve_conflict()``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    CurrentLocation,
    Location,
    RecolementCampaign,
    RecolementObservation,
    RecolementRecord,
    Work,
)
from ..text import match_key
from .register import user_name

Presence = RecolementRecord.Presence
BOOLEAN_FIELDS = (
    "marked_on_object",
    "marked_on_label",
    "marked_on_support",
    "conforms",
    "identification_problem",
    "inventoried_twice",
)
TEXT_FIELDS = ("alterations", "notes")


class ObservationError(ValidationError):
    """An observation that cannot be recorded; the message names the field."""


# Scope -------------------------------------------------------------------------------------------


def expected_works(campaign: RecolementCampaign):
    """The works the campaign must check: every criterion of its scope that is set must hold
    (kept in one of its locations, in one of its domains, inventoried in its years)."""
    works = Work.objects.current()
    locations = list(campaign.locations.all())
    if locations:
        inside = models.Q()
        for location in locations:
            inside |= models.Q(current_location__location__path__startswith=location.path)
            inside |= models.Q(
                current_location__isnull=True, normal_location__path__startswith=location.path
            )
        works = works.filter(inside)
    keys = [match_key(label) for label in campaign.domains.split(";") if label.strip()]
    if keys:
        works = works.filter(domains__label_key__in=keys)
    if campaign.inventory_year_from is not None:
        works = works.filter(inventory_year__gte=campaign.inventory_year_from)
    if campaign.inventory_year_to is not None:
        works = works.filter(inventory_year__lte=campaign.inventory_year_to)
    return works.distinct()


def expected_location(work: Work) -> Location | None:
    current = CurrentLocation.objects.filter(work=work).select_related("location").first()
    return current.location if current else work.normal_location


# Observations ------------------------------------------------------------------------------------


def _location(code: str | None) -> Location | None:
    if not code:
        return None
    location = Location.objects.filter(code=code.strip().upper()).first()
    if location is None:
        raise ObservationError(
            {"location_found": _("No location has the code %(code)s.") % {"code": code}}
        )
    return location


def _cleaned(data: dict) -> dict:
    """The observation's values, checked: presence, location, booleans, condition, follow-ups."""
    presence = data.get("presence")
    if presence not in Presence.values:
        raise ObservationError(
            {
                "presence": _("Presence must be one of: %(values)s.")
                % {"values": ", ".join(Presence.values)}
            }
        )
    values = {"presence": presence, "location_found": _location(data.get("location_found"))}
    for name in BOOLEAN_FIELDS:
        if name in data:
            values[name] = bool(data[name])
    condition = data.get("condition") or ""
    if condition and condition not in RecolementRecord.Condition.values:
        raise ObservationError(
            {
                "condition": _("Condition must be one of: %(values)s.")
                % {"values": ", ".join(RecolementRecord.Condition.values)}
            }
        )
    values["condition"] = condition
    follow_ups = data.get("follow_ups") or []
    unknown = set(follow_ups) - set(RecolementRecord.FOLLOW_UPS)
    if unknown:
        raise ObservationError(
            {
                "follow_ups": _("Unknown follow-up actions: %(values)s.")
                % {"values": ", ".join(sorted(unknown))}
            }
        )
    values["follow_ups"] = sorted(set(follow_ups))
    for name in TEXT_FIELDS:
        if name in data:
            values[name] = str(data[name] or "")[: 500 if name == "alterations" else 5000]
    return values


def _apply(record: RecolementRecord, values: dict) -> None:
    for name, value in values.items():
        setattr(record, name, value)
    found, expected = record.location_found, record.expected_location
    # found in a box on the expected shelf is found where expected; the other way is not
    record.location_matches = (
        None if found is None or expected is None else found.is_inside(expected)
    )


@dataclass
class Recorded:
    observation: RecolementObservation
    record: RecolementRecord
    replayed: bool = False
    conflict: bool = False


def record_observation(
    campaign: RecolementCampaign,
    *,
    key: str,
    data: dict,
    work: Work | None = None,
    found_description: str = "",
    device: str = "",
    agent=None,
    observed_at: datetime | None = None,
) -> Recorded:
    """Record one observation of ``work`` (or of an object found that is not inventoried).

    Replaying a key returns what the first call recorded. A later observation from the same
    device or agent updates the record; one from another that disagrees on presence is kept
    aside and flags the record as a conflict."""
    key = (key or "").strip()
    if not key:
        raise ObservationError({"key": _("Each observation needs a unique key.")})
    existing = RecolementObservation.objects.filter(key=key).select_related("record").first()
    if existing is not None:
        return Recorded(existing, existing.record, replayed=True, conflict=not existing.applied)
    if campaign.status == RecolementCampaign.Status.CLOSED:
        raise ObservationError(_("The campaign %(campaign)s is closed.") % {"campaign": campaign})
    if work is None and not found_description.strip():
        raise ObservationError({"work": _("Name the work, or describe the object found.")})
    values = _cleaned(data)
    observed_at = observed_at or timezone.now()
    try:
        with transaction.atomic():
            return _record(
                campaign, key, values, data, work, found_description, device, agent, observed_at
            )
    except IntegrityError:  # the same key, sent twice at once
        existing = RecolementObservation.objects.filter(key=key).select_related("record").first()
        if existing is None:
            raise
        return Recorded(existing, existing.record, replayed=True, conflict=not existing.applied)


def _record(campaign, key, values, data, work, found_description, device, agent, observed_at):
    record = None
    if work is not None:
        record = (
            RecolementRecord.objects.select_for_update()
            .filter(campaign=campaign, work=work)
            .first()
        )
    observation = RecolementObservation(
        key=key,
        campaign=campaign,
        work=work,
        device=device,
        agent=agent,
        observed_at=observed_at,
        data=data,
    )
    conflict = False
    if record is None:
        record = RecolementRecord(
            campaign=campaign,
            work=work,
            found_description=found_description,
            expected_location=expected_location(work) if work else None,
            agent=agent,
            agent_name=user_name(agent),
            checked_at=observed_at,
        )
        _apply(record, values)
        record.save()
    else:
        last = record.observations.filter(applied=True).order_by("-observed_at", "-pk").first()
        same_source = last is None or (last.device, last.agent_id) == (
            device,
            getattr(agent, "pk", None),
        )
        if values["presence"] != record.presence and (
            not same_source or record.status == RecolementRecord.Status.VALIDATED
        ):
            conflict = True
            observation.applied = False
            record.has_conflict = True
            record.save(update_fields=["has_conflict", "updated_at"])
        elif observed_at >= record.checked_at or same_source:
            _apply(record, values)
            record.checked_at = max(record.checked_at, observed_at)
            record.agent, record.agent_name = agent, user_name(agent)
            record.save()
    observation.record = record
    observation.save()
    return Recorded(observation, record, conflict=conflict)


def resolve_conflict(record: RecolementRecord, chosen: RecolementObservation, user) -> None:
    """A registrar's decision: the record takes the chosen observation's values."""
    if chosen.record_id != record.pk:
        raise ObservationError(_("That observation belongs to another record."))
    with transaction.atomic():
        _apply(record, _cleaned(chosen.data))
        record.has_conflict = False
        record.status = RecolementRecord.Status.TO_CHECK
        record.agent, record.agent_name = chosen.agent, user_name(chosen.agent)
        record.notes = (record.notes + "\n" if record.notes else "") + _(
            "Conflict decided by %(user)s on %(date)s."
        ) % {"user": user_name(user), "date": timezone.localdate().strftime("%d/%m/%Y")}
        record.save()
        record.observations.filter(pk=chosen.pk).update(applied=True)


# Anomalies and validation ---------------------------------------------------------------------


def anomalies(record: RecolementRecord) -> list[str]:
    """What a registrar must look at before validating the record (empty: nothing)."""
    found = []
    if record.has_conflict:
        found.append(_("observations disagree"))
    if record.presence != Presence.SEEN:
        found.append(record.get_presence_display())
    if record.not_inventoried:
        found.append(_("not inventoried"))
    if record.location_matches is False:
        found.append(_("not where expected"))
    if record.presence == Presence.SEEN and not record.is_marked:
        found.append(_("not marked"))
    if not record.conforms:
        found.append(_("does not conform to its entry"))
    if record.identification_problem:
        found.append(_("identification problem"))
    if record.inventoried_twice:
        found.append(_("inventoried twice"))
    if record.condition in (RecolementRecord.Condition.POOR, RecolementRecord.Condition.CRITICAL):
        found.append(record.get_condition_display())
    if record.follow_ups:
        found.append(_("follow-up actions"))
    return found


def anomaly_filter() -> models.Q:
    """The records with an anomaly, as a query (the same rules as ``anomalies()``)."""
    return (
        models.Q(has_conflict=True)
        | ~models.Q(presence=Presence.SEEN)
        | models.Q(work__isnull=True)
        | models.Q(location_matches=False)
        | models.Q(marked_on_object=False, marked_on_label=False, marked_on_support=False)
        | models.Q(conforms=False)
        | models.Q(identification_problem=True)
        | models.Q(inventoried_twice=True)
        | models.Q(
            condition__in=[RecolementRecord.Condition.POOR, RecolementRecord.Condition.CRITICAL]
        )
        | ~models.Q(follow_ups=[])
    )


def validate_clean_records(campaign: RecolementCampaign, user) -> int:
    """Validate in bulk the records to check that have no anomaly; returns how many."""
    clean = campaign.records.filter(status=RecolementRecord.Status.TO_CHECK).exclude(
        anomaly_filter()
    )
    return clean.update(
        status=RecolementRecord.Status.VALIDATED, validated_by=user, validated_at=timezone.now()
    )


def validate_record(record: RecolementRecord, user) -> None:
    """Validate one record, anomalies included (the registrar has looked at them)."""
    if record.has_conflict:
        raise ObservationError(_("Decide the conflict between observations first."))
    record.status = RecolementRecord.Status.VALIDATED
    record.validated_by, record.validated_at = user, timezone.now()
    record.save(update_fields=["status", "validated_by", "validated_at", "updated_at"])


def mark_rest_not_seen(campaign: RecolementCampaign, user) -> int:
    """At the end of a campaign: every expected work without a record is recorded not seen."""
    now = timezone.now()
    done = campaign.records.filter(work__isnull=False).values("work")
    created = 0
    for work in expected_works(campaign).exclude(pk__in=done).iterator(chunk_size=500):
        record_observation(
            campaign,
            key=f"not-seen-{campaign.pk}-{work.pk}",
            work=work,
            data={"presence": Presence.NOT_SEEN},
            agent=user,
            device="back office",
            observed_at=now,
        )
        created += 1
    return created


# Progress and the official report ---------------------------------------------------------------


@dataclass
class Progress:
    expected: int
    done: int
    anomalies: int
    conflicts: int
    validated: int
    by_location: list[tuple[str, int, int]] = field(default_factory=list)  # name, expected, done

    @property
    def to_do(self) -> int:
        return self.expected - self.done


def progress(campaign: RecolementCampaign) -> Progress:
    expected = expected_works(campaign)
    checked = set(campaign.records.filter(work__isnull=False).values_list("work_id", flat=True))
    records = campaign.records.all()
    places: Counter = Counter()
    places_done: Counter = Counter()
    for work_id, name in expected.values_list(
        "pk", "current_location__location__full_name"
    ).iterator(chunk_size=2000):
        places[name or ""] += 1
        places_done[name or ""] += work_id in checked
    return Progress(
        expected=sum(places.values()),
        done=sum(places_done.values()),
        anomalies=records.filter(anomaly_filter()).count(),
        conflicts=records.filter(has_conflict=True).count(),
        validated=records.filter(status=RecolementRecord.Status.VALIDATED).count(),
        by_location=[(name, places[name], places_done[name]) for name in sorted(places)],
    )


@dataclass
class ReportCounts:
    """The figures and annexed lists of the procès-verbal."""

    total: int
    by_presence: dict[str, int]
    not_inventoried: int
    inventoried_twice: int
    marked: int
    unmarked: int
    on_display: int
    in_storage: int
    identification_problems: int
    with_photos: int
    by_condition: dict[str, int]
    annexes: dict[str, list[RecolementRecord]]


def report_counts(campaign: RecolementCampaign) -> ReportCounts:
    records = list(
        campaign.records.select_related("work", "location_found", "expected_location")
        .prefetch_related("photos")
        .order_by("work__inventory_sort_key", "pk")
    )
    presence = Counter(r.presence for r in records)

    def where(record):
        return record.location_found or record.expected_location

    seen = [r for r in records if r.presence == Presence.SEEN]
    return ReportCounts(
        total=len(records),
        by_presence={value: presence[value] for value in Presence.values},
        not_inventoried=sum(r.not_inventoried for r in records),
        inventoried_twice=sum(r.inventoried_twice for r in records),
        marked=sum(r.is_marked for r in seen),
        unmarked=sum(not r.is_marked for r in seen),
        on_display=sum(bool(where(r) and where(r).is_display) for r in seen),
        in_storage=sum(bool(where(r) and not where(r).is_display) for r in seen),
        identification_problems=sum(r.identification_problem for r in records),
        with_photos=sum(bool(r.photos.all()) for r in records),
        by_condition={
            value: sum(r.condition == value for r in seen)
            for value in RecolementRecord.Condition.values
        },
        annexes={
            "not_seen": [r for r in records if r.presence == Presence.NOT_SEEN],
            "missing": [r for r in records if r.presence == Presence.MISSING],
            "destroyed": [r for r in records if r.presence == Presence.DESTROYED],
            "not_inventoried": [r for r in records if r.not_inventoried],
            "inventoried_twice": [r for r in records if r.inventoried_twice],
        },
    )


def missing_works():
    """Works whose latest validated récolement found them missing (for the Joconde export)."""
    latest = (
        RecolementRecord.objects.filter(
            work=models.OuterRef("pk"), status=RecolementRecord.Status.VALIDATED
        )
        .order_by("-checked_at")
        .values("presence")[:1]
    )
    return Work.objects.annotate(last_presence=models.Subquery(latest)).filter(
        last_presence=Presence.MISSING
    )
