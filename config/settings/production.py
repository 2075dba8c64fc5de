"""Production: every secret and host comes from the environment; refuse to start without them.

Cartel sits behind nginx, which terminates HTTPS and sets X-Forwarded-Proto. The headers every
environment sends (Content-Security-Policy, Referrer-Policy, …) are in base.py; here is what
needs HTTPS. `manage.py check --deploy --fail-level WARNING` passes with no issue.

Environment variables, besides base.py's: CSRF_TRUSTED_ORIGINS, CARTEL_HSTS_INCLUDE_SUBDOMAINS
and CARTEL_HSTS_PRELOAD (both on unless set to 0, false or no).
"""

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
    _check_secret_key,
)
from django.core.exceptions import ImproperlyConfigured

from .base import *


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value not in {"0", "false", "no", "off"}


DEBUG = False  # whatever DJANGO_DEBUG or a copied settings file says: no technical error pages

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is not set: export a long random value before starting.")
if not _check_secret_key(SECRET_KEY):  # Django's own rule, the one `check --deploy` applies
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} characters, "
        f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, and must not start with "
        f"'{SECRET_KEY_INSECURE_PREFIX}'. Make one with: python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'"
    )
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set: export the site's host names, comma-separated."
    )

if not os.environ.get("CARTEL_MUSEOFILE"):
    # Every Joconde REF starts with it and a REF never changes: it must be right from day one.
    raise ImproperlyConfigured(
        "CARTEL_MUSEOFILE is not set: export the museum's 5-character Muséofile code (e.g. M0354)."
    )

# Uploads (photographs, documents) live outside the code: a deployment replaces the code folder,
# and nothing uploaded may ever be served or imported as part of the application.
if not os.environ.get("MEDIA_ROOT"):
    raise ImproperlyConfigured(
        "MEDIA_ROOT is not set: export the folder for uploaded files, outside the code "
        f"({BASE_DIR}), e.g. /var/lib/cartel/media."
    )
MEDIA_ROOT = MEDIA_ROOT.resolve()
if MEDIA_ROOT.is_relative_to(BASE_DIR):
    raise ImproperlyConfigured(
        f"MEDIA_ROOT ({MEDIA_ROOT}) is inside the code folder ({BASE_DIR}): export a folder "
        "outside it, e.g. /var/lib/cartel/media."
    )

# Anonymous visitors' pages are cached (portal.page_cache); a change made by one process must
# reach the pages kept by every other, so the cache is a folder they all share.
if not CARTEL_CACHE_DIR:
    raise ImproperlyConfigured(
        "CARTEL_CACHE_DIR is not set: export a folder the web server and the task worker may "
        "both write, e.g. /var/cache/cartel/pages."
    )

# HTTPS only. nginx terminates TLS and says so in X-Forwarded-Proto (and strips the header from
# clients); monitoring calls /health over plain HTTP on the loopback, so it is not redirected.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("CARTEL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("CARTEL_HSTS_PRELOAD", True)
# Turning them off is a decision for the museum's domain, not an oversight: no warning then.
SILENCED_SYSTEM_CHECKS = list(globals().get("SILENCED_SYSTEM_CHECKS", []))  # base.py's, if any
if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
    SILENCED_SYSTEM_CHECKS.append("security.W005")
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The search index is refreshed by a worker (`manage.py db_worker`), not inside requests.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
