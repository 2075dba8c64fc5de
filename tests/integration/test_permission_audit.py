"""The permission audit (issue 9): every URL of Cartel, requested by an anonymous visitor, a
user of each role and a superuser, for reading (GET) and writing (POST), against the matrix
declared in permission_matrix.py. A URL of ours that the matrix does not declare fails the audit.

Private values (tests/markers.py) are planted in the works, the people, the documentation and the
records around them; no page an anonymous visitor or a researcher may read shows one.
"""

import datetime
import os

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import TEST_DATA
from tests.markers import MARKER, SECRET_AMOUNT, leaked, plant_markers

from .permission_matrix import (
    ANONYMOUS,
    OWN,
    ROLES,
    SNIPPET_VIEWS,
    SUPERUSER,
    USERS,
    WAGTAIL_PREFIXES,
    Rule,
)

OUR_PACKAGES = ("museum_collections", "documentation", "portal", "config")
OUR_APPS = ("_collections_", "_documentation_")
NOT_REQUESTED = {"admin/failwhale/", "admin/.*/"}  # a crash on purpose; the 404 catch-all
OPTIONAL = {"health"}  # being added; audited as soon as it exists
SNOOPS = (ANONYMOUS, "Researcher")  # refused everything private: no secret in what they read


# The URL patterns ----------------------------------------------------------------------------


