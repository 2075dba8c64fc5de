"""The registrar's JSON API for the tablet: lookups of scanned codes and movements, replayed
safely with an idempotency key, for logged-in staff who may see (and move) works."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from museum_collections.models import CartelImage, Movement, Work, WorkMedia
from museum_collections.services.movements import move
from tests.conftest import verified_login

from .places import store_tree

pytestmark = pytest.mark.django_db

API = "/api/registrar/"
JANUARY = timezone.make_aware(datetime.datetime(2026, 1, 5, 10))


@pytest.fixture
def tree(museofile):
    return store_tree()


@pytest.fixture
def work(tree):
    work = Work.objects.create(
        inventory_number="2019.1.1", title="Portrait de femme", normal_location=tree["shelf_2"]
    )
    move(work, tree["shelf_1"], reason=Movement.Reason.STORAGE, moved_at=JANUARY)
    return work


def as_user(user, **options) -> Client:
    client = Client(**options)
    verified_login(client, user)
    return client


@pytest.fixture
def registrar(make_user):
    return as_user(make_user("Registrar"))


def post(client, payload, **headers):
    return client.post(
        API + "movements", json.dumps(payload), content_type="application/json", headers=headers
    )


# Lookups -----------------------------------------------------------------------------------


def test_looking_up_a_work(registrar, work, tree):
    response = registrar.get(API + f"lookup/{work.joconde_ref}")
    assert response.status_code == 200
    assert response.json() == {
        "type": "work",
        "code": work.joconde_ref,
        "label": "2019.1.1 — Portrait de femme",
        "ref": work.joconde_ref,
        "inventory_number": "2019.1.1",
        "title": "Portrait de femme",
        "designation": "Portrait de femme",
        "thumbnail": None,
        "current_location": {"code": "RES1-E1-T1", "full_name": tree["shelf_1"].full_name},
        "normal_location": {"code": "RES1-E1-T2", "full_name": tree["shelf_2"].full_name},
    }
    assert registrar.get(API + "lookup/2019.1.1").json()["ref"] == work.joconde_ref


def test_a_work_with_a_primary_image_has_a_thumbnail(registrar, work, test_data):
    name = "exif-orientation-6_pillow_hopper.jpg"
    image = CartelImage.objects.create(
        title="Hopper",
        file=SimpleUploadedFile(name, (test_data / "images" / name).read_bytes()),
    )
    WorkMedia.objects.create(work=work, image=image, is_primary=True)
    thumbnail = registrar.get(API + f"lookup/{work.joconde_ref}").json()["thumbnail"]
    assert thumbnail.startswith("http://testserver/media/images/") and "200x200" in thumbnail


def test_looking_up_a_location(registrar, work, tree):
    Work.objects.create(inventory_number="2019.1.5", title="Pas encore rangé")  # nowhere
    data = registrar.get(API + "lookup/res1-e1-t1").json()
    assert data == {
        "type": "location",
        "code": "RES1-E1-T1",
        "label": tree["shelf_1"].full_name,
        "name": "Tablette 1",
        "kind": "shelf",
        "full_name": tree["shelf_1"].full_name,
        "parent": "RES1-E1",
        "is_container": False,
        "is_active": True,
        "works": [
            {
                "ref": work.joconde_ref,
                "inventory_number": "2019.1.1",
                "designation": "Portrait de femme",
            }
        ],
        "works_count": 1,
        "works_truncated": False,
        "locations": [{"code": "BX-12", "name": "Boîte 12", "kind": "box"}],
    }
    box = registrar.get(API + "lookup/BX-12").json()
    assert box["is_container"] is True and box["works"] == [] and box["locations"] == []


def test_an_unknown_code_is_a_404_naming_it(registrar, tree):
    response = registrar.get(API + "lookup/ZZ-9")
    assert response.status_code == 404
    assert response.json() == {
        "error": "No work and no location has the code ZZ-9.",
        "field": "code",
    }


def test_lookups_are_for_staff_who_may_see_locations(work, make_user):
    url = API + f"lookup/{work.joconde_ref}"
    anonymous = Client().get(url)
    assert anonymous.status_code == 401 and anonymous.json()["login_url"] == "/admin/login/"
    for role in ("Researcher", "Documentalist"):
        response = as_user(make_user(role)).get(url)
        assert response.status_code == 403 and "error" in response.json()
    assert as_user(make_user("Curator")).get(url).status_code == 200


def test_the_index_says_what_the_user_may_do(registrar, make_user):
    data = registrar.get(API).json()
    assert data["can_move"] is True
    assert {"value": "storage", "label": "storage"} in data["reasons"]
    assert "container" not in {r["value"] for r in data["reasons"]}
    assert as_user(make_user("Curator")).get(API).json()["can_move"] is False


# Movements ---------------------------------------------------------------------------------


def test_a_movement_moves_the_work_once_even_when_replayed(registrar, work, tree):
    payload = {
        "subject": work.joconde_ref,
        "to": "s1",
        "reason": "display",
        "moved_at": "2026-03-01T14:30:00+01:00",
        "note": "Accrochage",
        "idempotency_key": "tablet-7-0001",
    }
    first = post(registrar, payload)
    assert first.status_code == 201
    data = first.json()
    assert data == {
        "id": data["id"],
        "subject": work.joconde_ref,
        "subject_type": "work",
        "from": {"code": "RES1-E1-T1", "full_name": tree["shelf_1"].full_name},
        "to": {"code": "S1", "full_name": "Musée départemental › Salle 1"},
        "moved_at": "2026-03-01T14:30:00+01:00",  # Paris time
        "reason": "display",
        "status": "done",
        "carried": 0,
    }
    movement = Movement.objects.get(pk=data["id"])
    assert movement.note == "Accrochage" and movement.moved_by.username == "registrar"
    work.refresh_from_db()
    assert work.current_location.location == tree["gallery"]

    count = Movement.objects.count()
    again = post(registrar, payload)
    assert again.status_code == 200 and again.json() == data
    assert Movement.objects.count() == count


def test_the_key_may_come_as_a_header_and_a_reused_key_is_refused(registrar, work, tree):
    payload = {"subject": "2019.1.1", "to": "RES1-E1-T2", "reason": "storage"}
    first = post(registrar, payload, **{"Idempotency-Key": "tablet-7-0002"})
    assert first.status_code == 201
    again = post(registrar, payload, **{"Idempotency-Key": "tablet-7-0002"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = post(registrar, {**payload, "to": "S1"}, **{"Idempotency-Key": "tablet-7-0002"})
    assert other.status_code == 409 and other.json()["field"] == "idempotency_key"
    assert work.movements.count() == 2  # the first placement and this one


def test_moving_a_box_carries_the_works_inside(registrar, tree):
    works = [Work.objects.create(inventory_number=f"2019.2.{i}") for i in (1, 2)]
    for work in works:
        move(work, tree["box"], reason=Movement.Reason.PACKING)
    response = post(
        registrar,
        {"subject": "BX-12", "to": "RES1-E1-T2", "reason": "storage", "idempotency_key": "k-box"},
    )
    assert response.status_code == 201
    data = response.json()
    assert data["subject"] == "BX-12" and data["subject_type"] == "location"
    assert data["carried"] == 2
    assert data["from"]["code"] == "RES1-E1-T1" and data["to"]["code"] == "RES1-E1-T2"
    tree["box"].refresh_from_db()
    assert tree["box"].parent == tree["shelf_2"]


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"reason": "holiday"}, "reason", "reason must be one of: display, storage"),
        ({"reason": "container"}, "reason", "reason must be one of"),
        ({"subject": "NOPE-1"}, "subject", "no work and no location has the code NOPE-1"),
        ({"to": "NOPE-2"}, "to", "NOPE-2 is not a location code"),
        ({"to": "2019.1.1"}, "to", "is not a location code"),
        ({"idempotency_key": ""}, "idempotency_key", "idempotency_key is required"),
        ({"idempotency_key": "k" * 101}, "idempotency_key", "longer than 100"),
        ({"moved_at": "yesterday"}, "moved_at", "ISO-8601"),
    ],
)
def test_a_bad_request_names_the_field(registrar, work, change, field, words):
    payload = {"subject": work.joconde_ref, "to": "S1", "reason": "display", "idempotency_key": "k"}
    count = Movement.objects.count()
    response = post(registrar, {**payload, **change})
    assert response.status_code == 400
    assert response.json()["field"] == field and words in response.json()["error"]
    assert Movement.objects.count() == count


def test_a_move_the_service_refuses_is_a_400_with_its_message(registrar, tree):
    tree["shelf_2"].is_active = False
    tree["shelf_2"].save()
    response = post(
        registrar,
        {"subject": "BX-12", "to": "RES1-E1-T2", "reason": "storage", "idempotency_key": "x"},
    )
    assert response.status_code == 400 and "no longer in use" in response.json()["error"]
    response = post(
        registrar, {"subject": "BX-12", "to": "BX-12", "reason": "storage", "idempotency_key": "y"}
    )
    assert response.status_code == 400 and "inside itself" in response.json()["error"]
    assert not Movement.objects.exists()


def test_not_json_is_a_400(registrar, tree):
    response = registrar.post(API + "movements", "subject=BX-12", content_type="text/plain")
    assert response.status_code == 400 and "JSON" in response.json()["error"]


def test_only_users_who_may_move_works_record_movements(work, make_user):
    payload = {"subject": work.joconde_ref, "to": "S1", "reason": "display", "idempotency_key": "k"}
    assert post(as_user(make_user("Curator")), payload).status_code == 403
    assert post(as_user(make_user("Researcher")), payload).status_code == 403
    assert post(Client(), payload).status_code in (401, 403)
    assert post(as_user(make_user("Photographer")), payload).status_code == 201


def test_posts_need_the_csrf_token(work, make_user):
    client = as_user(make_user("Registrar"), enforce_csrf_checks=True)
    payload = {"subject": work.joconde_ref, "to": "S1", "reason": "display", "idempotency_key": "c"}
    assert post(client, payload).status_code == 403
    assert work.movements.count() == 1
    token = client.get(API).cookies["csrftoken"].value  # the index sets the cookie
    assert post(client, payload, **{"X-CSRFToken": token}).status_code == 201
