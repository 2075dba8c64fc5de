"""`/oai`: the OAI-PMH 2.0 provider checked against the reference validator's list
(tests/data/oai-pmh/CONFORMANCE_CHECKLIST.md) and the official schemas."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import etree

from exporters import lido
from museum_collections.models import OaiRecord, Work
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.django_db
NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "lido": lido.LIDO,
}
MARKER = "PRIVATE-0a1b"


class LocalSchemas(etree.Resolver):
    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def resolve(self, url, pubid, context):
        if url.startswith("http://www.w3.org/2001/03/xml.xsd"):
            return self.resolve_filename(str(self.folder / "schema" / "xml.xsd"), context)
        return None


@pytest.fixture(scope="module")
def schema():
    test_data = TEST_DATA
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemas(test_data / "oai-pmh"))
    return etree.XMLSchema(etree.parse(str(test_data / "oai-pmh" / "wrapper.xsd"), parser))


@pytest.fixture
def catalogue(joconde_catalogue, settings):
    settings.CARTEL_PUBLIC_URL = "https://collections.musee.example"
    settings.CARTEL_OAI_PAGE_SIZE = 5
    Work.objects.update(internal_notes=MARKER, insurance_value=987654321)


def oai(client, schema, method="get", **arguments) -> etree._Element:
    response = getattr(client, method)("/oai", arguments)
    assert response.status_code == 200  # protocol errors too
    assert response["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    schema.assertValid(root)
    assert MARKER.encode() not in response.content and b"987654321" not in response.content
    return root


def codes(root) -> set[str]:
    return {e.get("code") for e in root.findall("o:error", NS)}


def harvest(client, schema, verb="ListRecords", **arguments) -> list[etree._Element]:
    """Every record or header of a list, following the resumption tokens."""
    found, root = [], oai(client, schema, verb=verb, **arguments)
    while True:
        if codes(root) == {"noRecordsMatch"}:
            return found
        body = root.find(f"o:{verb}", NS)
        found += body.findall("o:record" if verb == "ListRecords" else "o:header", NS)
        token = body.findtext("o:resumptionToken", namespaces=NS)
        if not token:
            return found
        root = oai(client, schema, verb=verb, resumptionToken=token)


def test_identify(client, schema, catalogue):
    root = oai(client, schema, verb="Identify")
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root.findtext("o:responseDate", namespaces=NS)
    )
    identify = root.find("o:Identify", NS)
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:baseURL", namespaces=NS) == "http://testserver/oai"
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert re.fullmatch(
        r"[^@\s]+@[^@\s]+\.[a-z]+", identify.findtext("o:adminEmail", namespaces=NS)
    )
    earliest = identify.findtext("o:earliestDatestamp", namespaces=NS)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", earliest)
    sample = identify.findtext(".//{*}sampleIdentifier")
    assert sample.startswith("oai:collections.musee.example:")


def test_list_records_pages_through_every_published_work(client, schema, catalogue):
    for prefix in ("oai_dc", "lido"):
        records = harvest(client, schema, metadataPrefix=prefix)
        refs = [
            r.findtext("o:header/o:identifier", namespaces=NS).rsplit(":", 1)[1] for r in records
        ]
        assert sorted(refs) == sorted(Work.objects.public().values_list("joconde_ref", flat=True))
        assert len(refs) == 18 and len(set(refs)) == 18
    headers = harvest(client, schema, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(headers) == 18
    root = oai(client, schema, verb="ListRecords", metadataPrefix="oai_dc")
    token = root.find("o:ListRecords/o:resumptionToken", NS)
    assert token.get("completeListSize") == "18" and token.get("cursor") == "0"


def test_get_record_in_both_formats(client, schema, catalogue):
    identifier = "oai:collections.musee.example:05000000115"
    root = oai(client, schema, verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
    record = root.find("o:GetRecord/o:record", NS)
    assert record.findtext("o:header/o:identifier", namespaces=NS) == identifier
    assert record.findtext(".//dc:title", namespaces=NS) == "La terrasse de Pebeyre"
    assert record.findtext(".//dc:creator", namespaces=NS) == "VUILLIER Gaston (dessinateur)"
    root = oai(client, schema, verb="GetRecord", identifier=identifier, metadataPrefix="lido")
    lido_record = root.find(".//lido:lido", NS)
    assert lido_record.findtext("lido:lidoRecID", namespaces=NS).endswith("/05000000115")
    assert lido_record.nsmap["lido"] == lido.LIDO  # not ns0:
    for version in ("1.0", "1.1"):
        lido.schema(version).assertValid(etree.ElementTree(lido_record))


def test_a_withdrawn_work_stays_listed_as_deleted(client, schema, catalogue):
    identifier = "oai:collections.musee.example:05000000091"
    before = harvest(client, schema, metadataPrefix="oai_dc")
    Work.objects.filter(joconde_ref="05000000091").update(is_public=False)
    root = oai(client, schema, verb="GetRecord", identifier=identifier, metadataPrefix="lido")
    record = root.find("o:GetRecord/o:record", NS)
    assert record.find("o:header", NS).get("status") == "deleted"
    assert record.find("o:metadata", NS) is None
    after = harvest(client, schema, metadataPrefix="oai_dc")
    assert len(after) == len(before) == 18
    deleted = [r for r in after if r.find("o:header", NS).get("status") == "deleted"]
    assert [r.findtext(".//o:identifier", namespaces=NS) for r in deleted] == [identifier]
    Work.objects.filter(joconde_ref="05000000091").update(is_public=True)
    root = oai(client, schema, verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
    assert root.find(".//o:header", NS).get("status") is None


def test_a_withdrawal_shows_before_the_ledger_follows(client, schema, catalogue, settings):
    """Between two syncs of the ledger, a withdrawn work is already a deleted header."""
    from django.core.cache import cache

    settings.CARTEL_OAI_SYNC_SECONDS = 3600
    cache.delete("cartel:oai-sync")
    harvest(client, schema, metadataPrefix="oai_dc")  # synced now, not again for an hour
    Work.objects.filter(joconde_ref="05000000091").update(is_public=False)
    identifier = "oai:collections.musee.example:05000000091"
    root = oai(client, schema, verb="GetRecord", identifier=identifier, metadataPrefix="lido")
    assert root.find(".//o:header", NS).get("status") == "deleted"
    assert root.find(".//o:metadata", NS) is None
    assert not OaiRecord.objects.get(work__joconde_ref="05000000091").deleted  # not yet synced
    cache.delete("cartel:oai-sync")


def test_from_and_until_select_by_datestamp(client, schema, catalogue):
    harvest(client, schema, metadataPrefix="oai_dc")  # the ledger is written
    earlier = timezone.now() - timedelta(days=3)
    Work.objects.update(updated_at=earlier - timedelta(hours=1))
    OaiRecord.objects.update(datestamp=earlier)
    work = Work.objects.get(joconde_ref="05000000115")
    work.title = "La terrasse de Pebeyre (Corrèze)"
    work.save()
    day = timezone.now().strftime("%Y-%m-%d")
    changed = harvest(client, schema, metadataPrefix="oai_dc", **{"from": day})
    assert [r.findtext(".//dc:title", namespaces=NS) for r in changed] == [work.title]
    stamp = changed[0].findtext(".//o:datestamp", namespaces=NS)
    exact = harvest(client, schema, metadataPrefix="oai_dc", **{"from": stamp, "until": stamp})
    assert len(exact) == 1
    old = harvest(client, schema, metadataPrefix="oai_dc", until=earlier.strftime("%Y-%m-%d"))
    assert len(old) == 17
    root = oai(client, schema, verb="ListRecords", metadataPrefix="oai_dc", until="2000-01-01")
    assert codes(root) == {"noRecordsMatch"}


def test_sets_by_museum_and_domain(client, schema, catalogue, settings):
    root = oai(client, schema, verb="ListSets")
    sets = {
        s.findtext("o:setSpec", namespaces=NS): s.findtext("o:setName", namespaces=NS)
        for s in root.findall("o:ListSets/o:set", NS)
    }
    museo = f"museo:{settings.CARTEL_MUSEUM['MUSEOFILE']}"
    assert sets[museo] == settings.CARTEL_MUSEUM["NAME"] and sets["domn:dessin"] == "dessin"
    drawings = harvest(
        client, schema, verb="ListIdentifiers", metadataPrefix="oai_dc", set="domn:dessin"
    )
    expected = Work.objects.public().filter(domains__label="dessin").count()
    assert len(drawings) == expected and 0 < expected < 18
    assert all("domn:dessin" in [s.text for s in h.findall("o:setSpec", NS)] for h in drawings)
    assert (
        len(harvest(client, schema, verb="ListIdentifiers", metadataPrefix="oai_dc", set="domn"))
        == 18
    )
    assert (
        len(harvest(client, schema, verb="ListIdentifiers", metadataPrefix="oai_dc", set=museo))
        == 18
    )


def test_list_metadata_formats(client, schema, catalogue):
    root = oai(client, schema, verb="ListMetadataFormats")
    prefixes = [e.text for e in root.iterfind(".//o:metadataPrefix", NS)]
    assert prefixes == ["oai_dc", "lido"]
    identifier = "oai:collections.musee.example:05000000115"
    root = oai(client, schema, verb="ListMetadataFormats", identifier=identifier)
    assert "oai_dc" in [e.text for e in root.iterfind(".//o:metadataPrefix", NS)]
    root = oai(client, schema, verb="ListMetadataFormats", identifier="oai:elsewhere:1")
    assert codes(root) == {"idDoesNotExist"}


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"junk": "1"}, {"badVerb"}),
        ({"verb": "junk"}, {"badVerb"}),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, {"badArgument"}),
        (
            {"verb": "GetRecord", "identifier": "oai:collections.musee.example:05000000115"},
            {"badArgument"},
        ),
        (
            {"verb": "GetRecord", "identifier": 'invalid"id', "metadataPrefix": "oai_dc"},
            {"idDoesNotExist"},
        ),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "junk"}, {"badArgument"}),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "junk"}, {"badArgument"}),
        (
            {"verb": "ListIdentifiers", "resumptionToken": "junk", "until": "2000-02-05"},
            {"badArgument"},
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "junk"}, {"badArgument"}),
        ({"verb": "ListRecords", "resumptionToken": "junk"}, {"badResumptionToken"}),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "resumptionToken": "junk",
                "until": "1990-01-10",
            },
            {"badArgument"},
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "junk"}, {"badArgument"}),
        ({"verb": "ListRecords"}, {"badArgument"}),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2002-02-05",
                "until": "2002-02-06T05:35:00Z",
            },
            {"badArgument"},
        ),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, {"cannotDisseminateFormat"}),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:collections.musee.example:nope",
                "metadataPrefix": "oai_dc",
            },
            {"idDoesNotExist"},
        ),
        ({"verb": "Identify", "set": "x"}, {"badArgument"}),
        ({"verb": "ListSets", "resumptionToken": "junk"}, {"badResumptionToken"}),
    ],
)
def test_expected_errors(client, schema, catalogue, arguments, expected):
    root = oai(client, schema, **arguments)
    assert codes(root) == expected
    request = root.find("o:request", NS)
    if expected & {"badVerb", "badArgument"}:
        assert dict(request.attrib) == {}  # illegal arguments are never echoed


def test_a_repeated_argument_is_a_bad_argument(client, schema, catalogue):
    response = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=lido")
    root = etree.fromstring(response.content)
    schema.assertValid(root)
    assert codes(root) == {"badArgument"}


def test_a_token_for_another_verb_or_tampered_is_refused(client, schema, catalogue):
    root = oai(client, schema, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.findtext(".//o:resumptionToken", namespaces=NS)
    assert codes(oai(client, schema, verb="ListRecords", resumptionToken=token)) == {
        "badResumptionToken"
    }
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert codes(oai(client, schema, verb="ListIdentifiers", resumptionToken=tampered)) == {
        "badResumptionToken"
    }


def test_post_works_like_get(client, schema, catalogue):
    root = oai(client, schema, method="post", verb="Identify")
    assert root.find("o:Identify", NS) is not None
    identifier = "oai:collections.musee.example:05000000115"
    root = oai(
        client,
        schema,
        method="post",
        verb="GetRecord",
        identifier=identifier,
        metadataPrefix="oai_dc",
    )
    assert root.findtext(".//dc:title", namespaces=NS) == "La terrasse de Pebeyre"


def test_the_schema_wrapper_can_fail(schema, test_data):
    real = etree.parse(str(test_data / "oai-pmh" / "dspace-eur_2003_5_ListRecords.xml"))
    schema.assertValid(real)
    record = real.getroot().find(".//o:record/o:header", NS)
    etree.SubElement(record, "{http://www.openarchives.org/OAI/2.0/}junk")
    assert not schema.validate(real)
