"""The works admin in a real browser: typing a controlled field suggests the vocabulary."""

import pytest
from django.urls import reverse

from museum_collections.models import Concept, ConceptScheme, Work

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def denominations():
    scheme = ConceptScheme.objects.create(code="DENO", name="Dénominations")
    for label in ("tableau", "cadre", "cadran", "cadran solaire", "canapé"):
        Concept.objects.create(scheme=scheme, pref_label=label)


def test_typing_a_denomination_suggests_preferred_labels_after_the_last_semicolon(
    admin_page, live_server, denominations
):
    work = Work.objects.create(inventory_number="2019.1.1", title="Le Mystère catholique")
    edit = reverse(Work.snippet_viewset.get_url_name("edit"), args=(work.pk,))
    admin_page.goto(f"{live_server.url}{edit}")
    field = admin_page.locator("#id_denominations")
    field.fill("tableau ; ca")
    field.press_sequentially("d")
    options = admin_page.locator("#id_denominations-suggestions option")
    options.first.wait_for(state="attached")
    values = options.evaluate_all("options => options.map(o => o.value)")
    assert values == ["tableau ; cadre", "tableau ; cadran", "tableau ; cadran solaire"]

    field.fill("tableau ; Cadre ; cadran solaire")
    admin_page.get_by_role("button", name="Save").click()
    admin_page.wait_for_url(f"{live_server.url}/admin/snippets/collections/work/**")
    assert list(work.denominations.values_list("label", flat=True)) == [
        "tableau",
        "cadre",
        "cadran solaire",
    ]
