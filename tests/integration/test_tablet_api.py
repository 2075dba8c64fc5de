"""The récolement tablet's API: a token per tablet, campaigns and their offline slices, batches
of observations recorded one by one, photographs uploaded after their observation."""

import datetime
import json

import pytest
from django.contrib.auth.signals import user_login_failed
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from museum_collections.models import (
    CartelImage,
    Dimension,
    Movement,
    Person,
    RecolementCampaign,
    RecolementObservation,
    RecolementPlan,
    RecolementRecord,
    TabletSession,
    Work,
    WorkDomain,
    WorkMaker,
    WorkMedia,
)
from museum_collections.services.movements import move
from tests.conftest import one_time_code, verified_login

from .places import store_tree

pytestmark = pytest.mark.django_db

API = "/api/registrar/"
SEEN = {"presence": "seen", "marked_on_object": True, "condition": "good"}
HOPPER = "exif-orientation-6_pillow_hopper.jpg"


@pytest.fixture
def tree(museofile):
    return store_tree()


@pytest.fixture
def works(tree):
    """Two works on shelf 1, one in the box on it, one in the gallery (outside the campaign)."""
    found = []
    for number, place in (
        ("2019.1.1", tree["shelf_1"]),
        ("2019.1.2", tree["shelf_1"]),
        ("2019.1.3", tree["box"]),
        ("2019.1.4", tree["gallery"]),
    ):
        work = Work.objects.create(inventory_number=number, title=f"Œuvre {number}")
        move(work, place, reason=Movement.Reason.STORAGE)
        found.append(work)
    return found


@pytest.fixture
def campaign(tree):
    plan = RecolementPlan.objects.create(title="Plan", first_year=2026, last_year=2035)
    campaign = RecolementCampaign.objects.create(
        plan=plan,
        title="Réserve 1",
        start_date=datetime.date(2026, 1, 5),
        status=RecolementCampaign.Status.IN_PROGRESS,
    )
    campaign.locations.add(tree["room"])
    return campaign


@pytest.fixture
def registrar(make_user):
    return make_user("Registrar", first_name="Alice", last_name="Martin")


def login(username="registrar", password="pw", device_name="Tablette 1", client=None, otp=""):  # noqa: S107
    return (client or Client()).post(
        API + "tablet/login",
        json.dumps(
            {"username": username, "password": password, "device_name": device_name, "otp": otp}
        ),
        content_type="application/json",
    )


def tablet(token, **options) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"}, **options)


@pytest.fixture
def token(registrar):
    return login(otp=one_time_code(registrar)).json()["token"]


@pytest.fixture
def api(token) -> Client:
    return tablet(token)


def send(client, campaign, items, device="tablet-1", **headers):
    return client.post(
        API + f"campaigns/{campaign.pk}/observations",
        json.dumps({"device": device, "observations": items}),
        content_type="application/json",
        headers=headers,
    )


def item(key, work=None, **data):
    found = {"work_ref": work.joconde_ref} if work else {}
    return {"key": key, **found, "observed_at": "2026-03-02T10:00:00+01:00", "data": SEEN | data}


def image_file(test_data, name=HOPPER):
    return SimpleUploadedFile(name, (test_data / "images" / name).read_bytes())


# Signing in and out ----------------------------------------------------------------------------


def test_login_opens_a_tablet_session(registrar):
    response = login(otp=one_time_code(registrar))
    assert response.status_code == 201
    data = response.json()
    assert data["user"] == {"username": "registrar", "name": "Alice Martin"}
    assert data["can_move"] is True
    session = TabletSession.objects.get(pk=data["session_id"])
    assert session.user == registrar and session.device_name == "Tablette 1"
    assert TabletSession.user_for(data["token"]) == registrar


def test_a_wrong_password_is_a_failed_login(registrar):
    failures = []

    def failed(sender, credentials, request, **kwargs):
        failures.append(credentials["username"])

    user_login_failed.connect(failed)
    try:
        response = login(password="wrong")
    finally:
        user_login_failed.disconnect(failed)
    assert response.status_code == 401 and "error" in response.json()
    assert failures == ["registrar"]
    assert not TabletSession.objects.exists()


def test_only_users_who_record_the_recolement_may_log_in(make_user):
    make_user("Curator")
    response = login("curator")
    assert response.status_code == 403 and "error" in response.json()
    assert not TabletSession.objects.exists()


