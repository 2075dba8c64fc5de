"""IIIF for the public portal: the Image API 3.0 and Presentation API 3.0 manifests.

Routes, under ``/iiif/`` (URL namespace ``iiif``):

* ``image/<id>``: a 303 redirect to ``image/<id>/info.json``, the Image API service of one
  `CartelImage`, whose identifier is its primary key (as the LIDO export writes it);
* ``image/<id>/<region>/<size>/<rotation>/<quality>.<format>``: compliance level 2, plus
  mirroring, arbitrary rotation, upscaling (``^``), gray and bitonal, and WebP;
* ``<REF>/manifest.json``: the Presentation 3 Manifest of a published work, by its permanent
  Joconde REF. Canvases are named ``<REF>/canvas/image-<id>`` and ``<REF>/canvas/document-<id>``
  (identifiers only: they are not served).

Only published works (`Work.objects.public()`) are served, and of their media only the files
cleared for publication (`is_public`): any other image, even a known one, is a 404, like an
unknown identifier. Manifests read public fields only, through `publication.RULES`.

Derived images are cached on disk in ``settings.CARTEL_IIIF_CACHE``: one folder per image, one
file per canonical request and version of the source (its hash, else its modification time).
A request already made, in any equivalent form, is served from there without opening the source.
The image format code is in `exporters.iiif`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

from exporters import iiif
from museum_collections.models import RIGHTS_URIS, CartelImage, Work
from museum_collections.publication import RULES, public_record, public_work_url

app_name = "iiif"
logger = logging.getLogger(__name__)

CACHE_SECONDS = 3600  # an image withdrawn from publication leaves shared caches within the hour
LABEL_LANGUAGES = ("en", "fr")  # metadata labels; the catalogue's own values are in French
CATALOGUE_LANGUAGE = "fr"
TIME_BASED = {"audio": "Sound", "video": "Video"}
METADATA = (  # label, relation of Work listed public in publication.RULES
    (gettext_noop("makers"), "makers"),
    (gettext_noop("domains"), "domains"),
    (gettext_noop("denomination"), "denominations"),
    (gettext_noop("materials"), "materials"),
    (gettext_noop("techniques"), "techniques"),
)


# --- Image API -----------------------------------------------------------------------------


def image_base(request, image_id: int) -> HttpResponse:
    published_image(image_id)
    response = HttpResponseRedirect(
        request.build_absolute_uri(reverse("iiif:info", args=[image_id]))
    )
    response.status_code = 303  # See Other, as the specification asks
    return _cors(response)


def info(request, image_id: int) -> HttpResponse:
    image = published_image(image_id)
    width, height = source_size(image)
    service_id = request.build_absolute_uri(reverse("iiif:image", args=[image.pk]))
    body = iiif.image_info(service_id, width, height, rights=_rights_uri(image.rights))
    wants_json_ld = "application/ld+json" in request.headers.get("Accept", "")
    content_type = (
        f'application/ld+json;profile="{iiif.IMAGE_CONTEXT}"'
        if wants_json_ld
        else "application/json"
    )
    response = HttpResponse(json.dumps(body, indent=1), content_type=content_type)
    response["Vary"] = "Accept"
    response["Link"] = f'<{iiif.PROFILE_URI}>;rel="profile"'
    return _cacheable(_cors(response))


def image_request(request, image_id, region, size, rotation, quality_format) -> HttpResponse:
    image = published_image(image_id)
    width, height = source_size(image)
    wanted = iiif.parse_request(region, size, rotation, quality_format, width=width, height=height)
    cached = derived_image_path(image, wanted)
    etag = f'"{cached.stem}"'
    if unchanged := get_conditional_response(request, etag=etag):
        return _cors(unchanged)
    if cached.exists():
        cached.touch()  # served: `prune_iiif_cache` keeps it
    else:
        with image.open_file() as source:
            data = iiif.render(source, wanted, max_pixels=settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS)
        _write_atomically(cached, data)
    response = FileResponse(cached.open("rb"), content_type=wanted.media_type)
    service_id = request.build_absolute_uri(reverse("iiif:image", args=[image.pk]))
    response["Link"] = (
        f'<{iiif.PROFILE_URI}>;rel="profile", <{service_id}/{wanted.canonical}>;rel="canonical"'
    )
    response["ETag"] = etag
    return _cacheable(_cors(response))


def published_image(image_id: int) -> CartelImage:
    """An image cleared for publication and shown with at least one published work, else 404."""
    image = CartelImage.objects.filter(
        pk=image_id, is_public=True, work_links__work__in=Work.objects.public()
    ).first()
    if image is None:
        raise NotPublished
    return image


def source_size(image: CartelImage) -> tuple[int, int]:
    """The image's size as seen (EXIF orientation applied), read once per version of its file."""
    key = f"iiif-size:{image.pk}:{source_version(image)}"
    if (size := cache.get(key)) is None:
        with (
            image.open_file() as source,
            iiif.open_source(source, settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS) as opened,
        ):
            size = iiif.oriented_size(opened)
        cache.set(key, size, None)
    return tuple(size)


