"""The récolement tablet's JSON API, beside the registrar's (registrar_api: lookup, movements).

Contract (all under /api/registrar/, JSON, labels in the request's language):

Auth: the staff session (with CSRF) or ``Authorization: Bearer <token>`` (no CSRF). Unknown
token → 401 ``{"error"}``; revoked → 401 ``{"error", "revoked": true}``. The récolement
endpoints need ``collections.change_recolementrecord`` and ``collections.view_location``.
Errors are ``{"error": message, "field": the request field at fault, or null}``.

POST tablet/login   ``{username, password, device_name, otp}`` (no CSRF) → 201 ``{token,
    session_id, user: {username, name}, can_move}``; 401 bad credentials (a failed login);
    403 if the user may not record the récolement; 401/403 ``field: "otp", otp_required:
    true`` if the user must use two factors (accounts.py) and ``otp`` is missing or wrong, or
    no authenticator is set up; 429 after 5 failures (django-axes). Later calls carry the token.
POST tablet/logout  (Bearer) → 200 ``{"revoked": true}``; the token no longer works.
GET  campaigns      → ``{"campaigns": [{id, title, status, start_date, end_date,
    locations: [{code, full_name}]}]}`` (planned and in progress).
GET  campaigns/<id>/slice?locations=CODE1,CODE2 (default: the campaign's locations; each
    code must be one of them or inside one; 400 ``field: "locations"`` otherwise; 404 if the
    campaign is closed or unknown) → ``{"campaign": {id, title}, "generated_at": ISO,
    "locations": [{code, name, full_name, kind, parent, is_container}], "works": [{id, ref,
    inventory_number, designation, makers, date, dimensions, domain, thumbnail,
    expected_location, record}], "choices": {presence, condition, follow_ups, reasons: [{value,
    label}]}}``. ``makers`` and ``domain`` are display strings joined with " ; " ("" if none);
    ``thumbnail`` is the URL of a 160×160 JPEG (same origin, absolute only if the storage says
    so) or null; ``expected_location`` a code or null; ``record`` null or ``{presence, status,
    has_conflict}``.
POST campaigns/<id>/observations ``{"device", "observations": [{key, work_ref |
    inventory_number | found_description, observed_at, data: {...}}]}`` (at most 500, else
    400) → 200 ``{"results": [{key, status, record_id, error, field}]}``, one per item, in
    order; status is "created", "replayed", "conflict" (also when a conflicting observation is
    replayed) or "error" (then error and field say why; field is "key", "work_ref",
    "inventory_number", "observed_at", "data" or a field of data such as "presence"). The
    device defaults to the tablet session's name. Unknown campaign → 404; a closed one →
    every new item is an error with field null.
POST photos (multipart: key, observation_key, file; JPEG, PNG or WebP, at most 20 MB) → 201
    ``{id, key, record_id}``; 200 the same on a replay of the key; 409 ``{"error", "retry":
    true}`` if the observation has not arrived yet; 400 if the file is not a readable image;
    413 if too large. The image is private (is_public False), in the root collection, titled
    "récolement <key>" (how a replay is found), and added to the record's photos.
"""

import json
import logging
from functools import wraps

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import models, transaction
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .accounts import second_factor_refusal
from .images import check_image_file
from .models import (
    CartelImage,
    Location,
    RecolementCampaign,
    RecolementObservation,
    RecolementRecord,
    TabletSession,
    Work,
    WorkMaker,
    WorkMedia,
)
from .registrar_api import MOVE, REASONS, error, registrar_api
from .scan import SEE_LOCATIONS
from .services.recolement import ObservationError, expected_works, record_observation
from .services.register import user_name

logger = logging.getLogger(__name__)

RECORD = "collections.change_recolementrecord"
OPEN = [RecolementCampaign.Status.PLANNED, RecolementCampaign.Status.IN_PROGRESS]
MAX_OBSERVATIONS = 500
MAX_PHOTO_MB = 20
MAX_PHOTO_BYTES = MAX_PHOTO_MB * 2**20
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL = "fill-160x160|format-jpeg|jpegquality-60"
KEY_LENGTH = RecolementObservation._meta.get_field("key").max_length
DEVICE_LENGTH = RecolementObservation._meta.get_field("device").max_length
PHOTO_TITLE = "récolement {key}"
COMPACT = {"separators": (",", ":"), "ensure_ascii": False}  # the slice of 5,000 works


def may_record(user) -> bool:
    return user.has_perm(RECORD) and user.has_perm(SEE_LOCATIONS)


def recolement_api(view):
    """registrar_api, and the permission to record the récolement (403 without)."""

    @registrar_api
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.has_perm(RECORD):
            return error(_("You may not record the récolement."), 403)
        return view(request, *args, **kwargs)

    return checked


