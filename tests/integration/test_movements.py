"""Locations and movements: the current location follows the movements, containers carry what
they hold, movements are never rewritten."""

import datetime
import random

import pytest
from django.utils import timezone

from museum_collections.models import (
    CurrentLocation,
    Location,
    Movement,
    ProtectedRecordError,
    Work,
)
from museum_collections.services import movements
from museum_collections.services.movements import MoveError, move

pytestmark = pytest.mark.django_db

Kind = Location.Kind
Reason = Movement.Reason


def place(code, kind, parent=None, name=None):
    return Location.objects.create(code=code, name=name or code, kind=kind, parent=parent)


@pytest.fixture
def tree():
    site = place("MD", Kind.SITE, name="Musée départemental")
    store = place("RES", Kind.BUILDING, site, "Réserves")
    room = place("RES1", Kind.ROOM, store, "Réserve 1")
    rack = place("RES1-E1", Kind.STORAGE_UNIT, room, "Rayonnage 1")
    shelf_1 = place("RES1-E1-T1", Kind.SHELF, rack, "Tablette 1")
    shelf_2 = place("RES1-E1-T2", Kind.SHELF, rack, "Tablette 2")
    gallery = place("S1", Kind.ROOM, site, "Salle 1")
    return {
        "site": site,
        "room": room,
        "shelf_1": shelf_1,
        "shelf_2": shelf_2,
        "gallery": gallery,
        "rack": rack,
    }


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime(2026, 1, day, hour))


def test_full_names_and_paths_follow_the_tree(tree):
    assert tree["shelf_1"].full_name == (
        "Musée départemental › Réserves › Réserve 1 › Rayonnage 1 › Tablette 1"
    )
    assert list(Location.objects.subtree(tree["rack"]).values_list("code", flat=True)) == [
        "RES1-E1",
        "RES1-E1-T1",
        "RES1-E1-T2",
    ]
    tree["room"].name = "Réserve des peintures"
    tree["room"].save()
    tree["shelf_1"].refresh_from_db()
    assert "Réserve des peintures › Rayonnage 1 › Tablette 1" in tree["shelf_1"].full_name


def test_codes_never_change_and_never_look_like_a_ref(tree):
    shelf = Location.objects.get(code="RES1-E1-T1")
    shelf.code = "X"
    with pytest.raises(ProtectedRecordError, match="never changes"):
        shelf.save()
    bad = Location(code="M5062000001", name="x", kind=Kind.BOX)
    with pytest.raises(Exception, match="Joconde REF"):
        bad.full_clean()


def test_a_location_is_never_reparented_by_hand_nor_deleted(tree):
    shelf = Location.objects.get(code="RES1-E1-T1")
    shelf.parent = tree["gallery"]
    with pytest.raises(ProtectedRecordError, match="Move"):
        shelf.save()
    with pytest.raises(ProtectedRecordError, match="no longer in use"):
        shelf.delete()


def test_the_current_location_is_the_last_movement_done_in_any_order(tree):
    work = Work.objects.create(inventory_number="2019.1.1")
    move(work, tree["shelf_1"], reason=Reason.STORAGE, moved_at=at(1))
    move(work, tree["gallery"], reason=Reason.DISPLAY, moved_at=at(10))
    late = move(work, tree["shelf_2"], reason=Reason.STORAGE, moved_at=at(5))  # recorded late
    assert work.current_location.location == tree["gallery"]
    assert late.from_location == tree["shelf_1"]  # where it was on the 5th
    planned = move(work, tree["shelf_2"], reason=Reason.STORAGE, moved_at=at(20), planned=True)
    work.refresh_from_db()
    assert CurrentLocation.objects.get(work=work).location == tree["gallery"]
    movements.complete(planned, moved_at=at(21))
    assert CurrentLocation.objects.get(work=work).location == tree["shelf_2"]


def test_random_sequences_of_moves_always_give_the_derived_location(tree):
    rng = random.Random(4)
    places = [tree["shelf_1"], tree["shelf_2"], tree["gallery"], tree["room"]]
    works = [Work.objects.create(inventory_number=f"2019.2.{i}") for i in range(1, 6)]
    box = place("BOX-1", Kind.BOX, tree["shelf_1"])
    places.append(box)
    for _step in range(60):
        if rng.random() < 0.2:
            move(
                box,
                rng.choice([tree["shelf_1"], tree["shelf_2"], tree["gallery"]]),
                reason=Reason.STORAGE,
                moved_at=at(rng.randint(1, 28), rng.randint(0, 23)),
            )
        else:
            move(
                rng.choice(works),
                rng.choice(places),
                reason=Reason.STORAGE,
                moved_at=at(rng.randint(1, 28), rng.randint(0, 23)),
            )
    for work in works:
        expected = movements.current_location_of(work)
        stored = CurrentLocation.objects.filter(work=work).first()
        assert (stored.location if stored else None) == expected