def test_the_token_opens_every_endpoint(api, campaign, works, test_data):
    assert api.get(API).json()["user"] == "registrar"
    assert api.get(API + "campaigns").status_code == 200
    assert api.get(API + f"campaigns/{campaign.pk}/slice").status_code == 200
    assert api.get(API + f"lookup/{works[0].joconde_ref}").json()["ref"] == works[0].joconde_ref
    moved = api.post(
        API + "movements",
        json.dumps(
            {
                "subject": works[0].joconde_ref,
                "to": "S1",
                "reason": "display",
                "idempotency_key": "m",
            }
        ),
        content_type="application/json",
    )
    assert moved.status_code == 201
    assert send(api, campaign, [item("o1", works[1])]).json()["results"][0]["status"] == "created"
    photo = api.post(
        API + "photos", {"key": "p1", "observation_key": "o1", "file": image_file(test_data)}
    )
    assert photo.status_code == 201


def test_logout_revokes_the_token(api, token, campaign):
    response = api.post(API + "tablet/logout")
    assert response.status_code == 200
    assert TabletSession.objects.get().revoked_at is not None
    refused = api.get(API + "campaigns")
    assert refused.status_code == 401 and refused.json()["revoked"] is True


def test_a_token_revoked_in_the_back_office_or_unknown_is_refused(api, campaign):
    TabletSession.objects.update(revoked_at=timezone.now())
    response = send(api, campaign, [])
    assert response.status_code == 401 and response.json()["revoked"] is True
    unknown = tablet("not-a-token").get(API + "campaigns")
    assert unknown.status_code == 401 and "revoked" not in unknown.json()
    assert Client().get(API + "campaigns").status_code == 401


def test_the_recolement_needs_its_permission(make_user, campaign):
    photographer = make_user("Photographer")  # sees locations, moves works
    _session, token = TabletSession.open(photographer, "Tablette 2")
    assert tablet(token).get(API).status_code == 200
    assert tablet(token).get(API + "campaigns").status_code == 403
    assert send(tablet(token), campaign, []).status_code == 403


# CSRF ------------------------------------------------------------------------------------------


def test_csrf_is_for_sessions_not_for_tokens(registrar, token, campaign, works):
    with_token = tablet(token, enforce_csrf_checks=True)
    assert send(with_token, campaign, [item("t1", works[0])]).status_code == 200

    session = Client(enforce_csrf_checks=True)
    verified_login(session, registrar)
    assert send(session, campaign, [item("s1", works[1])]).status_code == 403
    csrf = session.get(API).cookies["csrftoken"].value
    response = send(session, campaign, [item("s1", works[1])], **{"X-CSRFToken": csrf})
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "created"
    assert (
        login(client=Client(enforce_csrf_checks=True), otp=one_time_code(registrar)).status_code
        == 201
    )


# Campaigns and slices --------------------------------------------------------------------------


def test_the_open_campaigns_are_listed(api, campaign):
    RecolementCampaign.objects.create(
        plan=campaign.plan,
        title="Closed",
        start_date=datetime.date(2025, 1, 1),
        status=RecolementCampaign.Status.CLOSED,
    )
    assert api.get(API + "campaigns").json() == {
        "campaigns": [
            {
                "id": campaign.pk,
                "title": "Réserve 1",
                "status": "in_progress",
                "start_date": "2026-01-05",
                "end_date": None,
                "locations": [
                    {"code": "RES1", "full_name": "Musée départemental › Réserves › Réserve 1"}
                ],
            }
        ]
    }


