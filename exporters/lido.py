"""Write works as LIDO records following LIDO-MC, the Ministry of Culture's 2025 profile.

Plain Python, streaming. A `LidoRecord` is a work's Joconde notice (POP tag -> values, as
`museum_collections.services.joconde_notices.notice_of` builds it, public fields only) plus
what a notice cannot say: concept URIs, structured makers, measurements and dates, images and
rights. `lido_element()` maps it element by element as shared/docs/lido-mc.md §3-§4 say; only
constructs valid in both LIDO 1.0 and 1.1 are written (§2.4), and both XSDs check every export.

The LIDO-MC choices the Ministry has not published yet (type strings or LIDO Terminology
URIs) are in `TYPES`, overridable from settings (`CARTEL_LIDO_TYPES`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

LIDO = "http://www.lido-schema.org"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NSMAP = {"lido": LIDO, "xsi": XSI}
SCHEMA_LOCATION = f"{LIDO} http://www.lido-schema.org/schema/v1.1/lido-v1.1.xsd"
TERMINOLOGY = "http://terminology.lido-schema.org/"

TYPES = {  # attribute values whose LIDO-MC form is not confirmed (lido-mc.md §5, §10)
    "local_id": f"{TERMINOLOGY}lido00100",
    "uri": f"{TERMINOLOGY}lido00099",
    "inventory_number": "inventory number",
    "current_repository": "current",
    "legal_body_id": "local",
    "preferred": "preferred",
    "alternate": "alternate",
}
EVENT_TYPES = {  # eventType conceptID and term
    "production": (f"{TERMINOLOGY}lido00007", "production"),
    "acquisition": (f"{TERMINOLOGY}lido00001", "acquisition"),
}
ITEM_LEVEL_RECORD = (f"{TERMINOLOGY}lido00141", "notice d'objet")
IS_DOCUMENTED_IN = (f"{TERMINOLOGY}lido00617", "est documenté dans")
MUSEOFILE = "Muséofile"
POP_NOTICE = {  # linked national records: their public POP address
    "REFMER": "https://www.pop.culture.gouv.fr/notice/merimee/",
    "REFPAL": "https://www.pop.culture.gouv.fr/notice/palissy/",
    "REFMEM": "https://www.pop.culture.gouv.fr/notice/memoire/",
}
DESCRIPTIONS = {"DESC": "description", "HIST": "historique", "COMM": "commentaire"}
CLASSIFICATIONS = {"DOMN": "domaine", "GENE": "genèse"}


@dataclass(frozen=True)
class Concept:
    term: str
    uri: str = ""  # an ARK of the Joconde lists, or empty when none is known
    source: str = ""  # the list's name, for lido:source


@dataclass(frozen=True)
class Actor:
    name: str
    display: str  # AUTR as written, with role and qualifier
    role: str = ""
    qualifier: str = ""
    kind: str = "person"  # or "corporation"
    uris: tuple[str, ...] = ()
    vital_dates: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class Measurement:
    kind: str  # hauteur, largeur…
    unit: str
    value: str
    part: str = ""  # what was measured: avec cadre, feuille…
    display: str = ""  # as in DIMS: "H. 61 cm (avec cadre)"


@dataclass(frozen=True)
class Resource:
    name: str  # resourceID, e.g. M0000000123_1.jpg
    url: str
    kind: str = "image"
    media_type: str = "image/jpeg"
    service: str = ""  # a IIIF Image API base address
    credit: str = ""
    source: str = ""  # photographer or rights holder
    rights: Concept | None = None


@dataclass
class LidoRecord:
    notice: Mapping[str, list[str]]
    museum_name: str
    concepts: Mapping[str, list[Concept]] = field(default_factory=dict)  # by Joconde tag
    actors: list[Actor] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    dates: Mapping[str, tuple[int | None, int | None]] = field(default_factory=dict)  # by tag
    resources: list[Resource] = field(default_factory=list)
    url: str = ""  # the work's permanent public page
    modified: str = ""  # YYYY-MM-DD
    work_rights: Concept | None = None
    record_rights: Concept | None = None

    def values(self, tag: str) -> list[str]:
        return [value for value in self.notice.get(tag, []) if value.strip()]

    def first(self, tag: str) -> str:
        return next(iter(self.values(tag)), "")

    def terms(self, tag: str) -> list[Concept]:
        """The tag's values as concepts (with their URI when known)."""
        return list(self.concepts.get(tag) or [Concept(value) for value in self.values(tag)])


