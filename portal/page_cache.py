"""The portal's responses to anonymous visitors, kept in the shared cache until something changes.

A visitor without a session (not a logged-in member of staff) asking for a public address gets
the response made for the previous visitor of the same address in the same language, as long
as nothing has changed since. Every key holds the portal's *generation*, a token replaced
- by every save or deletion of a record (signals), except those the portal never shows
  (sessions, logs, revisions, renditions, registers, movements, loans, …), when its
  transaction commits;
- by every change of the catalogue index (`portal.search`), which the task worker makes after
  the works' own commit;
- by every migration.
The token lives in the shared cache (`CARTEL_CACHE_DIR` in production), so a change made by
any process (a gunicorn worker, the task worker, a command) is seen by all at once; until its
transaction commits, only the connection that made it sees it (its keys carry a count of its
pending writes). Writes that bypass save() (`QuerySet.update`, raw SQL) are caught by the
entries' lifetime, `CARTEL_PAGE_CACHE_SECONDS` (0 turns the cache off).

Only what is the same for every anonymous visitor is kept: a GET without an Authorization
header or a cookie other than the language's (and CSRF's), outside the staff's addresses,
answered 200, not streamed, setting no cookie and writing nothing to the session, without
Cache-Control private, no-cache or no-store, varying on nothing but Cookie and Accept-Language.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.cache import cc_delim_re, get_max_age
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

GENERATION = "cartel:portal-generation"
HEADER = "X-Cartel-Cache"  # hit or miss, for the operators and the tests
NEVER_KEPT = (  # the staff's addresses and those whose answer must be fresh
    "/admin/",
    "/tablet/",
    "/api/registrar/",
    "/scan/",
    "/documents/",
    "/i18n/",
    "/oai",
    "/health",
)
VISITOR_COOKIES = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
HARMLESS_VARY = {"cookie", "accept-language"}
# Records the portal never shows, or that only follow another record's change: their writes
# leave the cached pages alone (an app label alone stands for all its models). The registrars'
# and curators' daily records are here, or their work would empty the cache all day long; a
# model the portal starts to show must leave this list (a test checks it against the
# publication rules).
UNSEEN = {
    "auth",  # users (last_login changes at every login), groups, permissions
    "axes",
    "collections.conditioncheck",
    "collections.conservationtreatment",
    "collections.depositentry",
    "collections.exhibition",  # the curators' planning (the portal's exhibitions are pages)
    "collections.exhibitionsection",
    "collections.exhibitionvenue",
    "collections.exhibitionwork",
    "collections.inventoryentry",
    "collections.inventoryremoval",  # a removal marks the work itself, which is seen
    "collections.jocondeexport",
    "collections.joconderefcounter",
    "collections.loan",
    "collections.loanobject",
    "collections.movement",  # a move changes the work's current location, which is seen
    "collections.oairecord",
    "collections.recolementcampaign",
    "collections.recolementobservation",
    "collections.recolementplan",
    "collections.recolementrecord",
    "collections.registerhead",
    "collections.tabletsession",
    "django_tasks_database",
    "otp_static",
    "otp_totp",
    "portal.catalogueentry",  # the catalogue index: its changes are announced by portal.search
    "portal.cataloguefacet",
    "sessions",
    "wagtailadmin",  # editing sessions, form states
    "wagtailcore.comment",
    "wagtailcore.commentreply",
    "wagtailcore.modellogentry",
    "wagtailcore.pagelogentry",
    "wagtailcore.pagesubscription",
    "wagtailcore.referenceindex",
    "wagtailcore.revision",  # a draft; publishing saves the page itself
    "wagtailcore.taskstate",
    "wagtailcore.uploadedfile",
    "wagtailcore.workflowstate",
    "wagtailsearch",
    "wagtailusers",
}


def generation() -> str:
    token = cache.get(GENERATION)
    if token is None:  # never set, or evicted: a new one, so nothing older is ever served
        cache.add(GENERATION, secrets.token_hex(8), None)
        token = cache.get(GENERATION)
    # this connection's writes not committed yet: its own reads see them, nobody else's
    pending = getattr(transaction.get_connection(), "cartel_pending_changes", 0)
    return f"{token}.{pending}" if pending else token


def changed() -> None:
    """The portal may show something else from now on (a change outside the database, as the
    catalogue index on Elasticsearch, or a transaction's changes once committed)."""
    cache.set(GENERATION, secrets.token_hex(8), None)


def committed() -> None:
    changed()
    transaction.get_connection().cartel_pending_changes = 0


def changed_in_transaction() -> None:
    """A write in the current transaction: seen at once by this connection's own reads, by
    everyone's when it commits (one shared write per transaction, however many records)."""
    connection = transaction.get_connection()
    connection.cartel_pending_changes = getattr(connection, "cartel_pending_changes", 0) + 1
    if not any(callback is committed for _ids, callback, _robust in connection.run_on_commit):
        transaction.on_commit(committed)  # at once outside a transaction


def seen(model) -> bool:
    """Whether a write of this model may change what the portal shows."""
    from wagtail.images.models import AbstractRendition

    meta = model._meta
    if meta.label_lower in UNSEEN or meta.app_label in UNSEEN:
        return False
    return not issubclass(model, AbstractRendition)  # made while a page is shown


def record_changed(sender, action: str = "post", **kwargs) -> None:
    if action.startswith("post") and seen(sender):
        changed_in_transaction()


def migrated(**kwargs) -> None:
    changed()


def connect() -> None:
    """Saves and deletions of the models the portal may show (per model: a model nobody
    listens to keeps Django's fast deletes), changes of every many-to-many, migrations."""
    for model in apps.get_models():
        if seen(model):
            post_save.connect(record_changed, sender=model, dispatch_uid="page-cache")
            post_delete.connect(record_changed, sender=model, dispatch_uid="page-cache")
    m2m_changed.connect(record_changed, dispatch_uid="page-cache")
    post_migrate.connect(migrated, dispatch_uid="page-cache")


class PageCacheMiddleware:
    """After LocaleMiddleware (the language is part of the key)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.CARTEL_PAGE_CACHE_SECONDS
        if not seconds or not self.anonymous_and_public(request):
            return self.get_response(request)
        key = self.key(request)
        response = cache.get(key)
        if response is not None:
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        session = getattr(request, "session", None)  # written to: a cookie will follow
        if self.same_for_everyone(response) and not (session and session.modified):
            try:
                cache.set(key, response, seconds)
            except OSError:  # a full disk or a wrong folder must not take the portal down
                logger.exception("The page cache could not keep %s", request.path)
            response[HEADER] = "miss"
        return response

    @staticmethod
    def anonymous_and_public(request) -> bool:
        return (
            request.method == "GET"
            and not request.path.startswith(NEVER_KEPT)
            and "HTTP_AUTHORIZATION" not in request.META
            and set(request.COOKIES) <= VISITOR_COOKIES
        )

    @staticmethod
    def key(request) -> str:
        address = f"{get_language()} {request.build_absolute_uri()}"
        return f"cartel:page:{generation()}:{hashlib.sha256(address.encode()).hexdigest()}"

    @staticmethod
    def same_for_everyone(response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        control = response.get("Cache-Control", "").lower()
        if any(word in control for word in ("private", "no-cache", "no-store")):
            return False
        if get_max_age(response) == 0:
            return False
        vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v}
        return vary <= HARMLESS_VARY
