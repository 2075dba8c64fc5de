"""The library catalogue and the archives in a real browser: axe-core finds no accessibility
violation on the library search (with results), a record page, the archives' root and a unit
page; the search works without JavaScript."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from documentation.models import ArchiveUnit, BibliographicRecord, LibraryItem
from museum_collections.services.demo_portal import load_demo_portal
from tests.e2e.axe import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
POTTER = "FRBNF370903960000006"


@pytest.fixture
def documentation(test_data, tmp_path):
    """The BnF's UNIMARC records, a copy, a fonds with a series and a file, the two pages."""
    folder = test_data / "unimarc" / "xml"
    call_command(
        "import_marc",
        *map(str, sorted(folder.glob("bnf_*.xml"))),
        "--report",
        str(tmp_path / "r.csv"),
        stdout=StringIO(),
    )
    record = BibliographicRecord.objects.get(record_id=POTTER)
    LibraryItem.objects.create(record=record, call_number="8 R 1234")
    fonds = ArchiveUnit.objects.create(
        reference_code="FR-M5062-1J", title="Fonds Émile Vuillier", level="fonds", dates="1870-1930"
    )
    series = ArchiveUnit.objects.create(
        reference_code="FR-M5062-1J-1", title="Correspondance", level="series", parent=fonds
    )
    ArchiveUnit.objects.create(
        reference_code="FR-M5062-1J-1-3",
        title="Lettres à l'éditeur",
        level="file",
        parent=series,
        scope_and_content="Lettres sur la gravure des planches.",
    )
    load_demo_portal()
    return {
        "library search": "/bibliotheque/?q=sorciers&type=book",
        "library": "/bibliotheque/",
        "record": f"/bibliotheque/{record.pk}/",
        "archives": "/archives/",
        "archives search": "/archives/?q=lettres",
        "unit": f"/archives/{series.pk}/",
    }


def test_axe_finds_no_violation_on_the_library_and_archives_pages(documentation, page, live_server):
    found = {}
    for name, url in documentation.items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert found == {}


def test_the_search_works_without_javascript(documentation, browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/bibliotheque/")
    page.fill("#library-q", "ecole sorciers")
    page.press("#library-q", "Enter")
    page.wait_for_url("**/bibliotheque/?q=ecole+sorciers*")
    page.click("text=Harry Potter")
    assert "Harry Potter" in page.locator("h1").inner_text()
    assert "8 R 1234" in page.locator("table").inner_text()
    page.goto(live_server.url + "/archives/")
    page.click("text=Fonds Émile Vuillier")
    page.click("text=Correspondance")
    page.click("text=Lettres à l'éditeur")
    assert page.locator(".breadcrumb a").count() == 3
    context.close()
