"""Production hardening: `check --deploy` passes with no warning, a bad environment refuses to
start with a message saying what to do, every public response carries the security headers
and a Content-Security-Policy without 'unsafe-inline', and uploads are limited in size and type.

Production settings are loaded in a subprocess (they read the environment once, at start);
their HTTPS values are then applied to the test client's requests."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from wagtail.images.fields import WagtailImageField

from museum_collections import tablet_api
from museum_collections.models import CartelDocument, CartelImage, TabletSession
from tests.integration.test_portal_pages import catalogue, page_urls  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k7Qz-2vN9xR4mT8pL1sW6yB3cF5hJ0dG_aE7uK2iO9nV4qX8zS1wY6rP3tM5"
# The settings production.py changes for HTTPS, read back from a production process.
HTTPS_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
]
TECHNICAL_PAGE = ("Traceback", "DEBUG = True", "Using the URLconf", "technical_404")


def production(*args: str, **environment: str | None) -> subprocess.CompletedProcess:
    """Run Python with production settings and a good environment, changed by `environment`
    (None removes a variable)."""
    # The browser tests' conftest allows async-unsafe ORM calls in this process: not a server's.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "collections.musee.example",
        "CARTEL_MUSEOFILE": "M0354",
        "MEDIA_ROOT": "/var/lib/cartel/media",
        "CARTEL_CACHE_DIR": "/var/cache/cartel/pages",
        "DATABASE_URL": "sqlite:////nonexistent/never-opened.sqlite3",
    }
    for name, value in environment.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def check_deploy(**environment) -> subprocess.CompletedProcess:
    return production("manage.py", "check", "--deploy", "--fail-level", "WARNING", **environment)


def test_check_deploy_passes_with_no_issue():
    result = check_deploy()
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "django-insecure-" + GOOD_KEY}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "ab" * 30}, "SECRET_KEY is too weak"),  # 60 characters, 2 different
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is not set"),
        ({"MEDIA_ROOT": None}, "MEDIA_ROOT is not set"),
        ({"MEDIA_ROOT": str(ROOT / "media")}, "is inside the code folder"),
        ({"MEDIA_ROOT": str(ROOT / "static" / ".." / "uploads")}, "is inside the code folder"),
        ({"CARTEL_CACHE_DIR": None}, "CARTEL_CACHE_DIR is not set"),
    ],
)
def test_a_bad_environment_refuses_to_start_saying_what_to_do(environment, message):
    result = check_deploy(**environment)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: ") and message in last
    assert "export" in last or "python -c" in last  # what to do


def test_hsts_options_turned_off_are_a_decision_not_a_warning():
    result = check_deploy(CARTEL_HSTS_PRELOAD="0", CARTEL_HSTS_INCLUDE_SUBDOMAINS="false")
    assert result.returncode == 0, result.stderr
    assert "(2 silenced)" in result.stdout


@pytest.fixture(scope="module")
def https_settings() -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {HTTPS_SETTINGS!r}}}))"
    )
    result = production("-c", code, DEBUG="1", DJANGO_DEBUG="True")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def in_production(https_settings, settings):
    for name, value in https_settings.items():
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    return settings


def test_production_values(https_settings):
    assert https_settings["DEBUG"] is False  # whatever DEBUG the environment says
    assert https_settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert https_settings["SESSION_COOKIE_SECURE"] and https_settings["CSRF_COOKIE_SECURE"]
    assert https_settings["SESSION_COOKIE_HTTPONLY"]


def test_plain_http_is_redirected_except_the_health_check(in_production, client):
    response = client.get("/collections/?q=dessin")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/collections/?q=dessin"
    # nginx or the monitoring asks /health over plain HTTP on the loopback
    assert client.get("/health").status_code in (200, 503)


def test_https_responses_carry_hsts_and_a_plain_404(in_production, client):
    response = client.get("/no-such-page/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 404
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    page = response.content.decode()
    assert not any(sign in page for sign in TECHNICAL_PAGE), page


def assert_security_headers(response, name):
    policy = response.get("Content-Security-Policy", "")
    directives = dict(part.strip().partition(" ")[::2] for part in policy.split(";"))
    assert directives.get("default-src") == "'self'", (name, policy)
    assert directives.get("script-src") == "'self'", (name, policy)
    assert directives.get("object-src") == "'none'", (name, policy)
    assert directives.get("frame-ancestors") == "'none'", (name, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (name, policy)
    assert "http" not in policy, (name, policy)  # nothing from another origin
    assert response["X-Content-Type-Options"] == "nosniff", name
    assert response["Referrer-Policy"] == "same-origin", name
    assert response["X-Frame-Options"] == "DENY", name
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


def test_every_public_response_carries_the_policy_and_the_headers(catalogue, client):  # noqa: F811
    image = CartelImage.objects.filter(is_public=True).first()
    urls = {
        **page_urls(catalogue),
        "api": "/api/works/",
        "autocomplete": "/api/works/autocomplete?q=vui",
        "iiif": f"/iiif/image/{image.pk}/info.json",
        "tablet": "/tablet/",
        "service worker": "/tablet/sw.js",
        "tablet api": "/api/registrar/campaigns",  # 401 without a token
        "not found": "/no-such-page/",
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code in (200, 401, 404), (name, response.status_code)
        assert_security_headers(response, name)


def test_the_admin_is_left_out_of_the_strict_policy(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response  # Wagtail's admin runs inline scripts
    assert response["X-Frame-Options"] == "DENY"


# Uploads ---------------------------------------------------------------------------------------


def jpeg(padding: int = 0, size=(64, 48), kind="JPEG") -> bytes:
    """A real picture, followed by `padding` bytes (ignored by decoders after the end marker)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 120, 60)).save(buffer, kind)
    return buffer.getvalue() + b"\0" * padding


