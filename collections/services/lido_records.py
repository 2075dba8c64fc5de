"""Works as LIDO records (LIDO-MC), for `export_lido` and the OAI-PMH provider.

A record is the work's Joconde notice (public fields only, `joconde_notices.notice_of`) with
what LIDO can say beyond it: concept URIs, makers with their authority URIs, measurements,
date ranges, the published images and the three rights statements (work, record, image).
Published works only; a work found missing at a récolement is not published in LIDO.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from exporters.lido import Actor, Concept, LidoRecord, Measurement, Resource
from exporters.opendata import LICENCE
from importers.joconde import TERM_TAGS

from ..dating import parse_date
from ..models import RIGHTS_URIS, ConceptScheme, Work
from ..publication import public_work_url
from .joconde_notices import notice_of
from .recolement import missing_works
from .work_rows import works_with_parts

ARK_ID = re.compile(r"^T\d+-\d+$")  # a concept id of the Joconde lists (T51-42)
ARK_BASE = "http://data.culture.fr/thesaurus/resource/ark:/67717/"
WORK_RIGHTS = {
    Work.CopyrightStatus.PUBLIC_DOMAIN: (
        "domaine public",
        "http://creativecommons.org/publicdomain/mark/1.0/",
    ),
    Work.CopyrightStatus.IN_COPYRIGHT: (
        "protégé par le droit d'auteur",
        "http://rightsstatements.org/vocab/InC/1.0/",
    ),
    Work.CopyrightStatus.UNKNOWN: (
        "droits non évalués",
        "http://rightsstatements.org/vocab/CNE/1.0/",
    ),
}
MEASUREMENT_TYPES = {
    "height": "hauteur",
    "width": "largeur",
    "depth": "profondeur",
    "length": "longueur",
    "diameter": "diamètre",
    "thickness": "épaisseur",
    "weight": "poids",
    "volume": "volume",
}


def lido_works(*, changed_since=None):
    """The works LIDO publishes: published, not deleted, not found missing."""
    works = Work.objects.public().exclude(pk__in=missing_works().values("pk"))
    if changed_since is not None:
        works = works.filter(updated_at__gte=changed_since)
    return works.order_by("inventory_sort_key")


def lido_records(works=None, chunk: int = 1000) -> Iterator[LidoRecord]:
    works = works if works is not None else lido_works()
    schemes = {scheme.pk: scheme for scheme in ConceptScheme.objects.all()}
    for work in works_with_parts(works, chunk):
        with translation.override("fr"):  # labels of choices (rights) in the record's language
            record = lido_record(work, schemes)
        yield record


def concept_of(term, schemes: dict) -> Concept:
    """A term with the URI of its concept when the concept has one (an ARK of the Joconde
    lists or an address); the SMF lexicons' own keys are not URIs and are left out."""
    concept = term.concept
    if concept is None:
        return Concept(term.label)
    uri = ""
    if ARK_ID.match(concept.external_id):
        uri = ARK_BASE + concept.external_id
    elif concept.external_id.startswith(("http://", "https://")):
        uri = concept.external_id
    scheme = schemes.get(concept.scheme_id)
    return Concept(term.label, uri, scheme.name if uri and scheme else "")


def lido_record(work: Work, schemes: dict) -> LidoRecord:
    notice = notice_of(work)
    concepts = {
        tag: [concept_of(t, schemes) for t in getattr(work, relation).all()]
        for tag, relation in TERM_TAGS.items()
    }
    # TECH: the loader files a term as a material or a technique by its vocabulary branch; a
    # term outside the vocabulary was not placed, and is written without a type.
    techniques = list(work.techniques.all())
    concepts["TECH:material"] = [concept_of(t, schemes) for t in work.materials.all()]
    concepts["TECH:technique"] = [concept_of(t, schemes) for t in techniques if t.concept_id]
    concepts["TECH:unplaced"] = [concept_of(t, schemes) for t in techniques if not t.concept_id]
    concepts["TECH"] = concepts["TECH:material"] + concepts.pop("TECH")
    return LidoRecord(
        notice=notice,
        museum_name=settings.CARTEL_MUSEUM["NAME"],
        concepts=concepts,
        actors=[actor_of(maker) for maker in work.makers.all()],
        measurements=[
            Measurement(
                MEASUREMENT_TYPES.get(d.kind, d.kind),
                d.unit,
                f"{Decimal(d.value).normalize():f}",
                d.part,
                d.display,
            )
            for d in work.dimensions.all()
        ],
        dates=dates_of(work, notice),
        resources=resources_of(work),
        url=public_work_url(work),
        modified=work.updated_at.date().isoformat(),
        work_rights=Concept(*WORK_RIGHTS[work.rights_in_work]),
        record_rights=Concept(*LICENCE.split(" — ")),
    )


def actor_of(maker) -> Actor:
    person = maker.person
    return Actor(
        name=person.joconde_name,
        display=maker.joconde_display,
        role=maker.role,
        qualifier=maker.qualifier,
        kind="person" if person.kind == person.Kind.PERSON else "corporation",
        uris=tuple(person.authority_uris),
        vital_dates=(str(person.birth_year or ""), str(person.death_year or "")),
    )


def dates_of(work: Work, notice: dict) -> dict:
    dates = {}
    if work.creation_year_from is not None or work.creation_year_to is not None:
        dates["MILL"] = (work.creation_year_from, work.creation_year_to)
    for tag in ("PERI", "DACQ"):
        parsed = parse_date(notice[tag][0]) if notice.get(tag) else None
        if parsed:
            dates[tag] = (parsed.earliest, parsed.latest)
    return dates


def resources_of(work: Work) -> list[Resource]:
    """The published images (rights cleared), served by the IIIF Image API."""
    base = f"{settings.CARTEL_PUBLIC_URL}/iiif/image"
    resources = []
    images = [media.image for media in work.media.all() if media.image_id]
    for n, image in enumerate(images, 1):
        rights = RIGHTS_URIS.get(image.rights)
        resources.append(
            Resource(
                name=f"{work.joconde_ref}_{n}.jpg",
                url=f"{base}/{image.pk}/full/max/0/default.jpg",
                service=f"{base}/{image.pk}",
                credit=image.credit,
                source=image.rights_holder,
                rights=Concept(str(image.get_rights_display()), rights) if rights else None,
            )
        )
    return resources
