"""Helpers shared by the scan, label and registrar API tests: a small tree of locations."""

from museum_collections.models import Location

Kind = Location.Kind


def place(code, kind, parent=None, name=None, **extra) -> Location:
    return Location.objects.create(code=code, name=name or code, kind=kind, parent=parent, **extra)


def store_tree() -> dict[str, Location]:
    """Site › Réserves › Réserve 1 › Rayonnage 1 › Tablettes 1 and 2, a box on shelf 1, a room."""
    site = place("MD", Kind.SITE, name="Musée départemental")
    store = place("RES", Kind.BUILDING, site, "Réserves")
    room = place("RES1", Kind.ROOM, store, "Réserve 1")
    rack = place("RES1-E1", Kind.STORAGE_UNIT, room, "Rayonnage 1")
    shelf_1 = place("RES1-E1-T1", Kind.SHELF, rack, "Tablette 1")
    shelf_2 = place("RES1-E1-T2", Kind.SHELF, rack, "Tablette 2")
    box = place("BX-12", Kind.BOX, shelf_1, "Boîte 12")
    gallery = place("S1", Kind.ROOM, site, "Salle 1", is_display=True)
    return {
        "site": site,
        "room": room,
        "rack": rack,
        "shelf_1": shelf_1,
        "shelf_2": shelf_2,
        "box": box,
        "gallery": gallery,
    }