def walk(patterns, prefix="", namespace=""):
    """(route, name, pattern) of every URL pattern under config.urls."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield prefix + str(pattern.pattern), name, pattern


URLS = list(walk(get_resolver().url_patterns))


def clean(route: str) -> str:
    return route.replace("^", "").replace("$", "")


def view_module(pattern) -> str:
    callback = pattern.callback
    view = getattr(callback, "view_class", None) or callback
    return getattr(view, "__module__", "")


def is_ours(route, name, pattern) -> bool:
    return view_module(pattern).startswith(OUR_PACKAGES) or any(a in (name or "") for a in OUR_APPS)


def prefix_rule(route: str):
    for prefix, read, write in WAGTAIL_PREFIXES:
        if clean(route).startswith(prefix):
            return Rule(read, write)
    return None


def declared_names() -> set[str]:
    return set(SNIPPET_VIEWS) | {rule.url_name or label for label, rule in OWN.items()}


# The fixture: one of everything, with private values planted -------------------------------


def build_museum() -> dict:
    from documentation.models import ArchiveUnit, BibliographicRecord, DocumentaryFile, LibraryItem
    from museum_collections.models import (
        CartelDocument,
        CartelImage,
        Concept,
        ConceptScheme,
        ConditionCheck,
        ConservationTreatment,
        DepositEntry,
        Exhibition,
        Loan,
        LoanObject,
        Location,
        Movement,
        Person,
        RecolementCampaign,
        RecolementPlan,
        RecolementRecord,
        Rights,
        TabletSession,
        Work,
        WorkMaker,
        WorkMedia,
    )
    from museum_collections.roles import role_group
    from museum_collections.services import recolement, register
    from museum_collections.services.demo_portal import load_demo_portal
    from museum_collections.services.movements import move

    users = {}
    model = get_user_model()
    for role in ROLES:
        users[role] = model.objects.create_user(username=role.lower(), password="pw")
        users[role].groups.add(role_group(role))
    users[SUPERUSER] = model.objects.create_superuser(username="root", password="pw")

    o = {"users": users}
    scheme = ConceptScheme.objects.create(code="DOMN", name="Domaines")
    o["collections.conceptscheme"] = scheme
    o["collections.concept"] = Concept.objects.create(scheme=scheme, pref_label="peinture")
    donor = Person.objects.create(name="Jeanne Donatrice")
    plant_markers(donor)
    maker = Person.objects.create(name="Maurice Denis", surname="Denis", forenames="Maurice")
    plant_markers(maker)
    o["collections.person"], o["maker"] = donor, maker
    store = Location.objects.create(code="RES1", name=f"Réserve {MARKER}", kind="room")
    shelf = Location.objects.create(code="RES1-T1", name="Tablette 1", kind="shelf", parent=store)
    o["collections.location"] = shelf

    works = []
    for number, public in (("2019.1.1", True), ("2019.1.2", False)):
        work = Work.objects.create(
            inventory_number=number, title=f"Œuvre {number}", is_public=public
        )
        WorkMaker.objects.create(work=work, person=maker, role="peintre")
        work.acquisition_source, work.normal_location = donor, shelf
        plant_markers(work)
        works.append(work)
    public_work, work = works
    o["public_work"], o["collections.work"] = public_work, work
    work.title = "Œuvre non publiée"
    o["revision"] = work.save_revision()
    work.save_revision()

    for name, public in (
        ("progressive_zurbaran_agnus-dei.jpg", True),
        ("exif-orientation-3_pillow_hopper.jpg", False),
    ):
        with open(TEST_DATA / "images" / name, "rb") as f:
            image = CartelImage(title=name, file=ImageFile(f, name=name), is_public=public)
            image.rights = Rights.CC_BY
            image.save()
        plant_markers(image)
        if public:  # its description is its alt text, shown wherever the image is
            image.description = "Agnus Dei"
        else:
            image.title = MARKER
        image.save()
        WorkMedia.objects.create(
            work=public_work, image=image, is_primary=public, caption="" if public else MARKER
        )
        o["public_image" if public else "private_image"] = image
    for public in (True, False):
        document = CartelDocument.objects.create(
            title="Notice" if public else MARKER,
            file=ContentFile(b"%PDF-1.4 " + (b"" if public else MARKER.encode()), name="n.pdf"),
            is_public=public,
        )
        o["public_document" if public else "private_document"] = document

    o["collections.movement"] = move(work, shelf, reason=Movement.Reason.STORAGE, note=MARKER)
    o["planned_movement"] = move(public_work, store, reason=Movement.Reason.STORAGE, planned=True)

    values = {"designation": "Tableau : Œuvre", "acquisition_mode": "don"}
    o["collections.inventoryentry"] = register.draft_entry_for(work, **values)
    validated = register.draft_entry_for(public_work, **values)
    o["validated_entry"] = register.validate_entry(validated, users["Registrar"])
    deposited = Work.objects.create(inventory_number="D.2005.3.1", title="Dépôt")
    o["collections.depositentry"] = DepositEntry.objects.create(
        work=deposited,
        deposit_number="D.2005.3.1",
        depositor=donor,
        depositor_number="FNAC PFH-6020",
        deposit_deed="Arrêté du 3 mai 2005",
        taken_in_charge_on=datetime.date(2005, 6, 1),
        designation="Tableau : Paysage",
    )

    partner = Person.objects.create(name="Musée prêteur", kind="organisation")
    plant_markers(partner)
    loan = Loan.objects.create(
        direction="out",
        partner=partner,
        purpose="exhibition",
        start_date=datetime.date(2027, 5, 1),
        end_date=datetime.date(2027, 5, 10),
        insurance_value=SECRET_AMOUNT,
        contact=MARKER,
        notes=MARKER,
    )
    LoanObject.objects.create(loan=loan, work=work, insurance_value=SECRET_AMOUNT)
    o["collections.loan"] = loan
    o["collections.exhibition"] = Exhibition.objects.create(title="Les Nabis", notes=MARKER)
    o["collections.conditioncheck"] = ConditionCheck.objects.create(
        work=work,
        checked_on=datetime.date(2026, 1, 5),
        checker="J. Roux",
        condition="good",
        notes=MARKER,
    )
    o["collections.conservationtreatment"] = ConservationTreatment.objects.create(
        work=work,
        start_date=datetime.date(2027, 6, 1),
        end_date=datetime.date(2027, 6, 30),
        report=MARKER,
    )

    plan = RecolementPlan.objects.create(title="Plan", first_year=2026, last_year=2035)
    campaign = RecolementCampaign.objects.create(
        plan=plan,
        title="Réserve 1",
        start_date=datetime.date(2026, 1, 5),
        status=RecolementCampaign.Status.IN_PROGRESS,
    )
    campaign.locations.add(store)
    clean = {"presence": "seen", "marked_on_object": True, "condition": "good"}
    recolement.record_observation(campaign, key="a", work=work, data=clean, device="t1")
    recolement.record_observation(
        campaign, key="b", work=work, data=clean | {"presence": "not_seen"}, device="t2"
    )
    o["collections.recolementplan"], o["collections.recolementcampaign"] = plan, campaign
    o["collections.recolementrecord"] = RecolementRecord.objects.get(campaign=campaign, work=work)
    o["collections.tabletsession"], _token = TabletSession.open(users["Registrar"], "Tablette 1")

    # roles.py hides only the internal notes of the library and archives from researchers; the
    # source format and where copies are shelved (private on the portal) are theirs to read.
    record = BibliographicRecord.objects.create(title="Théories, 1890-1910", record_id="FRBNF1")
    plant_markers(record)
    record.source_format = "unimarc"
    record.save()
    item = LibraryItem.objects.create(record=record, call_number="MON DEN 1")
    plant_markers(item)
    item.location, item.barcode = "Salle de lecture", "B0001"
    item.save()
    unit = ArchiveUnit.objects.create(reference_code="1J", title="Fonds Denis", level="fonds")
    plant_markers(unit)
    files = DocumentaryFile.objects.create(code="DO-2019.1.2", title="Dossier d'œuvre")
    plant_markers(files)
    o["documentation.bibliographicrecord"], o["documentation.libraryitem"] = record, item
    o["documentation.archiveunit"], o["documentation.documentaryfile"] = unit, files

    load_demo_portal()
    o["sessions"] = signed_in(users)
    return o


def signed_in(users) -> dict[str, str]:
    """The session cookie of each user, logged in once for the module; those who must use two
    factors (museum_collections.accounts) give a real code on the verify page, as
    tests/conftest.py's verified_login does (its codes come from a function-scoped fixture)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from museum_collections.accounts import must_use_two_factors

    sessions = {}
    verify = reverse("accounts:verify")
    for key, user in users.items():
        client = Client()
        client.force_login(user)
        if must_use_two_factors(user):
            device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
            token = totp(device.bin_key, device.step, device.t0, device.digits)
            code = f"{token:0{device.digits}d}"
            response = client.post(verify, {"code": code, "next": "/admin/"})
            assert response.status_code == 302 and not response["Location"].startswith(verify)
        sessions[key] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


