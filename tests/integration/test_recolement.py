"""Récolement rules: the scope, observations merged into records, conflicts kept for a decision,
anomalies and bulk validation, the report's counts."""

import datetime

import pytest

from museum_collections.models import (
    Location,
    Movement,
    RecolementCampaign,
    RecolementPlan,
    RecolementRecord,
    Work,
)
from museum_collections.services import recolement
from museum_collections.services.movements import move

pytestmark = pytest.mark.django_db

Presence = RecolementRecord.Presence
CLEAN = {"presence": "seen", "marked_on_object": True, "condition": "good"}


@pytest.fixture
def store():
    room = Location.objects.create(code="R1", name="Réserve 1", kind="room")
    shelf = Location.objects.create(code="R1-T1", name="Tablette 1", kind="shelf", parent=room)
    other = Location.objects.create(code="R2", name="Réserve 2", kind="room")
    works = []
    for n in range(1, 6):
        work = Work.objects.create(inventory_number=f"2019.1.{n}")
        move(work, shelf if n <= 4 else other, reason=Movement.Reason.STORAGE)
        works.append(work)
    return room, shelf, other, works


@pytest.fixture
def campaign(store):
    plan = RecolementPlan.objects.create(title="Plan", first_year=2026, last_year=2035)
    campaign = RecolementCampaign.objects.create(
        plan=plan, title="Réserve 1", start_date=datetime.date(2026, 1, 5)
    )
    campaign.locations.add(store[0])
    return campaign


def observe(campaign, work, key, device="tablet-1", agent=None, **data):
    return recolement.record_observation(
        campaign,
        key=key,
        work=work,
        data=CLEAN | data,
        device=device,
        agent=agent,
    )


def test_the_scope_is_the_works_kept_in_the_campaigns_locations(campaign, store):
    assert sorted(
        recolement.expected_works(campaign).values_list("inventory_number", flat=True)
    ) == ["2019.1.1", "2019.1.2", "2019.1.3", "2019.1.4"]
    campaign.inventory_year_from = 2020
    assert not recolement.expected_works(campaign).exists()


def test_an_observation_is_recorded_once_whatever_the_replays(campaign, store):
    work = store[3][0]
    first = observe(campaign, work, "k1", location_found="r1-t1")
    again = observe(campaign, work, "k1", location_found="r1-t1")
    assert again.replayed and again.record.pk == first.record.pk
    assert campaign.records.count() == 1 and campaign.observations.count() == 1
    assert first.record.location_matches is True and recolement.anomalies(first.record) == []


def test_two_tablets_that_disagree_make_a_conflict_nothing_is_overwritten(
    campaign, store, make_user
):
    work = store[3][0]
    observe(campaign, work, "a", device="tablet-1")
    clash = observe(campaign, work, "b", device="tablet-2", presence="missing")
    record = RecolementRecord.objects.get(campaign=campaign, work=work)
    assert clash.conflict and record.has_conflict and record.presence == Presence.SEEN
    assert "observations disagree" in recolement.anomalies(record)
    assert recolement.validate_clean_records(campaign, make_user("Registrar")) == 0
    recolement.resolve_conflict(record, clash.observation, make_user("Registrar", "boss"))
    record.refresh_from_db()
    assert record.presence == Presence.MISSING and not record.has_conflict


def test_the_same_tablet_may_correct_its_own_observation(campaign, store):
    work = store[3][1]
    observe(campaign, work, "a")
    result = observe(campaign, work, "b", presence="not_seen")
    assert not result.conflict and result.record.presence == Presence.NOT_SEEN


def test_bulk_validation_leaves_the_anomalies_for_one_by_one(campaign, store, make_user):
    works = store[3]
    observe(campaign, works[0], "1")
    observe(campaign, works[1], "2", marked_on_object=False)  # not marked
    observe(campaign, works[2], "3", location_found="R2")  # not where expected
    observe(campaign, works[3], "4", condition="critical", follow_ups=["to_restore"])
    recolement.record_observation(
        campaign, key="5", data={"presence": "seen"}, found_description="Cadre sans numéro"
    )
    assert recolement.validate_clean_records(campaign, make_user("Registrar")) == 1
    progress = recolement.progress(campaign)
    assert (progress.expected, progress.done, progress.to_do) == (4, 4, 0)
    assert progress.anomalies == 4 and progress.validated == 1


def test_the_report_counts_and_annexes(campaign, store, make_user):
    works = store[3]
    observe(campaign, works[0], "1")
    observe(campaign, works[1], "2", presence="missing")
    observe(campaign, works[2], "3", presence="destroyed")
    recolement.record_observation(
        campaign,
        key="x",
        data={"presence": "seen", "inventoried_twice": False},
        found_description="Statuette sans numéro",
    )
    assert recolement.mark_rest_not_seen(campaign, make_user("Registrar")) == 1
    counts = recolement.report_counts(campaign)
    assert counts.total == 5
    assert counts.by_presence == {"seen": 2, "not_seen": 1, "missing": 1, "destroyed": 1}
    assert counts.not_inventoried == 1 and counts.marked == 1 and counts.unmarked == 1
    assert [r.work.inventory_number for r in counts.annexes["missing"]] == ["2019.1.2"]
    assert [r.work.inventory_number for r in counts.annexes["not_seen"]] == ["2019.1.4"]
    recolement.validate_record(campaign.records.get(work=works[1]), make_user("Registrar", "r2"))
    assert list(recolement.missing_works()) == [works[1]]


def test_bad_observations_name_the_field(campaign, store):
    with pytest.raises(recolement.ObservationError, match="presence"):
        observe(campaign, store[3][0], "z", presence="maybe")
    with pytest.raises(recolement.ObservationError, match="XX"):
        observe(campaign, store[3][0], "z", location_found="XX")
    campaign.status = RecolementCampaign.Status.CLOSED
    campaign.save()
    with pytest.raises(recolement.ObservationError, match="closed"):
        observe(campaign, store[3][0], "z")