def read_json(request):
    """The request's JSON object, or the 400 to send."""
    try:
        data = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, error(_("The request body is not valid JSON."))
    if not isinstance(data, dict):
        return None, error(_("Send a JSON object."))
    return data, None


def _text(data, name) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


# Sign in and out -------------------------------------------------------------------------------


@csrf_exempt  # the tablet has no session yet; the password is the proof
@require_POST
def login(request):
    data, refused = read_json(request)
    if refused:
        return refused
    password = data.get("password")
    user = authenticate(
        request,
        username=_text(data, "username"),
        password=password if isinstance(password, str) else "",
    )
    if user is None:  # authenticate() has sent user_login_failed
        return error(_("Wrong username or password."), 401)
    if not may_record(user):
        return error(_("You may not record the récolement."), 403)
    refusal = second_factor_refusal(user, _text(data, "otp"))
    if refusal:
        return error(refusal[0], refusal[1], field="otp", otp_required=True)
    device = _text(data, "device_name")[:200] or _("tablet")
    session, token = TabletSession.open(user, device)
    return JsonResponse(
        {
            "token": token,
            "session_id": session.pk,
            "user": {"username": user.get_username(), "name": user_name(user)},
            "can_move": user.has_perm(MOVE),
        },
        status=201,
    )


@require_POST
@registrar_api
def logout(request):
    if request.tablet_session is None:
        return error(_("Send the tablet's token to sign it out."), 400)
    TabletSession.objects.filter(pk=request.tablet_session.pk).update(revoked_at=timezone.now())
    return JsonResponse({"revoked": True})


# Campaigns and their slices --------------------------------------------------------------------


def choices(items) -> list[dict]:
    return [{"value": value, "label": str(label)} for value, label in items]


@require_GET
@recolement_api
def campaigns(request):
    found = RecolementCampaign.objects.filter(status__in=OPEN).prefetch_related(
        models.Prefetch("locations", Location.objects.order_by("path"))
    )
    return JsonResponse(
        {
            "campaigns": [
                {
                    "id": campaign.pk,
                    "title": campaign.title,
                    "status": campaign.status,
                    "start_date": campaign.start_date.isoformat(),
                    "end_date": campaign.end_date.isoformat() if campaign.end_date else None,
                    "locations": [
                        {"code": place.code, "full_name": place.full_name}
                        for place in campaign.locations.all()
                    ],
                }
                for campaign in found
            ]
        }
    )


def chosen_locations(campaign, codes_param: str):
    """The subtrees the tablet asks for (default: the campaign's), or the 400 to send."""
    scope = list(campaign.locations.all())
    codes = [code.strip().upper() for code in codes_param.split(",") if code.strip()]
    if not codes:
        return scope, None
    chosen = list(Location.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {place.code for place in chosen})
    outside = [
        place.code for place in chosen if scope and not any(place.is_inside(top) for top in scope)
    ]
    if unknown or outside:
        return None, error(
            _("locations: %(codes)s not in the campaign's locations.")
            % {"codes": ", ".join(unknown + outside)},
            field="locations",
        )
    return chosen, None


def inside(places, prefix="") -> models.Q:
    """Objects whose location (reached by ``prefix``) is in one of these subtrees."""
    q = models.Q()
    for place in places:
        q |= models.Q(**{f"{prefix}path__startswith": place.path})
    return q


def thumbnail(work) -> str | None:
    media = work.primary_media[0] if work.primary_media else None
    if media is None:
        return None
    try:
        return media.image.get_rendition(THUMBNAIL).url
    except OSError:  # the original file is missing or unreadable
        return None


def work_slice(work, records) -> dict:
    current = getattr(work, "current_location", None)
    expected = current.location if current else work.normal_location
    return {
        "id": work.pk,
        "ref": work.joconde_ref,
        "inventory_number": work.inventory_number,
        "designation": work.designation,
        "makers": " ; ".join(maker.display for maker in work.makers.all()),
        "date": work.creation_date,
        "dimensions": work.dimensions_display,
        "domain": " ; ".join(domain.label for domain in work.domains.all()),
        "thumbnail": thumbnail(work),
        "expected_location": expected.code if expected else None,
        "record": records.get(work.pk),
    }


