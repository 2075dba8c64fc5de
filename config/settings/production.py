"""Production: every secret and host comes from the environment; refuse to start without them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is not set: export a long random value before starting.")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set: export the site's host names, comma-separated."
    )

if not os.environ.get("CARTEL_MUSEOFILE"):
    # Every Joconde REF starts with it and a REF never changes: it must be right from day one.
    raise ImproperlyConfigured(
        "CARTEL_MUSEOFILE is not set: export the museum's 5-character Muséofile code (e.g. M0354)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The search index is refreshed by a worker (`manage.py db_worker`), not inside requests.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
