"""Settings shared by every environment; everything that differs comes from the environment.

Environment variables: DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, MEDIA_ROOT, ELASTICSEARCH_URL,
CARTEL_MUSEOFILE, CARTEL_MUSEUM_NAME, CARTEL_MUSEUM_CITY, CARTEL_EXPORT_DIR, CARTEL_PUBLIC_URL,
CARTEL_IIIF_CACHE, CARTEL_OAI_ADMIN_EMAIL, CARTEL_PROXY_COUNT, CARTEL_HEALTH_MIN_FREE_BYTES,
CARTEL_CACHE_DIR, CARTEL_PAGE_CACHE_SECONDS.
With none set, Cartel runs on SQLite.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "museum_collections.apps.CollectionsConfig",
    "documentation",
    "portal",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.page_cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "museum_collections.accounts.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'cartel.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a worker or an import writes; IMMEDIATE transactions
    # take the write lock up front instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# French first, English complete.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "Cartel"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "collections.CartelImage"
WAGTAILIMAGES_IMAGE_FORM_BASE = "museum_collections.forms.CartelImageForm"
WAGTAILDOCS_DOCUMENT_MODEL = "collections.CartelDocument"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "museum_collections.forms.CartelDocumentForm"
# Photographs of works: up to 60 MB and 128 megapixels (all pages of a pyramidal TIFF counted);
# larger masters belong in the photo archive, not in the web application's memory.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 60 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 128_000_000
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "tif", "tiff", "webp"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "mp3", "ogg", "oga", "wav", "flac", "m4a", "mp4", "webm", "ogv"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 500 * 1024 * 1024
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_COMMENTS_ENABLED = False

# The museum this instance serves (its Muséofile code prefixes every Joconde REF).
CARTEL_MUSEUM = {
    "MUSEOFILE": os.environ.get("CARTEL_MUSEOFILE", "M0000"),
    "NAME": os.environ.get("CARTEL_MUSEUM_NAME", "Musée départemental (démonstration)"),
    "CITY": os.environ.get("CARTEL_MUSEUM_CITY", "Saint-Germain-en-Laye"),
}

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# The catalogue search (portal.search): "sql" (SQLite FTS5 / PostgreSQL full text, the
# default) or "elasticsearch" (on ELASTICSEARCH_URL, under the alias CARTEL_SEARCH_INDEX).
CARTEL_SEARCH_BACKEND = os.environ.get("CARTEL_SEARCH_BACKEND", "sql")
CARTEL_SEARCH_INDEX = os.environ.get("CARTEL_SEARCH_INDEX", "cartel-catalogue")

# The portal's public address, for the links written into exports (LIDO, IIIF manifests) that
# are made outside a web request; requests use their own host.
CARTEL_PUBLIC_URL = os.environ.get("CARTEL_PUBLIC_URL", "http://localhost:8000").rstrip("/")
# IIIF Image API: derived images (regions, sizes, tiles) are cached on disk here.
CARTEL_IIIF_CACHE = Path(os.environ.get("CARTEL_IIIF_CACHE") or MEDIA_ROOT / "iiif-cache")

# `manage.py nightly_exports`: the exports run each night, one at a time, into CARTEL_EXPORT_DIR.
CARTEL_EXPORT_DIR = Path(os.environ.get("CARTEL_EXPORT_DIR") or BASE_DIR / "exports")
CARTEL_NIGHTLY_EXPORTS = [
    ("export_joconde", ["--format", "txt", "--output", "joconde.txt"]),
    ("export_joconde", ["--format", "xml", "--output", "joconde.xml"]),
    ("export_opendata", ["--format", "csv", "--output", "oeuvres.csv"]),
    ("export_opendata", ["--format", "jsonl", "--output", "oeuvres.jsonl"]),
    ("export_lido", ["--output", "lido.xml"]),
]
# LIDO-MC attribute values not yet fixed by the Ministry (exporters/lido.py TYPES), e.g.
# {"inventory_number": "http://terminology.lido-schema.org/lido00113"}.
CARTEL_LIDO_TYPES: dict[str, str] = {}
CARTEL_NIGHTLY_KEEP_REPORTS = 14  # nights of logs kept in CARTEL_EXPORT_DIR/reports

# The OAI-PMH provider at /oai: the address harvesters write to, and records per page.
CARTEL_OAI_ADMIN_EMAIL = os.environ.get("CARTEL_OAI_ADMIN_EMAIL", "collections@musee.example")
CARTEL_OAI_PAGE_SIZE = 100
CARTEL_OAI_SYNC_SECONDS = 30  # the record ledger follows the catalogue at most this late

# Background tasks (portal.search.tasks): run at once in the request by default; production
# queues them in the database for `manage.py db_worker` (config/settings/production.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# GET /health fails when MEDIA_ROOT or CARTEL_EXPORT_DIR has less free space than this.
CARTEL_HEALTH_MIN_FREE_BYTES = int(os.environ.get("CARTEL_HEALTH_MIN_FREE_BYTES") or 1024**3)

# The cache: each process's memory by default; a folder shared by every process on the server
# when CARTEL_CACHE_DIR is set, as production needs (portal.page_cache: a change made by one
# process must reach the pages kept by all).
CARTEL_CACHE_DIR = os.environ.get("CARTEL_CACHE_DIR", "")
if CARTEL_CACHE_DIR:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CARTEL_CACHE_DIR,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
# Anonymous visitors' portal pages are kept until a change, and at most this long (0: never).
CARTEL_PAGE_CACHE_SECONDS = int(os.environ.get("CARTEL_PAGE_CACHE_SECONDS") or 600)

LOGIN_URL = "wagtailadmin_login"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cartel@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"museum_collections": {"level": "INFO"}},
}

# Staff accounts ---------------------------------------------------------------------------------
# Lock-out (django-axes), password rules, two factors (django-otp) and session expiry; the rules
# about who must use two factors live in museum_collections.accounts.

# AxesStandaloneBackend only refuses locked-out attempts; ModelBackend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 5 failures lock a username *from one address* for 30 minutes. Counting per username + address
# means that an attacker cannot lock the whole museum out from one address (staff elsewhere, or
# another account, keep working), and a username alone or an address alone is never blocked.
# Guessing from many addresses gets 5 tries per address per half hour against 12-character
# passwords and, for the accounts that can validate the registers, a second factor.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "museum_collections.accounts.locked_out"
# Behind a reverse proxy every request comes from the proxy's address: set CARTEL_PROXY_COUNT to
# the number of proxies in front of Cartel so that the client's address is read from
# X-Forwarded-For (museum_collections.accounts.client_ip).
CARTEL_PROXY_COUNT = int(os.environ.get("CARTEL_PROXY_COUNT") or 0)
AXES_CLIENT_IP_CALLABLE = "museum_collections.accounts.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Authenticator apps show this name beside the account.
OTP_TOTP_ISSUER = "Cartel"

# Staff sessions last a working day and end when the browser closes. The tablets do not use
# sessions: they carry a revocable bearer token (TabletSession), which these settings leave alone.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True


# Security headers and Content-Security-Policy ------------------------------------------------
# Set here, not in production.py, so that dev, test and production all send them and the tests
# see the real headers; production.py adds what needs HTTPS (HSTS, secure cookies, redirect).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The portal, the tablet app, the scan page and the APIs load nothing from another origin and
# run no inline script or style: JSON data travels in <script type="application/json"> blocks,
# which the browser never executes.
CONTENT_SECURITY_POLICY = {
    # The Wagtail admin (and the pages it renders: previews, the printable checklist) relies on
    # inline scripts and styles and frames its own previews: the strict policy would break it.
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # OpenSeadragon 6.1.1 (package.json) adds one <style> element, the focus outline of its
        # canvas on touch screens: its hash lets that one in. tests/e2e/test_csp.py says when an
        # upgrade changes it.
        "style-src": ["'self'", "'sha256-9xTiqzfwFaL2SGb1rmr8gysEwVVjIvqWAgmZgqFqpEE='"],
        "img-src": ["'self'", "blob:"],  # blob: the tablet shows photographs not yet sent
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],  # the tablet's service worker, /tablet/sw.js
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