@require_GET
@recolement_api
def campaign_slice(request, campaign_id):
    campaign = (
        RecolementCampaign.objects.filter(pk=campaign_id, status__in=OPEN)
        .prefetch_related("locations")  # read here and by expected_works()
        .first()
    )
    if campaign is None:
        return error(_("No open campaign has the number %(id)s.") % {"id": campaign_id}, 404)
    places, refused = chosen_locations(campaign, request.GET.get("locations", ""))
    if refused:
        return refused
    locations = Location.objects.select_related("parent").order_by("path")
    works = expected_works(campaign)
    if places:
        locations = locations.filter(inside(places))
        works = works.filter(
            inside(places, "current_location__location__")
            | (models.Q(current_location__isnull=True) & inside(places, "normal_location__"))
        )
    works = (
        works.select_related("current_location__location", "normal_location")
        .prefetch_related(
            "denominations",
            "domains",
            "dimensions",
            models.Prefetch("makers", WorkMaker.objects.select_related("person")),
            models.Prefetch(
                "media",
                WorkMedia.objects.filter(is_primary=True, image__isnull=False).select_related(
                    "image"
                ),
                to_attr="primary_media",
            ),
            models.Prefetch(
                "primary_media__image__renditions",
                CartelImage.get_rendition_model().objects.filter(filter_spec=THUMBNAIL),
                to_attr="prefetched_renditions",
            ),
        )
        .order_by("inventory_sort_key")
    )
    records = {
        work_id: {"presence": presence, "status": status, "has_conflict": conflict}
        for work_id, presence, status, conflict in campaign.records.filter(
            work__isnull=False
        ).values_list("work_id", "presence", "status", "has_conflict")
    }
    return JsonResponse(
        {
            "campaign": {"id": campaign.pk, "title": campaign.title},
            "generated_at": timezone.localtime().isoformat(),
            "locations": [
                {
                    "code": place.code,
                    "name": place.name,
                    "full_name": place.full_name,
                    "kind": place.kind,
                    "parent": place.parent.code if place.parent_id else None,
                    "is_container": place.is_container,
                }
                for place in locations
            ],
            "works": [work_slice(work, records) for work in works],
            "choices": {
                "presence": choices(RecolementRecord.Presence.choices),
                "condition": choices(RecolementRecord.Condition.choices),
                "follow_ups": choices(RecolementRecord.FOLLOW_UPS.items()),
                "reasons": choices((reason.value, reason.label) for reason in REASONS),
            },
        },
        json_dumps_params=COMPACT,
    )


# Observations ----------------------------------------------------------------------------------


