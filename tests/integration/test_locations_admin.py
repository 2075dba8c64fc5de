"""Locations and movements in the Wagtail admin: the tree built through the admin's forms, the
Move forms (a box with what it holds, a work), planned movements marked done or cancelled,
corrections, the Work pages' locations, and roles: locations are private."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from museum_collections.models import CurrentLocation, Location, Movement, Work
from museum_collections.services.movements import move
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

Kind = Location.Kind
Reason = Movement.Reason


def url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def move_url(subject):
    view = "move" if isinstance(subject, Location) else "move_work"
    return url(Location, view, subject.pk)


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with its 'no permission' redirect."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def place(code, kind, parent=None, name=None, **extra):
    return Location.objects.create(code=code, name=name or code, kind=kind, parent=parent, **extra)


def day(n, hour=12):
    return timezone.make_aware(datetime.datetime(2026, 1, n, hour))


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def logged(instance, action):
    return ModelLogEntry.objects.filter(object_id=str(instance.pk), action=action)


@pytest.fixture
def registrar(client, make_user):
    verified_login(client, make_user("Registrar", first_name="Anne", last_name="Martin"))
    return client


@pytest.fixture
def tree():
    site = place("MD", Kind.SITE, name="Musée départemental")
    store = place("RES", Kind.BUILDING, site, "Réserves")
    room = place("RES1", Kind.ROOM, store, "Réserve secrète")
    shelf_1 = place("RES1-T1", Kind.SHELF, room, "Tablette 1")
    shelf_2 = place("RES1-T2", Kind.SHELF, room, "Tablette 2")
    gallery = place("S1", Kind.ROOM, site, "Salle 1", is_display=True)
    return {
        "site": site,
        "store": store,
        "room": room,
        "shelf_1": shelf_1,
        "shelf_2": shelf_2,
        "gallery": gallery,
    }


@pytest.fixture
def work(tree):
    work = Work.objects.create(
        inventory_number="2019.1.1", title="Les Muses", normal_location=tree["shelf_1"]
    )
    move(work, tree["shelf_1"], reason=Reason.STORAGE, moved_at=day(1))
    return work


def test_a_location_tree_is_built_through_the_admin(registrar):
    def add(**data):
        response = registrar.post(url(Location, "add"), {"is_active": "on", **data})
        assert response.status_code == 302, response.context and response.context["form"].errors
        return Location.objects.get(code=data["code"].upper())

    site = add(code="MD", name="Musée départemental", kind="site")
    room = add(code="res1", name="Réserve 1", kind="room", parent=site.pk)
    add(code="RES1-T1", name="Tablette 1", kind="shelf", parent=room.pk, notes="fragile")
    shelf = Location.objects.get(code="RES1-T1")
    assert shelf.full_name == "Musée départemental › Réserve 1 › Tablette 1"
    assert (shelf.parent, shelf.depth, shelf.notes) == (room, 2, "fragile")
    response = registrar.post(url(Location, "add"), {"code": "M5062000001", "name": "x"})
    assert response.status_code == 200 and "code" in response.context["form"].errors

    listing = registrar.get(url(Location, "list"))
    assert [loc.code for loc in listing.context["object_list"]] == ["MD", "RES1", "RES1-T1"]
    assert "Musée départemental › Réserve 1 › Tablette 1" in listing.content.decode()
    inside = registrar.get(url(Location, "list"), {"inside": room.pk})
    assert [loc.code for loc in inside.context["object_list"]] == ["RES1", "RES1-T1"]
    rooms = registrar.get(url(Location, "list"), {"kind": "room"})
    assert [loc.code for loc in rooms.context["object_list"]] == ["RES1"]
    found = registrar.get(url(Location, "list"), {"q": "tablette"})
    assert [loc.code for loc in found.context["object_list"]] == ["RES1-T1"]


def test_the_location_listing_counts_the_works_inside(registrar, tree, work):
    other = Work.objects.create(inventory_number="2019.1.2")
    move(other, tree["gallery"], reason=Reason.DISPLAY)
    listing = registrar.get(url(Location, "list"))
    counts = {loc.code: loc.works_inside for loc in listing.context["object_list"]}
    assert counts == {"MD": 2, "RES": 1, "RES1": 1, "RES1-T1": 1, "RES1-T2": 0, "S1": 1}
    unused = registrar.get(url(Location, "list"), {"is_active": "false"})
    assert list(unused.context["object_list"]) == []


def test_code_and_parent_cannot_be_changed_by_posting_the_edit_form(registrar, tree):
    shelf = tree["shelf_1"]
    page = registrar.get(url(Location, "edit", shelf.pk))
    form = page.context["form"]
    assert form.fields["code"].disabled and form.fields["parent"].disabled
    assert "Use Move to move it" in page.content.decode()
    data = {
        "code": "HACKED",
        "name": "Tablette haute",
        "kind": "shelf",
        "parent": tree["gallery"].pk,
        "is_active": "on",
    }
    response = registrar.post(url(Location, "edit", shelf.pk), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    shelf.refresh_from_db()
    assert (shelf.code, shelf.parent, shelf.name) == ("RES1-T1", tree["room"], "Tablette haute")
    assert shelf.full_name.endswith("Réserve secrète › Tablette haute")
    # nobody deletes a location, not even a superuser
    assert refused(registrar.post(url(Location, "delete", shelf.pk)))
    assert Location.objects.filter(pk=shelf.pk).exists()


def test_moving_a_box_through_the_move_form_carries_its_works(registrar, tree):
    box = place("BOX-7", Kind.BOX, tree["shelf_1"], "Boîte 7")
    works = [Work.objects.create(inventory_number=f"2019.2.{n}") for n in (1, 2)]
    for work in works:
        move(work, box, reason=Reason.STORAGE, moved_at=day(1))
    page = registrar.get(move_url(box))
    assert page.status_code == 200
    assert "Everything inside BOX-7 moves with it" in page.content.decode()
    assert "planned" not in page.context["form"].fields

    response = registrar.post(
        move_url(box),
        {"to": tree["shelf_2"].pk, "reason": "storage", "moved_at": when(day(3)), "note": "x"},
    )
    assert response.status_code == 302
    box.refresh_from_db()
    assert box.parent == tree["shelf_2"]
    assert box.full_name.endswith("Tablette 2 › Boîte 7")
    carrier = Movement.objects.get(container=box)
    assert (carrier.from_location, carrier.moved_by_name) == (tree["shelf_1"], "Anne Martin")
    assert logged(box, "cartel.move").get().data["carried"] == 2

    listing = registrar.get(response["Location"])  # the movements of the box and its works
    movements = list(listing.context["object_list"])
    assert len(movements) == 3 + 2  # the move of the box, its works carried, their arrival
    carried = [m for m in movements if m.carried_by_id == carrier.pk]
    assert sorted(m.work.inventory_number for m in carried) == ["2019.2.1", "2019.2.2"]
    assert all("Tablette 2 › Boîte 7" in m.to_label for m in carried)
    messages = [str(m) for m in listing.context["messages"]]
    assert any("with 2 works inside it" in m for m in messages)

    inspect = registrar.get(url(Work, "inspect", works[0].pk)).content.decode()
    assert "with container BOX-7" in inspect


def test_a_location_cannot_move_into_itself_and_sites_do_not_move(registrar, tree):
    response = registrar.post(
        move_url(tree["room"]),
        {"to": tree["shelf_1"].pk, "reason": "storage", "moved_at": when(day(3))},
    )
    assert response.status_code == 200
    assert "cannot go inside itself" in str(response.context["form"].non_field_errors())
    response = registrar.get(move_url(tree["site"]))
    assert response.status_code == 302  # refused, with the reason
    assert not Movement.objects.exists()


def test_moving_a_work(registrar, tree, work):
    page = registrar.get(url(Work, "edit", work.pk)).content.decode()
    assert move_url(work) in page
    response = registrar.post(
        move_url(work),
        {"to": tree["gallery"].pk, "reason": "display", "moved_at": when(day(5))},
    )
    assert response.status_code == 302 and response["Location"] == url(Work, "edit", work.pk)
    assert CurrentLocation.objects.get(work=work).location == tree["gallery"]
    assert logged(work, "cartel.move").get().data["to"] == "S1"

    Location.objects.filter(pk=tree["shelf_2"].pk).update(is_active=False)
    response = registrar.post(
        move_url(work), {"to": tree["shelf_2"].pk, "reason": "storage", "moved_at": when(day(6))}
    )
    assert response.status_code == 200
    assert "no longer in use" in str(response.context["form"].non_field_errors())
    future = timezone.now() + datetime.timedelta(days=3)
    response = registrar.post(
        move_url(work), {"to": tree["shelf_1"].pk, "reason": "storage", "moved_at": when(future)}
    )
    assert response.status_code == 200 and "Planned" in str(response.context["form"].errors)
    assert CurrentLocation.objects.get(work=work).location == tree["gallery"]


def test_a_planned_movement_is_marked_done_or_cancelled(registrar, tree, work):
    future = timezone.now() + datetime.timedelta(days=3)
    data = {"to": tree["gallery"].pk, "reason": "display", "moved_at": when(future)}
    assert registrar.post(move_url(work), data | {"planned": "on"}).status_code == 302
    planned = Movement.objects.get(status="planned")
    assert CurrentLocation.objects.get(work=work).location == tree["shelf_1"]

    listing = registrar.get(url(Movement, "list"), {"status": "planned"}).content.decode()
    assert url(Movement, "complete", planned.pk) in listing
    assert url(Movement, "cancel", planned.pk) in listing
    assert url(Movement, "correct", planned.pk) not in listing
    assert registrar.get(url(Movement, "complete", planned.pk)).status_code == 200
    response = registrar.post(url(Movement, "complete", planned.pk), {"moved_at": when(day(9))})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.status, planned.moved_at) == ("done", day(9))
    assert CurrentLocation.objects.get(work=work).location == tree["gallery"]
    assert logged(work, "cartel.move.complete").exists()
    # done: neither done again nor cancelled
    assert registrar.post(url(Movement, "cancel", planned.pk)).status_code == 302
    assert Movement.objects.get(pk=planned.pk).status == "done"

    again = move(work, tree["shelf_2"], reason=Reason.STORAGE, moved_at=future, planned=True)
    assert registrar.post(url(Movement, "cancel", again.pk)).status_code == 302
    assert Movement.objects.get(pk=again.pk).status == "cancelled"
    assert CurrentLocation.objects.get(work=work).location == tree["gallery"]


def test_a_wrong_movement_is_corrected_and_the_history_shows_both(registrar, tree, work):
    wrong = move(work, tree["gallery"], reason=Reason.DISPLAY, moved_at=day(2))
    page = registrar.get(url(Movement, "correct", wrong.pk))
    assert page.status_code == 200
    response = registrar.post(
        url(Movement, "correct", wrong.pk), {"to": tree["shelf_2"].pk, "note": "mauvaise salle"}
    )
    assert response.status_code == 302
    assert response["Location"] == url(Work, "inspect", work.pk)
    fix = Movement.objects.get(corrects=wrong)
    assert (fix.reason, fix.to_location, fix.note) == (
        "correction",
        tree["shelf_2"],
        "mauvaise salle",
    )
    assert CurrentLocation.objects.get(work=work).location == tree["shelf_2"]
    assert logged(work, "cartel.move.correct").exists()

    history = registrar.get(response["Location"])
    page = history.content.decode()
    assert "Location history" in page
    assert "Musée départemental › Salle 1" in page  # the wrong movement stays
    assert "corrects the movement of" in page and "mauvaise salle" in page
    listing = registrar.get(url(Movement, "list"), {"work": work.pk})
    assert [m.pk for m in listing.context["object_list"]] == [
        fix.pk,
        wrong.pk,
        work.movements.earliest("moved_at").pk,
    ]


def test_the_movements_listing_filters(registrar, tree, work):
    other = Work.objects.create(inventory_number="2019.1.2")
    move(other, tree["gallery"], reason=Reason.DISPLAY, moved_at=day(10))

    def listing(**params):
        response = registrar.get(url(Movement, "list"), params)
        assert response.status_code == 200
        return sorted(m.work.inventory_number for m in response.context["object_list"])

    assert listing() == ["2019.1.1", "2019.1.2"]
    assert listing(reason="display") == ["2019.1.2"]
    assert listing(moved_at_from="2026-01-05", moved_at_to="2026-01-31") == ["2019.1.2"]
    assert listing(location=tree["room"].pk) == ["2019.1.1"]
    assert listing(work=other.pk) == ["2019.1.2"]
    assert listing(q="2019.1.1") == ["2019.1.1"]
    # nothing is added, edited or deleted here
    movement = other.movements.get()
    assert refused(registrar.get(url(Movement, "add")))
    assert refused(registrar.get(url(Movement, "edit", movement.pk)))
    assert refused(registrar.post(url(Movement, "delete", movement.pk)))
    assert registrar.get(url(Movement, "inspect", movement.pk)).status_code == 200


def test_the_work_pages_show_where_the_work_is(registrar, tree, work):
    move(work, tree["gallery"], reason=Reason.DISPLAY, moved_at=day(3))
    listing = registrar.get(url(Work, "list")).content.decode()
    assert "Current location" in listing and "Musée départemental › Salle 1" in listing
    edit = registrar.get(url(Work, "edit", work.pk))
    assert "normal_location" in edit.context["form"].fields
    inspect = registrar.get(url(Work, "inspect", work.pk)).content.decode()
    assert "Location history" in inspect and "Tablette 1" in inspect  # normal location

    data = {"normal_location": tree["shelf_2"].pk}
    from .test_admin import work_form_data

    response = registrar.post(url(Work, "edit", work.pk), work_form_data(title="Les Muses", **data))
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.normal_location == tree["shelf_2"]


def test_the_work_listing_filters_by_location_and_away(registrar, tree, work):
    at_home = Work.objects.create(inventory_number="2019.1.2", normal_location=tree["room"])
    move(at_home, tree["shelf_2"], reason=Reason.STORAGE)  # inside its normal location
    away = Work.objects.create(inventory_number="2019.1.3", normal_location=tree["shelf_2"])
    move(away, tree["gallery"], reason=Reason.DISPLAY)
    Work.objects.create(inventory_number="2019.1.4")  # nowhere known

    def listing(**params):
        response = registrar.get(url(Work, "list"), params)
        return [w.inventory_number for w in response.context["object_list"]]

    assert listing(location=tree["room"].pk) == ["2019.1.1", "2019.1.2"]
    assert listing(location=tree["gallery"].pk) == ["2019.1.3"]
    assert listing(away="true") == ["2019.1.3"]
    assert listing(away="false") == ["2019.1.1", "2019.1.2"]


def test_the_work_listing_reads_the_current_locations_in_bounded_queries(
    registrar, tree, django_assert_max_num_queries
):
    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            response = registrar.get(url(Work, "list"))
        assert response.status_code == 200
        return response, len(queries)

    first = Work.objects.create(inventory_number="2020.1.0")
    move(first, tree["shelf_1"], reason=Reason.STORAGE)
    page_queries()  # warms the caches (permissions, site…)
    _page, with_one = page_queries()
    for n in range(1, 30):
        work = Work.objects.create(inventory_number=f"2020.1.{n}")
        move(work, tree["shelf_2" if n % 2 else "gallery"], reason=Reason.STORAGE)
    with django_assert_max_num_queries(with_one):
        page = registrar.get(url(Work, "list"))
    assert len(page.context["object_list"]) == Work.snippet_viewset.list_per_page
    body = page.content.decode()
    assert body.count("Musée départemental › Réserves › Réserve secrète › Tablette 2") >= 10


@pytest.mark.parametrize("role", ["Researcher", "Documentalist"])
def test_researchers_and_documentalists_see_no_location_anywhere(client, make_user, role, tree):
    work = Work.objects.create(
        inventory_number="2019.1.1", title="Les Muses", normal_location=tree["shelf_1"]
    )
    movement = move(work, tree["gallery"], reason=Reason.DISPLAY)
    client.force_login(make_user(role))
    secrets = ("Salle 1", "Tablette 1", "Réserve secrète", "Current location", "Location")

    listing = client.get(url(Work, "list"), {"location": tree["room"].pk, "away": "true"})
    assert [w.inventory_number for w in listing.context["object_list"]] == ["2019.1.1"]
    assert not {"location", "away"} & set(listing.context["filters"].form.fields)
    inspect = client.get(url(Work, "inspect", work.pk))
    assert inspect.status_code == 200
    pages = [listing, inspect]
    if role == "Documentalist":
        edit = client.get(url(Work, "edit", work.pk))
        assert edit.status_code == 200
        assert "normal_location" not in edit.context["form"].fields
        pages.append(edit)
    for page in pages:
        body = page.content.decode()
        assert not [secret for secret in secrets if secret in body], page.request["PATH_INFO"]

    for refused_url in (
        url(Location, "list"),
        url(Location, "inspect", tree["shelf_1"].pk),
        url(Location, "history", tree["shelf_1"].pk),
        url(Location, "usage", tree["shelf_1"].pk),
        url(Movement, "list"),
        url(Movement, "inspect", movement.pk),
        url(Movement, "history", movement.pk),
        move_url(work),
        reverse(Location.snippet_viewset.chooser_viewset.get_url_name("choose")),
        reverse(Movement.snippet_viewset.chooser_viewset.get_url_name("choose")),
    ):
        assert refused(client.get(refused_url)), refused_url


def test_a_documentalist_saving_a_work_keeps_its_normal_location(client, make_user, tree, work):
    from .test_admin import work_form_data

    client.force_login(make_user("Documentalist"))
    data = work_form_data(title="Les Muses revues", normal_location=tree["gallery"].pk)
    assert client.post(url(Work, "edit", work.pk), data).status_code == 302
    work.refresh_from_db()
    assert (work.title, work.normal_location) == ("Les Muses revues", tree["shelf_1"])


def test_a_photographer_moves_works_and_a_curator_only_looks(client, make_user, tree, work):
    client.force_login(make_user("Photographer"))
    listing = client.get(url(Work, "list")).content.decode()
    assert move_url(work) in listing and "Tablette 1" in listing
    assert client.get(url(Location, "list")).status_code == 200
    assert refused(client.get(url(Location, "add")))
    response = client.post(
        move_url(work), {"to": tree["gallery"].pk, "reason": "photography", "moved_at": ""}
    )
    assert response.status_code == 200  # the date is required
    now = when(timezone.now())
    response = client.post(
        move_url(work), {"to": tree["gallery"].pk, "reason": "photography", "moved_at": now}
    )
    assert response.status_code == 302
    assert response["Location"] == url(Work, "inspect", work.pk)  # photographers do not edit
    assert CurrentLocation.objects.get(work=work).location == tree["gallery"]

    client.force_login(make_user("Curator"))
    assert client.get(url(Location, "list")).status_code == 200
    assert "Location history" in client.get(url(Work, "inspect", work.pk)).content.decode()
    assert refused(client.get(move_url(work)))
    assert refused(client.get(move_url(tree["shelf_1"])))
    chooser = reverse(Location.snippet_viewset.chooser_viewset.get_url_name("choose"))
    assert client.get(chooser, {"q": "tablette"}).status_code == 200
