"""The récolement tablet app at /tablet/: an installable web app (PWA) that works offline.

Three responses, none of them tied to a login (the app signs in through the tablet API with a
token it keeps in IndexedDB):

    GET /tablet/                      the app's one page: UI strings and settings as JSON blocks
    GET /tablet/sw.js                 the service worker, scope /tablet/: it keeps the page and
                                      every file of static/collections/tablet/ for offline use
    GET /tablet/manifest.webmanifest  what installing the app needs (name, icons, start URL)

The page's strings come from ``tablet/strings.txt`` (``{% translate %}``, so ``make
messages`` collects them), in the user's language (their Wagtail preference when they are
logged in to the admin in this browser, else the ``django_language`` cookie, else
Accept-Language). The service worker's cache name carries a hash of the files it keeps, so any
change to them installs a new version. No inline script or style: the page loads
``app.js`` as a module and reads ``<script type="application/json">`` blocks.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

STATIC_PREFIX = "collections/tablet"
STATIC_DIR = Path(__file__).resolve().parent / "static" / STATIC_PREFIX
SERVICE_WORKER = "service-worker.js"
#: The decoder `make install` copies from npm, for browsers without BarcodeDetector.
DECODER = "vendor/zxing-library.min.js"
TEMPLATES = ("collections/tablet/app.html", "collections/tablet/strings.txt")


def user_language(request) -> str:
    """The language of the page: the admin user's preference, else what LocaleMiddleware chose."""
    available = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from wagtail.users.models import UserProfile

        preferred = UserProfile.get_for_user(user).get_preferred_language()
        if preferred in available:
            return preferred
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if current in available else settings.LANGUAGE_CODE


def ui_strings() -> dict[str, str]:
    """The UI strings, translated: one ``name = text`` line each in tablet/strings.txt."""
    strings = {}
    for line in render_to_string("collections/tablet/strings.txt").splitlines():
        name, sep, text = line.partition(" = ")
        if sep and name.strip():
            strings[name.strip()] = text.strip()
    return strings


def static_files() -> list[str]:
    """The app's static files (relative paths), the service worker's own source excepted."""
    if not STATIC_DIR.is_dir():
        return []
    return sorted(
        file.relative_to(STATIC_DIR).as_posix()
        for file in STATIC_DIR.rglob("*")
        if file.is_file()
        and file.name != SERVICE_WORKER
        and not file.name.startswith(".")
        and not file.name.endswith((".map", ".LICENSE.txt"))
    )


def app_version() -> str:
    """A hash of every file the service worker keeps: it changes when any of them changes."""
    digest = hashlib.sha256()
    for name in static_files():
        digest.update(name.encode())
        digest.update((STATIC_DIR / name).read_bytes())
    for name in TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    return digest.hexdigest()[:16]


def app_settings(language: str) -> dict:
    api = reverse("registrar_api:index")
    return {
        "language": language,
        "languages": [{"code": code, "name": name} for code, name in settings.LANGUAGES],
        "language_cookie": settings.LANGUAGE_COOKIE_NAME,
        "api": api,
        "scope": reverse("tablet:app"),
        "service_worker": reverse("tablet:service_worker"),
        "decoder": static(f"{STATIC_PREFIX}/{DECODER}")
        if (STATIC_DIR / DECODER).is_file()
        else None,
        "museum": settings.CARTEL_MUSEUM.get("NAME", ""),
    }


@require_GET
def app(request):
    language = user_language(request)
    with translation.override(language):
        response = render(
            request,
            "collections/tablet/app.html",
            {
                "language": language,
                "strings": ui_strings(),
                "settings": app_settings(language),
                "manifest_url": reverse("tablet:manifest"),
                "static_prefix": STATIC_PREFIX,
            },
        )
    # The service worker keeps a copy for offline use and asks again whenever it is online.
    response["Cache-Control"] = "no-cache"
    response["Content-Language"] = language
    return response


@require_GET
def service_worker(request):
    """The service worker, with the list of what it keeps; served under /tablet/ so that its
    scope is the app's."""
    config = {
        "version": app_version(),
        "scope": reverse("tablet:app"),
        "shell": reverse("tablet:app"),
        "api": reverse("registrar_api:index"),
        "precache": [reverse("tablet:manifest")]
        + [static(f"{STATIC_PREFIX}/{name}") for name in static_files()],
    }
    source = (STATIC_DIR / SERVICE_WORKER).read_text(encoding="utf-8")
    response = HttpResponse(
        f"const CARTEL = {json.dumps(config)};\n{source}",
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("tablet:app")
    return response


@require_GET
def manifest(request):
    language = user_language(request)
    scope = reverse("tablet:app")
    with translation.override(language):
        data = {
            "name": _("Cartel — récolement"),
            "short_name": _("Récolement"),
            "description": _("Inventory check in the stores, offline, with a tablet."),
            "lang": language,
            "start_url": scope,
            "scope": scope,
            "id": scope,
            "display": "standalone",
            "orientation": "any",
            "background_color": "#101418",
            "theme_color": "#101418",
            "icons": [
                {
                    "src": static(f"{STATIC_PREFIX}/icons/icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any maskable",
                }
                for size in (192, 512)
            ],
        }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


app_name = "tablet"
urlpatterns = [
    path("", app, name="app"),
    path("sw.js", service_worker, name="service_worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
]
