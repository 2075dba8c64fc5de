"""Admin speed on a large catalogue: listing (filter + sort) and a work's edit view.

Builds a catalogue of --works works (default 100,000) in a scratch database, then prints the
server time of admin views, as the median of --repeat requests, and as a ratio against the
same views measured on a 1,000-work catalogue in the same run. Target: under 300 ms each.

    .venv/bin/python bench/catalogue.py                       # SQLite, temporary file
    .venv/bin/python bench/catalogue.py --database-url postgres://postgres@127.0.0.1:5432/cartel_bench
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DOMAINS = [
    "peinture",
    "dessin",
    "estampe",
    "photographie",
    "sculpture",
    "céramique",
    "textile",
    "arts décoratifs",
    "vitrail",
    "mobilier",
    "orfèvrerie",
    "manuscrit",
]
DENOMINATIONS = [
    "tableau",
    "dessin",
    "estampe",
    "photographie",
    "statuette",
    "vase",
    "carton",
    "vitrail",
    "livre",
    "assiette",
]
SURNAMES = [
    "Denis",
    "Sérusier",
    "Bonnard",
    "Vuillard",
    "Ranson",
    "Maillol",
    "Roussel",
    "Vallotton",
    "Lacombe",
    "Verkade",
    "Ibels",
    "Rippl-Rónai",
    "Filiger",
    "Bernard",
    "Gauguin",
]
TITLES = [
    "Paysage",
    "Portrait",
    "Annonciation",
    "Nature morte",
    "Baigneuses",
    "Maternité",
    "Étude",
    "Le Mystère catholique",
    "Les Muses",
    "Procession",
    "Jardin",
    "Vitrail",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--baseline-works", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    return parser.parse_args()


def setup_django(database_url):
    if not database_url:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='cartel-bench-')}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    return database_url


def scratch_database(database_url) -> str:
    """An empty, migrated database for a bench (a temporary SQLite file by default)."""
    reset_database(database_url)
    url = setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    print(f"Database: {connection.vendor} ({url.rsplit('@', 1)[-1]})")
    call_command("migrate", verbosity=0)
    return url


def reset_database(database_url):
    if not database_url.startswith("postgres"):
        return
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def build_vocabulary():
    from museum_collections.models import Concept, ConceptScheme

    for code, labels in (("DOMN", DOMAINS), ("DENO", DENOMINATIONS), ("AUTROLE", ["peintre"])):
        scheme, _ = ConceptScheme.objects.get_or_create(code=code, defaults={"name": code})
        for label in labels:
            Concept.objects.get_or_create(scheme=scheme, pref_label=label)


def add_works(start, stop, rng, people):
    """Bulk-create works start..stop-1 with a realistic set of parts."""
    from museum_collections.inventory_numbers import parse_inventory_number
    from museum_collections.models import (
        Concept,
        Dimension,
        JocondeRefCounter,
        Work,
        WorkDenomination,
        WorkDomain,
        WorkMaker,
    )
    from museum_collections.text import match_key

    domains = {c.pref_label: c for c in Concept.objects.filter(scheme__code="DOMN")}
    denominations = {c.pref_label: c for c in Concept.objects.filter(scheme__code="DENO")}
    role = Concept.objects.get(scheme__code="AUTROLE")
    batch = 5_000
    for first in range(start, stop, batch):
        works = []
        for n in range(first, min(first + batch, stop)):
            year = 1850 + n % 170
            number = f"{year}.{n % 97 + 1}.{n}"
            parsed = parse_inventory_number(number)
            born = 1800 + n % 200
            works.append(
                Work(
                    inventory_number=number,
                    inventory_sort_key=parsed.sort_key,
                    inventory_year=parsed.year,
                    joconde_ref=f"M0000{n + 1:06d}",
                    title=f"{rng.choice(TITLES)} {n}",
                    creation_date=f"vers {born}",
                    creation_year_from=born,
                    creation_year_to=born,
                    creation_date_approximate=True,
                    is_public=n % 3 != 0,
                    description="Description " * 20,
                )
            )
        Work.objects.bulk_create(works)
        saved = Work.objects.filter(joconde_ref__in=[w.joconde_ref for w in works]).values_list(
            "pk", flat=True
        )
        parts_domain, parts_deno, parts_maker, parts_dim = [], [], [], []
        for pk in saved:
            label = rng.choice(DOMAINS)
            parts_domain.append(
                WorkDomain(
                    work_id=pk,
                    label=label,
                    label_key=match_key(label),
                    concept=domains[label],
                    sort_order=0,
                )
            )
            deno = rng.choice(DENOMINATIONS)
            parts_deno.append(
                WorkDenomination(
                    work_id=pk,
                    label=deno,
                    label_key=match_key(deno),
                    concept=denominations[deno],
                    sort_order=0,
                )
            )
            parts_maker.append(
                WorkMaker(
                    work_id=pk,
                    person=rng.choice(people),
                    role="peintre",
                    role_concept=role,
                    sort_order=0,
                )
            )
            parts_dim += [
                Dimension(
                    work_id=pk, kind="height", value=rng.randint(10, 200), unit="cm", sort_order=0
                ),
                Dimension(
                    work_id=pk, kind="width", value=rng.randint(10, 200), unit="cm", sort_order=1
                ),
            ]
        for model, rows in (
            (WorkDomain, parts_domain),
            (WorkDenomination, parts_deno),
            (WorkMaker, parts_maker),
            (Dimension, parts_dim),
        ):
            model.objects.bulk_create(rows)
        print(f"  {min(first + batch, stop):>7,} works", flush=True)
    JocondeRefCounter.objects.update_or_create(museofile="M0000", defaults={"last_number": stop})


def median_ms(client, url, repeat):
    client.get(url)  # warm caches, templates and the connection
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), max(timings)


def measure(client, repeat):
    from django.urls import reverse

    from museum_collections.models import Concept, Work

    viewset = Work.snippet_viewset
    listing = reverse(viewset.get_url_name("list"))
    domain = Concept.objects.get(scheme__code="DOMN", pref_label="dessin").pk
    work = Work.objects.order_by("pk")[Work.objects.count() // 2]
    urls = {
        "listing, default order": listing,
        "listing, domain filter + sort by date": f"{listing}?domain={domain}&ordering=-creation_year_from",
        "listing, maker filter + sort by number": f"{listing}?maker=vuillard&ordering=inventory_sort_key",
        "listing, search on title": f"{listing}?q=Annonciation",
        "listing, page 1,000": f"{listing}?p=1000",
        "work edit view": reverse(viewset.get_url_name("edit"), args=(work.pk,)),
    }
    return {name: median_ms(client, url, repeat) for name, url in urls.items()}


def main():
    args = parse_args()
    scratch_database(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from museum_collections.models import Person

    rng = random.Random(20261128)
    build_vocabulary()
    Person.objects.bulk_create(
        Person(
            name=f"{forename} {surname}",
            surname=surname,
            forenames=forename,
            sort_name=f"{surname} {forename}".lower(),
        )
        for surname in SURNAMES
        for forename in ("Maurice", "Paul", "Édouard", "Pierre", "Jan", "Ker")
    )
    people = list(Person.objects.all())
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench")
    client = Client()
    client.force_login(user)

    started = time.perf_counter()
    add_works(0, args.baseline_works, rng, people)
    baseline = measure(client, args.repeat)
    add_works(args.baseline_works, args.works, rng, people)
    elapsed = time.perf_counter() - started
    print(f"Built {args.works:,} works in {elapsed:.0f} s ({args.works / elapsed:,.0f} works/s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    large = measure(client, args.repeat)

    print(f"\nServer time, median of {args.repeat} requests (max in brackets); target < 300 ms")
    print(
        f"{'view':<42}{args.baseline_works:>10,} works{args.works:>12,} works{'ratio':>8}  verdict"
    )
    for name, (ms, worst) in large.items():
        base_ms = baseline[name][0]
        verdict = "ok" if ms < 300 else "SLOW"
        print(
            f"{name:<42}{base_ms:>9.0f} ms{ms:>10.0f} ms ({worst:.0f}){ms / base_ms:>7.1f}×  {verdict}"
        )


if __name__ == "__main__":
    main()
