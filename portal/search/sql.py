"""The catalogue search on the database itself: SQLite FTS5 ranked with bm25, or PostgreSQL
full-text search with a French, accent-insensitive configuration and a GIN index.

The tables are `portal.models.search` (one entry per published work, its facet values) and,
created by migration 0003, the full-text index: on SQLite the FTS5 table
`portal_catalogue_fts(title, makers, body, stems)` (unicode61 folds case and accents; `stems`
holds the French Snowball stems, so that a plural finds its singular); on PostgreSQL the
`document` tsvector (`cartel_french`: unaccent + french_stem), titles weighted A, makers B.

A search is one statement for the page and one for each group of facet counts, written by
hand: the ORM cannot express the ranked FTS join (Wagtail's database backend, which goes
through it, takes tens of seconds at this size: tech-notes §1.4).
"""

# ruff: noqa: S608 -- the statements are built from fixed fragments and "%s" placeholders only;
# every value (words, facets, years, ids) is a bound parameter.

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import islice

import snowballstemmer
from django.core.cache import cache
from django.db import connection, transaction

from .. import page_cache
from ..models import CatalogueEntry, CatalogueFacet
from . import FACETS, Hit, Query, Result

WORD = re.compile(r"\w+")
STOP_WORDS = frozenset("à au aux d de des du en et l la le les un une sur par pour".split())
STEMMER = snowballstemmer.stemmer("french")
BATCH = 500
BROWSE_CACHE_SECONDS = 3600  # an update, a removal or a rebuild changes the key (generation)
FACET_VALUES = 30  # values listed per facet (the selected ones always are)
ORDER = {
    "relevance": "{score} DESC, e.sort_inventory",
    "date": "CASE WHEN e.year_from IS NULL THEN 1 ELSE 0 END, e.year_from, e.sort_inventory",
    "-date": "CASE WHEN e.year_to IS NULL THEN 1 ELSE 0 END, e.year_to DESC, e.sort_inventory",
    "title": "e.sort_title, e.sort_inventory",
    "inventory": "e.sort_inventory",
}


def fold(text: str) -> str:
    """Lower case without accents: 'Église' -> 'eglise'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(number: str) -> str:
    """An inventory number or a REF as typed, for an exact lookup: ' mc.2012.0.7 ' -> 'mc.2012.0.7'."""
    return " ".join(fold(number).split())


def natural_key(text: str) -> str:
    """Sorts '2' before '10': every run of digits padded."""
    return re.sub(r"\d+", lambda m: m.group().zfill(12), normalise(text))[:255]


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.casefold()) if w not in STOP_WORDS]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The French Snowball stem (cached: a catalogue has a few tens of thousands of words)."""
    return STEMMER.stemWord(word)


def stems(text: str) -> str:
    return " ".join(stem(word) for word in WORD.findall(text.casefold()))


