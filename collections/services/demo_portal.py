"""The demo's public portal: the home page's body with featured works, one thematic tour and
one exhibition, made of real published works of the demo. Safe to run again: a page that
exists is left as the editors made it; only what is missing is created."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_supported_language_variant
from wagtail.models import Locale, Page, Site

from ..models import Work

FEATURED = 6
TOUR_WORKS = 8
EXHIBITION_WORKS = 6


def portal_home():
    """The portal's home page, created with its site when missing (after a database flush)."""
    from portal.models.pages import HomePage

    home = HomePage.objects.first()
    if home is not None:
        return home
    language = get_supported_language_variant(settings.LANGUAGE_CODE)
    locale, _created = Locale.objects.get_or_create(language_code=language)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(instance=HomePage(title="Cartel", slug="home", locale=locale))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "Cartel"},
    )
    return home


def catalogue_page(home=None):
    """The catalogue at /collections/ (migration 0005 creates it; this is for flushed databases)."""
    from portal.models.pages import CataloguePage

    page = CataloguePage.objects.first()
    if page is None:
        home = home or portal_home()
        page = home.add_child(
            instance=CataloguePage(title="Collections", slug="collections", show_in_menus=True)
        )
    return page


def illustrated_works():
    """Published works with a published image, in inventory order."""
    return (
        Work.objects.public()
        .filter(media__image__is_public=True)
        .distinct()
        .order_by("inventory_sort_key")
    )


def refs(works) -> list[str]:
    return [w.joconde_ref for w in works]


def works_block(heading: str, works) -> tuple[str, dict]:
    return ("works", {"heading": heading, "refs": refs(works)})


def lead_image(works):
    from ..models import CartelImage

    return (
        CartelImage.objects.filter(is_public=True, work_links__work__in=list(works))
        .order_by("pk")
        .first()
    )


def add_page(home, page):
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def load_demo_portal() -> dict[str, int]:
    """Build what is missing of the demo portal; returns how many pages were created."""
    from portal.models.library_pages import documentation_pages
    from portal.models.pages import ExhibitionPage, TourPage

    home = portal_home()
    catalogue_page(home)
    documentation_pages(home)
    works = list(illustrated_works()[:200])
    created = {"home": 0, "tours": 0, "exhibitions": 0}
    if not works:
        return created
    if not home.body:
        home.introduction = (
            "<p>Les collections du musée départemental en ligne : peintures, dessins, "
            "photographies et objets, avec leurs images lorsque les droits le permettent.</p>"
        )
        home.body = [
            (
                "text",
                "<h2>Bienvenue</h2><p>Cherchez une œuvre, un artiste ou une technique, "
                "ou suivez l'un de nos parcours.</p>",
            ),
            works_block("Œuvres à la une", works[:FEATURED]),
        ]
        home.save_revision().publish()
        created["home"] = 1
    if not TourPage.objects.filter(slug="parcours-peinture").exists():
        chosen = works[FEATURED : FEATURED + TOUR_WORKS] or works[:TOUR_WORKS]
        add_page(
            home,
            TourPage(
                title="Parcours : regarder la peinture",
                slug="parcours-peinture",
                show_in_menus=True,
                introduction="Un parcours parmi les œuvres du musée, de salle en salle.",
                lead_image=lead_image(chosen[:1]),
                body=[
                    (
                        "text",
                        "<p>Ce parcours réunit quelques œuvres de la collection, choisies "
                        "pour la manière dont elles traitent la lumière et la couleur.</p>",
                    ),
                    works_block("Les œuvres du parcours", chosen),
                    (
                        "quote",
                        {
                            "quote": "La couleur est le lieu où notre cerveau et l'univers "
                            "se rencontrent.",
                            "attribution": "Paul Cézanne",
                        },
                    ),
                ],
            ),
        )
        created["tours"] = 1
    if not ExhibitionPage.objects.filter(slug="exposition-nouvelles-acquisitions").exists():
        chosen = works[-EXHIBITION_WORKS:]
        today = datetime.date.today()
        add_page(
            home,
            ExhibitionPage(
                title="Exposition : dans les réserves du musée",
                slug="exposition-nouvelles-acquisitions",
                show_in_menus=True,
                introduction="Des œuvres rarement montrées sortent des réserves.",
                start_date=today.replace(month=1, day=15),
                end_date=today.replace(month=12, day=31),
                venue="Musée départemental, salle d'exposition temporaire",
                lead_image=lead_image(chosen[:1]),
                body=[
                    (
                        "text",
                        "<p>Chaque année, le musée présente une sélection d'œuvres "
                        "conservées dans ses réserves.</p>",
                    ),
                    works_block("Œuvres exposées", chosen),
                ],
            ),
        )
        created["exhibitions"] = 1
    return created
