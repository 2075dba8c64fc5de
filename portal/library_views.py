"""The library catalogue (OPAC) and the archives' finding aid, served by `LibraryPage`'s and
`ArchivesPage`'s routes.

Records, copies and units are read through `public_record`: what is public is decided in
`museum_collections.publication` (no barcode, shelf, internal note or original record here).
Documentary files stay inside the museum and are never read.

The word search folds case and accents on both sides: `unaccent(lower(…))` on PostgreSQL (the
extension made by migration 0003), a Python function registered on SQLite; every word must
be found in one of the fields (or in an author's name).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Func, Q, TextField, Value
from django.db.models.functions import Replace
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from documentation.models import (
    ArchiveUnit,
    BibliographicAuthor,
    BibliographicRecord,
    LibraryItem,
)
from museum_collections.models import Person, Work
from museum_collections.publication import public_record

from .search.sql import fold
from .views import maker_path, page_window, work_cards

PAGE_SIZE = 20
CHILDREN_PAGE_SIZE = 50
WORD = re.compile(r"\w+")
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
RECORD_TYPES = dict(BibliographicRecord.RecordType.choices)
COPY_STATUSES = dict(LibraryItem.Status.choices)
# schema.org types of the record types (an exhibition catalogue and an offprint are books).
SCHEMA_TYPES = {
    BibliographicRecord.RecordType.BOOK: "Book",
    BibliographicRecord.RecordType.EXHIBITION_CATALOGUE: "Book",
    BibliographicRecord.RecordType.OFFPRINT: "Article",
    BibliographicRecord.RecordType.SERIAL: "Periodical",
}
# What the library's word search reads: public fields, and the ISBNs without their hyphens.
RECORD_FIELDS = (
    "title",
    "subtitle",
    "responsibility",
    "publisher",
    "series",
    "subjects",
    "isbn",
    Replace("isbn", Value("-"), Value("")),
    "issn",
)
# The public fields of a record shown on its page under the title, in this order.
RECORD_DESCRIPTION = ("responsibility", "edition", "extent", "series", "isbn", "issn", "notes")
# The public fields of an archive unit shown on its page, in this order.
UNIT_DESCRIPTION = ("reference_code", "dates", "extent", "scope_and_content", "access_conditions")
# Relator codes (UNIMARC, MARC 21) of the usual functions; others are shown as written.
ROLES = {
    "070": _("author"),
    "aut": _("author"),
    "340": _("editor"),
    "edt": _("editor"),
    "440": _("illustrator"),
    "ill": _("illustrator"),
    "730": _("translator"),
    "trl": _("translator"),
    "080": _("author of the preface"),
    "aui": _("author of the introduction"),
    "600": _("photographer"),
    "pht": _("photographer"),
    "651": _("publishing director"),
}
# The usual ISO 639-2 codes of the records' languages; others are shown as written.
LANGUAGES = {
    "fre": _("French"),
    "eng": _("English"),
    "ger": _("German"),
    "ita": _("Italian"),
    "spa": _("Spanish"),
    "dut": _("Dutch"),
    "lat": _("Latin"),
}


# Latin letters with accents and ligatures, folded once: str.translate() is fast enough to run
# on every record of a search on SQLite.
FOLDED = {
    code: fold(chr(code)).translate(LIGATURES)
    for code in range(0xC0, 0x250)
    if fold(chr(code)).translate(LIGATURES) != chr(code)
}


def search_key(text: str) -> str:
    """Lower case, without accents or ligatures: 'Œuvres complètes' -> 'oeuvres completes'."""
    return (text or "").lower().translate(FOLDED)


class Folded(Func):
    """Texts in the database joined by spaces as `search_key()` gives them, for `contains`
    with folded words."""

    function = "cartel_fold"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        template = "unaccent(lower(concat_ws(' ', %(expressions)s)))"
        return self.as_sql(compiler, connection, template=template, **extra)


def sqlite_fold(*texts) -> str:
    return search_key(" ".join(text for text in texts if text))


def enable_folding():
    """Give SQLite its `cartel_fold` function (PostgreSQL has unaccent)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_function("cartel_fold", -1, sqlite_fold, deterministic=True)


def query_words(text: str) -> list[str]:
    return [search_key(word) for word in WORD.findall(text)][:10]


def with_words(queryset, words: list[str], *fields, extra=None):
    """The rows whose fields hold every word; `extra(word)` adds a Q to match a word elsewhere."""
    if not words:
        return queryset
    enable_folding()
    queryset = queryset.alias(search_text=Folded(*fields))
    for word in words:
        condition = Q(search_text__contains=word)
        if extra:
            condition |= extra(word)
        queryset = queryset.filter(condition)
    return queryset


