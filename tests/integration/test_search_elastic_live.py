"""The Elasticsearch adapter's own mechanics against a real server: the alias swap of a
rebuild, updates before any rebuild, a stray index, what the documents hold. The behaviours
it shares with the SQL adapter are in test_catalogue_search.py, run on both.

Runs only when ELASTICSEARCH_URL names a server (Elasticsearch 8 or 9), for example
``ELASTICSEARCH_URL=http://localhost:9200 .venv/bin/pytest tests/integration/test_search_elastic_live.py``.
Each test works under its own alias (`cartel-test-<random>`) and deletes its indices after.
"""

import os
import uuid
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command

from museum_collections.models import Work
from portal.search import Query
from portal.search.documents import documents
from portal.search.elastic import ElasticCatalogueIndex
from tests.markers import MARKER, plant_markers

URL = os.environ.get("ELASTICSEARCH_URL", "")

pytestmark = [
    pytest.mark.skipif(not URL, reason="ELASTICSEARCH_URL is not set: no Elasticsearch server"),
    pytest.mark.django_db,
]


@pytest.fixture
def elastic(settings):
    """The adapter, chosen by the settings, on an alias of its own; its indices deleted after."""
    settings.CARTEL_SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = URL
    settings.CARTEL_SEARCH_INDEX = f"cartel-test-{uuid.uuid4().hex[:12]}"
    index = ElasticCatalogueIndex()
    yield index
    made = index.client.indices.get(index=f"{index.alias}*", allow_no_indices=True)
    if made.body:  # by name: wildcard deletes are refused by default
        index.client.indices.delete(index=",".join(made.body))


@pytest.fixture
def index(elastic, joconde_catalogue):
    out = StringIO()
    call_command("rebuild_catalogue_index", stdout=out)
    assert "18 published works indexed" in out.getvalue()
    return elastic


def refs(result) -> list[str]:
    return [hit.ref for hit in result.hits]


def search(index, text="", **arguments):
    return index.search(Query(text=text, page_size=50, **arguments))


def concrete(index) -> list[str]:
    return sorted(index.client.indices.get_alias(index=index.alias).body)


def test_every_published_work_is_found_and_a_rebuild_swaps_the_alias(index):
    assert search(index).count == 18
    before = concrete(index)
    Work.objects.filter(joconde_ref="05000000091").update(is_public=False)
    counts = []

    def progress(count):  # the old index still answers while the new one fills
        counts.append((count, search(index).count))

    assert index.rebuild(documents(), progress) == 17
    assert counts == [(17, 18)]
    assert search(index).count == 17
    assert "05000000091" not in refs(search(index, "vache"))
    after = concrete(index)
    assert len(after) == 1 and after != before  # the old index is deleted
    assert not index.client.indices.exists(index=before[0])


def test_changes_made_during_a_rebuild_are_kept(index):
    """The rebuild read every work first (its copies are old); meanwhile one work is renamed
    and another withdrawn: after the swap, the new title is found and the withdrawn work is
    not, although the rebuild wrote its old copies after those changes."""
    old = list(documents())
    renamed, withdrawn = old[0], old[1]

    def rebuilding():
        yield old[2]
        changed = replace(renamed, title="Titre changé pendant la reconstruction")
        index.update([changed])
        index.remove([withdrawn.ref])
        yield from old  # the rebuild's copies, read before the changes

    assert index.rebuild(rebuilding()) == len(old) + 1
    assert refs(search(index, "reconstruction")) == [renamed.ref]
    assert withdrawn.ref not in refs(search(index))
    assert search(index).count == len(old) - 1


def test_updates_before_any_rebuild_and_a_stray_index_under_the_alias_name(
    elastic, joconde_catalogue
):
    assert elastic.search(Query()).count == 0  # nothing built yet
    assert elastic.update(documents()) == 18  # creates an index under the alias
    assert search(elastic).count == 18 and len(concrete(elastic)) == 1
    elastic.client.indices.delete(index=concrete(elastic))
    elastic.client.index(index=elastic.alias, document={"ref": "x"}, refresh=True)  # auto-created
    assert concrete(elastic) == [elastic.alias]
    assert elastic.rebuild(documents()) == 18
    assert search(elastic).count == 18 and concrete(elastic) != [elastic.alias]


def test_no_private_value_is_indexed(elastic, joconde_catalogue):
    for work in Work.objects.public():
        plant_markers(work)
    call_command("rebuild_catalogue_index", stdout=StringIO())
    assert search(elastic, MARKER).count == 0
    assert search(elastic, "8675309").count == 0
    everything = elastic.client.search(index=elastic.alias, size=100).body["hits"]["hits"]
    assert len(everything) == 18
    assert not [hit for hit in everything if MARKER in str(hit["_source"])]
