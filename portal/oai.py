"""`/oai`: the OAI-PMH 2.0 data provider (oai_dc and lido, sets by museum and domain,
persistent deleted records, signed stateless resumption tokens), GET and POST.

The protocol is `exporters.oai_pmh`; the records are the ledger of
`museum_collections.services.oai_records`, synchronised at each request, and their
metadata the LIDO records of `services.lido_records` (public fields only).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from exporters import lido, oai_pmh
from exporters.oai_pmh import OaiErrors
from museum_collections.models import OaiRecord
from museum_collections.services import oai_records
from museum_collections.services.lido_records import lido_records, lido_works

SIGNING_SALT = "cartel.oai.resumption"  # separates these signatures from others
TOKEN_AGE = 24 * 3600  # seconds a resumption token stays valid


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oai_view(request):
    data = request.POST if request.method == "POST" else request.GET
    now = timezone.now()
    base_url = request.build_absolute_uri(request.path)
    try:
        query = oai_pmh.check({name: data.getlist(name) for name in data})
    except OaiErrors as found:
        root = oai_pmh.envelope(base_url, now, None)
        oai_pmh.errors(root, found)
    else:
        root = oai_pmh.envelope(base_url, now, query)
        oai_records.sync_if_due(now)
        try:
            VERBS[query.verb](root, query, now, base_url)
        except OaiErrors as found:
            oai_pmh.errors(root, found)
    return HttpResponse(oai_pmh.serialise(root), content_type="text/xml; charset=utf-8")


def identify(root, query, now, base_url) -> None:
    body = oai_pmh.element(root, "Identify")
    earliest = OaiRecord.objects.order_by("datestamp").values_list("datestamp", flat=True).first()
    for tag, text in (
        ("repositoryName", settings.CARTEL_MUSEUM["NAME"]),
        ("baseURL", base_url),
        ("protocolVersion", "2.0"),
        ("adminEmail", settings.CARTEL_OAI_ADMIN_EMAIL),
        ("earliestDatestamp", oai_pmh.datestamp(earliest or now)),
        ("deletedRecord", "persistent"),
        ("granularity", oai_pmh.GRANULARITY),
    ):
        oai_pmh.element(body, tag, text)
    host = oai_records.repository_host()
    if "." in host:  # the oai-identifier scheme wants a domain name
        sample = oai_records.identifier(f"{settings.CARTEL_MUSEUM['MUSEOFILE']}000001")
        description = oai_pmh.element(body, "description")
        description.append(oai_pmh.oai_identifier_description(host, sample))


def list_metadata_formats(root, query, now, base_url) -> None:
    if query.get("identifier"):
        record(query.get("identifier"))
    body = oai_pmh.element(root, "ListMetadataFormats")
    for prefix, (schema, namespace) in oai_pmh.FORMATS.items():
        entry = oai_pmh.element(body, "metadataFormat")
        oai_pmh.element(entry, "metadataPrefix", prefix)
        oai_pmh.element(entry, "schema", schema)
        oai_pmh.element(entry, "metadataNamespace", namespace)


def list_sets(root, query, now, base_url) -> None:
    if query.get("resumptionToken"):
        raise OaiErrors(("badResumptionToken", "ListSets is never cut: no token is valid."))
    body = oai_pmh.element(root, "ListSets")
    for spec, name in oai_records.set_names().items():
        entry = oai_pmh.element(body, "set")
        oai_pmh.element(entry, "setSpec", spec)
        oai_pmh.element(entry, "setName", name)


def record(oai_identifier: str) -> OaiRecord:
    ref = oai_records.ref_of(oai_identifier)
    row = OaiRecord.objects.filter(work__joconde_ref=ref).select_related("work").first()
    if ref is None or row is None:
        raise OaiErrors(("idDoesNotExist", f"No record {oai_identifier} in this repository."))
    return row


def get_record(root, query, now, base_url) -> None:
    row = record(query.get("identifier"))
    write_records(oai_pmh.element(root, "GetRecord"), [row], query.get("metadataPrefix"))


def list_identifiers(root, query, now, base_url) -> None:
    list_records(root, query, now, base_url, metadata=False)


def list_records(root, query, now, base_url, *, metadata=True) -> None:
    """One page of the list; the token carries where the next page starts and the harvest's
    bounds (`until` defaults to the first request's time, so records changed during a harvest
    wait for the next one)."""
    state = resume(query) if query.get("resumptionToken") else start(query, now)
    rows = OaiRecord.objects.filter(datestamp__lte=state["until"])
    if state["from"]:
        rows = rows.filter(datestamp__gte=state["from"])
    if state["set"]:
        rows = rows.filter(**oai_records.set_filter(state["set"]))
    rows = rows.order_by("pk")
    page_size = settings.CARTEL_OAI_PAGE_SIZE
    page = list(rows.filter(pk__gt=state["after"]).select_related("work")[: page_size + 1])
    if not page:
        raise OaiErrors(("noRecordsMatch", "No record matches these arguments."))
    body = oai_pmh.element(root, query.verb)
    shown = page[:page_size]
    if metadata:
        write_records(body, shown, state["prefix"])
    else:
        for row in shown:
            head = (oai_records.identifier(row.work.joconde_ref), row.datestamp, row.set_specs)
            oai_pmh.header(body, *head, row.deleted)
    if len(page) > page_size or state["cursor"]:
        token = ""
        if len(page) > page_size:
            following = {**state, "after": shown[-1].pk, "cursor": state["cursor"] + len(shown)}
            token = signing.dumps(following, salt=SIGNING_SALT, compress=True)
        size = rows.count()
        expires = timezone.now() + timedelta(seconds=TOKEN_AGE)
        oai_pmh.resumption_token(body, token, state["cursor"], size, expires)


def start(query, now) -> dict:
    if query.since and query.until and query.since > query.until:
        raise OaiErrors(("noRecordsMatch", "from is after until: no record matches."))
    return {
        "verb": query.verb,
        "prefix": query.get("metadataPrefix"),
        "from": query.since.isoformat() if query.since else "",
        "until": (query.until or now).isoformat(),
        "set": query.get("set"),
        "after": 0,
        "cursor": 0,
    }


def resume(query) -> dict:
    try:
        state = signing.loads(query.get("resumptionToken"), salt=SIGNING_SALT, max_age=TOKEN_AGE)
    except signing.BadSignature:
        raise OaiErrors(
            ("badResumptionToken", "This resumption token is invalid or has expired: start again.")
        ) from None
    if state.get("verb") != query.verb:
        raise OaiErrors(("badResumptionToken", f"This token does not continue {query.verb}."))
    return state


def write_records(parent, rows: list[OaiRecord], prefix: str) -> None:
    """Headers and metadata; a deleted record has a header only. Metadata is built from the
    published works alone: a row the ledger still shows is never a way round a withdrawal."""
    live = [row.work_id for row in rows if not row.deleted]
    works = lido_works().filter(pk__in=live)
    records = {r.first("REF"): r for r in lido_records(works)} if live else {}
    for row in rows:
        ref = row.work.joconde_ref
        entry = oai_pmh.element(parent, "record")
        lido_record = records.get(ref)
        deleted = row.deleted or lido_record is None
        oai_pmh.header(entry, oai_records.identifier(ref), row.datestamp, row.set_specs, deleted)
        if not deleted:
            metadata = oai_pmh.element(entry, "metadata")
            if prefix == "lido":
                metadata.append(lido.lido_element(lido_record, lido_types()))
            else:
                metadata.append(oai_pmh.dublin_core(oai_records.dublin_core(lido_record)))


def lido_types() -> dict:
    return {**lido.TYPES, **settings.CARTEL_LIDO_TYPES}


VERBS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
