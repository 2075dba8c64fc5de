"""The catalogue's views, served by `CataloguePage`'s routes: the search page, the work page
(and its print view) and the maker page.

Works are read through `works_with_parts` (public fields only, public images only) and people
through `public_record`: what is public is decided in `museum_collections.publication`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from museum_collections.models import (
    CartelImage,
    CurrentLocation,
    Person,
    Work,
    WorkMaker,
    WorkMedia,
)
from museum_collections.publication import (
    CATALOGUE_SLUG,
    public_record,
    public_work_url,
    work_path,
)
from museum_collections.services.work_rows import work_with_parts

from .search import FACETS, Query, catalogue_index
from .search.documents import TERMS

PAGE_SIZE = 20
CATALOGUE_LANGUAGE = "fr"
MAKER_PAGE_SIZE = 24
RELATED_WORKS = 6
CARD_FIELDS = ("joconde_ref", "title", "appellation", "inventory_number", "creation_date")

FACET_LABELS = {
    "domain": _("Domain"),
    "maker": _("Maker"),
    "material": _("Material or technique"),
    "school": _("School"),
    "period": _("Century"),
    "image": _("Image"),
    "display": _("On display"),
}
YES_NO_LABELS = {
    "image": {"yes": _("with an image"), "no": _("without an image")},
    "display": {"yes": _("on display"), "no": _("not on display")},
}
SORT_LABELS = {
    "relevance": _("relevance"),
    "date": _("date, oldest first"),
    "-date": _("date, newest first"),
    "title": _("title"),
    "inventory": _("inventory number"),
}
# The vocabularies shown in a work's cartel: those the search indexes.
CARTEL_TERMS = TERMS
# Public texts of a work shown under its cartel, in this order (each must be public).
WORK_TEXTS = (
    "description",
    "inscriptions_note",
    "subject_details",
    "creation_place_details",
    "history",
    "former_owners",
    "former_attributions",
    "exhibition_history",
    "bibliography",
    "comments",
)


def maker_path(pk: int) -> str:
    return f"/{CATALOGUE_SLUG}/makers/{pk}/"


@dataclass(frozen=True)
class Card:
    """A work as a card in a list: what a search hit gives."""

    ref: str
    title: str
    makers: tuple[str, ...]
    date: str
    image: CartelImage | None

    @property
    def url(self) -> str:
        return work_path(self.ref)


def public_images(image_ids) -> dict[int, CartelImage]:
    """The images of these ids that are cleared for publication."""
    ids = [pk for pk in image_ids if pk]
    return {image.pk: image for image in CartelImage.objects.filter(pk__in=ids, is_public=True)}


def primary_images(work_ids) -> dict[int, CartelImage]:
    """Each work's first public image (the primary one first)."""
    images = {}
    media = (
        WorkMedia.objects.filter(work_id__in=list(work_ids), image__is_public=True)
        .select_related("image")
        .order_by("-is_primary", "sort_order", "pk")
    )
    for item in media:
        images.setdefault(item.work_id, item.image)
    return images


def work_cards(works) -> list[Card]:
    """Cards for published works (model instances or rows)."""
    works = list(works)
    images = primary_images(w.pk for w in works)
    return [
        Card(
            ref=w.joconde_ref,
            title=w.title or w.appellation or w.inventory_number,
            makers=tuple(dict.fromkeys(m.person.name for m in w.makers.all())),
            date=w.creation_date,
            image=images.get(w.pk),
        )
        for w in works
    ]


