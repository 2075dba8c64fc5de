"""`GET /health`: is this instance able to serve? For monitoring (Nagios, Zabbix, Uptime Kuma…).

Four cheap checks: the database answers a trivial query, the catalogue search backend
(`portal.search.catalogue_index()`) answers its `ping()`, the cache (CARTEL_CACHE_DIR in
production) keeps a value, and MEDIA_ROOT and CARTEL_EXPORT_DIR have at least
CARTEL_HEALTH_MIN_FREE_BYTES free. The answer is
``{"status": "ok"|"fail", "checks": {"database": "ok"|"fail", "search": …, "cache": …, "disk": …}}``,
200 when every check passes, 503 otherwise. What went wrong is logged, never shown: the body
holds no path, no database name and no exception text.
"""

import logging
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .search import catalogue_index

logger = logging.getLogger(__name__)


def database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def search() -> None:
    catalogue_index().ping()


def kept() -> None:
    """The cache keeps what it is given (the portal's pages and their generation live there)."""
    key, value = f"cartel:health:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, 60)
    try:
        if cache.get(key) != value:
            raise OSError("the cache did not give back what it was given")
    finally:
        cache.delete(key)


def disk() -> None:
    minimum = settings.CARTEL_HEALTH_MIN_FREE_BYTES
    for folder in (settings.MEDIA_ROOT, settings.CARTEL_EXPORT_DIR):
        path = Path(folder)
        while not path.exists():  # not made yet: the disk it will be made on
            path = path.parent
        free = shutil.disk_usage(path).free
        if free < minimum:
            raise OSError(f"{free} bytes free under {folder}, fewer than {minimum}")


CHECKS = {"database": database, "search": search, "cache": kept, "disk": disk}


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("Health check %r failed", name)
            results[name] = "fail"
        else:
            results[name] = "ok"
    return results


@never_cache
@require_safe
def health(request):
    checks = run_checks()
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
