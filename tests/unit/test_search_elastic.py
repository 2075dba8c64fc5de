"""The Elasticsearch adapter of the catalogue search, without a server.

* The index definition and the request bodies are compared to the reviewed golden files in
  tests/golden/elasticsearch/. After an intended change, write them again with
  ``CARTEL_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_search_elastic.py``, then
  read the diff (``git diff tests/golden``) before keeping it.
* Requests go through the real client down to a recording node (`elastic_transport`'s
  `BaseNode`), which answers canned responses: the bulk bodies, the alias swap and the
  reading of a search response are checked there.

The same behaviours against a real server: tests/integration/test_search_elastic_live.py.
"""

import json
import os
import re
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch
from elasticsearch.helpers import BulkIndexError

from museum_collections.publication import RULES
from portal.search import FACETS, Hit, Query, catalogue_index
from portal.search.documents import Document
from portal.search.elastic import (
    MAX_WINDOW,
    ElasticCatalogueIndex,
    index_definition,
    natural_key,
    source_of,
)

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "elasticsearch"
REGENERATE = bool(os.environ.get("CARTEL_REGENERATE_GOLDEN"))
ALIAS = "cartel-test"
REBUILDING = f"/_alias/{ALIAS}-rebuilding"
NEW_INDEX = re.compile(rf"^{ALIAS}-\d{{20}}$")


class FakeElasticsearch:
    """A node that records each request (method, path, query string, JSON body) and answers
    from `answers[(method, path)]`: a (status, body) pair, or a function of the request
    body giving one. Bulk requests are acknowledged item by item; anything else with 200."""

    def __init__(self):
        self.requests: list[tuple[str, str, str, object]] = []
        self.answers: dict[tuple[str, str], object] = {}
        fake = self

        class Node(BaseNode):
            def perform_request(self, method, target, body=None, headers=None, **kwargs):
                status, answer = fake.answer(method, target, body)
                meta = ApiResponseMeta(
                    status=status,
                    http_version="1.1",
                    headers=HttpHeaders(
                        {
                            "content-type": "application/vnd.elasticsearch+json; compatible-with=8",
                            "x-elastic-product": "Elasticsearch",
                        }
                    ),
                    duration=0.0,
                    node=self.config,
                )
                data = b"" if method == "HEAD" else json.dumps(answer).encode()
                return NodeApiResponse(meta, data)

        self.client = Elasticsearch("http://elastic.test:9200", node_class=Node)

    def answer(self, method: str, target: str, body: bytes | None):
        path, _, params = target.partition("?")
        if body and path.endswith("/_bulk"):
            data = [json.loads(line) for line in body.decode().splitlines() if line]
        else:
            data = json.loads(body) if body else None
        self.requests.append((method, path, params, data))
        answer = self.answers.get((method, path))
        if callable(answer):
            return answer(data)
        if answer is not None:
            return answer
        if path.endswith("/_bulk"):
            return 200, bulk_response(data)
        return 200, {"acknowledged": True}

    def calls(self) -> list[str]:
        return [f"{method} {path}" for method, path, _params, _body in self.requests]


def bulk_response(lines: list[dict], status: int = 200) -> dict:
    actions = [line for line in lines if set(line) & {"index", "delete"}]
    items = [
        {op: {"_index": meta["_index"], "_id": meta["_id"], "status": status}}
        for action in actions
        for op, meta in action.items()
    ]
    return {"took": 1, "errors": status >= 300, "items": items}


def search_response(hits: list[dict], total: int, aggregations: dict | None = None) -> dict:
    return {
        "took": 3,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": total, "relation": "eq"},
            "max_score": None,
            "hits": [
                {"_index": f"{ALIAS}-1", "_id": str(n), "_score": None, "_source": hit}
                for n, hit in enumerate(hits)
            ],
        },
        "aggregations": aggregations or {},
    }


