"""Moving a shelf of 2,000 works, and the works listing with current locations at 100,000.

Builds --works works (default 100,000) in a scratch database, places each one in a box, on a
shelf of a storage room, then prints:

* the time of ``move()`` for a shelf holding --shelf-works works in boxes (target: under 2 s),
  and its ratio to the same move of a shelf holding a tenth of them;
* the server time of the admin's works listing with the current-location column, filtered on
  a storage room and sorted by number (target: under 300 ms), and its ratio to the same listing
  on a 1,000-work catalogue measured in the same run.

    .venv/bin/python bench/movements.py                       # SQLite, temporary file
    .venv/bin/python bench/movements.py --database-url postgres://postgres@127.0.0.1:5432/cartel_bench
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue import (
    SURNAMES,
    add_works,
    build_vocabulary,
    median_ms,
    scratch_database,
)

BOX = 20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--baseline-works", type=int, default=1_000)
    parser.add_argument("--shelf-works", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    return parser.parse_args()


def build_store():
    from museum_collections.models import Location

    site = Location.objects.create(code="MDD", name="Musée", kind="site")
    stores = Location.objects.create(code="RES", name="Réserves", kind="building", parent=site)
    room = Location.objects.create(code="R1", name="Réserve 1", kind="room", parent=stores)
    return room


def fill_shelves(room, first, stop, shelf_works, label):
    """Place works first..stop-1 (by pk order) in boxes of 20 on shelves of ``shelf_works``."""
    from museum_collections.models import Location, Work
    from museum_collections.services.movements import place_works

    works = Work.objects.order_by("pk")[first:stop]
    placements, shelf, box = [], None, None
    for index, work in enumerate(works.iterator(chunk_size=2000)):
        n = first + index
        if n % shelf_works == 0 or shelf is None:
            shelf = Location.objects.create(
                code=f"{label}-T{n // shelf_works:04d}",
                name=f"Tablette {n // shelf_works}",
                kind="shelf",
                parent=room,
            )
        if n % BOX == 0 or box is None:
            box = Location.objects.create(
                code=f"{shelf.code}-B{n // BOX:05d}",
                name=f"Boîte {n // BOX}",
                kind="box",
                parent=shelf,
            )
        placements.append((work, box))
    started = time.perf_counter()
    count = place_works(placements, reason="storage")
    print(f"  placed {count:,} works in {time.perf_counter() - started:.1f} s", flush=True)


def time_shelf_move(room, code):
    from museum_collections.models import Location, Movement
    from museum_collections.services.movements import move

    shelf = Location.objects.get(code=code)
    other = Location.objects.create(
        code=f"{code}-DEST", name="Autre rayonnage", kind="storage_unit", parent=room
    )
    started = time.perf_counter()
    carrier = move(shelf, other, reason="storage")
    seconds = time.perf_counter() - started
    return seconds, Movement.objects.filter(carried_by=carrier).count()


def listing_ms(client, room, repeat):
    from django.urls import reverse

    from museum_collections.models import Work

    url = reverse(Work.snippet_viewset.get_url_name("list"))
    return {
        "listing, default order": median_ms(client, url, repeat),
        "listing, works in a room, by number": median_ms(
            client, f"{url}?location={room.pk}&ordering=inventory_sort_key", repeat
        ),
    }


def main():
    args = parse_args()
    scratch_database(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from museum_collections.models import Person

    rng = random.Random(20261201)
    build_vocabulary()
    Person.objects.bulk_create(Person(name=f"Maurice {s}", sort_name=s.lower()) for s in SURNAMES)
    people = list(Person.objects.all())
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench")
    client = Client()
    client.force_login(user)
    room = build_store()
    small = args.shelf_works // 10

    add_works(0, args.baseline_works, rng, people)
    fill_shelves(room, 0, args.baseline_works, small, "S")
    base_move, base_carried = time_shelf_move(room, "S-T0000")
    base_listing = listing_ms(client, room, args.repeat)

    add_works(args.baseline_works, args.works, rng, people)
    fill_shelves(room, args.baseline_works, args.works, args.shelf_works, "L")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    first_full_shelf = f"L-T{(args.baseline_works + args.shelf_works - 1) // args.shelf_works:04d}"
    big_move, big_carried = time_shelf_move(room, first_full_shelf)
    big_listing = listing_ms(client, room, args.repeat)

    print(f"\n{'measure':<44}{'baseline':>14}{'large':>14}{'ratio':>8}  verdict")
    print(
        f"{'move a shelf (works carried)':<44}{base_move * 1000:>8.0f} ms ({base_carried})"
        f"{big_move * 1000:>7.0f} ms ({big_carried}){big_move / base_move:>6.1f}×  "
        f"{'ok' if big_move < 2 else 'SLOW'} (target < 2 s)"
    )
    for name, (ms, worst) in big_listing.items():
        base = base_listing[name][0]
        print(
            f"{name:<44}{base:>11.0f} ms{ms:>11.0f} ms{ms / base:>7.1f}×  "
            f"{'ok' if ms < 300 else 'SLOW'} (target < 300 ms; worst {worst:.0f} ms)"
        )
    print(f"({args.baseline_works:,} then {args.works:,} works)")


if __name__ == "__main__":
    main()