@pytest.fixture(scope="module")
def museum(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module, in a transaction rolled back at its end; each test runs in a
    savepoint of it (pytest-django's db fixture), so what a POST writes is undone."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock(), transaction.atomic():
        objects = build_museum()
        yield objects
        transaction.set_rollback(True)
    media.disable()


# Requests --------------------------------------------------------------------------------------


def fill(route: str, name: str, pattern, rule: Rule, objects) -> dict | None:
    """The URL's parameters from the fixture's objects; None when they cannot be filled."""
    if rule.kwargs:
        return rule.kwargs(objects)
    regex = pattern.pattern.regex
    params = set(regex.groupindex) | set(getattr(pattern.pattern, "converters", {}))
    kwargs = {}
    for param in params:
        if param == "pk" and rule.obj:
            kwargs[param] = objects[rule.obj].pk
        elif param == "pk" and "_" in name.split(":")[0] and "snippet" in name:
            app_model = name.split(":")[0].split("_", 1)[1].replace("_", ".", 1)
            kwargs[param] = objects[app_model].pk
        elif param == "pk" and clean(route).startswith("admin/users/"):
            kwargs[param] = objects["users"]["Researcher"].pk
        elif param == "pk" and clean(route).startswith("admin/groups/"):
            kwargs[param] = objects["users"]["Researcher"].groups.get().pk
        elif param == "revision_id":
            kwargs[param] = objects["revision"].pk
        elif param in ("revision_id_a", "revision_id_b"):
            kwargs[param] = "earliest" if param.endswith("a") else "latest"
        elif param == "image_id":
            kwargs[param] = objects["private_image"].pk
        elif param in ("document_id", "doc_id"):
            kwargs[param] = objects["private_document"].pk
        else:
            return None
    return kwargs


def address(route, name, pattern, rule: Rule, objects) -> str | None:
    if rule.path:
        return rule.path(objects)
    if name is None:
        return "/" + clean(route)
    kwargs = fill(route, name, pattern, rule, objects)
    if kwargs is None:
        return None
    query = rule.query(objects) if callable(rule.query) else rule.query
    return reverse(name, kwargs=kwargs) + query


def audited() -> list[tuple[str, Rule, str, str, object]]:
    """(label, rule, url_name, route, pattern) of every URL the audit requests."""
    by_name = {name: (route, pattern) for route, name, pattern in URLS if name}
    cases = []
    for name, rule in SNIPPET_VIEWS.items():
        if name in by_name:
            cases.append((name, rule, name, *by_name[name]))
    for label, rule in OWN.items():
        name = rule.url_name or label
        if name in by_name:
            cases.append((label, rule, name, *by_name[name]))
    declared = declared_names()
    for route, name, pattern in URLS:
        if name in declared or is_ours(route, name, pattern):
            continue
        rule = prefix_rule(route)
        if clean(route) in NOT_REQUESTED:
            continue
        params = set(pattern.pattern.regex.groupindex)
        if rule is not None and not (params - {"pk", "image_id", "document_id"}):
            cases.append((name or clean(route), rule, name, route, pattern))
    return cases


CASES = audited()
# Writes are audited on our URLs; Wagtail's own admin is audited for reading.
WRITE_CASES = [case for case in CASES if case[0] in SNIPPET_VIEWS or case[0] in OWN]


REFUSED = {401, 403, 404, 405}
# The login page, Wagtail's "no permission" redirect (home), the second factor's pages.
REFUSING_PAGES = [
    reverse(name)
    for name in ("wagtailadmin_login", "wagtailadmin_home", "accounts:verify", "accounts:setup")
]


def outcome(response) -> str:
    """'refused' (login page, Wagtail's 'no permission' redirect, 401/403/404/405), 'allowed'
    (the view answered: 200, a redirect elsewhere, 400 for an empty form) or 'error'."""
    status = response.status_code
    if status in REFUSED:
        return "refused"
    if status in (301, 302, 303):
        location = response["Location"].split("?")[0]
        if location in REFUSING_PAGES:
            return "refused"
        return "allowed"
    if status in (200, 201, 204, 400, 409, 422):
        return "allowed"
    return "error"


def request(client, museum, user: str, method: str, url: str, rule: Rule):
    # A crash is reported as an error; AUDIT_RAISE=1 raises it instead, with its traceback.
    client.raise_request_exception = bool(os.environ.get("AUDIT_RAISE"))
    client.cookies.clear()  # a logout or a new session in one request does not last
    if user != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = museum["sessions"][user]
    if method == "GET":
        return client.get(url, headers=rule.headers)
    data = rule.data(museum) if rule.data else {}
    with transaction.atomic():  # each write undone: the next user finds the same records
        response = client.post(url, data, headers=rule.headers)
        changed = fingerprint() != museum["fingerprint"]
        transaction.set_rollback(True)
    response.changed_database = changed
    return response


def body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


def fingerprint() -> tuple:
    """What a write would change: row counts of our models and Wagtail's logs and revisions,
    and the latest update of each of our records (one query)."""
    parts = []
    models = [
        *apps.get_app_config("collections").get_models(),
        *apps.get_app_config("documentation").get_models(),
        apps.get_model("wagtailcore", "ModelLogEntry"),
        apps.get_model("wagtailcore", "Revision"),
        apps.get_model("wagtailcore", "Page"),
        get_user_model(),
    ]
    for model in models:
        if model.__name__.endswith("Rendition"):  # a cache of image sizes
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            parts.append(f"(SELECT MAX(updated_at) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return cursor.fetchone()


def describe(user, response) -> str:
    where = response.get("Location", "")
    return f"{user}: {response.status_code} {where}".strip()


# The audit -------------------------------------------------------------------------------------


def test_every_url_is_declared():
    """A URL of ours the matrix does not declare fails here: declare it in permission_matrix.py
    (who may read it, who may write it); Wagtail's own admin is declared by route prefix."""
    declared = declared_names()
    undeclared = [
        f"{clean(route)} ({name or 'no name'})"
        for route, name, pattern in URLS
        if name not in declared and (is_ours(route, name, pattern) or prefix_rule(route) is None)
    ]
    assert undeclared == [], (
        "Declare who may read and write these URLs in tests/integration/permission_matrix.py: "
        + ", ".join(undeclared)
    )
    existing = {name for _route, name, _pattern in URLS}
    stale = {rule.url_name or label for label, rule in OWN.items()} - existing - OPTIONAL
    assert stale == set(), f"Declared URLs that no longer exist: {sorted(stale)}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_read(case, museum, client):
    label, rule, name, route, pattern = case
    url = address(route, name, pattern, rule, museum)
    if url is None:
        pytest.skip(f"{route}: parameters not filled")
    wrong, leaks = [], []
    for user in USERS:
        response = request(client, museum, user, "GET", url, rule)
        got = outcome(response)
        expected = "allowed" if user in rule.read else "refused"
        if got != expected:
            wrong.append(f"{describe(user, response)} (expected {expected})")
        elif got == "allowed" and user in SNOOPS and leaked(body(response)):
            text = body(response)
            found = leaked(text)
            at = text.find(found[0])
            leaks.append(f"{user} reads {found}: …{text[max(at - 120, 0) : at + 40]}…")
    assert not wrong + leaks, f"GET {url}: " + "; ".join(wrong + leaks)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case[0],
            marks=[pytest.mark.xfail(strict=True, reason=case[1].write_bug)]
            if case[1].write_bug
            else [],
        )
        for case in WRITE_CASES
    ],
)
def test_write(case, museum, client):
    label, rule, name, route, pattern = case
    url = address(route, name, pattern, rule, museum)
    if url is None:
        pytest.skip(f"{route}: parameters not filled")
    wrong = []
    museum["fingerprint"] = fingerprint()
    for user in USERS:
        response = request(client, museum, user, "POST", url, rule)
        got = outcome(response)
        if rule.write is None or (rule.by_object and user not in rule.write):
            if got == "error" or response.changed_database:  # answered, but changes nothing
                wrong.append(f"{describe(user, response)} (error or the database changed)")
        elif user in rule.write:
            if got == "refused":
                wrong.append(f"{describe(user, response)} (expected allowed)")
        elif got != "refused" or response.changed_database:
            wrong.append(f"{describe(user, response)} (expected refused, database unchanged)")
    assert not wrong, f"POST {url}: " + "; ".join(wrong)