def iso_year(year: int | None) -> str:
    """ISO 8601 year: four digits, negative for BCE (no year 0 in the source's count)."""
    if year is None:
        return ""
    return f"{year:04d}" if year > 0 else f"-{-year - 1:04d}"


class Builder:
    """SubElement in the lido namespace with lido-qualified attributes; empty text skipped."""

    def __init__(self, types: Mapping[str, str]):
        self.types = types

    def __call__(self, parent, tag: str, text: str | None = None, **attributes):
        element = etree.SubElement(parent, f"{{{LIDO}}}{tag}")
        for name, value in attributes.items():
            if value:
                key = XML_LANG if name == "lang" else f"{{{LIDO}}}{name}"
                element.set(key, value)
        if text is not None:
            element.text = text
        return element

    def concept(self, parent, tag: str, concept: Concept, **attributes):
        element = self(parent, tag, **attributes)
        if concept.uri:
            self(element, "conceptID", concept.uri, type=self.types["uri"], source=concept.source)
        self(element, "term", concept.term)
        return element

    def legal_body(self, parent, tag: str, museo: str, name: str):
        body = self(parent, tag)
        self(body, "legalBodyID", museo, type=self.types["legal_body_id"], source=MUSEOFILE)
        self(self(body, "legalBodyName"), "appellationValue", name)
        return body

    def date(self, parent, display: str, span: tuple[int | None, int | None] | None):
        event_date = self(parent, "eventDate")
        if display:
            self(event_date, "displayDate", display)
        earliest, latest = span or (None, None)
        if earliest is not None or latest is not None:
            date = self(event_date, "date")
            if earliest is not None:
                self(date, "earliestDate", iso_year(earliest))
            if latest is not None:
                self(date, "latestDate", iso_year(latest))
        return event_date


def lido_element(record: LidoRecord, types: Mapping[str, str] = TYPES) -> etree._Element:
    """One `lido:lido`, with its own namespace declarations and schema location."""
    e = Builder(types)
    ref, museo = record.first("REF"), record.first("MUSEO")
    lido = etree.Element(f"{{{LIDO}}}lido", nsmap=NSMAP)
    lido.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    e(lido, "lidoRecID", f"{museo}/{ref}", type=types["local_id"], source=MUSEOFILE)
    if record.url:
        e(lido, "objectPublishedID", record.url, type=types["uri"])
    descriptive = e(lido, "descriptiveMetadata", lang="fr")
    _classification(e, descriptive, record)
    _identification(e, descriptive, record)
    _events(e, descriptive, record)
    _relations(e, descriptive, record)
    _administrative(e, e(lido, "administrativeMetadata", lang="fr"), record)
    return lido


def _classification(e: Builder, parent, record: LidoRecord) -> None:
    wrap = e(parent, "objectClassificationWrap")
    work_types = e(wrap, "objectWorkTypeWrap")
    for concept in record.terms("DENO") or record.terms("DOMN") or [Concept("objet")]:
        e.concept(work_types, "objectWorkType", concept)
    classified = [(kind, c) for tag, kind in CLASSIFICATIONS.items() for c in record.terms(tag)]
    if classified:
        classifications = e(wrap, "classificationWrap")
        for kind, concept in classified:
            e.concept(classifications, "classification", concept, type=kind)


