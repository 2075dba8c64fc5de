"""OAI-PMH 2.0: the protocol's arguments, errors, datestamps and XML, without Django.

`check(arguments)` turns a request's arguments (name -> list of values, as a query string
gives them) into a `Request` or raises `OaiErrors` with the protocol's error codes; `Response`
writes the envelope and its parts with lxml. The view (`portal/oai.py`) finds the records.
Rules: https://www.openarchives.org/OAI/openarchivesprotocol.html and
shared/data/oai-pmh/CONFORMANCE_CHECKLIST.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lxml import etree

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"
FORMATS = {  # metadataPrefix -> (schema, namespace)
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
    "lido": ("http://www.lido-schema.org/schema/v1.1/lido-v1.1.xsd", "http://www.lido-schema.org"),
}
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
# verb -> (required arguments, optional arguments); resumptionToken is exclusive.
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")


class OaiErrors(Exception):
    """One or more protocol errors: [(code, message)]."""

    def __init__(self, *errors: tuple[str, str]):
        super().__init__("; ".join(f"{code}: {message}" for code, message in errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Request:
    verb: str
    arguments: dict[str, str]  # the legal arguments, echoed in <request>
    since: datetime | None = None  # from
    until: datetime | None = None  # inclusive, to the second (or the day)

    def get(self, name: str) -> str:
        return self.arguments.get(name, "")


def datestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datestamp(text: str, *, upper: bool = False) -> datetime:
    """A from/until value; a day as `until` covers the whole day. Raises ValueError."""
    if DAY.match(text):
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
        return day + timedelta(days=1, microseconds=-1) if upper else day
    if SECOND.match(text):
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return moment + timedelta(seconds=1, microseconds=-1) if upper else moment
    raise ValueError(text)


def check(arguments: dict[str, list[str]]) -> Request:
    """The request, or OaiErrors (badVerb, badArgument) naming what is wrong."""
    verbs = arguments.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        shown = ", ".join(verbs) or "none"
        raise OaiErrors(
            ("badVerb", f"Illegal or missing verb ({shown}): use one of {', '.join(VERBS)}.")
        )
    verb = verbs[0]
    required, optional = VERBS[verb]
    errors = []
    for name, values in arguments.items():
        if name == "verb":
            continue
        if name not in required | optional:
            errors.append(("badArgument", f"{verb} does not take the argument {name}."))
        elif len(values) != 1:
            errors.append(("badArgument", f"The argument {name} is repeated."))
    given = {name: values[0] for name, values in arguments.items() if name != "verb"}
    if "resumptionToken" in given:
        if len(given) > 1:
            errors.append(("badArgument", "resumptionToken is exclusive: give it alone."))
    else:
        for name in sorted(required - given.keys()):
            errors.append(("badArgument", f"{verb} needs the argument {name}."))
    since = until = None
    try:
        since = parse_datestamp(given["from"]) if "from" in given else None
    except ValueError:
        errors.append(("badArgument", f"from={given['from']} is not a date ({GRANULARITY})."))
    try:
        until = parse_datestamp(given["until"], upper=True) if "until" in given else None
    except ValueError:
        errors.append(("badArgument", f"until={given['until']} is not a date ({GRANULARITY})."))
    if since and until and len(given["from"]) != len(given["until"]):
        errors.append(("badArgument", "from and until have different granularities."))
    if "set" in given and not SET_SPEC.match(given["set"]):
        errors.append(("badArgument", f"{given['set']} is not a setSpec."))
    if errors:
        raise OaiErrors(*errors)
    if "metadataPrefix" in given and given["metadataPrefix"] not in FORMATS:
        raise OaiErrors(
            (
                "cannotDisseminateFormat",
                f"No format {given['metadataPrefix']}: use one of {', '.join(FORMATS)}.",
            )
        )
    return Request(verb, given, since, until)


def element(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    """A child in the OAI namespace."""
    child = etree.SubElement(parent, f"{{{OAI}}}{tag}", attributes)
    if text is not None:
        child.text = text
    return child


def envelope(base_url: str, now: datetime, request: Request | None) -> etree._Element:
    """The response root with responseDate and request; the request's arguments are echoed
    only when they were legal (a badVerb or badArgument answer gives the base URL alone)."""
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    element(root, "responseDate", datestamp(now))
    attributes = {"verb": request.verb, **request.arguments} if request else {}
    element(root, "request", base_url, **attributes)
    return root


def errors(root, found: OaiErrors) -> None:
    for code, message in found.errors:
        element(root, "error", message, code=code)


def header(parent, identifier: str, stamp: datetime, sets: list[str], deleted: bool):
    head = element(parent, "header", **({"status": "deleted"} if deleted else {}))
    element(head, "identifier", identifier)
    element(head, "datestamp", datestamp(stamp))
    for spec in sets:
        element(head, "setSpec", spec)
    return head


def resumption_token(parent, token: str, cursor: int, size: int, expires: datetime | None):
    """The list's continuation; an empty token ends a list that was cut."""
    attributes = {"cursor": str(cursor), "completeListSize": str(size)}
    if token and expires:
        attributes["expirationDate"] = datestamp(expires)
    element(parent, "resumptionToken", token or None, **attributes)


def dublin_core(fields: list[tuple[str, str]]) -> etree._Element:
    """An oai_dc:dc record from (element, value) pairs, e.g. ("title", "La Joconde")."""
    dc = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    dc.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {FORMATS['oai_dc'][0]}")
    for name, value in fields:
        if value and value.strip():
            etree.SubElement(dc, f"{{{DC}}}{name}").text = value.strip()
    return dc


def oai_identifier_description(scheme_host: str, sample: str) -> etree._Element:
    """Identify's description of our identifiers (oai:{host}:{REF})."""
    description = etree.Element(
        f"{{{OAI_IDENTIFIER}}}oai-identifier", nsmap={None: OAI_IDENTIFIER, "xsi": XSI}
    )
    description.set(
        f"{{{XSI}}}schemaLocation",
        f"{OAI_IDENTIFIER} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
    )
    for tag, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", scheme_host),
        ("delimiter", ":"),
        ("sampleIdentifier", sample),
    ):
        etree.SubElement(description, f"{{{OAI_IDENTIFIER}}}{tag}").text = text
    return description


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
