"""The catalogue search port's behaviour, one suite for both adapters: the SQL one (on SQLite,
and on PostgreSQL in CI) and Elasticsearch when ELASTICSEARCH_URL names a server (each test
then works under an alias of its own, deleted after; the adapter's own mechanics, such as the
alias swap, are in test_search_elastic_live.py). The catalogue: POP's fixture notices and the
Mistral harvest (15 drawings by Gaston Vuillier, 1899; 3 Gallo-Roman objects, some in
céramique)."""

import os
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from museum_collections.models import Work
from portal.search import Query, catalogue_index
from portal.search.documents import documents_of
from portal.search.sql import fold
from tests.markers import MARKER, plant_markers

pytestmark = pytest.mark.django_db


ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
BACKENDS = [
    "sql",
    pytest.param(
        "elasticsearch",
        marks=pytest.mark.skipif(not ELASTICSEARCH_URL, reason="ELASTICSEARCH_URL is not set"),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    settings.CARTEL_SEARCH_BACKEND = request.param
    if request.param == "sql":
        yield request.param
        return
    settings.ELASTICSEARCH_URL = ELASTICSEARCH_URL
    settings.CARTEL_SEARCH_INDEX = f"cartel-test-{uuid.uuid4().hex[:12]}"
    yield request.param
    client = catalogue_index().client
    made = client.indices.get(index=f"{settings.CARTEL_SEARCH_INDEX}*", allow_no_indices=True)
    if made.body:  # by name: wildcard deletes are refused by default
        client.indices.delete(index=",".join(made.body))


@pytest.fixture
def index(backend, joconde_catalogue):
    out = StringIO()
    call_command("rebuild_catalogue_index", stdout=out)
    assert "18 published works indexed" in out.getvalue()
    return catalogue_index()


def refs(result) -> list[str]:
    return [hit.ref for hit in result.hits]


def search(index, text="", **arguments):
    return index.search(Query(text=text, page_size=50, **arguments))


def test_every_published_work_is_found_and_nothing_else(index):
    assert search(index).count == 18
    Work.objects.filter(joconde_ref="05000000091").update(is_public=False)
    index.rebuild(documents_of(Work.objects.public().values_list("joconde_ref", flat=True)))
    assert search(index).count == 17
    assert "05000000091" not in refs(search(index, "vache"))


def test_accents_and_case_do_not_matter(index):
    for typed in ("céramique", "ceramique", "CÉRAMIQUE", "Ceramique"):
        assert sorted(refs(search(index, typed))) == ["01610014032", "01610014147"], typed


def test_french_stemming_finds_plurals_and_derived_forms(index):
    assert sorted(refs(search(index, "céramiques"))) == ["01610014032", "01610014147"]
    assert search(index, "dessins").count == 15
    assert search(index, "aquarelles").count == search(index, "aquarelle").count > 0


def test_every_word_must_match_and_stop_words_are_ignored(index):
    found = refs(search(index, "terrasse Pebeyre"))
    assert found[0] == "05000000115" and len(found) == 3  # two more say both in their text
    assert refs(search(index, "la terrasse de Pebeyre")) == found
    assert search(index, "terrasse amphore").count == 0


def test_a_title_match_ranks_before_a_match_in_the_text(index):
    found = refs(search(index, "Pebeyre"))
    assert set(found[:2]) == {"05000000115", "05000000116"}  # both titles name Pebeyre


def test_makers_are_searched(index):
    result = search(index, "Vuillier")
    assert result.count == 15
    assert result.hits[0].makers == ("Gaston Vuillier",)


def test_exact_lookup_by_inventory_number_or_ref(index):
    assert index.lookup("MC.2012.0.7") == "05000000083"
    assert index.lookup("  mc.2012.0.7 ") == "05000000083"
    assert index.lookup("05000000083") == "05000000083"
    assert index.lookup("MC.2012.0") is None


def test_facets_count_the_results_and_filters_combine(index):
    result = search(index)
    domains = dict(result.facets["domain"])
    assert domains["dessin"] == 15 and domains["archéologie"] == 3
    assert dict(result.facets["maker"])["Gaston Vuillier"] == 15
    assert dict(result.facets["period"]) == {"19e siècle": 15}
    assert dict(result.facets["image"]) == {"no": 18}
    drawings = search(index, filters={"domain": ("dessin",)})
    assert drawings.count == 15
    # The domain facet still offers the other domains (values of a facet are OR-ed).
    assert dict(drawings.facets["domain"])["archéologie"] == 3
    either = search(index, filters={"domain": ("dessin", "sculpture")})
    assert either.count == 16
    both = search(index, filters={"domain": ("archéologie",), "material": ("céramique",)})
    assert sorted(refs(both)) == ["01610014032"]


def test_a_date_range_keeps_the_works_made_within_it(index):
    assert search(index, year_from=1890, year_to=1910).count == 15
    assert search(index, year_from=1900).count == 0
    assert search(index, year_to=1800).count == 0


def test_sorts(index):
    by_title = search(index, sort="title").hits
    assert [fold(h.title) for h in by_title] == sorted(fold(h.title) for h in by_title)
    by_number = [h.inventory_number for h in search(index, sort="inventory").hits]
    assert by_number[:3] == ["A1973.2.1", "A1982.9.4", "A1983.15.1"]
    assert by_number.index("MC.2012.0.5") < by_number.index("MC.2012.0.10")  # 5 before 10
    dated = [h.date for h in search(index, sort="date").hits]
    assert dated[-3:] == ["", "", ""]  # undated works last


def test_pages(index):
    first = index.search(Query(page_size=5))
    second = index.search(Query(page=2, page_size=5))
    last = index.search(Query(page=4, page_size=5))
    assert first.count == 18 and len(first.hits) == len(second.hits) == 5 and len(last.hits) == 3
    assert not set(refs(first)) & set(refs(second))


def test_autocomplete_offers_titles_and_makers(index):
    assert "Gaston Vuillier" in index.autocomplete("vuil")
    assert "La terrasse de Pebeyre" in index.autocomplete("terras")
    assert index.autocomplete("pebeyre cha") == ["Le Château de Pebeyre"]
    assert index.autocomplete("") == []


def test_an_update_replaces_a_work_and_a_removal_takes_it_out(index):
    work = Work.objects.get(joconde_ref="05000000115")
    work.title = "La terrasse du château"
    work.save()
    index.update(documents_of([work.joconde_ref]))
    assert refs(search(index, "terrasse château"))[0] == "05000000115"
    assert search(index).count == 18
    index.remove([work.joconde_ref])
    assert "05000000115" not in refs(search(index, "terrasse")) and search(index).count == 17


def test_no_private_value_is_indexed(backend, joconde_catalogue):
    for work in Work.objects.public():
        plant_markers(work)
    call_command("rebuild_catalogue_index", stdout=StringIO())
    index = catalogue_index()
    assert search(index, MARKER).count == 0
    assert search(index, "8675309").count == 0
    if backend != "sql":
        return  # the Elasticsearch documents are searched in test_search_elastic_live.py
    from portal.models import CatalogueEntry, CatalogueFacet

    for entry in CatalogueEntry.objects.all():
        assert MARKER not in f"{entry.title} {entry.body} {entry.makers}"
    assert not CatalogueFacet.objects.filter(value__contains=MARKER).exists()


def test_the_json_api(index, client):
    body = client.get("/api/works/", {"q": "Pebeyre", "domain": "dessin"}).json()
    assert body["count"] == 3
    first = body["results"][0]
    assert set(first) >= {"ref", "title", "url"}
    assert first["url"] == f"http://testserver/collections/{first['ref']}/"
    assert {"value": "dessin", "count": 3} in body["facets"]["domain"]
    assert client.get("/api/works/", {"page": "x", "from": "y", "sort": "z"}).json()["count"] == 18
    suggestions = client.get("/api/works/autocomplete", {"q": "vuil"}).json()["suggestions"]
    assert "Gaston Vuillier" in suggestions


@pytest.mark.django_db(transaction=True)
def test_works_are_refreshed_when_their_transaction_commits(joconde_catalogue):
    """Real commits: the import's own saves have already filled the index."""
    from django.db import transaction

    index = catalogue_index()
    assert search(index).count == 18
    work = Work.objects.get(joconde_ref="05000000115")
    work.title = "La terrasse ensoleillée"
    work.save()
    assert refs(search(index, "ensoleillée")) == ["05000000115"]
    with transaction.atomic():
        work.is_public = False
        work.save()
        assert search(index, "ensoleillée").count == 1  # not before the commit
    assert search(index, "ensoleillée").count == 0 and search(index).count == 17
    try:
        with transaction.atomic():
            work.is_public = True
            work.save()
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    work.refresh_from_db()
    assert not work.is_public
    Work.objects.filter(pk=work.pk).update(is_public=True)  # no save(): no refresh
    assert "05000000115" not in refs(search(index))
    work.refresh_from_db()
    work.title = "La terrasse retrouvée"
    work.save()  # the rolled-back transaction does not stop the next refresh
    assert refs(search(index, "terrasse retrouvée"))[0] == "05000000115"