def source_version(image: CartelImage) -> str:
    if image.file_hash:
        return image.file_hash
    modified = image.file.storage.get_modified_time(image.file.name)
    return f"{image.file.name}@{modified.isoformat()}"


def derived_image_path(image: CartelImage, wanted: iiif.ImageRequest) -> Path:
    key = f"{image.pk}\n{source_version(image)}\n{wanted.canonical}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return Path(settings.CARTEL_IIIF_CACHE) / str(image.pk) / f"{digest}.{wanted.format}"


def _write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename: readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as part:
        part.write(data)
    os.replace(part.name, target)


# --- Presentation API ----------------------------------------------------------------------


def manifest_view(request, ref: str) -> HttpResponse:
    work = Work.objects.public().filter(joconde_ref=ref).first()
    if work is None:
        raise NotPublished
    body = work_manifest(work, request.build_absolute_uri)
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = f'application/ld+json;profile="{iiif.PRESENTATION_CONTEXT}"'
    return _cacheable(_cors(response))


def public_url(path_: str) -> str:
    """An absolute address outside a request (exports): under settings.CARTEL_PUBLIC_URL."""
    return f"{settings.CARTEL_PUBLIC_URL}{path_}"


def work_manifest(work: Work, absolute: Callable[[str], str] = public_url) -> dict:
    """The Presentation 3 Manifest of a published work; `absolute` makes a path an address."""
    return iiif.manifest(manifest_data(work, absolute))


def manifest_data(work: Work, absolute: Callable[[str], str]) -> iiif.ManifestData:
    record = public_record(work)
    manifest_id = absolute(reverse("iiif:manifest", args=[work.joconde_ref]))
    base = manifest_id.rsplit("/", 1)[0]
    label = _fr(work.designation or record["inventory_number"])
    items, renderings, rights = [], [], set()
    primary = None
    for media in _public_media(work):
        if media.image_id:
            canvas = _image_canvas(media, base, absolute)
            if canvas is None:
                continue
            if media.is_primary or primary is None:  # the primary image, else the first
                primary = canvas
            items.append(canvas)
            rights.add(canvas.rights)
        elif media.document.kind in TIME_BASED:
            items.append(_time_media(media, base, absolute))
            rights.add(items[-1].rights)
        elif media.document.kind == "pdf":
            renderings.append(
                iiif.Rendering(
                    url=absolute(media.document.url),
                    label=_fr(media.caption or media.document.title),
                    kind="Text",
                    format="application/pdf",
                )
            )
    return iiif.ManifestData(
        id=manifest_id,
        label=label,
        homepage=public_work_url(work),
        metadata=_metadata(work, record),
        summary=_fr(record["description"]) if record["description"] else None,
        required_statement=iiif.Statement(
            _labels(gettext_noop("credit line")),
            _fr(record["credit_line"] or settings.CARTEL_MUSEUM["NAME"]),
        ),
        # One rights statement for the whole work only when every file has the same one.
        rights=rights.pop() if len(rights) == 1 else "",
        items=items,
        renderings=renderings,
        thumbnail=primary,
    )