def _identification(e: Builder, parent, record: LidoRecord) -> None:
    wrap = e(parent, "objectIdentificationWrap")
    titles = e(wrap, "titleWrap")
    title = record.first("TITR") or record.first("DENO") or record.first("INV")
    e(e(titles, "titleSet"), "appellationValue", title, pref=e.types["preferred"])
    if record.first("APPL"):
        appellation = e(titles, "titleSet", type="appellation")
        e(appellation, "appellationValue", record.first("APPL"), pref=e.types["alternate"])
    kinds, transcriptions = record.values("INSC"), record.values("PINS")
    if kinds or transcriptions:
        inscriptions = e(wrap, "inscriptionsWrap")
        if len(kinds) == len(transcriptions):
            pairs = list(zip(kinds, transcriptions, strict=True))
        else:  # PINS is not one text per INSC: keep them apart
            pairs = [("", text) for text in transcriptions] + [(kind, "") for kind in kinds]
        for kind, text in pairs:
            inscription = e(inscriptions, "inscriptions", type=kind)
            if text:
                e(inscription, "inscriptionTranscription", text)
    repository = e(e(wrap, "repositoryWrap"), "repositorySet", type=e.types["current_repository"])
    e.legal_body(repository, "repositoryName", record.first("MUSEO"), record.museum_name)
    inventory, *others = record.values("INV") or [""]
    e(repository, "workID", inventory, type=e.types["inventory_number"])
    for number in others:
        e(repository, "workID", number, type="autre numéro")
    city = record.first("LOCA").split(" ; ")[0]
    if city:
        place = e(e(repository, "repositoryLocation"), "namePlaceSet")
        e(place, "appellationValue", city)
    if record.first("ETAT"):
        e(e(wrap, "displayStateEditionWrap"), "displayState", record.first("ETAT"))
    notes = [(kind, text) for tag, kind in DESCRIPTIONS.items() for text in record.values(tag)]
    if notes:
        descriptions = e(wrap, "objectDescriptionWrap")
        for kind, text in notes:
            e(e(descriptions, "objectDescriptionSet", type=kind), "descriptiveNoteValue", text)
    if record.first("DIMS"):
        _measurements(e, e(wrap, "objectMeasurementsWrap"), record)


def _measurements(e: Builder, wrap, record: LidoRecord) -> None:
    """DIMS as written, always, in the first objectMeasurementsSet, with the measures of the
    first part measured; each other part (avec cadre, feuille…) in a set of its own."""
    parts: dict[str, list[Measurement]] = {}
    for m in record.measurements:
        parts.setdefault(m.part, []).append(m)
    groups = list(parts.items()) or [("", [])]
    for n, (part, measurements) in enumerate(groups):
        measured = e(wrap, "objectMeasurementsSet")
        shown = record.first("DIMS") if n == 0 else " ; ".join(m.display for m in measurements)
        e(measured, "displayObjectMeasurements", shown)
        if measurements:
            sets = e(measured, "objectMeasurements")
            for m in measurements:
                one = e(sets, "measurementsSet")
                e(one, "measurementType", m.kind)
                e(one, "measurementUnit", m.unit)
                e(one, "measurementValue", m.value)
            if part:
                e(sets, "extentMeasurements", part)


PRODUCTION_TAGS = ("AUTR", "MILL", "PERI", "EPOQ", "ECOL", "LIEUX", "TECH")