def by_author(word: str) -> Q:
    authors = BibliographicAuthor.objects.alias(name=Folded("person__name")).filter(
        name__contains=word
    )
    return Q(pk__in=authors.values("record_id"))


def year(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if re.fullmatch(r"-?\d{1,4}", value) else None


def makers_among(person_ids) -> set[int]:
    """Those people who made a published work: they have a maker page."""
    return set(
        Person.objects.active()
        .filter(pk__in=list(person_ids), works_made__work__in=Work.objects.public())
        .values_list("pk", flat=True)
    )


def pages(page) -> list[int | None]:
    return page_window(page.number, page.paginator.num_pages)


# The library


def library_search(request, library):
    """The catalogue: words, record type and years of publication, 20 records a page."""
    text = request.GET.get("q", "").strip()
    record_type = request.GET.get("type", "")
    year_from, year_to = year(request.GET.get("from")), year(request.GET.get("to"))
    records = with_words(
        BibliographicRecord.objects.all(), query_words(text), *RECORD_FIELDS, extra=by_author
    )
    if record_type in RECORD_TYPES:
        records = records.filter(record_type=record_type)
    if year_from is not None:
        records = records.filter(publication_year__gte=year_from)
    if year_to is not None:
        records = records.filter(publication_year__lte=year_to)
    page = Paginator(records.order_by("title", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    results = []
    for record in page.object_list:
        public = public_record(record)
        public["type_label"] = RECORD_TYPES.get(public["record_type"], "")
        results.append(public)
    return library.render(
        request,
        template="portal/library/search.html",
        context_overrides={
            "text": text,
            "record_type": record_type,
            "year_from": year_from,
            "year_to": year_to,
            "record_types": RECORD_TYPES.items(),
            "results_page": page,
            "results": results,
            "page_numbers": pages(page),
            "searched": bool(request.GET),
        },
    )


def library_record(request, library, pk: int):
    """A record: its public description, authors, copies and the published works it cites."""
    record = BibliographicRecord.objects.filter(pk=pk).first()
    if record is None:
        raise Http404
    public = public_record(record)
    fields = {f.name: f for f in BibliographicRecord._meta.concrete_fields}
    authorships = list(record.authors.select_related("person").order_by("sort_order", "pk"))
    makers = makers_among(a.person_id for a in authorships)
    copies = [public_record(item) for item in record.items.exclude(status="excluded")]
    references = list(
        record.work_references.filter(work__in=Work.objects.public())
        .select_related("work")
        .prefetch_related("work__makers__person")
        .order_by("work__inventory_sort_key")
    )
    cards = work_cards(reference.work for reference in references)
    authors = [
        {
            "name": public_record(a.person)["name"],
            "role": ROLES.get(a.role.strip().lower(), a.role),
            "url": maker_path(a.person_id) if a.person_id in makers else None,
            "organisation": a.person.kind == Person.Kind.ORGANISATION,
        }
        for a in authorships
    ]
    return library.render(
        request,
        template="portal/library/record.html",
        context_overrides={
            "record": public,
            "type_label": RECORD_TYPES.get(public["record_type"], ""),
            "publication": publication(public),
            "description": [
                (fields[name].verbose_name, public[name])
                for name in RECORD_DESCRIPTION
                if public[name]
            ],
            "subjects": split(public["subjects"]),
            "record_languages": [
                LANGUAGES.get(code.lower(), code) for code in split(public["languages"])
            ],
            "authors": authors,
            "linked_data": record_json_ld(request, public, authors, cards),
            "copies": [
                {**copy, "status_label": COPY_STATUSES.get(copy["status"], "")} for copy in copies
            ],
            "works": [
                {"card": card, "details": citation(public_record(reference))}
                for card, reference in zip(cards, references, strict=True)
            ],
        },
    )


def record_json_ld(request, record: dict, authors: list[dict], cards: list) -> dict:
    """schema.org description of a library record, from its public fields."""
    url = request.build_absolute_uri()
    kind = SCHEMA_TYPES.get(record["record_type"], "CreativeWork")
    data = {
        "@context": "https://schema.org",
        "@type": kind,
        "@id": url,
        "url": url,
        "name": record["title"],
        "alternativeHeadline": record["subtitle"],
        "author": [
            {"@type": "Organization" if a["organisation"] else "Person", "name": a["name"]}
            | ({"url": request.build_absolute_uri(a["url"])} if a["url"] else {})
            for a in authors
        ],
        "publisher": {"@type": "Organization", "name": record["publisher"]}
        if record["publisher"]
        else None,
        "locationCreated": record["publication_place"],
        "datePublished": record["publication_date"],
        "bookEdition": record["edition"] if kind == "Book" else None,
        "isbn": record["isbn"] if kind == "Book" else None,
        "issn": record["issn"],
        "inLanguage": split(record["languages"]),
        "about": split(record["subjects"]),
        "mentions": [
            {
                "@type": "VisualArtwork",
                "name": card.title,
                "url": request.build_absolute_uri(card.url),
            }
            for card in cards
        ],
        "holdingArchive": settings.CARTEL_MUSEUM["NAME"],
    }
    return {key: value for key, value in data.items() if value not in ("", [], None)}


def publication(record: dict) -> str:
    """Place : publisher, date, as a catalogue writes them."""
    where = " : ".join(v for v in (record["publication_place"], record["publisher"]) if v)
    return ", ".join(v for v in (where, record["publication_date"]) if v)


def citation(reference: dict) -> str:
    parts = [
        reference["pages"] and _("p. %(pages)s") % {"pages": reference["pages"]},
        reference["figure"] and _("fig. %(figure)s") % {"figure": reference["figure"]},
        reference["catalogue_number"]
        and _("no. %(number)s") % {"number": reference["catalogue_number"]},
        reference["note"],
    ]
    return ", ".join(str(part) for part in parts if part)


def split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


# The archives


def unit_summary(unit: ArchiveUnit) -> dict:
    """A unit in a list: its public fields and the labels of its level and kind."""
    return {
        **public_record(unit),
        "level_label": unit.get_level_display(),
        "children_count": getattr(unit, "children_count", 0),
    }


def archives_browse(request, archives):
    """The finding aid from the top: the fonds, or the units found by `?q=` (an exact reference
    code goes straight to its unit)."""
    text = request.GET.get("q", "").strip()
    if not text:
        fonds = ArchiveUnit.objects.filter(parent=None).annotate(children_count=Count("children"))
        fonds = fonds.order_by("pk")  # as described, in order
        return archives.render(
            request,
            template="portal/archives/browse.html",
            context_overrides={"text": "", "units": [unit_summary(u) for u in fonds]},
        )
    exact = ArchiveUnit.objects.filter(reference_code__iexact=text).first()
    if exact is not None:
        return redirect(f"{archives.url}{exact.pk}/")
    units = with_words(
        ArchiveUnit.objects.all(),
        query_words(text),
        "title",
        "reference_code",
        "scope_and_content",
    )
    page = Paginator(units.order_by("reference_code", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    found = list(page.object_list)
    above = ArchiveUnit.objects.in_bulk({pk for unit in found for pk in ancestor_ids(unit)})
    results = [
        {
            **unit_summary(unit),
            "context": [above[pk].title for pk in ancestor_ids(unit) if pk in above],
        }
        for unit in found
    ]
    return archives.render(
        request,
        template="portal/archives/browse.html",
        context_overrides={
            "text": text,
            "results_page": page,
            "results": results,
            "page_numbers": pages(page),
        },
    )


def ancestor_ids(unit: ArchiveUnit) -> list[int]:
    """The ids of the units above this one, from the fonds down (read from its path)."""
    return [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]


def archive_unit(request, archives, pk: int):
    """A unit: its public description, where it sits, its parts and its published works."""
    unit = ArchiveUnit.objects.select_related("creator").filter(pk=pk).first()
    if unit is None:
        raise Http404
    public = public_record(unit)
    fields = {f.name: f for f in ArchiveUnit._meta.concrete_fields}
    children = unit.children.annotate(children_count=Count("children")).order_by("pk")
    page = Paginator(children, CHILDREN_PAGE_SIZE).get_page(request.GET.get("page"))
    works = Work.objects.public().filter(archive_units=unit).distinct()
    creator = None
    if unit.creator_id:
        creator = {
            "name": public_record(unit.creator)["name"],
            "url": maker_path(unit.creator_id) if makers_among([unit.creator_id]) else None,
        }
    people = list(unit.people.active().order_by("name"))
    makers = makers_among(person.pk for person in people)
    return archives.render(
        request,
        template="portal/archives/unit.html",
        context_overrides={
            "unit": public,
            "level_label": unit.get_level_display(),
            "item_kind_label": unit.get_item_kind_display() if unit.item_kind else "",
            "ancestors": [unit_summary(a) for a in unit.ancestors],
            "creator": creator,
            "people": [
                {
                    "name": public_record(person)["name"],
                    "url": maker_path(person.pk) if person.pk in makers else None,
                }
                for person in people
            ],
            "images": unit.images.filter(is_public=True).order_by("pk"),
            "description": [
                (fields[name].verbose_name, public[name])
                for name in UNIT_DESCRIPTION
                if public[name]
            ],
            "children_page": page,
            "children": [unit_summary(child) for child in page.object_list],
            "page_numbers": pages(page),
            "cards": work_cards(
                works.order_by("inventory_sort_key").prefetch_related("makers__person")
            ),
        },
    )
