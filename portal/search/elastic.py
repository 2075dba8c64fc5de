"""The catalogue search on Elasticsearch (`elasticsearch.dsl`, client 8.x), on ELASTICSEARCH_URL.

Searches go through the alias `settings.CARTEL_SEARCH_INDEX`. A rebuild fills a new concrete
index `<alias>-<timestamp>` and then moves the alias to it in one `update_aliases` call, so
searches read the old index until the new one is complete; the old one is then deleted.
Per-work updates and removals (`update`, `remove`) are called by `portal.search.tasks`.
While a rebuild runs, its new index also answers to the alias `<alias>-rebuilding`, and
updates and removals are written to both indices. Every write carries an external version,
the time it was made (µs): an update or removal made during the rebuild is newer than the
rebuild's copy of the work, read from the database after the rebuild started, so the
rebuild cannot overwrite it nor bring a removed work back (removals are remembered by the
new index for `REBUILD_GC_DELETES`).

Text is analysed in French: elision, lower case, ASCII folding, French stop words and the
light French stemmer, so "ceramique" finds "céramiques". Facets are keyword arrays, counted
with `terms` aggregations; a facet a filter is set on is counted without its own filter
(the filters go in `post_filter`), so its other values can still be added.

Pages beyond `index.max_result_window` (10,000 results) come back empty, with the count and
the facets still given: a visitor narrows the search rather than reads that far.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from itertools import islice

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    Index,
    Integer,
    Keyword,
    Mapping,
    Object,
    Q,
    Search,
    SearchAsYouType,
    Text,
    analyzer,
    normalizer,
    token_filter,
)

from .. import page_cache
from . import FACETS, Hit, Query, Result
from .sql import fold, natural_key

MAX_WINDOW = 10_000  # index.max_result_window: from + size may not go beyond it
MAX_PAGE_SIZE = 100
FACET_VALUES = 30  # values listed per facet (the selected ones always are)
CHUNK = 500  # documents per bulk request
REBUILD_GC_DELETES = "24h"  # how long a rebuilding index remembers removals (index.gc_deletes)
PING_SECONDS = 2  # how long /health waits for the cluster
SUGGESTIONS_READ = 50  # works read to pick the autocomplete suggestions from
WORD = re.compile(r"\w+")
SEARCHED = ["title^3", "makers^2", "body", "inventory_number.text"]
HIT_FIELDS = ["ref", "title", "inventory_number", "makers", "date", "image_id"]

FRENCH = analyzer(
    "cartel_french",
    tokenizer="standard",
    filter=[
        token_filter(
            "cartel_french_elision",
            "elision",
            articles_case=True,
            articles=[
                "l",
                "m",
                "t",
                "qu",
                "n",
                "s",
                "j",
                "d",
                "c",
                "jusqu",
                "quoiqu",
                "lorsqu",
                "puisqu",
            ],
        ),
        "lowercase",
        "asciifolding",
        token_filter("cartel_french_stop", "stop", stopwords="_french_"),
        token_filter("cartel_french_stemmer", "stemmer", language="light_french"),
    ],
)
FOLDED = analyzer("cartel_folded", tokenizer="standard", filter=["lowercase", "asciifolding"])
FOLD = normalizer("cartel_fold", filter=["lowercase", "asciifolding"])


def now_version() -> int:
    """An external version for the writes made now: the time in microseconds."""
    return time.time_ns() // 1000


def versioned(version: int) -> dict:
    """A bulk action's versioning: an older write than the document's is refused (409)."""
    return {"version": version, "version_type": "external_gte"}


def index_definition(name: str) -> Index:
    """The settings, analysers and mapping of one concrete index (strict: an unknown field is
    refused, so nothing but what `source_of` writes can be indexed)."""
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("ref", Keyword(normalizer=FOLD))
    mapping.field(
        "inventory_number",
        Keyword(normalizer=FOLD, fields={"text": Text(analyzer=FRENCH)}),
    )
    mapping.field("title", Text(analyzer=FRENCH))
    mapping.field("makers", Text(analyzer=FRENCH))
    mapping.field("body", Text(analyzer=FRENCH))
    mapping.field("suggest", SearchAsYouType(analyzer=FOLDED))  # the title and the makers
    mapping.field("date", Keyword(index=False))  # shown only
    mapping.field("year_from", Integer())
    mapping.field("year_to", Integer())
    mapping.field("sort_title", Keyword(normalizer=FOLD))
    mapping.field("sort_inventory", Keyword(normalizer=FOLD))
    mapping.field("image_id", Integer(index=False))
    mapping.field("facets", Object(properties={facet: Keyword() for facet in FACETS}))
    index = Index(name)
    index.settings(number_of_shards=1, max_result_window=MAX_WINDOW)
    index.mapping(mapping)
    return index


def source_of(document) -> dict:
    """The indexed body of a `Document` (public fields only, see documents.py)."""
    return {
        "ref": document.ref,
        "inventory_number": document.inventory_number,
        "title": document.title,
        "makers": list(document.makers),
        "body": document.body,
        "suggest": [document.title, *document.makers],
        "date": document.date,
        "year_from": document.year_from,
        "year_to": document.year_to,
        "sort_title": document.title[:200],
        "sort_inventory": natural_key(document.inventory_number),
        "image_id": document.image_id,
        "facets": {facet: list(values) for facet, values in document.facets.items()},
    }


def facet_filters(query: Query, without: str = "") -> list[Q]:
    """One `terms` filter per facet filtered on (its values OR-ed), except `without`."""
    return [
        Q("terms", **{f"facets.{facet}": list(values)})
        for facet, values in sorted(query.filters.items())
        if facet in FACETS and values and facet != without
    ]


def page_of(query: Query) -> tuple[int, int]:
    """The page asked (from 1) and its size (1 to 100)."""
    return max(1, query.page), max(1, min(query.page_size, MAX_PAGE_SIZE))


ORDER = {
    "relevance": ["_score"],
    "date": [{"year_from": {"order": "asc", "missing": "_last"}}],
    "-date": [{"year_to": {"order": "desc", "missing": "_last"}}],
    "title": ["sort_title"],
    "inventory": [],
}


class ElasticCatalogueIndex:
    def __init__(self, client: Elasticsearch | None = None):
        if client is None and not settings.ELASTICSEARCH_URL:
            raise ImproperlyConfigured(
                "CARTEL_SEARCH_BACKEND 'elasticsearch' needs ELASTICSEARCH_URL"
            )
        self.client = client or Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=30)
        self.alias = settings.CARTEL_SEARCH_INDEX

    # --- searching ---------------------------------------------------------------------------

    def search_request(self, query: Query) -> Search:
        """The request of a search: words, years, sort and page in the query; facet filters
        in the post_filter; one filtered `terms` aggregation per facet."""
        page, size = page_of(query)
        start = (page - 1) * size
        s = Search(using=self.client, index=self.alias).extra(track_total_hits=True)
        text = query.text.strip()
        if text:  # every word somewhere in the title, the makers or the text
            s = s.query(
                "multi_match",
                query=text,
                type="cross_fields",
                operator="and",
                fields=SEARCHED,
                zero_terms_query="all",  # only stop words: every work, as with no words
            )
        if query.year_from is not None:  # the creation overlaps the range asked
            s = s.filter("range", year_to={"gte": query.year_from})
        if query.year_to is not None:
            s = s.filter("range", year_from={"lte": query.year_to})
        if filters := facet_filters(query):
            s = s.post_filter("bool", filter=filters)
        for facet in FACETS:
            others = facet_filters(query, without=facet)
            bucket = s.aggs.bucket(
                facet, "filter", filter=Q("bool", filter=others) if others else Q("match_all")
            )
            field = f"facets.{facet}"
            bucket.bucket("values", "terms", field=field, size=FACET_VALUES)
            if chosen := sorted(set(query.filters.get(facet, ()))):
                bucket.bucket("chosen", "terms", field=field, include=chosen, size=len(chosen))
        sort = query.sort if query.sort in ORDER else "relevance"
        if sort == "relevance" and not text:  # no words, no relevance
            sort = "inventory"
        s = s.sort(*ORDER[sort], "sort_inventory", "ref")
        if start >= MAX_WINDOW:  # too deep: no hits, but the count and the facets
            return s.extra(from_=0, size=0)
        return s.source(HIT_FIELDS).extra(from_=start, size=min(size, MAX_WINDOW - start))

    def search(self, query: Query) -> Result:
        page, size = page_of(query)
        try:
            response = self.search_request(query).execute().to_dict()
        except NotFoundError:  # never built
            return Result(0, [], {facet: [] for facet in FACETS}, page, size)
        hits = [self._hit(hit["_source"]) for hit in response["hits"]["hits"]]
        facets = {facet: self._counts(response["aggregations"][facet]) for facet in FACETS}
        return Result(response["hits"]["total"]["value"], hits, facets, page, size)

    @staticmethod
    def _counts(aggregation: dict) -> list[tuple[str, int]]:
        """The most frequent values, then the chosen ones that are not among them."""
        counts = {b["key"]: b["doc_count"] for b in aggregation["values"]["buckets"]}
        for b in aggregation.get("chosen", {}).get("buckets", []):
            counts.setdefault(b["key"], b["doc_count"])
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    @staticmethod
    def _hit(source: dict) -> Hit:
        return Hit(
            ref=source["ref"],
            title=source["title"],
            inventory_number=source["inventory_number"],
            makers=tuple(source.get("makers") or ()),
            date=source.get("date") or "",
            image_id=source.get("image_id"),
        )

    def autocomplete_request(self, prefix: str) -> Search:
        return (
            Search(using=self.client, index=self.alias)
            .query(
                "multi_match",
                query=prefix,
                type="bool_prefix",
                operator="and",
                fields=["suggest", "suggest._2gram", "suggest._3gram"],
            )
            .source(["title", "makers"])
            .extra(size=SUGGESTIONS_READ)
        )

    def autocomplete(self, prefix: str, limit: int = 10) -> list[str]:
        """Titles and makers' names of which every word typed starts a word."""
        wanted = [fold(word) for word in WORD.findall(prefix)]
        if not wanted:
            return []
        try:
            response = self.autocomplete_request(prefix).execute().to_dict()
        except NotFoundError:
            return []
        suggestions: dict[str, None] = {}
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            for text in [*source.get("makers", []), source["title"]]:
                folded = [fold(word) for word in WORD.findall(text)]
                if all(any(word.startswith(p) for word in folded) for p in wanted):
                    suggestions.setdefault(text)
        return list(islice(suggestions, limit))

    def lookup_request(self, text: str) -> Search:
        """A REF before an inventory number (scores 2 and 1); the fields fold the case."""
        key = " ".join(text.split())
        return (
            Search(using=self.client, index=self.alias)
            .query(
                "bool",
                should=[
                    Q("constant_score", filter=Q("term", ref=key), boost=2),
                    Q("constant_score", filter=Q("term", inventory_number=key), boost=1),
                ],
            )
            .sort("_score", "sort_inventory", "ref")
            .source(["ref"])
            .extra(size=1)
        )

    def lookup(self, text: str) -> str | None:
        if not text.strip():
            return None
        try:
            hits = self.lookup_request(text).execute().to_dict()["hits"]["hits"]
        except NotFoundError:
            return None
        return hits[0]["_source"]["ref"] if hits else None

    def ping(self) -> None:
        """The cluster answers within PING_SECONDS, once, and is not red."""
        client = self.client.options(request_timeout=PING_SECONDS, max_retries=0)
        status = client.cluster.health(timeout=f"{PING_SECONDS}s")["status"]
        if status == "red":
            raise ConnectionError(f"Elasticsearch cluster status is {status}")

    # --- indexing ----------------------------------------------------------------------------

    @property
    def rebuilding(self) -> str:
        """The alias of the index a rebuild is filling, while it runs."""
        return f"{self.alias}-rebuilding"

    def update(self, documents: Iterable) -> int:
        self._ensure()
        targets = [self.alias, *self._filling()]
        version = now_version()
        actions = (
            {"_index": target, "_id": d.ref, "_source": source_of(d)} | versioned(version)
            for d in documents
            for target in targets
        )
        count, _errors = helpers.bulk(
            self.client, actions, chunk_size=CHUNK, ignore_status=409, refresh="wait_for"
        )
        page_cache.changed()
        return count // len(targets)

    def remove(self, refs: Iterable[str]) -> None:
        refs = list(refs)
        if not refs or not self.client.indices.exists(index=self.alias):
            return
        targets = [self.alias, *self._filling()]
        version = now_version()
        actions = (
            {"_op_type": "delete", "_index": target, "_id": ref} | versioned(version)
            for ref in refs
            for target in targets
        )
        helpers.bulk(
            self.client, actions, chunk_size=CHUNK, ignore_status=(404, 409), refresh="wait_for"
        )
        page_cache.changed()

    def rebuild(self, documents: Iterable, progress: Callable[[int], None] | None = None) -> int:
        """Into a new index, then the alias moved to it in one call and the old one deleted."""
        name = f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
        definition = index_definition(name)
        # no refresh while it fills; removals made meanwhile are remembered until the swap
        definition.settings(refresh_interval="-1", gc_deletes=REBUILD_GC_DELETES)
        definition.aliases(**{self.rebuilding: {}})
        definition.create(using=self.client)
        version = now_version()  # before the first row is read: any later write is newer
        count = 0
        try:
            iterator = iter(documents)
            while batch := list(islice(iterator, CHUNK)):
                actions = [
                    {"_index": name, "_id": d.ref, "_source": source_of(d)} | versioned(version)
                    for d in batch
                ]
                helpers.bulk(self.client, actions, chunk_size=CHUNK, ignore_status=409)
                count += len(batch)
                if progress:
                    progress(count)
            self.client.indices.put_settings(
                index=name, settings={"refresh_interval": None, "gc_deletes": None}
            )
            self.client.indices.refresh(index=name)
            old = self._concrete()
            self.client.indices.update_aliases(
                actions=[
                    # an index named like the alias (written to before any rebuild) goes too
                    {"remove_index": {"index": o}}
                    if o == self.alias
                    else {"remove": {"index": o, "alias": self.alias}}
                    for o in old
                ]
                + [
                    {"remove": {"index": name, "alias": self.rebuilding}},
                    {"add": {"index": name, "alias": self.alias}},
                ]
            )
        except Exception:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        page_cache.changed()
        if stale := [o for o in old if o != self.alias]:
            self.client.indices.delete(index=",".join(stale))
        return count

    def _filling(self) -> list[str]:
        """The index a rebuild is filling now, if one is (written to as well)."""
        if not self.client.indices.exists_alias(name=self.rebuilding):
            return []
        return sorted(self.client.indices.get_alias(name=self.rebuilding).body)

    def _concrete(self) -> list[str]:
        """The indices the alias points to (or the index of that very name)."""
        if not self.client.indices.exists(index=self.alias):
            return []
        return sorted(self.client.indices.get_alias(index=self.alias).body)

    def _ensure(self) -> None:
        """Before a first rebuild: an empty index under the alias, never one made up by a
        write (which would get a dynamic mapping and the alias's name)."""
        if not self.client.indices.exists(index=self.alias):
            name = f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
            definition = index_definition(name)
            definition.aliases(**{self.alias: {}})
            definition.create(using=self.client)