def test_the_slice_holds_what_the_tablet_needs_offline(api, campaign, works, tree):
    person = Person.objects.create(name="Berthe Morisot")
    WorkMaker.objects.create(work=works[0], person=person, role="peintre")
    WorkDomain.objects.create(work=works[0], label="peinture")
    Dimension.objects.create(work=works[0], kind="height", value=61)
    api_send = send(api, campaign, [item("seen-1", works[1], presence="not_seen")])
    record_id = api_send.json()["results"][0]["record_id"]

    data = api.get(API + f"campaigns/{campaign.pk}/slice").json()
    assert data["campaign"] == {"id": campaign.pk, "title": "Réserve 1"}
    assert data["generated_at"]
    assert [place["code"] for place in data["locations"]] == [
        "RES1",
        "RES1-E1",
        "RES1-E1-T1",
        "BX-12",
        "RES1-E1-T2",
    ]
    box = next(place for place in data["locations"] if place["code"] == "BX-12")
    assert box == {
        "code": "BX-12",
        "name": "Boîte 12",
        "full_name": tree["box"].full_name,
        "kind": "box",
        "parent": "RES1-E1-T1",
        "is_container": True,
    }
    assert [work["inventory_number"] for work in data["works"]] == [
        "2019.1.1",
        "2019.1.2",
        "2019.1.3",
    ]
    first, second, third = data["works"]
    assert first == {
        "id": works[0].pk,
        "ref": works[0].joconde_ref,
        "inventory_number": "2019.1.1",
        "designation": "Œuvre 2019.1.1",
        "makers": "Berthe Morisot (peintre)",
        "date": "",
        "dimensions": "H. 61 cm",
        "domain": "peinture",
        "thumbnail": None,
        "expected_location": "RES1-E1-T1",
        "record": None,
    }
    assert second["record"] == {"presence": "not_seen", "status": "to_check", "has_conflict": False}
    assert RecolementRecord.objects.get(pk=record_id).work == works[1]
    assert third["expected_location"] == "BX-12"
    assert {"value": "seen", "label": "seen"} in data["choices"]["presence"]
    assert {"value": "to_restore", "label": "to restore"} in data["choices"]["follow_ups"]
    assert {"value": "storage", "label": "storage"} in data["choices"]["reasons"]


def test_the_slice_speaks_the_tablets_language(api, campaign):
    data = api.get(API + f"campaigns/{campaign.pk}/slice", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert {"value": "good", "label": "bon"} in data["choices"]["condition"]


def test_a_slice_may_be_one_subtree_of_the_campaign(api, campaign, works):
    url = API + f"campaigns/{campaign.pk}/slice"
    data = api.get(url, {"locations": "bx-12"}).json()
    assert [place["code"] for place in data["locations"]] == ["BX-12"]
    assert [work["inventory_number"] for work in data["works"]] == ["2019.1.3"]
    refused = api.get(url, {"locations": "BX-12,S1,NOPE"})
    assert refused.status_code == 400 and refused.json()["field"] == "locations"
    assert "NOPE" in refused.json()["error"] and "S1" in refused.json()["error"]
    assert api.get(API + "campaigns/999999/slice").status_code == 404


def test_the_slice_costs_the_same_queries_for_many_works(
    api, campaign, tree, test_data, django_assert_max_num_queries
):
    person = Person.objects.create(name="Berthe Morisot")
    image = CartelImage.objects.create(title="Hopper", file=image_file(test_data))
    for n in range(50):
        work = Work.objects.create(inventory_number=f"2020.1.{n}", normal_location=tree["shelf_2"])
        WorkMaker.objects.create(work=work, person=person, role="peintre")
        WorkDomain.objects.create(work=work, label="dessin")
        Dimension.objects.create(work=work, kind="width", value=20 + n)
        if n < 5:
            WorkMedia.objects.create(work=work, image=image, is_primary=True)
    url = API + f"campaigns/{campaign.pk}/slice"
    first = api.get(url).json()  # makes the thumbnail once
    with django_assert_max_num_queries(15):
        data = api.get(url).json()
    assert data == {**first, "generated_at": data["generated_at"]}
    assert len(data["works"]) == 50
    thumbnails = [work["thumbnail"] for work in data["works"] if work["thumbnail"]]
    assert len(thumbnails) == 5 and "fill-160x160" in thumbnails[0]
    assert data["works"][0]["makers"] == "Berthe Morisot (peintre)"


# Observations ----------------------------------------------------------------------------------


def test_a_batch_is_recorded_and_replayed_harmlessly(api, campaign, works):
    batch = [
        item("k1", works[0], location_found="res1-e1-t1"),
        {"key": "k2", "found_description": "Cadre sans numéro", "data": {"presence": "seen"}},
        {"key": "k3", "inventory_number": "2019.1.3", "data": {"presence": "missing"}},
    ]
    response = send(api, campaign, batch)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created"] * 3
    assert [r["key"] for r in results] == ["k1", "k2", "k3"]
    assert all(r["error"] is None and r["field"] is None for r in results)
    record = RecolementRecord.objects.get(pk=results[0]["record_id"])
    assert record.work == works[0] and record.location_matches is True
    observation = RecolementObservation.objects.get(key="k1")
    assert observation.device == "tablet-1" and observation.agent.username == "registrar"
    assert observation.observed_at == datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)

    again = send(api, campaign, batch).json()["results"]
    assert [r["status"] for r in again] == ["replayed"] * 3
    assert [r["record_id"] for r in again] == [r["record_id"] for r in results]
    assert RecolementObservation.objects.count() == 3 and RecolementRecord.objects.count() == 3