def test_image_uploads_are_limited_in_size_and_type(settings):
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 60 * 2**20
    field = WagtailImageField()
    assert field.clean(SimpleUploadedFile("photo.jpg", jpeg()))
    too_big = jpeg(padding=settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE)
    with pytest.raises(ValidationError) as refused:
        field.clean(SimpleUploadedFile("photo.jpg", too_big))
    assert refused.value.code == "file_too_large"
    for name, content in (
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("anim.gif", jpeg(kind="GIF")),
        ("photo.bmp", jpeg(kind="BMP")),
    ):
        with pytest.raises(ValidationError):
            field.clean(SimpleUploadedFile(name, content))


@pytest.mark.parametrize("name", ["page.html", "script.js", "drawing.svg", "setup.exe"])
def test_documents_that_a_browser_would_run_are_refused(name):
    document = CartelDocument(title=name, file=ContentFile(b"<script>alert(1)</script>", name=name))
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert "file" in refused.value.message_dict


@pytest.fixture
def photo_api(make_user):
    """The tablet API for a registrar, and an observation its photographs can join."""
    from museum_collections.models import RecolementCampaign, RecolementPlan, Work
    from museum_collections.services.movements import move
    from tests.integration.places import store_tree

    tree = store_tree()
    work = Work.objects.create(inventory_number="2019.1.1", title="Œuvre")
    move(work, tree["shelf_1"], reason="storage")
    plan = RecolementPlan.objects.create(title="Plan", first_year=2026, last_year=2035)
    campaign = RecolementCampaign.objects.create(
        plan=plan,
        title="Réserve 1",
        status=RecolementCampaign.Status.IN_PROGRESS,
        start_date="2026-01-05",
    )
    campaign.locations.add(tree["room"])
    _session, token = TabletSession.open(make_user("Registrar"), "Tablette 1")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    sent = api.post(
        f"/api/registrar/campaigns/{campaign.pk}/observations",
        json.dumps(
            {
                "device": "t1",
                "observations": [
                    {
                        "key": "obs-1",
                        "work_ref": work.joconde_ref,
                        "observed_at": "2026-03-02T10:00:00+01:00",
                        "data": {"presence": "seen", "marked_on_object": True, "condition": "good"},
                    }
                ],
            }
        ),
        content_type="application/json",
    )
    assert sent.status_code == 200, sent.content
    return api


def send_photo(api, content: bytes, name="photo.jpg", **extra):
    file = SimpleUploadedFile(name, content)
    return api.post(
        "/api/registrar/photos", {"key": name, "observation_key": "obs-1", "file": file}, **extra
    )


def test_tablet_photographs_are_limited_in_size_and_type(photo_api):
    assert send_photo(photo_api, jpeg()).status_code == 201
    # refused by its declared length, before the body is read
    declared = str(tablet_api.MAX_PHOTO_BYTES + 2**20)
    early = send_photo(photo_api, jpeg(), "big-1.jpg", CONTENT_LENGTH=declared)
    assert early.status_code == 413 and early.json()["field"] == "file"
    # one byte too many, within the margin the declared length leaves for the form's fields
    picture = jpeg()
    one_too_many = picture + b"\0" * (tablet_api.MAX_PHOTO_BYTES + 1 - len(picture))
    late = send_photo(photo_api, one_too_many, "big-2.jpg")
    assert late.status_code == 413
    for name, content in (("anim.gif", jpeg(kind="GIF")), ("notes.jpg", b"not a picture")):
        refused = send_photo(photo_api, content, name)
        assert refused.status_code == 400 and refused.json()["field"] == "file", name
    assert CartelImage.objects.count() == 1
