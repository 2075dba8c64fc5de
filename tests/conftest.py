"""Shared fixtures. Tests run against the real database named by DATABASE_URL (SQLite by default)."""

from pathlib import Path

import pytest
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
