"""The registrar's JSON API, for the tablet used in the stores: look up a scanned code, record a
movement. Authenticated by the staff login's session (CSRF-protected) or by a tablet's token,
``Authorization: Bearer <token>`` from a TabletSession (no cookies, so no CSRF); locations are
private, so every endpoint needs `collections.view_location`, and recording a movement
`collections.move_work`. An unknown token is a 401 ``{"error"}``, a revoked one a 401
``{"error", "revoked": true}``: the tablet asks its user to log in again. The récolement
endpoints for the tablet are in tablet_api.

    GET  /api/registrar/                → who is logged in, whether they may move, the reasons
    GET  /api/registrar/lookup/<code>   → the work or location the code names
    POST /api/registrar/movements       → move() a work or a location (idempotent by key)

Errors are ``{"error": message, "field": the request field at fault, or null}``.
"""

import json
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import resolve_url
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from .models import CurrentLocation, Location, Movement, TabletSession, Work, WorkMedia
from .scan import SEE_LOCATIONS, resolve_code, scan_code_of
from .services.movements import MoveError, move

MOVE = "collections.move_work"
MAX_WORKS = 500
THUMBNAIL = "fill-200x200"
#: Reasons the movement service gives itself (carried by a container, corrections).
INTERNAL_REASONS = {Movement.Reason.CONTAINER, Movement.Reason.CORRECTION}
REASONS = [reason for reason in Movement.Reason if reason not in INTERNAL_REASONS]
KEY_LENGTH = Movement._meta.get_field("idempotency_key").max_length


def error(message, status=400, field=None, **extra) -> JsonResponse:
    return JsonResponse({"error": str(message), "field": field, **extra}, status=status)