class SqlCatalogueIndex:
    def __init__(self):
        self.sqlite = connection.vendor == "sqlite"

    # --- searching ---------------------------------------------------------------------------

    def _matching(self, text: str) -> tuple[str, list]:
        """FROM … WHERE of the entries holding every word, giving `score` (higher: better).
        SQLite ranks in its FTS5 table; PostgreSQL matches the entry's own tsvector."""
        typed = words(text)
        if self.sqlite:
            match = " AND ".join(
                f'({{title makers body}} : "{word}" OR stems : "{stem(word)}")' for word in typed
            )
            return (
                "FROM (SELECT rowid AS id, -bm25(portal_catalogue_fts, 10.0, 5.0, 1.0, 1.0) "
                "AS score FROM portal_catalogue_fts WHERE portal_catalogue_fts MATCH %s) h "
                "JOIN portal_catalogueentry e ON e.id = h.id WHERE",
                [match],
            )
        return (
            "FROM portal_catalogueentry e, to_tsquery('cartel_french', %s) q "
            "WHERE e.document @@ q AND",
            [" & ".join(typed)],
        )

    @staticmethod
    def _where(query: Query, without: str = "") -> tuple[str, list]:
        clauses, params = [], []
        for facet, values in sorted(query.filters.items()):
            if facet == without or facet not in FACETS or not values:
                continue
            marks = ", ".join(["%s"] * len(values))
            clauses.append(
                "e.id IN (SELECT entry_id FROM portal_cataloguefacet "
                f"WHERE facet = %s AND value IN ({marks}))"
            )
            params += [facet, *values]
        if query.year_from is not None:  # the creation overlaps the range asked
            clauses.append("e.year_to >= %s")
            params.append(query.year_from)
        if query.year_to is not None:
            clauses.append("e.year_from <= %s")
            params.append(query.year_to)
        return " AND ".join(clauses) or "1 = 1", params

    def _from(self, query: Query, without: str = "") -> tuple[str, list]:
        where, where_params = self._where(query, without)
        if not words(query.text):  # browsing: the entries themselves, in their indexes' order
            return f"FROM portal_catalogueentry e WHERE {where}", where_params
        matching, params = self._matching(query.text)
        return f"{matching} {where}", params + where_params

    def search(self, query: Query) -> Result:
        source, params = self._from(query)
        size, page = max(1, min(query.page_size, 100)), max(1, query.page)
        browsing = not (words(query.text) or query.filters or query.year_from or query.year_to)
        with connection.cursor() as cursor:
            if browsing:  # the catalogue's front page: its counts are kept until a change
                cursor.execute("SELECT COUNT(*), MAX(id) FROM portal_catalogueentry")
                state = cursor.fetchone()
                key = f"cartel:catalogue-browse:{page_cache.generation()}:{state[0]}:{state[1]}"
                count, facets = cache.get(key) or (state[0], self._facets(query))
                cache.set(key, (count, facets), BROWSE_CACHE_SECONDS)
            else:
                cursor.execute(f"SELECT COUNT(*) {source}", params)
                count, facets = cursor.fetchone()[0], None
            cursor.execute(
                f"SELECT e.id {source} ORDER BY {self._order(query)} LIMIT %s OFFSET %s",
                [*params, size, (page - 1) * size],
            )
            ids = [row[0] for row in cursor.fetchall()]
        entries = CatalogueEntry.objects.in_bulk(ids)
        hits = [self._hit(entries[pk]) for pk in ids]
        return Result(count, hits, facets or self._facets(query), page, size)

    def _order(self, query: Query) -> str:
        if query.sort == "relevance" and not words(query.text):
            return ORDER["inventory"]  # no words, no relevance
        score = "h.score" if self.sqlite else "ts_rank_cd(e.document, q)"
        return ORDER.get(query.sort, ORDER["relevance"]).format(score=score)

    def _facets(self, query: Query) -> dict[str, list[tuple[str, int]]]:
        """Counts in the results; a facet a filter is set on is counted without its own
        filter, so that its other values can be added (disjunctive facets)."""
        active = {facet for facet, values in query.filters.items() if values and facet in FACETS}
        groups = [("", [f for f in FACETS if f not in active])]
        groups += [(facet, [facet]) for facet in sorted(active)]
        counts: dict[str, list[tuple[str, int]]] = {facet: [] for facet in FACETS}
        # From the results to their facet values (CROSS JOIN keeps SQLite's planner from
        # scanning every facet value of the catalogue instead).
        join = "CROSS JOIN" if self.sqlite else "JOIN"
        with connection.cursor() as cursor:
            for without, facets in groups:
                source, params = self._from(query, without)
                marks = ", ".join(["%s"] * len(facets))
                cursor.execute(
                    f"SELECT f.facet, f.value, COUNT(*) FROM (SELECT e.id {source}) r "
                    f"{join} portal_cataloguefacet f ON f.entry_id = r.id "
                    f"WHERE f.facet IN ({marks}) GROUP BY f.facet, f.value",
                    [*params, *facets],
                )
                for facet, value, count in cursor.fetchall():
                    counts[facet].append((value, count))
        for facet, values in counts.items():
            values.sort(key=lambda item: (-item[1], item[0]))
            chosen = set(query.filters.get(facet, ()))
            counts[facet] = [v for n, v in enumerate(values) if n < FACET_VALUES or v[0] in chosen]
        return counts

    @staticmethod
    def _hit(entry: CatalogueEntry) -> Hit:
        return Hit(
            ref=entry.ref,
            title=entry.title,
            inventory_number=entry.inventory_number,
            makers=tuple(entry.makers),
            date=entry.date,
            image_id=entry.image_id,
        )

    def autocomplete(self, prefix: str, limit: int = 10) -> list[str]:
        typed = words(prefix)
        if not typed:
            return []
        *whole, last = typed
        if self.sqlite:
            terms = [f'{{title makers}} : "{word}"' for word in whole]
            terms.append(f'{{title makers}} : "{last}" *')
            sql = (
                "SELECT e.title, e.makers FROM portal_catalogue_fts "
                "JOIN portal_catalogueentry e ON e.id = portal_catalogue_fts.rowid "
                "WHERE portal_catalogue_fts MATCH %s ORDER BY bm25(portal_catalogue_fts, 10.0, 5.0) "
                "LIMIT 50"
            )
            params = [" AND ".join(terms)]
        else:
            sql = (
                "SELECT title, makers FROM portal_catalogueentry, to_tsquery('cartel_french', %s) q "
                "WHERE document @@ q ORDER BY ts_rank_cd(document, q) DESC LIMIT 50"
            )
            params = [" & ".join([*whole, f"{last}:*"])]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        wanted = [fold(word) for word in typed]
        suggestions: dict[str, None] = {}
        for title, makers in rows:
            makers = makers if isinstance(makers, list) else json.loads(makers)
            for text in [*makers, title]:
                folded = [fold(w) for w in WORD.findall(text)]
                if all(any(w.startswith(p) for w in folded) for p in wanted):
                    suggestions.setdefault(text)
        return list(islice(suggestions, limit))

    def lookup(self, text: str) -> str | None:
        key = normalise(text)
        if not key:
            return None
        entry = CatalogueEntry.objects.filter(ref=key.upper()).first() or (
            CatalogueEntry.objects.filter(inventory_key=key).order_by("ref").first()
        )
        return entry.ref if entry else None

    def ping(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM portal_catalogueentry LIMIT 1")
            cursor.fetchall()

    # --- indexing ----------------------------------------------------------------------------

    def update(self, documents: Iterable) -> int:
        count = 0
        iterator = iter(documents)
        with transaction.atomic():
            while batch := list(islice(iterator, BATCH)):
                self._delete([d.ref for d in batch])
                self._insert(batch)
                count += len(batch)
        return count

    def remove(self, refs: Iterable[str]) -> None:
        with transaction.atomic():
            self._delete(list(refs))

    def rebuild(self, documents: Iterable, progress: Callable[[int], None] | None = None) -> int:
        """All in one transaction: searches read the old index until it commits."""
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            page_cache.changed_in_transaction()
            if self.sqlite:
                cursor.execute("DELETE FROM portal_catalogue_fts")
            cursor.execute("DELETE FROM portal_cataloguefacet")
            cursor.execute("DELETE FROM portal_catalogueentry")
            iterator = iter(documents)
            while batch := list(islice(iterator, BATCH)):
                self._insert(batch)
                count += len(batch)
                if progress:
                    progress(count)
            # fresh statistics, or the planners guess the sizes of the new tables badly
            cursor.execute("ANALYZE portal_catalogueentry")
            cursor.execute("ANALYZE portal_cataloguefacet")
        return count

    def _delete(self, refs: list[str]) -> None:
        page_cache.changed_in_transaction()
        ids = list(CatalogueEntry.objects.filter(ref__in=refs).values_list("id", flat=True))
        if not ids:
            return
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            if self.sqlite:
                cursor.execute(f"DELETE FROM portal_catalogue_fts WHERE rowid IN ({marks})", ids)
            cursor.execute(f"DELETE FROM portal_cataloguefacet WHERE entry_id IN ({marks})", ids)
            cursor.execute(f"DELETE FROM portal_catalogueentry WHERE id IN ({marks})", ids)

    def _insert(self, documents: list) -> None:
        page_cache.changed_in_transaction()
        entries = CatalogueEntry.objects.bulk_create(
            CatalogueEntry(
                ref=d.ref,
                inventory_number=d.inventory_number,
                inventory_key=normalise(d.inventory_number),
                title=d.title,
                sort_title=fold(d.title)[:255],
                makers=list(d.makers),
                date=d.date[:255],
                year_from=d.year_from,
                year_to=d.year_to,
                body=d.body,
                image_id=d.image_id,
                sort_inventory=natural_key(d.inventory_number),
            )
            for d in documents
        )
        CatalogueFacet.objects.bulk_create(
            CatalogueFacet(entry=entry, facet=facet, value=value[:255])
            for entry, d in zip(entries, documents, strict=True)
            for facet, values in d.facets.items()
            for value in values
        )
        with connection.cursor() as cursor:
            if self.sqlite:
                cursor.executemany(
                    "INSERT INTO portal_catalogue_fts(rowid, title, makers, body, stems) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [
                        (
                            e.id,
                            d.title,
                            " ; ".join(d.makers),
                            f"{d.inventory_number} {d.body}",
                            stems(f"{d.title} {' '.join(d.makers)} {d.body}"),
                        )
                        for e, d in zip(entries, documents, strict=True)
                    ],
                )
            else:
                cursor.execute(
                    "UPDATE portal_catalogueentry SET document = "
                    "setweight(to_tsvector('cartel_french', title), 'A') || "
                    "setweight(to_tsvector('cartel_french', makers::text), 'B') || "
                    "setweight(to_tsvector('cartel_french', inventory_number || ' ' || body), 'C') "
                    "WHERE id = ANY(%s)",
                    [[e.id for e in entries]],
                )
