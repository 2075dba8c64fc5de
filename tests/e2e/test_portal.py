"""The public portal in a real browser: axe-core finds no accessibility violation on any page
type, the keyboard reaches the search field and the results, the work page stays light, the
search works without JavaScript and the zoom viewer comes as an enhancement."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.images import ImageFile
from django.core.management import call_command
from wagtail.models import Collection

from museum_collections.models import CartelImage, Location, Person, Rights, Work, WorkMedia
from museum_collections.services.demo_portal import load_demo_portal
from museum_collections.services.movements import move
from portal.models.pages import ExhibitionPage, TourPage
from tests.e2e.axe import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "tests" / "data" / "images" / "progressive_zurbaran_agnus-dei.jpg"
FIRST = "05000000083"  # MC.2012.0.7, Le martelage de la rate, by Gaston Vuillier
BUDGET = 100 * 1024  # bytes of HTML, CSS and JavaScript for a work page, images aside

WEIGHT = """() => {
  const [page] = performance.getEntriesByType("navigation");
  const parts = performance.getEntriesByType("resource")
    .filter((r) => ["link", "script", "css", "fetch", "xmlhttprequest"].includes(r.initiatorType));
  return {total: page.transferSize + parts.reduce((sum, r) => sum + r.transferSize, 0),
          names: parts.map((r) => r.name)};
}"""


@pytest.fixture
def portal(joconde_catalogue, settings, tmp_path):
    """The 18 published works of the Joconde fixtures, three with an image, one on display,
    the search index and the demo portal (home page body, a tour, an exhibition)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if not Collection.objects.exists():  # a transactional test's flush may have removed it
        Collection.add_root(name="Root")
    works = list(Work.objects.public().order_by("inventory_sort_key"))
    first = Work.objects.get(joconde_ref=FIRST)
    for work in (first, works[4], works[6]):
        with open(IMAGE, "rb") as f:
            image = CartelImage(title=f"Photographie de {work.inventory_number}", is_public=True)
            image.file = ImageFile(f, name=IMAGE.name)
            image.rights = Rights.CC_BY
            image.save()
        WorkMedia.objects.create(work=work, image=image, is_primary=True)
    room = Location.objects.create(
        code="SALLE-3", name="Salle des dessins", kind=Location.Kind.ROOM, is_display=True
    )
    move(first, room, reason="display")
    call_command("rebuild_catalogue_index", stdout=StringIO())
    load_demo_portal()
    return first


def page_urls(first) -> dict[str, str]:
    maker = Person.objects.filter(works_made__work=first).first()
    return {
        "home": "/",
        "catalogue": "/collections/",
        "results": "/collections/?q=dessin&maker=Gaston+Vuillier",
        "work": f"/collections/{first.joconde_ref}/",
        "maker": f"/collections/makers/{maker.pk}/",
        "tour": TourPage.objects.get().url,
        "exhibition": ExhibitionPage.objects.get().url,
    }


def test_axe_finds_no_violation_on_any_page_type(portal, page, live_server):
    found = {}
    for name, url in page_urls(portal).items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert found == {}


def focus_by_tab(page, selector: str, limit: int) -> int:
    """Press Tab until the element matching `selector` has the focus; returns the presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


def test_the_keyboard_reaches_the_search_field_and_the_results(portal, page, live_server):
    page.goto(live_server.url + "/")
    focus_by_tab(page, "#site-search", 12)
    page.keyboard.type("Vuillier")
    page.keyboard.press("Enter")
    page.wait_for_url("**/collections/?q=Vuillier")
    # The skip link first, then into the main content and on to the first result.
    focus_by_tab(page, ".skip-link", 1)
    page.keyboard.press("Enter")
    focus_by_tab(page, ".result a", 80)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url("**/collections/0*/")
    assert page.locator("h1").inner_text()


def test_the_work_page_weighs_under_100_kb_without_images(portal, page, live_server):
    page.route("**/*.{webp,jpg,jpeg,png}", lambda route: route.abort())
    page.goto(live_server.url + f"/collections/{portal.joconde_ref}/", wait_until="load")
    weight = page.evaluate(WEIGHT)
    assert 0 < weight["total"] < BUDGET, weight
    assert not any("openseadragon" in name for name in weight["names"])


def test_the_zoom_viewer_opens_on_demand(portal, page, live_server):
    page.goto(live_server.url + f"/collections/{portal.joconde_ref}/")
    page.click("a.zoom")
    page.wait_for_selector(".zoom-viewer .openseadragon-container")
    assert page.evaluate("typeof OpenSeadragon") == "function"


def test_the_search_works_without_javascript(portal, browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/collections/")
    page.fill("#q", "dessin")
    page.check("input[name=image][value=yes]")
    page.click(".search-bar button[type=submit]")
    page.wait_for_url("**/collections/?*image=yes*")
    assert page.locator(".result").count() == 3
    page.select_option("#sort", "title")
    page.click(".results-head button")
    titles = page.locator(".result-title").all_inner_texts()
    assert titles == sorted(titles, key=str.casefold)
    context.close()


def test_the_language_switch_turns_the_portal_to_french(portal, page, live_server):
    page.goto(live_server.url + f"/collections/{portal.joconde_ref}/")
    assert page.get_attribute("html", "lang") == "en"
    page.click("form.language button[value=fr]")
    page.wait_for_load_state()
    assert page.url.endswith(f"/collections/{portal.joconde_ref}/")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("form.language button[value=en]").inner_text() == "English"