def _public_media(work: Work):
    return (
        work.media.filter(Q(image__is_public=True) | Q(document__is_public=True))
        .select_related("image", "document")
        .order_by("sort_order")
    )


def _image_canvas(media, base: str, absolute) -> iiif.ImageCanvas | None:
    image = media.image
    try:
        width, height = source_size(image)
    except (OSError, iiif.SourceTooLarge):
        return None  # a missing or unreadable file: the Image API could not serve it either
    return iiif.ImageCanvas(
        id=f"{base}/canvas/image-{image.pk}",
        label=_fr(media.caption or image.title),
        width=width,
        height=height,
        service_id=absolute(reverse("iiif:image", args=[image.pk])),
        rights=_rights_uri(image.rights),
        required_statement=_credit(image),
    )


def _time_media(media, base: str, absolute) -> iiif.TimeMedia:
    document = media.document
    return iiif.TimeMedia(
        id=f"{base}/canvas/document-{document.pk}",
        label=_fr(media.caption or document.title),
        kind=TIME_BASED[document.kind],
        url=absolute(document.url),
        format=mimetypes.guess_type(document.file.name)[0] or "application/octet-stream",
        duration=None,  # not measured yet: the manifest links the file instead (see exporters.iiif)
        rights=_rights_uri(document.rights),
        required_statement=_credit(document),
    )


def _metadata(work: Work, record: dict) -> list[iiif.Statement]:
    values = [
        (gettext_noop("inventory number"), [record["inventory_number"]]),
        (gettext_noop("date"), [record["creation_date"]]),
    ]
    for label, relation in METADATA:
        values.append((label, [str(item) for item in _public_relation(work, relation)]))
    values.append((gettext_noop("dimensions"), [work.dimensions_display]))
    return [
        iiif.Statement(_labels(label), {CATALOGUE_LANGUAGE: [v for v in texts if v]})
        for label, texts in values
        if any(texts)
    ]


def _public_relation(work: Work, relation: str):
    """A related list of the work, refused unless publication.RULES lists it as public."""
    if relation not in RULES["collections.Work"].public:
        raise ValueError(f"Work.{relation} is not public (publication.RULES).")
    return getattr(work, relation).all()


def _credit(media_file) -> iiif.Statement | None:
    credit = media_file.credit or media_file.rights_holder
    return iiif.Statement(_labels(gettext_noop("credit")), _fr(credit)) if credit else None


def _rights_uri(rights: str) -> str:
    uri = RIGHTS_URIS.get(rights, "")
    return uri if iiif.is_presentation_rights(uri) else ""


def _fr(text: str) -> dict[str, list[str]]:
    return {CATALOGUE_LANGUAGE: [text]}


def _labels(message: str) -> dict[str, list[str]]:
    """A label as a IIIF language map, translated into each language of the portal."""
    labels = {}
    for language in LABEL_LANGUAGES:
        with translation.override(language):
            labels[language] = [capfirst(gettext(message))]
    return labels


# --- Responses -----------------------------------------------------------------------------


class NotPublished(Exception):
    """An unknown identifier, or a work or image that is not published: a 404 either way."""


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _cacheable(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def _error(status: int, message: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return _cors(response)


def iiif_errors(view):
    """Answer the Image API's errors as the specification says: a status and a plain reason."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotPublished:
            return _error(404, "No published image or work has this identifier.")
        except FileNotFoundError:  # the record is there, its file is not: logged, not served
            logger.error("IIIF: the file of %s is missing from the storage", request.path)
            return _error(404, "The file of this image is missing; the museum has been told.")
        except iiif.IIIFError as error:
            return _error(error.status, str(error))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


urlpatterns = [
    path("image/<int:image_id>", iiif_errors(image_base), name="image"),
    path("image/<int:image_id>/info.json", iiif_errors(info), name="info"),
    path(
        "image/<int:image_id>/<str:region>/<str:size>/<str:rotation>/<str:quality_format>",
        iiif_errors(image_request),
        name="image_request",
    ),
    path("<str:ref>/manifest.json", iiif_errors(manifest_view), name="manifest"),
]