def document(ref: str, title: str, **fields) -> Document:
    values = {
        "inventory_number": f"INV.{ref}",
        "makers": ("Gaston Vuillier",),
        "date": "1899",
        "year_from": 1899,
        "year_to": 1899,
        "body": "dessin ; mine de plomb",
        "facets": {"domain": ("dessin",), "image": ("no",), "display": ("no",)},
    }
    return Document(ref=ref, title=title, **{**values, **fields})


@pytest.fixture
def elastic(settings):
    settings.ELASTICSEARCH_URL = "http://elastic.test:9200"
    settings.CARTEL_SEARCH_INDEX = ALIAS
    fake = FakeElasticsearch()
    fake.answers[("HEAD", REBUILDING)] = (404, None)  # no rebuild running
    fake.index = ElasticCatalogueIndex(client=fake.client)
    return fake


def golden(name: str, produced: dict) -> None:
    path = GOLDEN / f"{name}.json"
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(produced, indent=2, ensure_ascii=False) + "\n")
    assert produced == json.loads(path.read_text()), f"{path} differs (see the module docstring)"


# --- golden files ------------------------------------------------------------------------------

QUERIES = {
    "search-text": Query(text="céramique romaine"),
    "search-text-two-facets": Query(
        text="vache",
        filters={"domain": ("dessin", "peinture"), "period": ("19e siècle",)},
    ),
    "search-years": Query(year_from=1890, year_to=1910),
    "search-sort-relevance": Query(text="terrasse", sort="relevance"),
    "search-sort-date": Query(sort="date"),
    "search-sort--date": Query(sort="-date"),
    "search-sort-title": Query(sort="title"),
    "search-sort-inventory": Query(sort="inventory", page=3, page_size=10),
}


def test_the_index_definition_matches_the_golden_file():
    golden("index", index_definition("any-name").to_dict())


@pytest.mark.parametrize("name", QUERIES)
def test_search_bodies_match_the_golden_files(elastic, name):
    golden(name, elastic.index.search_request(QUERIES[name]).to_dict())


def test_autocomplete_and_lookup_bodies_match_the_golden_files(elastic):
    golden("autocomplete", elastic.index.autocomplete_request("pebeyre cha").to_dict())
    golden("lookup", elastic.index.lookup_request("  mc.2012.0.7 ").to_dict())


# --- the mapping and the private-data rule -----------------------------------------------------


def field_names(properties: dict) -> set[str]:
    """Every field and sub-field name of a mapping, at any depth."""
    names = set()
    for name, definition in properties.items():
        names.add(name)
        names |= field_names(definition.get("properties", {}))
        names |= field_names(definition.get("fields", {}))
    return names


def test_no_field_of_the_mapping_is_named_after_a_private_field():
    mapping = index_definition("any-name").to_dict()["mappings"]
    # Documents are works: any private name but those a work has public (a documentary
    # file's title is private, a work's is public).
    private = set().union(*(rule.private for rule in RULES.values()))
    private -= RULES["collections.Work"].public
    assert RULES["collections.Work"].private <= private
    assert mapping["dynamic"] == "strict"  # nothing unmapped can be written
    assert not field_names(mapping["properties"]) & private


def test_a_document_fills_exactly_the_fields_of_the_mapping():
    mapping = index_definition("any-name").to_dict()["mappings"]["properties"]
    source = source_of(document("05000000115", "La terrasse de Pebeyre"))
    assert set(source) == set(mapping)
    assert set(mapping["facets"]["properties"]) == set(FACETS)


@pytest.mark.django_db
def test_the_catalogues_documents_carry_no_private_value(joconde_catalogue):
    from museum_collections.models import Work
    from portal.search.documents import documents
    from tests.markers import MARKER, SECRETS, plant_markers

    for work in Work.objects.public():
        plant_markers(work)
    sources = [source_of(d) for d in documents()]
    assert len(sources) == 18
    text = json.dumps(sources, ensure_ascii=False)
    assert MARKER not in text
    assert not [secret for secret in SECRETS if secret in text]


