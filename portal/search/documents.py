"""What the catalogue search indexes: one `Document` per published work, public fields only.

Built from the exports' rows (`services.work_rows`: only the fields `publication.RULES`
declares public are read); the one private fact turned public is whether the work is on
display, as a yes/no, never where it is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from museum_collections.models import CurrentLocation, Work
from museum_collections.services.work_rows import works_with_parts

YES, NO = "yes", "no"
MAX_CENTURIES = 5  # a wider range (a prehistoric period) gets no century facet
TEXT_FIELDS = (  # public texts searched besides the title and the makers
    "appellation",
    "description",
    "subject_details",
    "creation_place_details",
    "inscriptions_note",
    "history",
    "former_attributions",
    "credit_line",
)
TERMS = (  # public vocabularies searched
    "denominations",
    "domains",
    "materials",
    "techniques",
    "periods",
    "styles",
    "schools",
    "subjects",
    "places",
    "uses",
)


@dataclass(frozen=True)
class Document:
    ref: str
    inventory_number: str
    title: str
    makers: tuple[str, ...]
    date: str
    year_from: int | None
    year_to: int | None
    body: str
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    image_id: int | None = None
    updated_at: datetime | None = None


def century(n: int) -> str:
    """The Joconde PERI form: '19e siècle', '1er siècle', '3e siècle av JC'."""
    number = abs(n)
    text = f"{number}{'er' if number == 1 else 'e'} siècle"
    return f"{text} av JC" if n < 0 else text


def century_of(year: int) -> int:
    """1850 -> 19, 1900 -> 19, -50 -> -1 (no year 0: 1 BC is -1)."""
    return (year - 1) // 100 + 1 if year > 0 else -((-year - 1) // 100 + 1)


def centuries(year_from: int | None, year_to: int | None) -> tuple[str, ...]:
    """The centuries a range of years overlaps; none for an open or a very wide range."""
    if year_from is None or year_to is None:
        return ()
    numbers = [n for n in range(century_of(year_from), century_of(year_to) + 1) if n != 0]
    return tuple(century(n) for n in numbers) if len(numbers) <= MAX_CENTURIES else ()


def published_works():
    return Work.objects.public().order_by("pk")


def documents(works=None, chunk: int = 1000) -> Iterator[Document]:
    works = works if works is not None else published_works()
    on_display = set(
        CurrentLocation.objects.filter(location__is_display=True).values_list("work_id", flat=True)
    )
    for work in works_with_parts(works, chunk):
        yield document_of(work, work.pk in on_display)


def document_of(work, on_display: bool) -> Document:
    terms = {relation: [t.label for t in getattr(work, relation).all()] for relation in TERMS}
    makers = tuple(dict.fromkeys(m.person.name for m in work.makers.all()))
    images = [m for m in work.media.all() if m.image_id]
    primary = next((m for m in images if m.is_primary), images[0] if images else None)
    body = [getattr(work, name) for name in TEXT_FIELDS]
    body += [label for labels in terms.values() for label in labels]
    body += [m.role for m in work.makers.all() if m.role]
    title = work.title or next(iter(terms["denominations"]), "") or work.inventory_number
    return Document(
        ref=work.joconde_ref,
        inventory_number=work.inventory_number,
        title=title,
        makers=makers,
        date=work.creation_date,
        year_from=work.creation_year_from,
        year_to=work.creation_year_to,
        body="\n".join(text for text in body if text),
        facets={
            "domain": tuple(terms["domains"]),
            "maker": makers,
            "material": tuple(dict.fromkeys(terms["materials"] + terms["techniques"])),
            "school": tuple(terms["schools"]),
            "period": centuries(work.creation_year_from, work.creation_year_to),
            "image": (YES if images else NO,),
            "display": (YES if on_display else NO,),
        },
        image_id=primary.image_id if primary else None,
        updated_at=work.updated_at,
    )


def documents_of(refs: Iterable[str]) -> list[Document]:
    return list(documents(published_works().filter(joconde_ref__in=list(refs))))