def test_moving_nested_boxes_moves_everything_inside_in_one_go(tree, make_user):
    crate = place("CR-1", Kind.CRATE, tree["shelf_1"], "Caisse 1")
    box = place("BX-1", Kind.BOX, crate, "Boîte 1")
    inner = place("BX-1-A", Kind.BOX, box, "Pochette A")
    works = [Work.objects.create(inventory_number=f"2019.3.{i}") for i in range(1, 5)]
    for work, where in zip(works, (crate, box, inner, tree["shelf_1"]), strict=True):
        move(work, where, reason=Reason.PACKING, moved_at=at(1))
    user = make_user("Registrar")

    carrier = move(crate, tree["shelf_2"], reason=Reason.STORAGE, user=user, moved_at=at(2))

    assert carrier.container == crate and carrier.to_location == tree["shelf_2"]
    carried = Movement.objects.filter(carried_by=carrier)
    assert sorted(m.work.inventory_number for m in carried) == ["2019.3.1", "2019.3.2", "2019.3.3"]
    inner_move = carried.get(work=works[2])
    assert inner_move.from_label.endswith("Tablette 1 › Caisse 1 › Boîte 1 › Pochette A")
    assert inner_move.to_label.endswith("Tablette 2 › Caisse 1 › Boîte 1 › Pochette A")
    inner.refresh_from_db()
    assert inner.is_inside(tree["shelf_2"])
    assert works[3].current_location.location == tree["shelf_1"]  # not in the crate: stays
    assert CurrentLocation.objects.get(work=works[2]).location == inner


def test_a_location_cannot_go_inside_itself_nor_to_a_closed_place(tree):
    box = place("BX-2", Kind.BOX, tree["shelf_1"])
    inner = place("BX-2-A", Kind.BOX, box)
    with pytest.raises(MoveError, match="inside itself"):
        move(box, inner, reason=Reason.STORAGE)
    tree["shelf_2"].is_active = False
    tree["shelf_2"].save()
    with pytest.raises(MoveError, match="no longer in use"):
        move(box, tree["shelf_2"], reason=Reason.STORAGE)
    with pytest.raises(MoveError, match="do not move"):
        move(tree["site"], tree["gallery"], reason=Reason.STORAGE)


def test_movements_are_append_only_and_corrected_by_another(tree):
    work = Work.objects.create(inventory_number="2019.4.1")
    wrong = move(work, tree["shelf_1"], reason=Reason.STORAGE, moved_at=at(1))
    wrong.to_location = tree["shelf_2"]
    with pytest.raises(ProtectedRecordError, match="correct"):
        wrong.save()
    with pytest.raises(ProtectedRecordError):
        wrong.delete()
    with pytest.raises(ProtectedRecordError):
        Movement.objects.filter(pk=wrong.pk).update(to_location=tree["shelf_2"])
    fix = movements.correct(Movement.objects.get(pk=wrong.pk), tree["shelf_2"], note="Erreur")
    assert fix.corrects_id == wrong.pk and fix.from_location == tree["shelf_1"]
    assert work.movements.count() == 2
    assert CurrentLocation.objects.get(work=work).location == tree["shelf_2"]


def test_a_replayed_request_moves_nothing_twice(tree):
    work = Work.objects.create(inventory_number="2019.5.1")
    first = move(work, tree["gallery"], reason=Reason.DISPLAY, idempotency_key="tablet-1-42")
    again = move(work, tree["gallery"], reason=Reason.DISPLAY, idempotency_key="tablet-1-42")
    assert again.pk == first.pk and work.movements.count() == 1


def test_placing_many_works_at_once_writes_one_movement_each(tree):
    works = [Work.objects.create(inventory_number=f"2019.6.{i}") for i in range(1, 6)]
    move(works[0], tree["gallery"], reason=Reason.DISPLAY, moved_at=at(20))  # a later move
    count = movements.place_works(
        [(w, tree["shelf_1"]) for w in works], reason=Reason.STORAGE, moved_at=at(2)
    )
    assert count == 5 and Movement.objects.filter(reason=Reason.STORAGE).count() == 5
    assert CurrentLocation.objects.get(work=works[0]).location == tree["gallery"]
    assert {CurrentLocation.objects.get(work=w).location for w in works[1:]} == {tree["shelf_1"]}
    for work in works:
        assert CurrentLocation.objects.get(work=work).location == movements.current_location_of(
            work
        )