# --- searching ---------------------------------------------------------------------------------


def test_a_response_becomes_a_result_with_hits_and_disjunctive_facets(elastic):
    elastic.answers[("POST", f"/{ALIAS}/_search")] = (
        200,
        search_response(
            [
                {
                    "ref": "05000000115",
                    "title": "La terrasse de Pebeyre",
                    "inventory_number": "MC.2012.0.5",
                    "makers": ["Gaston Vuillier"],
                    "date": "1899",
                    "image_id": 12,
                },
                {
                    "ref": "01610014032",
                    "title": "Amphore",
                    "inventory_number": "A1973.2.1",
                    "makers": [],
                    "date": "",
                    "image_id": None,
                },
            ],
            total=42,
            aggregations={
                "domain": {
                    "doc_count": 50,
                    "values": {
                        "buckets": [
                            {"key": "archéologie", "doc_count": 3},
                            {"key": "dessin", "doc_count": 15},
                            {"key": "peinture", "doc_count": 3},
                        ]
                    },
                    "chosen": {"buckets": [{"key": "dessin", "doc_count": 15}]},
                },
                "period": {
                    "doc_count": 15,
                    "values": {"buckets": [{"key": "19e siècle", "doc_count": 15}]},
                    # a chosen value beyond the first 30 is still listed
                    "chosen": {"buckets": [{"key": "1er siècle", "doc_count": 1}]},
                },
                **{
                    facet: {"doc_count": 0, "values": {"buckets": []}}
                    for facet in FACETS
                    if facet not in ("domain", "period")
                },
            },
        ),
    )
    query = Query(
        text="terrasse",
        filters={"domain": ("dessin",), "period": ("1er siècle",)},
        page=2,
        page_size=2,
    )
    result = elastic.index.search(query)
    assert result.count == 42 and result.page == 2 and result.page_size == 2
    assert result.hits == [
        Hit(
            "05000000115", "La terrasse de Pebeyre", "MC.2012.0.5", ("Gaston Vuillier",), "1899", 12
        ),
        Hit("01610014032", "Amphore", "A1973.2.1", (), "", None),
    ]
    assert result.facets["domain"] == [("dessin", 15), ("archéologie", 3), ("peinture", 3)]
    assert result.facets["period"] == [("19e siècle", 15), ("1er siècle", 1)]
    assert result.facets["maker"] == []
    assert set(result.facets) == set(FACETS)
    [(method, path, _params, body)] = elastic.requests
    assert body == elastic.index.search_request(query).to_dict()
    assert body["from"] == 2 and body["size"] == 2


def test_the_facet_filters_apply_to_the_hits_and_to_the_other_facets_only(elastic):
    body = elastic.index.search_request(
        Query(filters={"domain": ("dessin", "peinture"), "school": ("France",)})
    ).to_dict()
    domain = {"terms": {"facets.domain": ["dessin", "peinture"]}}
    school = {"terms": {"facets.school": ["France"]}}
    assert body["post_filter"] == {"bool": {"filter": [domain, school]}}
    assert "query" not in body  # the counts of the facets come from every work
    aggregations = body["aggs"]
    assert aggregations["domain"]["filter"] == {"bool": {"filter": [school]}}
    assert aggregations["school"]["filter"] == {"bool": {"filter": [domain]}}
    assert aggregations["maker"]["filter"] == {"bool": {"filter": [domain, school]}}
    assert aggregations["domain"]["aggs"]["chosen"]["terms"]["include"] == ["dessin", "peinture"]