def search(request, catalogue):
    """The search page: words, facets, dates, sort, pages; an exact REF or inventory number
    goes straight to the work."""
    query = Query.from_params(request.GET, page_size=PAGE_SIZE)
    index = catalogue_index()
    if query.text and not query.filters and query.page == 1:
        ref = index.lookup(query.text)
        if ref:
            return redirect(work_path(ref))
    result = index.search(query)
    images = public_images(hit.image_id for hit in result.hits)
    cards = [
        Card(hit.ref, hit.title, hit.makers, hit.date, images.get(hit.image_id))
        for hit in result.hits
    ]
    pages = max(1, math.ceil(result.count / result.page_size))
    return catalogue.render(
        request,
        template="portal/catalogue_search.html",
        context_overrides={
            "query": query,
            "result": result,
            "cards": cards,
            "facets": facet_lists(query, result),
            "sorts": SORT_LABELS.items(),
            "pages": pages,
            "page_numbers": page_window(result.page, pages),
            "searched": bool(request.GET),
        },
    )


def facet_lists(query: Query, result) -> list[dict]:
    """Each facet with its values: label, count and whether it is ticked."""
    lists = []
    for facet in FACETS:
        chosen = query.filters.get(facet, ())
        values = list(result.facets.get(facet, []))
        values += [(value, 0) for value in chosen if value not in dict(values)]
        if not values:
            continue
        labels = YES_NO_LABELS.get(facet, {})
        lists.append(
            {
                "name": facet,
                "label": FACET_LABELS[facet],
                "open": bool(chosen) or len(values) <= 8,
                "values": [
                    {
                        "value": value,
                        "label": labels.get(value, value),
                        "count": count,
                        "checked": value in chosen,
                    }
                    for value, count in values
                ],
            }
        )
    return lists