class ItemError(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = str(message), field


def observation_error(problem: ObservationError) -> ItemError:
    if hasattr(problem, "error_dict"):
        field, errors = next(iter(problem.error_dict.items()))
        return ItemError(" ".join(errors[0].messages), field)
    return ItemError(" ".join(problem.messages))


def find_works(items) -> tuple[dict, dict]:
    """The works the items name, by REF and by inventory number (two queries)."""
    refs = {_text(item, "work_ref") for item in items if isinstance(item, dict)} - {""}
    numbers = {_text(item, "inventory_number") for item in items if isinstance(item, dict)} - {""}
    by_ref = {w.joconde_ref: w for w in Work.objects.filter(joconde_ref__in=refs)}
    by_number = {w.inventory_number: w for w in Work.objects.filter(inventory_number__in=numbers)}
    return by_ref, by_number


def record_item(request, campaign, device, item, by_ref, by_number) -> dict:
    if not isinstance(item, dict):
        raise ItemError(_("Each observation must be a JSON object."))
    key = _text(item, "key")
    if not key:
        raise ItemError(_("Each observation needs a unique key."), "key")
    if len(key) > KEY_LENGTH:
        raise ItemError(_("key is longer than %(n)d characters.") % {"n": KEY_LENGTH}, "key")
    work, found = None, _text(item, "found_description")
    if _text(item, "work_ref"):
        work = by_ref.get(_text(item, "work_ref"))
        if work is None:
            raise ItemError(
                _("No work has the REF %(ref)s.") % {"ref": _text(item, "work_ref")}, "work_ref"
            )
    elif _text(item, "inventory_number"):
        work = by_number.get(_text(item, "inventory_number"))
        if work is None:
            raise ItemError(
                _("No work has the inventory number %(number)s.")
                % {"number": _text(item, "inventory_number")},
                "inventory_number",
            )
    elif not found:
        raise ItemError(_("Give work_ref, inventory_number or found_description."), "work_ref")
    observed_at = None
    if item.get("observed_at"):
        observed_at = parse_datetime(_text(item, "observed_at"))
        if observed_at is None:
            raise ItemError(
                _("observed_at is not an ISO-8601 date and time, e.g. 2026-03-01T14:30:00+01:00."),
                "observed_at",
            )
        if timezone.is_naive(observed_at):
            observed_at = timezone.make_aware(observed_at)
    data = item.get("data")
    if not isinstance(data, dict):
        raise ItemError(_("data must be a JSON object."), "data")
    try:
        with transaction.atomic():
            recorded = record_observation(
                campaign,
                key=key,
                data=data,
                work=work,
                found_description=found if work is None else "",
                device=device,
                agent=request.user,
                observed_at=observed_at,
            )
    except ObservationError as problem:
        raise observation_error(problem) from None
    except (TypeError, ValueError, AttributeError):  # a value of the wrong JSON type
        logger.warning("Unreadable récolement observation %s", key, exc_info=True)
        raise ItemError(_("A value of this observation has the wrong type."), "data") from None
    status = "conflict" if recorded.conflict else "replayed" if recorded.replayed else "created"
    return {"status": status, "record_id": recorded.record.pk}


@require_POST
@recolement_api
def observations(request, campaign_id):
    campaign = RecolementCampaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return error(_("No campaign has the number %(id)s.") % {"id": campaign_id}, 404)
    data, refused = read_json(request)
    if refused:
        return refused
    items = data.get("observations")
    if not isinstance(items, list):
        return error(_("observations must be a list."), field="observations")
    if len(items) > MAX_OBSERVATIONS:
        return error(
            _("Send at most %(n)d observations per request (%(sent)d sent).")
            % {"n": MAX_OBSERVATIONS, "sent": len(items)},
            field="observations",
        )
    device = _text(data, "device") or (
        request.tablet_session.device_name if request.tablet_session else ""
    )
    device = device[:DEVICE_LENGTH]
    by_ref, by_number = find_works(items)
    results = []
    for item in items:
        key = item.get("key") if isinstance(item, dict) else None
        result = {"key": key, "status": "error", "record_id": None, "error": None, "field": None}
        try:
            result.update(record_item(request, campaign, device, item, by_ref, by_number))
        except ItemError as problem:
            result.update(error=problem.message, field=problem.field)
        results.append(result)
    return JsonResponse({"results": results})


# Photographs -----------------------------------------------------------------------------------


def photo_data(image, key, record_id) -> dict:
    return {"id": image.pk, "key": key, "record_id": record_id}


def too_large(size: int) -> JsonResponse:
    return error(
        _("The photograph is %(size).1f MB; at most %(max)d MB are accepted.")
        % {"size": size / 2**20, "max": MAX_PHOTO_MB},
        413,
        "file",
    )


@require_POST
@recolement_api
def photos(request):
    length = request.META.get("CONTENT_LENGTH") or ""
    if length.isdigit() and int(length) > MAX_PHOTO_BYTES + 2**16:  # refused before reading it
        return too_large(int(length))
    key = request.POST.get("key", "").strip()
    if not key:
        return error(_("key is required: a unique string per photograph."), field="key")
    if len(key) > KEY_LENGTH:
        return error(_("key is longer than %(n)d characters.") % {"n": KEY_LENGTH}, field="key")
    title = PHOTO_TITLE.format(key=key)
    stored = CartelImage.objects.filter(title=title).first()
    if stored is not None:
        record = RecolementRecord.objects.filter(photos=stored).first()
        return JsonResponse(photo_data(stored, key, record.pk if record else None))

    observation = (
        RecolementObservation.objects.filter(key=request.POST.get("observation_key", "").strip())
        .exclude(record=None)
        .first()
    )
    if observation is None:
        return error(
            _("The observation of this photograph has not arrived yet: send it again later."),
            409,
            "observation_key",
            retry=True,
        )
    upload = request.FILES.get("file")
    if upload is None:
        return error(_("Send the photograph as the file field."), field="file")
    if upload.size > MAX_PHOTO_BYTES:
        return too_large(upload.size)
    try:
        info = check_image_file(upload, upload.name or "photo")
    except ValidationError as problem:
        return error(" ".join(problem.messages), field="file")
    if info.format not in PHOTO_FORMATS:
        return error(
            _("Send a JPEG, PNG or WebP photograph, not %(format)s.") % {"format": info.format},
            field="file",
        )
    with transaction.atomic():
        record = RecolementRecord.objects.select_for_update().get(pk=observation.record_id)
        stored = CartelImage.objects.filter(title=title).first()  # sent twice at once
        if stored is not None:
            return JsonResponse(photo_data(stored, key, record.pk))
        image = CartelImage(
            title=title,
            file=ImageFile(upload, name=f"recolement-{record.pk}.{PHOTO_FORMATS[info.format]}"),
            is_public=False,
            uploaded_by_user=request.user,
        )
        image._set_image_file_metadata()
        image.save()
        record.photos.add(image)
    return JsonResponse(photo_data(image, key, record.pk), status=201)


app_name = "tablet_api"
urlpatterns = [
    path("tablet/login", login, name="login"),
    path("tablet/logout", logout, name="logout"),
    path("campaigns", campaigns, name="campaigns"),
    path("campaigns/<int:campaign_id>/slice", campaign_slice, name="slice"),
    path("campaigns/<int:campaign_id>/observations", observations, name="observations"),
    path("photos", photos, name="photos"),
]