def test_pages_stop_at_the_result_window(elastic):
    def window(page):
        body = elastic.index.search_request(Query(page=page, page_size=30)).to_dict()
        return body["from"], body["size"]

    assert window(1) == (0, 30)
    assert window(334) == (9990, 10)  # the last page reachable is cut short
    assert window(335) == (0, 0)  # beyond: no hits, still the count and the facets
    assert MAX_WINDOW == 10_000
    assert elastic.index.search_request(Query(page_size=1000)).to_dict()["size"] == 100


def test_a_search_before_any_rebuild_finds_nothing(elastic):
    missing = (404, {"error": {"type": "index_not_found_exception"}, "status": 404})
    elastic.answers[("POST", f"/{ALIAS}/_search")] = missing
    result = elastic.index.search(Query(text="vache"))
    assert result.count == 0 and result.hits == [] and set(result.facets) == set(FACETS)
    assert elastic.index.autocomplete("vach") == []
    assert elastic.index.lookup("MC.2012.0.7") is None


def test_autocomplete_offers_the_titles_and_makers_that_match_every_word(elastic):
    elastic.answers[("POST", f"/{ALIAS}/_search")] = (
        200,
        search_response(
            [
                {"title": "Le Château de Pebeyre", "makers": ["Gaston Vuillier"]},
                {"title": "La terrasse de Pebeyre", "makers": ["Gaston Vuillier"]},
                {"title": "Le château de Chambord", "makers": ["Pierre Chaumont"]},
            ],
            total=3,
        ),
    )
    assert elastic.index.autocomplete("pebeyre cha") == ["Le Château de Pebeyre"]
    assert elastic.index.autocomplete("CHA") == [
        "Le Château de Pebeyre",
        "Pierre Chaumont",
        "Le château de Chambord",
    ]
    assert elastic.index.autocomplete("cha", limit=1) == ["Le Château de Pebeyre"]
    requests = len(elastic.requests)
    assert elastic.index.autocomplete("  ") == [] and len(elastic.requests) == requests


def test_lookup_answers_the_ref_found(elastic):
    answers = iter([[{"ref": "05000000083"}], []])
    elastic.answers[("POST", f"/{ALIAS}/_search")] = lambda body: (
        200,
        search_response(next(answers), total=1),
    )
    assert elastic.index.lookup(" mc.2012.0.7\t") == "05000000083"
    assert elastic.index.lookup("MC.2012.0") is None
    assert elastic.index.lookup("   ") is None
    first = elastic.requests[0][3]["query"]["bool"]["should"]
    assert first[1]["constant_score"]["filter"] == {"term": {"inventory_number": "mc.2012.0.7"}}
    assert len(elastic.requests) == 2


# --- indexing ----------------------------------------------------------------------------------


def test_update_sends_one_bulk_request_of_index_actions(elastic):
    docs = [document("05000000115", "La terrasse"), document("05000000116", "Le château")]
    assert elastic.index.update(docs) == 2
    assert elastic.calls() == [f"HEAD /{ALIAS}", f"HEAD {REBUILDING}", "PUT /_bulk"]
    _method, _path, params, lines = elastic.requests[2]
    assert params == "refresh=wait_for"
    version = lines[0]["index"]["version"]
    assert abs(version / 1e6 - time.time()) < 60  # the time of the update, in µs
    external = {"version": version, "version_type": "external_gte"}
    assert lines == [
        {"index": {"_index": ALIAS, "_id": "05000000115", **external}},
        source_of(docs[0]),
        {"index": {"_index": ALIAS, "_id": "05000000116", **external}},
        source_of(docs[1]),
    ]
    assert lines[1]["suggest"] == ["La terrasse", "Gaston Vuillier"]
    assert lines[1]["sort_inventory"] == "inv.005000000115"  # folded, 12 digits


def test_a_first_update_creates_the_index_under_the_alias(elastic):
    elastic.answers[("HEAD", f"/{ALIAS}")] = (404, None)
    elastic.index.update([document("05000000115", "La terrasse")])
    (method, created, _params, body), _rebuilding, bulk = elastic.requests[1:]
    assert method == "PUT" and NEW_INDEX.match(created.lstrip("/"))
    assert body["aliases"] == {ALIAS: {}}
    assert body["mappings"] == index_definition("any").to_dict()["mappings"]
    assert bulk[:2] == ("PUT", "/_bulk")


