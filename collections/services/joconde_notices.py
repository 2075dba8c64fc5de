"""Works as Joconde notices (POP tag -> values), for the exporters; public fields only.

The tag <-> field tables are the importer's (`importers.joconde`), read the other way, so that
a notice imported then exported keeps its values. Private fields (location, prices, insurance,
donors, internal notes, records as imported) have no tag and never reach a notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from importers.joconde import TERM_TAGS, TEXT_FIELDS, URL

from ..models import Work
from .recolement import missing_works
from .work_rows import works_with_parts


def works_for_joconde(*, changed_since=None):
    """The works marked for Joconde (not deleted); with `changed_since`, only those changed."""
    works = Work.objects.current().filter(in_joconde=True)
    if changed_since is not None:
        works = works.filter(updated_at__gte=changed_since)
    return works.order_by("inventory_sort_key")


@dataclass(frozen=True)
class Problem:
    ref: str
    inventory_number: str
    severity: str  # "error" keeps the notice out of the export; "warning" is listed
    tag: str
    message: str


REQUIRED = ("REF", "INV", "DOMN", "STAT", "MUSEO")  # POP rejects a notice without them
# The SMF "fiche minimum" (joconde-pop.md §5.5): indispensable fields beyond the required ones.
MINIMUM = {"TECH": "materials and techniques", "DIMS": "dimensions", "LOCA": "place of keeping"}
CHECKED_TERMS = {"DOMN", "DENO", "PERI", "ECOL"}  # POP warns when not a preferred label


def notices(
    works=None, *, chunk: int = 1000, problems: list | None = None, images: list | None = None
) -> Iterator[dict]:
    """The notices of `works` that POP would accept; what it would refuse or warn about is
    appended to `problems`. With `images`, each notice names its published images in REFIM
    and (file name, image) pairs are appended to `images`, for the zip."""
    works = works if works is not None else works_for_joconde()
    missing = set(missing_works().values_list("pk", flat=True))
    for ready in works_with_parts(works, chunk):
        notice = notice_of(ready, missing=ready.pk in missing)
        pictures = image_files(ready) if images is not None else []
        if pictures:
            notice["REFIM"] = [f"{name},CARTEL,,{Path(i.file.name).name}" for name, i in pictures]
            notice["PHOT"] = list(dict.fromkeys(i.credit for _n, i in pictures if i.credit))
        found = check(ready, notice, pictures)
        if problems is not None:
            problems.extend(found)
        if not any(problem.severity == "error" for problem in found):
            if images is not None:
                images.extend(pictures)
            yield notice


def image_files(work) -> list[tuple[str, object]]:
    """The work's published images, named as REFIM will name them: `<REF>_<n>.jpg`."""
    media = [m for m in work.media.all() if m.image_id]
    return [(f"{work.joconde_ref}_{n}.jpg", m.image) for n, m in enumerate(media, 1)]


def check(work, notice: dict, pictures=()) -> list[Problem]:
    found = []

    def add(severity, tag, message):
        found.append(Problem(work.joconde_ref, work.inventory_number, severity, tag, message))

    for tag in REQUIRED:
        if not any(value.strip() for value in notice.get(tag, [])):
            add("error", tag, f"{tag} is empty: POP rejects the notice")
    for tag in ("WWW", "LVID"):
        for value in notice.get(tag, []):
            if not URL.match(value):
                add("warning", tag, f"“{value}” is not a valid web address")
    for name, image in pictures:
        if not image.file.storage.exists(image.file.name):
            add("error", "REFIM", f"image {name} ({image.file.name}) is missing: POP rejects it")
    if not any(notice.get(tag) for tag in ("DENO", "APPL", "TITR")):
        add("warning", "DENO", "no denomination, appellation or title (fiche minimum)")
    for tag, what in MINIMUM.items():
        if not notice.get(tag):
            add("warning", tag, f"no {what} (fiche minimum)")
    for tag, relation in TERM_TAGS.items():
        if tag in CHECKED_TERMS:
            for term in getattr(work, relation).all():
                if term.concept_id is None:
                    add("warning", tag, f"“{term.label}” is not a preferred label of {tag}")
    return found


def notice_of(work, *, missing: bool = False) -> dict[str, list[str]]:
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
