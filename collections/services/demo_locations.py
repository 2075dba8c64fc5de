"""The demo's storage and its life: a location tree, every work placed, some on display, a loan
out under way, a loan in for an exhibition, condition checks and a planned restoration.

Everything moves through ``services.movements`` and ``services.loans``, like real work. The
loans, the exhibition and the checks are fictitious and say so. Nothing already there is
touched: a second run adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..models import (
    ConditionCheck,
    ConservationTreatment,
    CurrentLocation,
    Exhibition,
    ExhibitionSection,
    ExhibitionVenue,
    ExhibitionWork,
    Loan,
    LoanObject,
    Location,
    Movement,
    Person,
    Work,
)
from .loans import advance_loan
from .movements import move, place_works

DEMO = "Données de démonstration."
Kind = Location.Kind
FIRST_PLACEMENT = datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC)
BOX_SIZE = 20  # works on paper per box


@dataclass
class LocationCounts:
    locations: int = 0
    placed: int = 0
    on_display: int = 0
    loans: int = 0
    exhibitions: int = 0
    checks: int = 0


def _place(code, name, kind, parent=None, **extra) -> Location:
    location, _created = Location.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent, **extra}
    )
    return location


def build_tree() -> dict[str, list[Location]]:
    """Site › buildings › rooms › storage units › shelves and drawers (boxes come with works)."""
    site = _place("MDD", "Musée départemental", Kind.SITE)
    main = _place("MDD-A", "Bâtiment principal", Kind.BUILDING, site)
    stores = _place("MDD-R", "Réserves", Kind.BUILDING, site)
    rooms = [
        _place(f"S{n:02d}", f"Salle {n}", Kind.ROOM, main, is_display=True) for n in range(1, 7)
    ]
    _place("ATELIER", "Atelier de restauration", Kind.ROOM, main)
    _place("STUDIO", "Studio photographique", Kind.ROOM, main)
    paintings = _place("R1", "Réserve des peintures", Kind.ROOM, stores)
    racks = [
        _place(f"R1-G{n:02d}", f"Grille {n}", Kind.STORAGE_UNIT, paintings) for n in range(1, 21)
    ]
    paper = _place("R2", "Réserve des arts graphiques", Kind.ROOM, stores)
    drawers = [
        _place(
            f"R2-M{m:02d}-T{t}",
            f"Tiroir {t}",
            Kind.SHELF,
            _place(f"R2-M{m:02d}", f"Meuble à plans {m}", Kind.STORAGE_UNIT, paper),
        )
        for m in range(1, 11)
        for t in range(1, 6)
    ]
    objects = _place("R3", "Réserve des objets", Kind.ROOM, stores)
    shelves = [
        _place(
            f"R3-E{e:02d}-T{t}",
            f"Tablette {t}",
            Kind.SHELF,
            _place(f"R3-E{e:02d}", f"Rayonnage {e}", Kind.STORAGE_UNIT, objects),
        )
        for e in range(1, 11)
        for t in range(1, 6)
    ]
    return {"rooms": rooms, "racks": racks, "drawers": drawers, "shelves": shelves}


def _family(work: Work) -> str:
    labels = {t.label for t in work.domains.all()} | {t.label for t in work.denominations.all()}
    if labels & {"peinture", "tableau"}:
        return "painting"
    if labels & {"dessin", "estampe", "photographie", "tirage photographique"}:
        return "paper"
    return "object"


def _normal_locations(works: list[Work], tree) -> list[tuple[Work, Location]]:
    """Paintings on racks, works on paper in boxes in the plan chests, the rest on shelves."""
    placements, counters = [], {"painting": 0, "paper": 0, "object": 0}
    for work in works:
        family = _family(work)
        n = counters[family]
        counters[family] += 1
        if family == "painting":
            where = tree["racks"][n // 8 % len(tree["racks"])]
        elif family == "paper":
            box_number = n // BOX_SIZE
            drawer = tree["drawers"][box_number % len(tree["drawers"])]
            where = _place(
                f"{drawer.code}-B{box_number + 1:03d}", f"Boîte {box_number + 1}", Kind.BOX, drawer
            )
        else:
            where = tree["shelves"][n // 10 % len(tree["shelves"])]
        placements.append((work, where))
    return placements


def load_demo_locations(registrar, curator, *, today: datetime.date | None = None):
    today = today or timezone.localdate()
    counts = LocationCounts()
    with transaction.atomic():
        tree = build_tree()
        unplaced = list(
            Work.objects.current()
            .filter(current_location__isnull=True)
            .prefetch_related("domains", "denominations")
            .order_by("inventory_sort_key")
        )
        placements = _normal_locations(unplaced, tree)
        for work, where in placements:
            work.normal_location = where
        Work.objects.bulk_update([w for w, _where in placements], ["normal_location"])
        counts.placed = place_works(
            placements,
            reason=Movement.Reason.STORAGE,
            user=registrar,
            moved_at=FIRST_PLACEMENT,
            note="Récolement de 2024 : emplacement constaté. " + DEMO,
        )
        if counts.placed:
            acquisitions = list(
                Work.objects.filter(inventory_number__startswith="2026.1.").order_by(
                    "inventory_sort_key"
                )
            )
            shown = min(30, len(acquisitions) // 2)
            _hang_the_rooms(acquisitions[:shown], tree, registrar)
            _loans_and_exhibition(registrar, curator, tree, today, acquisitions[shown:])
        counts.locations = Location.objects.count()
        counts.on_display = CurrentLocation.objects.filter(location__is_display=True).count()
        counts.loans = Loan.objects.count()
        counts.exhibitions = Exhibition.objects.count()
        counts.checks = ConditionCheck.objects.count()
    return counts


def _hang_the_rooms(paintings, tree, registrar) -> None:
    """The famous paintings of the 2026 acquisitions hang in the rooms, five per room."""
    for index, work in enumerate(paintings):
        move(
            work,
            tree["rooms"][index // 5],
            reason=Movement.Reason.DISPLAY,
            user=registrar,
            moved_at=FIRST_PLACEMENT + datetime.timedelta(days=30),
        )


def _organisation(name: str) -> Person:
    person, _created = Person.objects.get_or_create(
        name=name, defaults={"kind": Person.Kind.ORGANISATION}
    )
    return person


def _loans_and_exhibition(registrar, curator, tree, today, own) -> None:
    if len(own) < 10:
        return
    # A loan out, under way: the works left after a condition check.
    away = Loan.objects.create(
        direction=Loan.Direction.OUT,
        partner=_organisation("Musée des Beaux-Arts de Lyon"),
        purpose="Exposition",
        exhibition_title="Le paysage nabi (démonstration), Lyon",
        start_date=today - datetime.timedelta(days=20),
        end_date=today + datetime.timedelta(days=70),
        courier="Anne Martin, régisseuse",
        conditions="HR 50 % ± 5 ; 50 lux ; pas de flash.",
        insurance_value=1_200_000,
        notes=DEMO,
    )
    for work in own[:2]:
        LoanObject.objects.create(loan=away, work=work, insurance_value=600_000)
        ConditionCheck.objects.create(
            work=work,
            checked_on=today - datetime.timedelta(days=21),
            checker="Anne Martin",
            condition=ConditionCheck.Condition.GOOD,
            reason=ConditionCheck.Reason.DEPARTURE,
            loan=away,
            notes="Constat avant départ. " + DEMO,
        )
    for status in (Loan.Status.APPROVED, Loan.Status.AGREEMENT_SIGNED, Loan.Status.DEPARTED):
        advance_loan(away, status, user=registrar, at=timezone.now() - datetime.timedelta(days=20))

    # The museum's own exhibition, with a work borrowed for it.
    show = Exhibition.objects.create(
        title="Maurice Denis et ses amis (démonstration)",
        status=Exhibition.Status.CONFIRMED,
        curators="Conservation du musée",
        notes=DEMO,
    )
    opening = today + datetime.timedelta(days=120)
    ExhibitionVenue.objects.create(
        exhibition=show,
        venue="Musée départemental, salles 5 et 6",
        location=tree["rooms"][4],
        start_date=opening,
        end_date=opening + datetime.timedelta(days=90),
    )
    ExhibitionSection.objects.create(exhibition=show, title="Les Nabis")
    Work.objects.filter(pk__in=[w.pk for w in own[2:6]]).update(insurance_value=250_000)
    for work in own[2:6]:
        ExhibitionWork.objects.create(exhibition=show, work=work, section="Les Nabis")
    borrowed = (
        Work.objects.filter(
            deposit_entries__isnull=True, inventory_number__regex=r"^[0-9]+\.[0-9]{4}"
        )
        .order_by("inventory_sort_key")
        .first()
    )
    if borrowed is not None:
        loan_in = Loan.objects.create(
            direction=Loan.Direction.IN,
            partner=_organisation("The Museum of Modern Art, New York"),
            purpose="Exposition",
            exhibition=show,
            start_date=opening - datetime.timedelta(days=14),
            end_date=opening + datetime.timedelta(days=104),
            notes=DEMO,
        )
        LoanObject.objects.create(loan=loan_in, work=borrowed, insurance_value=80_000)
        ExhibitionWork.objects.create(
            exhibition=show, work=borrowed, section="Les Nabis", loan=loan_in
        )
        advance_loan(loan_in, Loan.Status.APPROVED, user=curator)
    show.refresh_dates()

    # Routine checks and a planned restoration.
    for work in own[6:10]:
        ConditionCheck.objects.create(
            work=work,
            checked_on=today - datetime.timedelta(days=200),
            checker="Anne Martin",
            condition=ConditionCheck.Condition.FAIR,
            alterations="empoussièrement ; soulèvement",
            notes=DEMO,
        )
    ConservationTreatment.objects.create(
        work=own[6],
        restorer=_organisation("Atelier de restauration de peintures (démonstration)"),
        status=ConservationTreatment.Status.PLANNED,
        purpose="Refixage de la couche picturale",
        start_date=today + datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=60),
    )


def place_incoming_works(registrar) -> int:
    """Works taken in from other databases (the importers' demo) wait, before their first
    récolement, on the shelves of a quarantine store: placed, but outside the other stores."""
    with transaction.atomic():
        stores = _place(
            "MDD-R", "Réserves", Kind.BUILDING, _place("MDD", "Musée départemental", Kind.SITE)
        )
        incoming = _place("R4", "Réserve d'accueil des fonds entrants", Kind.ROOM, stores)
        works = list(
            Work.objects.current()
            .filter(current_location__isnull=True)
            .order_by("inventory_sort_key")
        )
        placements = []
        for n, work in enumerate(works):
            shelf_number = n // 25 + 1
            shelf = _place(
                f"R4-T{shelf_number:02d}", f"Tablette {shelf_number}", Kind.SHELF, incoming
            )
            work.normal_location = shelf
            placements.append((work, shelf))
        Work.objects.bulk_update(works, ["normal_location"])
        return place_works(
            placements,
            reason=Movement.Reason.STORAGE,
            user=registrar,
            moved_at=FIRST_PLACEMENT,
            note="Entrée en réserve d'accueil. " + DEMO,
        )