def _events(e: Builder, parent, record: LidoRecord) -> None:
    production = any(record.values(tag) for tag in PRODUCTION_TAGS)
    acquisition = record.first("STAT") or record.first("DACQ")
    if not (production or acquisition):
        return
    wrap = e(parent, "eventWrap")
    if production:
        event = _event(e, e(wrap, "eventSet"), "production")
        for actor in record.actors:
            _actor(e, event, actor)
        for concept in record.terms("ECOL"):
            e.concept(event, "culture", concept)
        display = record.first("MILL") or record.first("PERI")
        span = record.dates.get("MILL") or record.dates.get("PERI")
        if display or span:
            e.date(event, display, span)
        for concept in record.terms("PERI"):
            e.concept(event, "periodName", concept)
        for concept in record.terms("EPOQ"):
            e.concept(event, "periodName", concept, type="style")
        places: list[Concept | None] = list(record.terms("LIEUX"))
        if not places and record.first("PLIEUX"):
            places = [None]
        for n, concept in enumerate(places):  # one eventPlace per place; PLIEUX with the first
            event_place = e(event, "eventPlace")
            if n == 0 and record.first("PLIEUX"):
                e(event_place, "displayPlace", record.first("PLIEUX"))
            if concept is not None:
                place = e(event_place, "place")
                if concept.uri:
                    e(place, "placeID", concept.uri, type=e.types["uri"], source=concept.source)
                e(e(place, "namePlaceSet"), "appellationValue", concept.term)
        if record.values("TECH"):
            materials = e(event, "eventMaterialsTech")
            e(materials, "displayMaterialsTech", ", ".join(record.values("TECH")))
            terms = e(materials, "materialsTech")
            for kind, concept in _materials(record):
                e.concept(terms, "termMaterialsTech", concept, type=kind)
    if acquisition:
        event_set = e(wrap, "eventSet")
        if record.first("STAT"):
            e(event_set, "displayEvent", record.first("STAT"))
        event = _event(e, event_set, "acquisition")
        if record.first("DACQ") or record.dates.get("DACQ"):
            e.date(event, record.first("DACQ"), record.dates.get("DACQ"))
        method = record.first("STAT").split(" ; ")[1:2]
        for term in method:
            e(e(event, "eventMethod"), "term", term)


def _materials(record: LidoRecord) -> list[tuple[str, Concept]]:
    """TECH as (technique|material|"", concept): the service tells them apart by the
    vocabulary branch (`concepts["TECH:technique"]`…); what it could not place has no type."""
    kinds = {"technique": "TECH:technique", "material": "TECH:material", "": "TECH:unplaced"}
    placed = [(kind, c) for kind, key in kinds.items() for c in record.concepts.get(key, [])]
    return placed or [("", concept) for concept in record.terms("TECH")]


def _event(e: Builder, event_set, kind: str):
    event = e(event_set, "event")
    uri, term = EVENT_TYPES[kind]
    e.concept(event, "eventType", Concept(term, uri))
    return event


def _actor(e: Builder, event, actor: Actor) -> None:
    event_actor = e(event, "eventActor")
    e(event_actor, "displayActorInRole", actor.display)
    in_role = e(event_actor, "actorInRole")
    person = e(in_role, "actor", type=actor.kind)
    for uri in actor.uris:
        e(person, "actorID", uri, type=e.types["uri"])
    e(e(person, "nameActorSet"), "appellationValue", actor.name, pref=e.types["preferred"])
    born, died = actor.vital_dates
    if born or died:
        vital = e(person, "vitalDatesActor")
        if born:
            e(vital, "earliestDate", born)
        if died:
            e(vital, "latestDate", died)
    if actor.role:
        e(e(in_role, "roleActor"), "term", actor.role)
    if actor.qualifier:
        e(in_role, "attributionQualifierActor", actor.qualifier)


def _relations(e: Builder, parent, record: LidoRecord) -> None:
    subjects = record.terms("REPR")
    works = [(text, "") for text in record.values("BIBL")]
    works += [(ref, POP_NOTICE[tag] + ref) for tag in POP_NOTICE for ref in record.values(tag)]
    if not (subjects or record.first("PREP") or works):
        return
    wrap = e(parent, "objectRelationWrap")
    if subjects or record.first("PREP"):
        subject_wrap = e(wrap, "subjectWrap")
        if record.first("PREP") and not subjects:
            e(e(subject_wrap, "subjectSet"), "displaySubject", record.first("PREP"))
        for n, concept in enumerate(subjects):
            subject_set = e(subject_wrap, "subjectSet")
            if n == 0 and record.first("PREP"):
                e(subject_set, "displaySubject", record.first("PREP"))
            e.concept(e(subject_set, "subject"), "subjectConcept", concept)
    if works:
        related_wrap = e(wrap, "relatedWorksWrap")
        for text, url in works:
            work_set = e(related_wrap, "relatedWorkSet")
            related = e(work_set, "relatedWork")
            if url:
                e(e(related, "object"), "objectWebResource", url)
            else:
                e(related, "displayObject", text)
            relation = Concept("notice liée") if url else Concept(*reversed(IS_DOCUMENTED_IN))
            e.concept(work_set, "relatedWorkRelType", relation)