def test_remove_deletes_and_ignores_works_not_indexed(elastic):
    elastic.answers[("PUT", "/_bulk")] = lambda lines: (200, bulk_response(lines, status=404))
    elastic.index.remove(["05000000115", "05000000116"])
    assert elastic.calls() == [f"HEAD /{ALIAS}", f"HEAD {REBUILDING}", "PUT /_bulk"]
    lines = elastic.requests[2][3]
    external = {"version": lines[0]["delete"]["version"], "version_type": "external_gte"}
    assert lines == [
        {"delete": {"_index": ALIAS, "_id": "05000000115", **external}},
        {"delete": {"_index": ALIAS, "_id": "05000000116", **external}},
    ]
    elastic.index.remove([])
    assert len(elastic.requests) == 3


def test_rebuild_fills_a_new_index_then_swaps_the_alias_in_one_call(elastic):
    elastic.answers[("GET", f"/{ALIAS}/_alias")] = (
        200,
        {f"{ALIAS}-20260101000000000000": {"aliases": {ALIAS: {}}}},
    )
    seen = []
    docs = (document(f"{n:011d}", f"Œuvre {n}") for n in range(1001))
    assert elastic.index.rebuild(docs, progress=seen.append) == 1001
    assert seen == [500, 1000, 1001]
    new = elastic.requests[0][1].lstrip("/")
    assert NEW_INDEX.match(new)
    old = f"{ALIAS}-20260101000000000000"
    assert elastic.calls() == [
        f"PUT /{new}",
        "PUT /_bulk",
        "PUT /_bulk",
        "PUT /_bulk",
        f"PUT /{new}/_settings",
        f"POST /{new}/_refresh",
        f"HEAD /{ALIAS}",
        f"GET /{ALIAS}/_alias",
        "POST /_aliases",
        f"DELETE /{old}",
    ]
    created = elastic.requests[0][3]
    assert created["settings"]["refresh_interval"] == "-1"
    assert created["settings"]["gc_deletes"] == "24h"  # removals remembered while it fills
    assert created["aliases"] == {f"{ALIAS}-rebuilding": {}}  # written to by updates meanwhile
    bulks = [body for _m, path, _p, body in elastic.requests if path == "/_bulk"]
    assert [len(body) // 2 for body in bulks] == [500, 500, 1]
    assert {line["index"]["_index"] for body in bulks for line in body[::2]} == {new}
    versions = {line["index"]["version"] for body in bulks for line in body[::2]}
    assert len(versions) == 1  # the time the rebuild began: any later update is newer
    assert elastic.requests[4][3] == {"refresh_interval": None, "gc_deletes": None}
    assert elastic.requests[8][3] == {
        "actions": [
            {"remove": {"index": old, "alias": ALIAS}},
            {"remove": {"index": new, "alias": f"{ALIAS}-rebuilding"}},
            {"add": {"index": new, "alias": ALIAS}},
        ]
    }


def test_rebuild_replaces_an_index_written_under_the_alias_name(elastic):
    elastic.answers[("GET", f"/{ALIAS}/_alias")] = (200, {ALIAS: {"aliases": {}}})
    elastic.index.rebuild([document("05000000115", "La terrasse")])
    new = elastic.requests[0][1].lstrip("/")
    assert elastic.calls()[-2:] == [f"GET /{ALIAS}/_alias", "POST /_aliases"]
    assert elastic.requests[-1][3]["actions"] == [
        {"remove_index": {"index": ALIAS}},
        {"remove": {"index": new, "alias": f"{ALIAS}-rebuilding"}},
        {"add": {"index": new, "alias": ALIAS}},
    ]


def test_the_first_rebuild_only_adds_the_alias(elastic):
    elastic.answers[("HEAD", f"/{ALIAS}")] = (404, None)
    assert elastic.index.rebuild([]) == 0
    new = elastic.requests[0][1].lstrip("/")
    assert elastic.calls()[-2:] == [f"HEAD /{ALIAS}", "POST /_aliases"]
    assert elastic.requests[-1][3]["actions"] == [
        {"remove": {"index": new, "alias": f"{ALIAS}-rebuilding"}},
        {"add": {"index": new, "alias": ALIAS}},
    ]


def test_updates_and_removals_during_a_rebuild_reach_both_indices_and_win(elastic):
    """A rebuild began (its index answers to the rebuilding alias): an update made meanwhile
    is written to both indices, with a version newer than the rebuild's copies; the rebuild's
    copy of a work updated or removed meanwhile is refused by the index (409) and ignored."""
    filling = f"{ALIAS}-20261204090000000000"
    elastic.answers[("HEAD", REBUILDING)] = (200, None)
    elastic.answers[("GET", REBUILDING)] = (200, {filling: {"aliases": {}}})
    began = time.time_ns() // 1000
    assert elastic.index.update([document("05000000115", "La terrasse")]) == 1
    elastic.index.remove(["05000000116"])
    update, removal = (body for _m, path, _p, body in elastic.requests if path == "/_bulk")
    assert [
        (line["index"]["_index"], line["index"]["version"] >= began) for line in update[::2]
    ] == [
        (ALIAS, True),
        (filling, True),
    ]
    assert [line["delete"]["_index"] for line in removal] == [ALIAS, filling]
    elastic.answers[("HEAD", REBUILDING)] = (404, None)
    elastic.answers[("PUT", "/_bulk")] = lambda lines: (200, bulk_response(lines, status=409))
    assert elastic.index.rebuild([document("05000000115", "La terrasse (copie ancienne)")]) == 1
    assert elastic.calls()[-2] == "POST /_aliases"  # the swap went ahead


def test_a_failed_rebuild_deletes_its_new_index_and_leaves_the_alias(elastic):
    elastic.answers[("PUT", "/_bulk")] = lambda lines: (200, bulk_response(lines, status=400))
    with pytest.raises(BulkIndexError):
        elastic.index.rebuild([document("05000000115", "La terrasse")])
    new = elastic.requests[0][1]
    assert elastic.calls() == [f"PUT {new}", "PUT /_bulk", f"DELETE {new}"]


# --- small parts -------------------------------------------------------------------------------


def test_inventory_numbers_sort_by_their_numbers():
    numbers = ["MC.2012.0.10", "MC.2012.0.5", "A1983.15.1", "A1973.2.1"]
    assert sorted(numbers, key=natural_key) == [
        "A1973.2.1",
        "A1983.15.1",
        "MC.2012.0.5",
        "MC.2012.0.10",
    ]
    assert natural_key(" MC  2012 ") == "mc 000000002012"


def test_the_settings_choose_this_adapter(settings):
    settings.CARTEL_SEARCH_BACKEND = "elasticsearch"
    settings.CARTEL_SEARCH_INDEX = "museum-works"
    settings.ELASTICSEARCH_URL = "http://elastic.test:9200"
    index = catalogue_index()
    assert isinstance(index, ElasticCatalogueIndex) and index.alias == "museum-works"
    settings.ELASTICSEARCH_URL = ""
    with pytest.raises(ImproperlyConfigured):
        catalogue_index()


def test_relevance_needs_words(elastic):
    def sort(**arguments):
        return elastic.index.search_request(Query(**arguments)).to_dict()["sort"]

    assert sort(text="vache", sort="nonsense") == ["_score", "sort_inventory", "ref"]
    assert sort(text="  ", sort="relevance") == ["sort_inventory", "ref"]
