"""The récolement in the Wagtail admin: the campaign's progress page and its operations, records
and their conflicts, observations typed in the back office, tablet sessions, and who may do what."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from museum_collections.models import (
    Location,
    Movement,
    RecolementCampaign,
    RecolementObservation,
    RecolementPlan,
    RecolementRecord,
    TabletSession,
    Work,
)
from museum_collections.services import recolement
from museum_collections.services.movements import move
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

CLEAN = {"presence": "seen", "marked_on_object": True, "condition": "good"}


def url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with its 'no permission' redirect."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def messages_of(client, response) -> list[str]:
    page = response if response.status_code == 200 else client.get(response["Location"])
    return [str(message).strip() for message in page.context["messages"]]


def logged(instance, action) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.for_instance(instance).filter(action=action))


@pytest.fixture
def store():
    room = Location.objects.create(code="R1", name="Réserve 1", kind="room")
    shelves = [
        Location.objects.create(code=f"R1-T{n}", name=f"Tablette {n}", kind="shelf", parent=room)
        for n in (1, 2)
    ]
    works = []
    for n in range(1, 6):
        work = Work.objects.create(inventory_number=f"2019.1.{n}", title=f"Œuvre {n}")
        move(work, shelves[0] if n <= 3 else shelves[1], reason=Movement.Reason.STORAGE)
        works.append(work)
    return room, shelves, works


@pytest.fixture
def campaign(store):
    plan = RecolementPlan.objects.create(title="Plan 2026-2035", first_year=2026, last_year=2035)
    campaign = RecolementCampaign.objects.create(
        plan=plan,
        title="Réserve 1",
        start_date=datetime.date(2026, 1, 5),
        status=RecolementCampaign.Status.IN_PROGRESS,
    )
    campaign.locations.add(store[0])
    return campaign


def observe(campaign, work, key, device="tablette-1", **data):
    return recolement.record_observation(
        campaign, key=key, work=work, data=CLEAN | data, device=device
    )


@pytest.fixture
def observed(campaign, store):
    """Four of the five works: two clean, one not marked, one where two tablets disagree."""
    works = store[2]
    observe(campaign, works[0], "a")
    observe(campaign, works[1], "b")
    observe(campaign, works[2], "c", marked_on_object=False)
    observe(campaign, works[3], "d1", device="tablette-1")
    clash = observe(campaign, works[3], "d2", device="tablette-2", presence="missing")
    return clash


@pytest.fixture
def registrar(client, make_user):
    verified_login(client, make_user("Registrar", first_name="Anne", last_name="Martin"))
    return client


def test_the_progress_page_counts_and_links_to_the_filtered_records(registrar, campaign, observed):
    response = registrar.get(url(RecolementCampaign, "inspect", campaign.pk))
    assert response.status_code == 200
    figures = response.context["progress"]
    assert (figures.expected, figures.done, figures.to_do) == (5, 4, 1)
    assert (figures.anomalies, figures.conflicts, figures.validated) == (2, 1, 0)
    lines = [
        (line["name"], line["expected"], line["done"]) for line in response.context["locations"]
    ]
    assert lines == [("Réserve 1 › Tablette 1", 3, 3), ("Réserve 1 › Tablette 2", 2, 1)]
    html = response.content.decode()
    anomalies = f"?campaign={campaign.pk}&amp;anomalies=true"
    assert anomalies in html and f"?campaign={campaign.pk}&amp;has_conflict=true" in html
    for name in ("validate", "not_seen", "close", "report"):
        assert url(RecolementCampaign, name, campaign.pk) in html

    listing = registrar.get(url(RecolementRecord, "list") + anomalies.replace("&amp;", "&"))
    content = listing.content.decode()
    records = {r.work.inventory_number: r for r in campaign.records.select_related("work")}
    shown = {n for n, r in records.items() if url(RecolementRecord, "inspect", r.pk) in content}
    assert shown == {"2019.1.3", "2019.1.4"}
    assert "not marked" in content and "observations disagree" in content
    shelf = Location.objects.get(code="R1-T2")
    listing = registrar.get(url(RecolementRecord, "list"), {"location": shelf.pk})
    content = listing.content.decode()
    shown = {n for n, r in records.items() if url(RecolementRecord, "inspect", r.pk) in content}
    assert shown == {"2019.1.4"}


def test_bulk_validation_asks_first_and_leaves_the_anomalies(registrar, campaign, observed):
    page = registrar.get(url(RecolementCampaign, "validate", campaign.pk))
    assert "2 records to check have no anomaly" in page.content.decode()
    assert not campaign.records.filter(status="validated").exists()  # nothing before the POST
    response = registrar.post(url(RecolementCampaign, "validate", campaign.pk))
    assert response["Location"] == url(RecolementCampaign, "inspect", campaign.pk)
    assert "2 records validated; 2 left to check one by one." in messages_of(registrar, response)
    assert sorted(
        campaign.records.filter(status="validated").values_list("work__inventory_number", flat=True)
    ) == ["2019.1.1", "2019.1.2"]
    assert logged(campaign, "cartel.recolement.validate_clean")[0].data == {"validated": 2}


def test_a_conflict_is_decided_side_by_side_then_the_record_validated(
    registrar, campaign, observed
):
    record = observed.record
    page = registrar.get(url(RecolementRecord, "inspect", record.pk)).content.decode()
    assert url(RecolementRecord, "resolve", record.pk) in page
    assert url(RecolementRecord, "validate", record.pk) not in page
    assert "tablette-1" in page and "tablette-2" in page and "kept aside (conflict)" in page
    refused_now = registrar.post(url(RecolementRecord, "validate", record.pk))
    assert "Decide the conflict between observations first." in messages_of(registrar, refused_now)

    side_by_side = registrar.get(url(RecolementRecord, "resolve", record.pk))
    columns = [column["object"].key for column in side_by_side.context["candidates"]]
    assert columns == ["d1", "d2"]
    assert side_by_side.content.decode().count("Keep this one") == 2
    response = registrar.post(
        url(RecolementRecord, "resolve", record.pk), {"observation": observed.observation.pk}
    )
    assert response["Location"] == url(RecolementRecord, "inspect", record.pk)
    record.refresh_from_db()
    assert record.presence == "missing" and not record.has_conflict
    assert logged(record, "cartel.recolement.resolve")[0].data["observation"] == "d2"

    confirm = registrar.get(url(RecolementRecord, "validate", record.pk)).content.decode()
    assert "Anomalies: missing" in confirm
    registrar.post(url(RecolementRecord, "validate", record.pk))
    record.refresh_from_db()
    assert record.status == "validated" and record.validated_by.username == "registrar"
    assert logged(record, "cartel.recolement.validate")


def test_an_observation_typed_in_the_back_office_goes_through_the_rules(registrar, campaign, store):
    work = store[2][4]
    add = url(RecolementRecord, "add")
    form = registrar.get(add, {"campaign": campaign.pk, "work": work.pk})
    assert form.context["form"].initial == {"campaign": campaign.pk, "work": work.pk}
    response = registrar.post(
        add,
        {
            "campaign": campaign.pk,
            "work": work.pk,
            "presence": "seen",
            "location_found": Location.objects.get(code="R1-T2").pk,
            "marked_on_label": "on",
            "conforms": "on",
            "condition": "poor",
            "follow_ups": ["to_restore"],
        },
    )
    record = RecolementRecord.objects.get(campaign=campaign, work=work)
    assert response["Location"] == url(RecolementRecord, "inspect", record.pk)
    assert record.marked_on_label and record.location_matches and record.condition == "poor"
    assert record.follow_ups == ["to_restore"] and record.agent.username == "registrar"
    [observation] = record.observations.all()
    assert observation.device == "back office" and observation.key.startswith("back-office-")
    assert logged(record, "cartel.recolement.observe")

    # An object found that is not inventoried; nothing named is refused.
    registrar.post(add, {"campaign": campaign.pk, "presence": "seen", "found_description": "Cadre"})
    assert campaign.records.filter(work__isnull=True, found_description="Cadre").exists()
    empty = registrar.post(add, {"campaign": campaign.pk, "presence": "seen"})
    assert "Name the work, or describe the object found." in empty.content.decode()


def test_mark_the_rest_close_and_print_the_report(registrar, campaign, observed):
    page = registrar.get(url(RecolementCampaign, "not_seen", campaign.pk)).content.decode()
    assert "1 expected works have no record" in page
    registrar.post(url(RecolementCampaign, "not_seen", campaign.pk))
    assert campaign.records.get(work__inventory_number="2019.1.5").presence == "not_seen"
    close = registrar.get(url(RecolementCampaign, "close", campaign.pk)).content.decode()
    assert "1 records have conflicting observations." in close
    registrar.post(url(RecolementCampaign, "close", campaign.pk))
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.end_date is not None
    assert logged(campaign, "cartel.recolement.close")
    again = registrar.post(url(RecolementCampaign, "validate", campaign.pk))
    assert "is closed" in messages_of(registrar, again)[0]

    pdf = registrar.get(url(RecolementCampaign, "report", campaign.pk))
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    text = PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
    assert "Procès-verbal de récolement" in text and "Réserve 1" in text


def test_revoking_a_tablet_session(registrar, make_user):
    session, token = TabletSession.open(make_user("Registrar", "field"), "tablette-1")
    listing = registrar.get(url(TabletSession, "list")).content.decode()
    revoke = url(TabletSession, "revoke", session.pk)
    assert "tablette-1" in listing and revoke in listing
    assert "Revoke" in registrar.get(revoke).content.decode()
    response = registrar.post(revoke)
    assert response["Location"] == url(TabletSession, "list")
    session.refresh_from_db()
    assert session.revoked_at is not None and TabletSession.user_for(token) is None
    assert logged(session, "cartel.tablet.revoke")[0].data["device"] == "tablette-1"
    assert revoke not in registrar.get(url(TabletSession, "list")).content.decode()
    again = registrar.post(revoke)
    assert "already revoked" in messages_of(registrar, again)[0]
    # Sessions are never written in a form.
    assert registrar.get(url(TabletSession, "edit", session.pk))["Location"] == url(
        TabletSession, "list"
    )


def test_a_curator_sees_the_recolement_but_changes_nothing(client, make_user, campaign, observed):
    session, _token = TabletSession.open(make_user("Registrar"), "tablette-1")
    client.force_login(make_user("Curator"))
    record = observed.record
    assert client.get(url(RecolementCampaign, "inspect", campaign.pk)).status_code == 200
    assert client.get(url(RecolementRecord, "list")).status_code == 200
    page = client.get(url(RecolementRecord, "inspect", record.pk)).content.decode()
    assert url(RecolementRecord, "resolve", record.pk) not in page
    assert client.get(url(RecolementCampaign, "report", campaign.pk)).status_code == 200
    for response in (
        client.post(url(RecolementCampaign, "validate", campaign.pk)),
        client.post(url(RecolementCampaign, "close", campaign.pk)),
        client.post(url(RecolementRecord, "resolve", record.pk), {"observation": 1}),
        client.post(url(RecolementRecord, "validate", record.pk)),
        client.get(url(RecolementRecord, "add")),
        client.get(url(TabletSession, "list")),
        client.post(url(TabletSession, "revoke", session.pk)),
    ):
        assert refused(response)
    assert not campaign.records.filter(status="validated").exists()
    record.refresh_from_db()
    assert record.has_conflict and RecolementObservation.objects.count() == 5
    session.refresh_from_db()
    assert session.revoked_at is None


def test_a_researcher_sees_nothing_of_the_recolement(client, make_user, campaign, observed):
    client.force_login(make_user("Researcher"))
    record = observed.record
    for address in (
        url(RecolementPlan, "list"),
        url(RecolementCampaign, "list"),
        url(RecolementCampaign, "inspect", campaign.pk),
        url(RecolementCampaign, "report", campaign.pk),
        url(RecolementRecord, "list"),
        url(RecolementRecord, "inspect", record.pk),
        url(TabletSession, "list"),
    ):
        assert refused(client.get(address)), address
    assert "Récolement" not in client.get(reverse("wagtailadmin_home")).content.decode()
