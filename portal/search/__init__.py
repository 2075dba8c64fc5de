"""The catalogue search port: one interface, two adapters chosen by settings.

`catalogue_index()` gives the adapter named by `settings.CARTEL_SEARCH_BACKEND`:

* ``"sql"`` (the embedded default, `portal.search.sql`): SQLite FTS5 ranked with bm25, or
  PostgreSQL full-text search with a French, accent-insensitive configuration;
* ``"elasticsearch"`` (`portal.search.elastic`): `elasticsearch.dsl` on ELASTICSEARCH_URL.

Both take a `Query` and answer a `Result` with the same behaviour (tests/integration/
test_catalogue_search.py runs one suite against each). What they index is a `Document` per
published work (`portal.search.documents`), built from public fields only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

FACETS = ("domain", "maker", "material", "school", "period", "image", "display")
SORTS = ("relevance", "date", "-date", "title", "inventory")


@dataclass(frozen=True)
class Query:
    """What a visitor asks: words, facet filters (values OR-ed within a facet, facets AND-ed),
    a date range (works whose creation overlaps it), a sort and a page."""

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20

    @classmethod
    def from_params(cls, params, page_size: int = 20) -> Query:
        """From a query string (a QueryDict): q, page, sort, from, to, and each facet by name
        (repeated for several values). What cannot be read is left out, never an error."""

        def number(name: str) -> int | None:
            try:
                return int(params.get(name, ""))
            except ValueError:
                return None

        return cls(
            text=params.get("q", "").strip()[:500],
            filters={f: tuple(params.getlist(f)) for f in FACETS if params.getlist(f)},
            year_from=number("from"),
            year_to=number("to"),
            sort=params.get("sort") if params.get("sort") in SORTS else "relevance",
            page=max(1, number("page") or 1),
            page_size=page_size,
        )


@dataclass(frozen=True)
class Hit:
    ref: str
    title: str
    inventory_number: str
    makers: tuple[str, ...]
    date: str
    image_id: int | None  # the primary published image (a CartelImage pk)


@dataclass(frozen=True)
class Result:
    count: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]  # facet -> (value, count), most frequent first
    page: int
    page_size: int


class CatalogueIndex(Protocol):
    def search(self, query: Query) -> Result: ...

    def autocomplete(self, prefix: str, limit: int = 10) -> list[str]:
        """Titles and makers' names starting with the words typed."""

    def lookup(self, text: str) -> str | None:
        """The REF of the work whose REF or inventory number is `text` (exact), else None."""

    def update(self, documents: Iterable) -> int:
        """Add or replace these documents; returns how many."""

    def remove(self, refs: Iterable[str]) -> None: ...

    def rebuild(self, documents: Iterable, progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index (searches keep working on the old one meanwhile)."""

    def ping(self) -> None:
        """A cheap check that searches can be answered (for /health); raises if not."""


BACKENDS = {
    "sql": "portal.search.sql.SqlCatalogueIndex",
    "elasticsearch": "portal.search.elastic.ElasticCatalogueIndex",
}


def catalogue_index() -> CatalogueIndex:
    return import_string(BACKENDS[settings.CARTEL_SEARCH_BACKEND])()