def bearer_token(request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def tablet_user(request, token: str):
    """The user of a live tablet session, or the 401 to send; sets request.tablet_session."""
    session = (
        TabletSession.objects.filter(token_hash=TabletSession.hash(token))
        .select_related("user")
        .first()
        if token
        else None
    )
    if session is not None and session.revoked_at is not None:
        return None, error(
            _("This tablet was signed out. Log in again: its observations are kept."),
            401,
            revoked=True,
        )
    if session is None or not session.user.is_active:
        return None, error(_("Unknown tablet token. Log in again."), 401)
    TabletSession.objects.filter(pk=session.pk).update(last_seen_at=timezone.now())
    request.tablet_session = session
    return session.user, None


def registrar_api(view):
    """Authenticate by session (with CSRF) or tablet token (without); refuse anonymous users
    (401) and users who may not see locations (403)."""

    @wraps(view)
    def allowed(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return error(
                _("Log in to Cartel first."), 401, login_url=resolve_url(settings.LOGIN_URL)
            )
        if not request.user.has_perm(SEE_LOCATIONS):
            return error(_("You may not see where works are kept."), 403)
        return view(request, *args, **kwargs)

    with_session = csrf_protect(allowed)

    @csrf_exempt  # checked below, for session requests only
    @wraps(view)
    def checked(request, *args, **kwargs):
        request.tablet_session = None
        token = bearer_token(request)
        if token is None:
            return with_session(request, *args, **kwargs)
        user, refused = tablet_user(request, token)
        if refused is not None:
            return refused
        request.user = user
        return allowed(request, *args, **kwargs)

    return checked


def place(location: Location | None) -> dict | None:
    return {"code": location.code, "full_name": location.full_name} if location else None


def thumbnail_url(work: Work, request) -> str | None:
    """The primary image's 200×200 rendition, if the work has one and its file can be read."""
    media = (
        WorkMedia.objects.filter(work=work, is_primary=True, image__isnull=False)
        .select_related("image")
        .first()
    )
    if media is None:
        return None
    try:
        return request.build_absolute_uri(media.image.get_rendition(THUMBNAIL).url)
    except OSError:  # the original file is missing or unreadable
        return None


def work_data(work: Work, request) -> dict:
    current = CurrentLocation.objects.filter(work=work).select_related("location").first()
    return {
        "type": "work",
        "code": work.joconde_ref,
        "label": str(work),
        "ref": work.joconde_ref,
        "inventory_number": work.inventory_number,
        "title": work.title,
        "designation": work.designation,
        "thumbnail": thumbnail_url(work, request),
        "current_location": place(current.location if current else None),
        "normal_location": place(work.normal_location),
    }


def location_data(location: Location, request=None) -> dict:
    present = (
        CurrentLocation.objects.filter(location=location)
        .select_related("work")
        .prefetch_related("work__denominations")
        .order_by("work__inventory_sort_key")
    )
    total = present.count()
    return {
        "type": "location",
        "code": location.code,
        "label": location.full_name,
        "name": location.name,
        "kind": location.kind,
        "full_name": location.full_name,
        "parent": location.parent.code if location.parent_id else None,
        "is_container": location.is_container,
        "is_active": location.is_active,
        "works": [
            {
                "ref": here.work.joconde_ref,
                "inventory_number": here.work.inventory_number,
                "designation": here.work.designation,
            }
            for here in present[:MAX_WORKS]
        ],
        "works_count": total,
        "works_truncated": total > MAX_WORKS,
        "locations": [
            {"code": child.code, "name": child.name, "kind": child.kind}
            for child in location.children.order_by("code")
        ],
    }


def movement_data(movement: Movement) -> dict:
    subject = movement.work or movement.container
    return {
        "id": movement.pk,
        "subject": scan_code_of(subject),
        "subject_type": "work" if movement.work_id else "location",
        "from": (
            {"code": movement.from_location.code, "full_name": movement.from_label}
            if movement.from_location_id
            else None
        ),
        "to": {"code": movement.to_location.code, "full_name": movement.to_label},
        "moved_at": timezone.localtime(movement.moved_at).isoformat(),
        "reason": movement.reason,
        "status": movement.status,
        "carried": movement.carried.count(),
    }


@require_GET
@ensure_csrf_cookie
@registrar_api
def index(request):
    """Who is logged in and what they may do; sets the CSRF cookie for later POSTs."""
    return JsonResponse(
        {
            "user": request.user.get_username(),
            "can_move": request.user.has_perm(MOVE),
            "reasons": [{"value": r.value, "label": str(r.label)} for r in REASONS],
        }
    )


@require_GET
@ensure_csrf_cookie
@registrar_api
def lookup(request, code):
    obj = resolve_code(code)
    if obj is None:
        return error(
            _("No work and no location has the code %(code)s.") % {"code": code}, 404, "code"
        )
    if isinstance(obj, Work):
        return JsonResponse(work_data(obj, request))
    return JsonResponse(location_data(obj, request))


def _text(data, name) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


@require_POST
@registrar_api
def movements(request):
    """Record a movement; a request replayed with the same idempotency key gets the first one."""
    if not request.user.has_perm(MOVE):
        return error(_("You may not move works."), 403)
    try:
        data = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return error(_("The request body is not valid JSON."))
    if not isinstance(data, dict):
        return error(_("Send a JSON object."))

    key = _text(data, "idempotency_key") or request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return error(
            _("idempotency_key is required: a unique string per movement, kept on retries."),
            field="idempotency_key",
        )
    if len(key) > KEY_LENGTH:
        return error(
            _("idempotency_key is longer than %(n)d characters.") % {"n": KEY_LENGTH},
            field="idempotency_key",
        )
    subject = resolve_code(_text(data, "subject"))
    if subject is None:
        return error(
            _("subject: no work and no location has the code %(code)s.")
            % {"code": _text(data, "subject") or "—"},
            field="subject",
        )
    to = resolve_code(_text(data, "to"))
    if not isinstance(to, Location):
        return error(
            _("to: %(code)s is not a location code.") % {"code": _text(data, "to") or "—"},
            field="to",
        )
    reason = _text(data, "reason")
    if reason not in REASONS:
        return error(
            _("reason must be one of: %(reasons)s.") % {"reasons": ", ".join(REASONS)},
            field="reason",
        )
    moved_at = None
    if data.get("moved_at"):
        moved_at = parse_datetime(_text(data, "moved_at"))
        if moved_at is None:
            return error(
                _("moved_at is not an ISO-8601 date and time, e.g. 2026-03-01T14:30:00+01:00."),
                field="moved_at",
            )
        if timezone.is_naive(moved_at):
            moved_at = timezone.make_aware(moved_at)

    replayed = Movement.objects.filter(idempotency_key=key).first()
    if replayed is not None:
        same = (replayed.work or replayed.container) == subject and replayed.to_location == to
        if not same:
            return error(
                _("idempotency_key %(key)s was already used for another movement.") % {"key": key},
                409,
                "idempotency_key",
            )
        return JsonResponse(movement_data(replayed), status=200)
    try:
        movement = move(
            subject,
            to,
            reason=reason,
            user=request.user,
            moved_at=moved_at,
            note=_text(data, "note"),
            idempotency_key=key,
        )
    except MoveError as problem:
        return error(" ".join(problem.messages))
    return JsonResponse(movement_data(movement), status=201)


app_name = "registrar_api"
urlpatterns = [
    path("", index, name="index"),
    path("lookup/<path:code>", lookup, name="lookup"),
    path("movements", movements, name="movements"),
]
