"""The public portal's pages through the Django test client: the catalogue (search, work,
print view, maker), the thematic tour and the exhibition of the demo portal, the home page.

The catalogue: POP's fixture notices and the Mistral harvest (18 published works), one with a
published image, an unpublished one, a sound file, and a place in a room on display."""

import importlib.util
import json
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command

from museum_collections.models import (
    CartelDocument,
    CartelImage,
    Location,
    Person,
    Rights,
    Work,
    WorkMaker,
    WorkMedia,
)
from museum_collections.services.demo_portal import load_demo_portal
from museum_collections.services.movements import move
from portal.models.pages import CataloguePage, ExhibitionPage, HomePage, TourPage
from portal.views import page_window
from tests.markers import MARKER, leaked, plant_markers

pytestmark = pytest.mark.django_db
needs_search = pytest.mark.skipif(
    importlib.util.find_spec("portal.search.sql") is None,
    reason="the SQL catalogue search (portal.search.sql) is not there yet",
)
FIRST = "05000000083"  # MC.2012.0.7, Le martelage de la rate
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def add_image(work, path, *, public: bool, primary: bool = False, caption: str = ""):
    with open(path, "rb") as f:
        image = CartelImage(title=path.name, file=ImageFile(f, name=path.name), is_public=public)
        image.rights = Rights.CC_BY
        image.credit = "© Musée, photo Jeanne Martin"
        image.save()
    WorkMedia.objects.create(work=work, image=image, is_primary=primary, caption=caption)
    return image