def _administrative(e: Builder, parent, record: LidoRecord) -> None:
    if record.work_rights:
        rights = e(e(parent, "rightsWorkWrap"), "rightsWorkSet")
        e.concept(rights, "rightsType", record.work_rights)
    wrap = e(parent, "recordWrap")
    e(wrap, "recordID", record.first("REF"), type=e.types["local_id"])
    uri, term = ITEM_LEVEL_RECORD
    e.concept(wrap, "recordType", Concept(term, uri))
    e.legal_body(wrap, "recordSource", record.first("MUSEO"), record.museum_name)
    if record.record_rights or record.first("COPY"):
        rights = e(wrap, "recordRights")
        if record.record_rights:
            e.concept(rights, "rightsType", record.record_rights)
        if record.first("COPY"):
            e(rights, "creditLine", record.first("COPY"))
    links = [record.url, *record.values("WWW")] if record.url else record.values("WWW")
    if links or record.modified:
        info = e(wrap, "recordInfoSet")
        for link in links:
            e(info, "recordInfoLink", link)
        if record.modified:
            e(info, "recordMetadataDate", record.modified, type="modified")
    videos = [Resource(url, url, kind="vidéo", media_type="") for url in record.values("LVID")]
    resources = [*record.resources, *videos]
    if resources:
        wrap = e(parent, "resourceWrap")
        for resource in resources:
            _resource(e, e(wrap, "resourceSet"), resource)


def _resource(e: Builder, resource_set, resource: Resource) -> None:
    e(resource_set, "resourceID", resource.name, type=e.types["local_id"])
    master = e(resource_set, "resourceRepresentation", type="image_master")
    e(master, "linkResource", resource.url, formatResource=resource.media_type)
    if resource.service:
        service = e(resource_set, "resourceRepresentation", type="iiif_image_service")
        e(service, "linkResource", resource.service)
    e(e(resource_set, "resourceType"), "term", resource.kind)
    if resource.source:
        source = e(resource_set, "resourceSource")
        e(e(source, "legalBodyName"), "appellationValue", resource.source)
    if resource.rights or resource.credit:
        rights = e(resource_set, "rightsResource")
        if resource.rights:
            e.concept(rights, "rightsType", resource.rights)
        if resource.credit:
            e(rights, "creditLine", resource.credit)


SCHEMAS = Path(__file__).resolve().parent / "schemas" / "lido"


def schema(version: str = "1.1") -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"lido-v{version}.xsd"), parser))


def write(records: Iterable[LidoRecord], out, types: Mapping[str, str] = TYPES) -> int:
    """A `lido:lidoWrap` of the records to binary `out`, one record at a time."""
    count = 0
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{LIDO}}}lidoWrap", nsmap=NSMAP):
            for record in records:
                xf.write(lido_element(record, types))
                count += 1
    return count


def validate(path, versions: Iterable[str] = ("1.0", "1.1")) -> None:
    """Check every record of a lidoWrap file against the LIDO XSDs, streaming; raises
    etree.DocumentInvalid naming the record and the line."""
    schemas = {version: schema(version) for version in versions}
    for _event, element in etree.iterparse(
        str(path), events=("end",), tag=f"{{{LIDO}}}lido", resolve_entities=False, no_network=True
    ):
        for version, xsd in schemas.items():
            if not xsd.validate(element):
                record = (element.findtext(f"{{{LIDO}}}lidoRecID") or "").strip()
                error = xsd.error_log.last_error
                raise etree.DocumentInvalid(
                    f"{path}, record {record}, line {error.line}: not valid LIDO {version}: "
                    f"{error.message}"
                )
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]


def export(records: Iterable[LidoRecord], path, types: Mapping[str, str] = TYPES) -> int:
    """Write and validate through a temporary file renamed when complete and valid."""
    from .register_edition import atomic_output

    with atomic_output(path) as temporary:
        with open(temporary, "wb") as out:
            count = write(records, out, types)
        validate(temporary)
    return count
