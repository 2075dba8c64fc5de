"""Works as Joconde notices (POP tag -> values), for the exporters; public fields only.

The tag <-> field tables are the importer's (`importers.joconde`), read the other way, so that
a notice imported then exported keeps its values. Private fields (location, prices, insurance,
donors, internal notes, records as imported) have no tag and never reach a notice.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings

from importers.joconde import TERM_TAGS, TEXT_FIELDS

from ..models import Work
from .recolement import missing_works

PREFETCH = (
    *TERM_TAGS.values(),
    "materials",
    "makers__person",
    "dimensions",
    "other_numbers",
    "inscriptions",
    "links",
    "ownership",
    "acquisition_mode",
)


def works_for_joconde():
    return (
        Work.objects.current()
        .filter(is_public=True)
        .select_related("ownership", "acquisition_mode")
        .prefetch_related(*PREFETCH)
        .order_by("inventory_sort_key")
    )


def notices(works=None, *, chunk: int = 500) -> Iterator[dict[str, list[str]]]:
    works = works if works is not None else works_for_joconde()
    missing = set(missing_works().values_list("pk", flat=True))
    for work in works.iterator(chunk_size=chunk):
        yield notice_of(work, missing=work.pk in missing)


def notice_of(work: Work, *, missing: bool = False) -> dict[str, list[str]]:
    museum = settings.CARTEL_MUSEUM
    notice: dict[str, list[str]] = {
        "REF": [work.joconde_ref],
        "INV": [
            work.inventory_number,
            *(f"{n.number} ({n.note})" if n.note else n.number for n in work.other_numbers.all()),
        ],
        "MUSEO": [museum["MUSEOFILE"]],
        "LOCA": [f"{museum['CITY']} ; {museum['NAME']}"],
    }
    for tag, name in TEXT_FIELDS.items():
        if value := getattr(work, name):
            notice[tag] = [value]
    for tag, relation in TERM_TAGS.items():
        labels = [term.label for term in getattr(work, relation).all()]
        if tag == "TECH":
            labels = [term.label for term in work.materials.all()] + labels
        if labels:
            notice[tag] = labels
    makers = [maker.joconde_display for maker in work.makers.all()]
    if makers:
        notice["AUTR"] = makers
    if work.dimensions_display:
        notice["DIMS"] = [work.dimensions_display]
    inscriptions = list(work.inscriptions.all())
    if inscriptions:
        notice["INSC"] = [i.kind for i in inscriptions]
    details = [i.transcription for i in inscriptions if i.transcription]
    if work.inscriptions_note:
        details.append(work.inscriptions_note)
    if details:
        notice["PINS"] = details
    if work.ownership_id or work.acquisition_mode_id or work.owner:
        notice["STAT"] = [work.legal_status]
    for link in work.links.all():
        notice.setdefault(link.kind, []).append(link.value)
    if missing:
        notice["MANQUANT"] = ["manquant"]
        notice["MANQUANT_COM"] = ["Bien non retrouvé lors du récolement."]
    return notice