@pytest.fixture
def catalogue(joconde_catalogue, test_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    works = list(Work.objects.public().order_by("inventory_sort_key"))
    first = Work.objects.get(joconde_ref=FIRST)  # a drawing by Gaston Vuillier, among 15
    images = test_data / "images"
    add_image(first, images / "progressive_zurbaran_agnus-dei.jpg", public=True, primary=True)
    hidden = add_image(first, images / "exif-orientation-3_pillow_hopper.jpg", public=False)
    for other in (works[4], works[6]):
        add_image(other, images / "progressive_zurbaran_agnus-dei.jpg", public=True)
    sound = CartelDocument.objects.create(
        title="Commentaire audio", file=ContentFile(b"ID3", name="commentaire.mp3"), is_public=True
    )
    WorkMedia.objects.create(work=first, document=sound)
    room = Location.objects.create(
        code="SALLE-3", name="Salle des dessins", kind=Location.Kind.ROOM, is_display=True
    )
    store = Location.objects.create(
        code="RES-PRIV-7f3a9", name=MARKER, kind=Location.Kind.STORAGE_UNIT
    )
    move(first, room, reason="display")
    move(works[1], store, reason="storage")
    if importlib.util.find_spec("portal.search.sql"):
        call_command("rebuild_catalogue_index", stdout=StringIO())
    load_demo_portal()
    return SimpleNamespace(
        works=works, first=first, hidden=hidden, store=store, maker=maker_of(first)
    )


def maker_of(work) -> Person:
    return Person.objects.filter(works_made__work=work).first()


def page_urls(catalogue) -> dict[str, str]:
    """One address of each page type."""
    first = catalogue.first
    return {
        "home": "/",
        "search": "/collections/",
        "work": f"/collections/{first.joconde_ref}/",
        "print": f"/collections/{first.joconde_ref}/?print=1",
        "maker": f"/collections/makers/{catalogue.maker.pk}/",
        "tour": TourPage.objects.get().url,
        "exhibition": ExhibitionPage.objects.get().url,
    }


def text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_page_type_renders(catalogue, client):
    assert catalogue.maker is not None
    for name, url in page_urls(catalogue).items():
        assert "<main" in text(client, url) or name == "print", name


def test_unpublished_deleted_and_unknown_works_are_not_found(catalogue, client):
    hidden, deleted = catalogue.works[1], catalogue.works[2]
    Work.objects.filter(pk=hidden.pk).update(is_public=False)
    Work.objects.filter(pk=deleted.pk).update(is_deleted=True)
    for work in (hidden, deleted):
        assert client.get(f"/collections/{work.joconde_ref}/").status_code == 404
        assert client.get(f"/collections/{work.joconde_ref}/?print=1").status_code == 404
    assert client.get("/collections/M0000999999/").status_code == 404


def test_the_catalogue_keeps_its_address_the_works_permanent_links(catalogue):
    page = CataloguePage.objects.get()
    assert page.url == "/collections/"
    page.slug = "oeuvres"
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    assert "permanent link" in str(refused.value.message_dict["slug"])
    page.title = "Les collections du musée"
    page.slug = "collections"
    page.full_clean()  # anything else may change


def test_makers_of_unpublished_works_and_donors_have_no_page(catalogue, client):
    maker = Person.objects.create(name="Peintre inédit")
    WorkMaker.objects.create(work=catalogue.works[3], person=maker)
    Work.objects.filter(pk=catalogue.works[3].pk).update(is_public=False)
    donor = Person.objects.create(name="Donatrice")
    Work.objects.filter(pk=catalogue.first.pk).update(acquisition_source=donor)
    for person in (maker, donor):
        assert client.get(f"/collections/makers/{person.pk}/").status_code == 404
    assert client.get("/collections/makers/999999/").status_code == 404


def test_the_work_page_shows_the_cartel_images_sound_and_room(catalogue, client):
    first = catalogue.first
    page = text(client, f"/collections/{first.joconde_ref}/")
    assert first.inventory_number in page
    assert f'href="/collections/makers/{catalogue.maker.pk}/"' in page
    assert catalogue.maker.name in page
    if first.dimensions_display:
        assert first.dimensions_display in page
    assert 'srcset="' in page and ".webp" in page
    image = WorkMedia.objects.get(work=first, is_primary=True).image
    assert f'data-info="/iiif/image/{image.pk}/info.json"' in page
    assert "<audio controls" in page
    assert "On display: yes, Salle des dessins." in page
    assert f"/iiif/{first.joconde_ref}/manifest.json" in page
    assert "How to cite this work" in page and f"/collections/{first.joconde_ref}/" in page
    assert catalogue.hidden.title not in page  # the image not cleared for publication
    assert "Related works" in page


def test_a_work_in_storage_is_only_said_not_on_display(catalogue, client):
    page = text(client, f"/collections/{catalogue.works[1].joconde_ref}/")
    assert "On display: no." in page
    assert catalogue.store.code not in page and MARKER not in page


def test_the_json_ld_names_the_work(catalogue, client):
    first = catalogue.first
    page = text(client, f"/collections/{first.joconde_ref}/")
    data = json.loads(JSON_LD.search(page).group(1))
    assert data["@type"] == "VisualArtwork"
    assert data["@context"] == "https://schema.org"
    assert data["name"] == (first.title or first.designation)
    assert data["identifier"] == first.inventory_number
    assert data["url"].endswith(f"/collections/{first.joconde_ref}/")
    assert catalogue.maker.name in [creator["name"] for creator in data["creator"]]


def test_the_print_view_holds_the_cartel_and_the_citation(catalogue, client):
    first = catalogue.first
    page = text(client, f"/collections/{first.joconde_ref}/?print=1")
    assert "print.css" in page and "portal.css" not in page
    assert first.inventory_number in page and "How to cite this work" in page
    assert "site-nav" not in page and "Related works" not in page


def test_the_maker_page_lists_the_published_works(catalogue, client):
    maker = catalogue.maker
    page = text(client, f"/collections/makers/{maker.pk}/")
    assert f"<h1>{maker.name}</h1>" in page
    assert f'href="/collections/{catalogue.first.joconde_ref}/"' in page
    for uri in maker.authority_uris:
        assert uri in page


def test_the_tour_and_the_exhibition_show_cards_of_published_works(catalogue, client):
    tour = TourPage.objects.get()
    refs = list(tour.body[1].value["refs"])
    assert len(refs) == 3
    Work.objects.filter(joconde_ref=refs[0]).update(is_public=False)
    page = text(client, tour.url)
    assert f'href="/collections/{refs[0]}/"' not in page
    for ref in refs[1:]:
        assert f'href="/collections/{ref}/"' in page
    assert "<blockquote>" in page
    assert "Exhibition" in text(client, ExhibitionPage.objects.get().url)


def test_the_home_page_shows_featured_works_and_the_editorial_pages(catalogue, client):
    page = text(client, "/")
    home = HomePage.objects.get()
    for ref in home.body[1].value["refs"]:
        assert f'href="/collections/{ref}/"' in page
    assert TourPage.objects.get().url in page and ExhibitionPage.objects.get().url in page
    assert 'class="skip-link"' in page and 'role="search"' in page


def test_an_image_not_cleared_is_never_shown_in_an_editorial_page(catalogue, client):
    tour = TourPage.objects.get()
    tour.body.append(("image", {"image": catalogue.hidden, "caption": "Détail"}))
    tour.save_revision().publish()
    assert "Détail" not in text(client, tour.url)


def test_the_demo_portal_is_built_once(catalogue):
    pages = sorted(HomePage.objects.get().get_descendants().values_list("slug", flat=True))
    assert load_demo_portal() == {"home": 0, "tours": 0, "exhibitions": 0}
    assert sorted(HomePage.objects.get().get_descendants().values_list("slug", flat=True)) == pages
    assert "collections" in pages


def test_the_language_switch_sets_the_language(catalogue, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/collections/"})
    assert response.status_code == 302 and response["Location"] == "/collections/"
    assert response.cookies["django_language"].value == "en"


def test_page_window_keeps_the_ends_and_the_neighbours():
    assert page_window(1, 1) == [1]
    assert page_window(5, 10) == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert page_window(2, 4) == [1, 2, 3, 4]


@needs_search
def test_the_search_page_lists_results_facets_and_sorts(catalogue, client):
    page = text(client, "/collections/?q=dessin")
    assert '<ol class="result-list">' in page
    assert 'type="checkbox" name="domain"' in page and 'name="sort"' in page
    count = int(re.search(r"(\d+) works?</h2>", page).group(1))
    assert count > 0
    assert 'href="/collections/' in page
    filtered = text(client, "/collections/?domain=MISSING-DOMAIN")
    assert "No published work matches this search." in filtered
    assert 'value="MISSING-DOMAIN" checked' in filtered  # a ticked value stays listed


@needs_search
def test_the_search_page_is_paginated(catalogue, client, monkeypatch):
    monkeypatch.setattr("portal.views.PAGE_SIZE", 5)
    page = text(client, "/collections/?q=Vuillier&page=2")
    assert page.count('class="result"') == 5
    assert 'href="?q=Vuillier&amp;page=1" rel="prev"' in page
    assert 'href="?q=Vuillier&amp;page=3" rel="next"' in page
    assert 'aria-current="page" href="?q=Vuillier&amp;page=2"' in page
    assert text(client, "/collections/?q=Vuillier&page=99").count('class="result"') == 0


@needs_search
def test_the_search_page_shows_the_thumbnail_and_links_the_work(catalogue, client):
    first = catalogue.first
    page = text(client, f"/collections/?image=yes&q={first.title or ''}")
    assert f'href="/collections/{first.joconde_ref}/"' in page
    assert ".webp" in page


@needs_search
def test_an_inventory_number_or_a_ref_goes_to_the_work(catalogue, client):
    first = catalogue.first
    for typed in (first.inventory_number, first.joconde_ref):
        response = client.get("/collections/", {"q": typed})
        assert response.status_code == 302
        assert response["Location"] == f"/collections/{first.joconde_ref}/"


@pytest.fixture
def planted(catalogue):
    """Secrets in every private field of the published works, their makers and their donor,
    in a storage location and in an image and a document not cleared for publication."""
    donor = Person.objects.create(name="Donateur")
    plant_markers(donor)
    for person in Person.objects.filter(works_made__isnull=False).distinct():
        plant_markers(person)
    for work in Work.objects.public():
        work.acquisition_source, work.normal_location = donor, catalogue.store
        plant_markers(work)
    catalogue.hidden.title = MARKER
    catalogue.hidden.save()
    plant_markers(catalogue.hidden)
    secret = CartelDocument.objects.create(
        title=MARKER, file=ContentFile(b"ID3", name="secret.mp3"), is_public=False
    )
    WorkMedia.objects.create(work=catalogue.first, document=secret, caption=MARKER)
    if importlib.util.find_spec("portal.search.sql"):
        call_command("rebuild_catalogue_index", stdout=StringIO())
    return catalogue


def test_no_private_value_reaches_any_page(planted, client):
    urls = page_urls(planted)
    for work in Work.objects.public():
        urls[work.joconde_ref] = f"/collections/{work.joconde_ref}/"
        urls[f"print {work.joconde_ref}"] = f"/collections/{work.joconde_ref}/?print=1"
    for person in Person.objects.filter(works_made__work__is_public=True).distinct():
        urls[f"maker {person.pk}"] = f"/collections/makers/{person.pk}/"
    if importlib.util.find_spec("portal.search.sql"):
        urls["search all facets"] = "/collections/?image=yes&display=yes&display=no"
        urls["search words"] = "/collections/?q=dessin&sort=title"
    pages = {name: text(client, url) for name, url in urls.items()}
    assert len(pages) > 30
    assert {name: leaked(page) for name, page in pages.items() if leaked(page)} == {}
    assert planted.first.inventory_number in pages["work"]


def test_catalogue_data_is_marked_french_on_english_pages(catalogue, client):
    from museum_collections.models import Work

    ref = Work.objects.public().filter(title__gt="").first().joconde_ref
    english = client.get(f"/collections/{ref}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h1 lang="fr">' in english and '<dd lang="fr">' in english
    client.cookies["django_language"] = "fr"
    french = client.get(f"/collections/{ref}/").content.decode()
    assert 'lang="fr">' not in french.split("<body", 1)[1].split("</header>", 1)[1]
