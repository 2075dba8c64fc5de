"""Shared fixtures. Tests run against the real database named by DATABASE_URL (SQLite by default)."""

import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
DEMO_DATA = ROOT / "demo" / "data"
TEST_DATA = ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def english(settings):
    """Tests read messages in English, the source language (French has its own tests)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches: the database is rolled back after a test, and its
    ids used again, but a cache is not (Wagtail would serve another test's image renditions)."""
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def demo_data() -> Path:
    return DEMO_DATA


@pytest.fixture
def test_data() -> Path:
    return TEST_DATA


@pytest.fixture
def museofile(settings):
    settings.CARTEL_MUSEUM = {**settings.CARTEL_MUSEUM, "MUSEOFILE": "M5062"}
    return "M5062"


@pytest.fixture
def make_user(django_user_model):
    """A staff user in one of the museum's roles (see museum_collections.roles)."""
    from museum_collections.roles import role_group

    def make(role: str | None = None, username: str | None = None, **extra):
        user = django_user_model.objects.create_user(
            username=username or (role or "user").lower(), password="pw", **extra
        )
        if role:
            user.groups.add(role_group(role))
        return user

    return make


def one_time_code(user) -> str:
    """The current code of a user's authenticator app (set up and confirmed if missing), computed
    with django_otp's own totp() from the device key; a time step already used (codes never work
    twice) gives the next step's code, which the device's tolerance accepts."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    while True:
        current = int((time.time() - device.t0) // device.step)
        ahead = max(0, device.last_t + 1 - current)
        if ahead <= device.drift + device.tolerance:
            break
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.01)
    token = totp(device.bin_key, device.step, device.t0, device.digits, drift=ahead)
    return f"{token:0{device.digits}d}"


def verified_login(client, user):
    """Log a user in to a test client; if they must use two factors (museum_collections.accounts),
    give a real code on the admin's verify page, as a person would. Returns the client.

    (``client.login()`` would need ``request=HttpRequest()``: django-axes checks every
    authentication against the request's address.)"""
    from django.urls import reverse

    from museum_collections.accounts import must_use_two_factors

    client.force_login(user)
    if must_use_two_factors(user):
        verify = reverse("accounts:verify")
        code = one_time_code(user)
        client.get(verify)  # the CSRF cookie, for clients that enforce CSRF checks
        response = client.post(
            verify,
            {"code": code, "next": "/admin/"},
            headers={"X-CSRFToken": client.cookies["csrftoken"].value},
        )
        assert response.status_code == 302 and not response["Location"].startswith(verify)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor that superusers must give."""
    return verified_login(client, admin_user)


@pytest.fixture
def vocabularies(db):
    """A small real excerpt of the Joconde vocabularies (labels from the SMF lists and th294)."""
    from museum_collections.models import Concept, ConceptScheme

    schemes = {
        code: ConceptScheme.objects.create(code=code, name=code)
        for code in (
            "DOMN",
            "DENO",
            "TECH",
            "PERI",
            "AUTROLE",
            "INSC",
            "STAT",
        )
    }

    def add(code, label, broader=None, alt=()):
        return Concept.objects.create(
            scheme=schemes[code], pref_label=label, broader=broader, alt_labels=list(alt)
        )

    peinture = add("DOMN", "peinture")
    add("DOMN", "dessin")
    add("DOMN", "estampe")
    add("DENO", "tableau")
    add("TECH", "peinture à l'huile")
    add("TECH", "toile")
    add("PERI", "4e quart 19e siècle")
    add("AUTROLE", "peintre")
    add("AUTROLE", "atelier", alt=["atelier des", "ateliers"])
    add("INSC", "signature", alt=["signé"])
    stat = add("STAT", "statut juridique")
    mode = add("STAT", "mode d'acquisition", broader=stat)
    add("STAT", "achat", broader=mode)
    add("STAT", "don", broader=add("STAT", "donation", broader=mode))
    ownership = add("STAT", "statut de la propriété", broader=stat)
    add(
        "STAT",
        "propriété du département",
        broader=add("STAT", "propriété publique", broader=ownership),
    )
    return {"schemes": schemes, "peinture": peinture}


@pytest.fixture
def joconde_catalogue(vocabularies):
    """POP's fixture notices and the Mistral harvest, imported and published (18 works);
    returns POP's fixture notices as read from the file, by REF."""
    from io import StringIO

    from django.core.management import call_command

    from importers import joconde

    fixtures = TEST_DATA / "joconde"
    call_command(
        "import_joconde",
        str(fixtures / "pop-fixtures" / "joconde-valid-UTF-8.txt"),
        *map(str, sorted((fixtures / "mistral-xml-harvest").glob("*.xml"))),
        "--publish",
        stdout=StringIO(),
    )
    notices = joconde.read_notices(fixtures / "pop-fixtures" / "joconde-valid-UTF-8.txt")
    return {notice.ref: notice for notice in notices}