def page_window(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers to link: the first, the last and a few around the current one;
    None where some are left out."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    window = []
    for number in shown:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


def work(request, catalogue, ref: str):
    """A published work's page; `?print=1` gives the print view."""
    if ref != ref.upper():  # a REF typed in lower case: its permanent address
        path = request.get_full_path().replace(f"/{ref}/", f"/{ref.upper()}/")
        return redirect(path, permanent=True)
    work = work_with_parts(Work.objects.public().filter(joconde_ref=ref))
    if work is None:
        raise Http404
    images = [m for m in work.media.all() if m.image.is_public]
    documents = (
        WorkMedia.objects.filter(work_id=work.pk, document__is_public=True)
        .select_related("document")
        .order_by("sort_order", "pk")
    )
    location = (
        CurrentLocation.objects.filter(work_id=work.pk, location__is_display=True)
        .select_related("location")
        .first()
    )
    terms = {relation: [t.label for t in getattr(work, relation)] for relation in CARTEL_TERMS}
    title = work.title or work.appellation or next(iter(terms["denominations"]), "")
    title = title or work.inventory_number
    url = public_work_url(work)
    printing = request.GET.get("print") == "1"
    return catalogue.render(
        request,
        template="portal/work_print.html" if printing else "portal/work_page.html",
        context_overrides={
            "work": work,
            "work_title": title,
            "terms": terms,
            "makers": [{"maker": m, "url": maker_path(m.person.id)} for m in work.makers.all()],
            "texts": work_texts(work),
            "images": sorted(images, key=lambda m: not m.is_primary),
            "sounds": [d for d in documents if d.document.kind == "audio"],
            "videos": [d for d in documents if d.document.kind == "video"],
            "pdfs": [d for d in documents if d.document.kind == "pdf"],
            "display_room": location.location.name if location else None,
            "related": [] if printing else related_works(work),
            "permanent_url": url,
            "museum": settings.CARTEL_MUSEUM["NAME"],
            "consulted": timezone.localdate(),
            "linked_data": work_json_ld(request, work, title, url, images),
            "manifest_url": f"/iiif/{work.joconde_ref}/manifest.json",
            "documentation": [] if printing else documentation_of(work),
            # the catalogue is written in French: said so on the pages in other languages
            "data_lang": "" if get_language() == CATALOGUE_LANGUAGE else CATALOGUE_LANGUAGE,
        },
    )


def documentation_of(work) -> list[tuple[str, str]]:
    """(label, address) of the library records citing the work and of the archive units
    holding it, on the portal's library and archives pages."""
    from documentation.models import ArchiveUnit, WorkReference

    from .models import ArchivesPage, LibraryPage

    found = []
    references = WorkReference.objects.filter(work_id=work.pk).select_related("record")
    # the pages looked up only for the works cited (most are not)
    if references and (library := LibraryPage.objects.live().public().first()):
        for reference in references:
            found.append((reference.record.title, f"{library.url}{reference.record_id}/"))
    units = ArchiveUnit.objects.filter(works=work.pk).order_by("reference_code")
    if units and (archives := ArchivesPage.objects.live().public().first()):
        for unit in units:
            found.append((f"{unit.reference_code} — {unit.title}", f"{archives.url}{unit.pk}/"))
    return found


def work_texts(work) -> list[tuple[str, str]]:
    """The work's public texts as (label, text), those filled in."""
    return [
        (Work._meta.get_field(name).verbose_name, getattr(work, name))
        for name in WORK_TEXTS
        if getattr(work, name)
    ]


def related_works(work) -> list[Card]:
    """A few published works by the same maker or of the same denomination."""
    makers = [m.person.id for m in work.makers.all()]
    denominations = [d.label for d in work.denominations.all()]
    found = []
    for condition in (
        {"makers__person__in": makers},
        {"denominations__label__in": denominations},
    ):
        if not next(iter(condition.values())):
            continue
        found += (
            Work.objects.public()
            .filter(**condition)
            .exclude(pk__in=[work.pk, *found])
            .order_by("inventory_sort_key")
            .values_list("pk", flat=True)
            .distinct()[: RELATED_WORKS - len(found)]
        )
        if len(found) >= RELATED_WORKS:
            break
    names = WorkMaker.objects.select_related("person").only("work_id", "person__name")
    cards = Work.objects.filter(pk__in=found).only(*CARD_FIELDS)
    by_pk = cards.prefetch_related(Prefetch("makers", queryset=names)).in_bulk()
    return work_cards(by_pk[pk] for pk in found)


def work_json_ld(request, work, title: str, url: str, images) -> dict:
    """schema.org VisualArtwork, from the public fields."""
    data = {
        "@context": "https://schema.org",
        "@type": "VisualArtwork",
        "@id": url,
        "url": url,
        "name": title,
        "identifier": work.inventory_number,
        "creator": [
            {
                "@type": "Organization" if m.person.kind == Person.Kind.ORGANISATION else "Person",
                "name": m.person.name,
                **({"sameAs": m.person.authority_uris} if m.person.authority_uris else {}),
            }
            for m in work.makers.all()
        ],
        "dateCreated": work.creation_date,
        "artform": [t.label for t in work.domains.all()],
        "artMedium": [t.label for t in [*work.materials.all(), *work.techniques.all()]],
        "description": work.description,
        "creditText": work.credit_line,
        "holdingArchive": settings.CARTEL_MUSEUM["NAME"],
    }
    if images:
        image = images[0].image
        data["image"] = request.build_absolute_uri(f"/iiif/image/{image.pk}/full/max/0/default.jpg")
    return {key: value for key, value in data.items() if value not in ("", [], None)}


def maker(request, catalogue, pk: int):
    """A maker of published works: public fields, authority links and published works."""
    person = (
        Person.objects.active()
        .filter(pk=pk, works_made__work__in=Work.objects.public())
        .distinct()
        .first()
    )
    if person is None:
        raise Http404
    record = public_record(person)
    works = (
        Work.objects.public()
        .filter(makers__person=person)
        .distinct()
        .prefetch_related("makers__person")
    )
    page = Paginator(works, MAKER_PAGE_SIZE).get_page(request.GET.get("page"))
    return catalogue.render(
        request,
        template="portal/maker_page.html",
        context_overrides={
            "person": record,
            "life_dates": person.life_dates,
            "other_names": [n.name for n in person.other_names.all()],
            "authority_uris": person.authority_uris,
            "works_page": page,
            "cards": work_cards(page.object_list),
            "search_url": f"{catalogue.url}?{urlencode({'maker': person.name})}",
        },
    )
