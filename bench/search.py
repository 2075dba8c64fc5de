"""Catalogue search on 100,000 works: p50 and p95 of 200 real queries, with facets.

Builds --works published works in a scratch database from real words: titles from the SMF
subjects lexicon (lexrepr), denominations, domains and techniques from the SMF lexicons,
makers from Tate's artists, descriptions from the Joconde notices of demo/data; indexes them
with `rebuild_catalogue_index`; then runs 200 queries drawn from the same lexicons and names
(single words, pairs, makers, with a domain filter, each sort) through the configured search
port, and prints p50 / p95 / max in milliseconds, each with its facet counts. Target: p95
under 100 ms. Wagtail's own database search backend is not measured here: the catalogue is
not indexed by it (tech-notes §1.4 measured it: 33-97 s a query at 20,000 objects on SQLite).

    .venv/bin/python bench/search.py [--works 100000] [--database-url postgres://…/cartel_bench]
"""

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from catalogue import scratch_database  # noqa: E402

DATA = ROOT / "demo" / "data"
LEXICONS = DATA / "vocabularies" / "thesaurus-smf-2014"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument(
        "--wagtail-queries",
        type=int,
        default=3,
        help="how many of the queries to run through Wagtail's database search backend too, "
        "for comparison (each can take minutes at 100,000 works; 0: none)",
    )
    return parser.parse_args()


def wagtail_comparison(asked: list, count: int) -> None:
    """The first queries through Wagtail's own database search backend (modelsearch), on the
    same works (their titles and descriptions), ranked by relevance: what the catalogue would
    cost without its own search."""
    from wagtail.search import index
    from wagtail.search.backends import get_search_backend

    from museum_collections.models import Work

    class IndexedWork(index.Indexed, Work):
        search_fields = [
            index.SearchField("title", boost=2),
            index.SearchField("description"),
            index.AutocompleteField("title"),
        ]

        class Meta:
            proxy = True
            app_label = "collections"

    # The backend reaches its index entries through a relation it adds to the indexed models
    # when the apps load: this model comes later, so it is given the relation here.
    from modelsearch.abstract_models import TextIDGenericRelation
    from wagtail.search.models import IndexEntry

    TextIDGenericRelation(IndexEntry).contribute_to_class(IndexedWork, "index_entries")
    backend = get_search_backend()
    started = time.perf_counter()
    ids = list(IndexedWork.objects.order_by("pk").values_list("pk", flat=True))
    for first in range(0, len(ids), 1000):
        backend.add_bulk(
            IndexedWork, list(IndexedWork.objects.filter(pk__in=ids[first : first + 1000]))
        )
    print(
        f"\nWagtail's database backend: {len(ids):,} works indexed in {time.perf_counter() - started:.0f} s"
    )
    for query in asked[:count]:
        started = time.perf_counter()
        hits = len(list(backend.search(query.text, IndexedWork)[:20]))
        seconds = time.perf_counter() - started
        print(f"  {query.text!r}: first {hits} hits by relevance in {seconds * 1000:,.0f} ms")


def lexicon(name: str) -> list[str]:
    """The terms of an SMF lexicon (one per line, indented by depth; '=' gives synonyms)."""
    text = (LEXICONS / name).read_text(encoding="utf-8", errors="replace")
    terms = []
    for line in text.splitlines()[6:]:
        term = line.strip().split("=")[0].strip()
        if term and len(term) < 60 and not term.startswith(("(", "Liste", "Mise")):
            terms.append(term)
    return sorted(set(terms))


def artists() -> list[str]:
    with (DATA / "museum-open-data" / "tate_artist_data.csv").open(encoding="utf-8") as f:
        return [row["name"] for row in csv.DictReader(f) if row.get("name")]


def paragraphs() -> list[str]:
    """Descriptions, histories and comments of real Joconde notices."""
    from importers import joconde

    texts = []
    for path in [DATA / "joconde" / "joconde-valid-UTF-8.txt", *(DATA / "joconde").glob("*.xml")]:
        for notice in joconde.read_notices(path):
            for tag in ("DESC", "HIST", "COMM", "PINS", "TITR"):
                if len(notice.fields.get(tag, "")) > 20:
                    texts.append(notice.fields[tag])
    return texts