def test_the_device_defaults_to_the_tablets_name(api, campaign, works):
    api.post(
        API + f"campaigns/{campaign.pk}/observations",
        json.dumps({"observations": [item("d1", works[0])]}),
        content_type="application/json",
    )
    assert RecolementObservation.objects.get().device == "Tablette 1"


def test_a_second_device_that_disagrees_makes_a_conflict(api, campaign, works):
    send(api, campaign, [item("a", works[0])], device="tablet-1")
    result = send(api, campaign, [item("b", works[0], presence="missing")], device="tablet-2")
    assert result.json()["results"][0]["status"] == "conflict"
    record = RecolementRecord.objects.get(work=works[0])
    assert record.has_conflict and record.presence == "seen"


def test_a_bad_item_is_reported_while_the_others_are_recorded(api, campaign, works):
    batch = [
        item("good-1", works[0]),
        item("bad-presence", works[1], presence="maybe"),
        {"key": "bad-ref", "work_ref": "M5062999999", "data": SEEN},
        item("bad-date", works[2]) | {"observed_at": "yesterday"},
        item("bad-place", works[2], location_found="NOPE"),
        {"work_ref": works[2].joconde_ref, "data": SEEN},
        item("good-2", works[2]),
    ]
    results = send(api, campaign, batch).json()["results"]
    assert [(r["status"], r["field"]) for r in results] == [
        ("created", None),
        ("error", "presence"),
        ("error", "work_ref"),
        ("error", "observed_at"),
        ("error", "location_found"),
        ("error", "key"),
        ("created", None),
    ]
    assert "Presence must be one of" in results[1]["error"]
    assert "M5062999999" in results[2]["error"]
    assert results[1]["record_id"] is None
    assert set(RecolementObservation.objects.values_list("key", flat=True)) == {"good-1", "good-2"}


def test_a_batch_is_at_most_500_observations(api, campaign, works):
    response = send(api, campaign, [item(f"k{n}", works[0]) for n in range(501)])
    assert response.status_code == 400 and "500" in response.json()["error"]
    assert not RecolementObservation.objects.exists()


# Photographs -----------------------------------------------------------------------------------


def upload(client, key, observation_key, file):
    return client.post(
        API + "photos", {"key": key, "observation_key": observation_key, "file": file}
    )


def test_a_photograph_joins_its_record_once(api, campaign, works, test_data):
    send(api, campaign, [item("obs-1", works[0])])
    response = upload(api, "photo-1", "obs-1", image_file(test_data))
    assert response.status_code == 201
    data = response.json()
    record = RecolementRecord.objects.get(work=works[0])
    assert data == {"id": data["id"], "key": "photo-1", "record_id": record.pk}
    image = CartelImage.objects.get(pk=data["id"])
    assert list(record.photos.all()) == [image]
    assert image.is_public is False and image.collection.is_root()
    assert image.title == "récolement photo-1" and image.width > 0

    again = upload(api, "photo-1", "obs-1", image_file(test_data))
    assert again.status_code == 200 and again.json() == data
    assert CartelImage.objects.count() == 1


def test_a_photograph_before_its_observation_is_to_retry(api, campaign, works, test_data):
    response = upload(api, "photo-2", "obs-later", image_file(test_data))
    assert response.status_code == 409 and response.json()["retry"] is True
    assert not CartelImage.objects.exists()


def test_a_damaged_photograph_is_refused(api, campaign, works, test_data):
    send(api, campaign, [item("obs-3", works[0])])
    response = upload(
        api, "photo-3", "obs-3", image_file(test_data, "truncated_pillow_truncated-jpeg.jpg")
    )
    assert response.status_code == 400 and response.json()["field"] == "file"
    assert "damaged" in response.json()["error"]
    assert not CartelImage.objects.exists()