def build(count: int, rng: random.Random) -> dict:
    from museum_collections.models import (
        Person,
        Work,
        WorkDenomination,
        WorkDomain,
        WorkMaker,
        WorkSubject,
        WorkTechnique,
    )
    from museum_collections.text import match_key

    words = {
        "subjects": lexicon("lexrepr.txt"),
        "denominations": lexicon("lexdeno.txt"),
        "domains": lexicon("lexdomn.txt")[:40],
        "techniques": lexicon("lextech.txt"),
    }
    names = artists()
    Person.objects.bulk_create(
        Person(name=name, sort_name=match_key(name)) for name in names[:3000]
    )
    people = list(Person.objects.all())
    texts = paragraphs()
    batch = 5_000
    for first in range(0, count, batch):
        works = []
        for n in range(first, min(first + batch, count)):
            year = rng.randint(1400, 2000)
            works.append(
                Work(
                    inventory_number=f"{year}.{n % 97 + 1}.{n}",
                    inventory_sort_key=f"{year:06d}{n:09d}",
                    joconde_ref=f"M0000{n + 1:06d}",
                    title=" ".join(rng.sample(words["subjects"], 2)).capitalize(),
                    creation_date=str(year),
                    creation_year_from=year,
                    creation_year_to=year + rng.choice((0, 0, 10, 25)),
                    is_public=True,
                    description=" ".join(rng.sample(texts, 2)),
                )
            )
        Work.objects.bulk_create(works)
        ids = list(
            Work.objects.filter(joconde_ref__in=[w.joconde_ref for w in works]).values_list(
                "pk", flat=True
            )
        )

        def terms(model, key, k=1, ids=ids):
            return [
                model(work_id=pk, label=label, label_key=match_key(label), sort_order=i)
                for pk in ids
                for i, label in enumerate(rng.sample(words[key], k))
            ]

        WorkDomain.objects.bulk_create(terms(WorkDomain, "domains"))
        WorkDenomination.objects.bulk_create(terms(WorkDenomination, "denominations"))
        WorkTechnique.objects.bulk_create(terms(WorkTechnique, "techniques", 2))
        WorkSubject.objects.bulk_create(terms(WorkSubject, "subjects", 2))
        WorkMaker.objects.bulk_create(
            WorkMaker(work_id=pk, person=rng.choice(people), role="peintre", sort_order=0)
            for pk in ids
        )
        print(f"  {min(first + batch, count):,} works", flush=True)
    return {**words, "makers": [p.name for p in people]}


def queries(words: dict, count: int, rng: random.Random):
    from portal.search import Query

    def word(key):
        return rng.choice([w for w in rng.choice(words[key]).split() if len(w) > 3] or ["paysage"])

    made = []
    for n in range(count):
        kind = n % 10
        if kind < 5:
            text = word(rng.choice(("subjects", "denominations", "techniques")))
        elif kind < 7:
            text = f"{word('subjects')} {word('subjects')}"
        elif kind < 8:
            text = rng.choice(words["makers"]).split()[-1]
        else:
            text = word("subjects")
        filters = {"domain": (rng.choice(words["domains"]),)} if kind == 9 else {}
        sort = rng.choice(("relevance", "relevance", "title", "date")) if kind == 8 else "relevance"
        made.append(Query(text=text, filters=filters, sort=sort))
    return made


def main():
    args = parse_args()
    scratch_database(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from portal.search import Query, catalogue_index

    rng = random.Random(20261204)
    started = time.perf_counter()
    words = build(args.works, rng)
    print(f"{args.works:,} works built in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    call_command("rebuild_catalogue_index")
    print(f"indexed in {time.perf_counter() - started:.0f} s")

    index = catalogue_index()
    index.search(Query(text="paysage"))  # warm the caches
    asked = queries(words, args.queries, rng)
    timings, found = [], []
    for query in asked:
        started = time.perf_counter()
        result = index.search(query)
        timings.append((time.perf_counter() - started) * 1000)
        found.append(result.count)
    browse = []
    for _ in range(5):
        started = time.perf_counter()
        index.search(Query())
        browse.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100)
    hits = statistics.median(found)
    print(f"\n{len(asked)} queries with facets ({connection.vendor}), median {hits:,.0f} hits:")
    print(
        f"  p50 {cuts[49]:.0f} ms   p95 {cuts[94]:.0f} ms   max {max(timings):.0f} ms   (target p95 < 100 ms)"
    )
    print(
        f"  browsing everything (no words, all facets): median {statistics.median(browse):.0f} ms"
    )
    slowest = sorted(zip(timings, asked, found, strict=True), key=lambda t: -t[0])[:5]
    for ms, query, hits in slowest:
        print(
            f"  slow: {ms:.0f} ms  {query.text!r} {dict(query.filters)} sort={query.sort}: {hits:,} hits"
        )
    if args.wagtail_queries:
        from museum_collections.models import Work

        titled = [  # words of the titles, which both indexes hold
            q for q in asked if Work.objects.filter(title__icontains=q.text.strip()).exists()
        ]
        wagtail_comparison(titled, args.wagtail_queries)


if __name__ == "__main__":
    main()
