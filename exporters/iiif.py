"""IIIF Image API 3.0 and Presentation API 3.0, as plain Python (Pillow, no Django).

Image API (https://iiif.io/api/image/3.0/):

* `parse_request()` reads the four last segments of a request, ``{region}/{size}/{rotation}/
  {quality}.{format}``, against the size of the image and returns an `ImageRequest` in pixels,
  with its canonical form (so that equivalent requests share one cached file);
* `render()` applies it to the source file with Pillow: region, then size, then mirroring and
  rotation, then quality, then format. A JPEG is decoded at a reduced scale (`Image.draft`)
  when the result is smaller; EXIF orientation is applied first, so every size and region is
  one of the image as seen;
* `image_info()` builds the info.json of an image (compliance level 2, 512-pixel tiles).

A request that breaks the syntax or asks for an impossible region or size raises `BadRequest`
(HTTP 400); a valid request for something not implemented here (a TIFF or PDF format, a source
larger than the decompression-bomb limit) raises `NotSupported` (HTTP 501).

Presentation API (https://iiif.io/api/presentation/3.0/): `manifest()` builds a Manifest from
`ManifestData`, plain values the caller has read from public records only.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from PIL import Image, ImageOps

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
IMAGE_PROTOCOL = "http://iiif.io/api/image"
PROFILE = "level2"
PROFILE_URI = "http://iiif.io/api/image/3/level2.json"
PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"

TILE_SIZE = 512
MAX_AREA = 25_000_000  # pixels in one response (a 5000 × 5000 image): `max` is capped to it
JPEG_QUALITY = 85

FORMATS = {  # IIIF name: (Pillow format, media type)
    "jpg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "webp": ("WEBP", "image/webp"),
}
OTHER_IIIF_FORMATS = {"tif", "gif", "pdf", "jp2"}  # named by the specification, not served
QUALITIES = ("default", "color", "gray", "bitonal")
EXTRA_FEATURES = [  # beyond level 2 (see the compliance document)
    "canonicalLinkHeader",
    "mirroring",
    "profileLinkHeader",
    "rotationArbitrary",
    "sizeUpscaling",
]

INTEGER = r"\d+"
DECIMAL = r"\d+(?:\.\d+)?"
PIXEL_REGION = re.compile(rf"({INTEGER}),({INTEGER}),({INTEGER}),({INTEGER})")
PERCENT_REGION = re.compile(rf"pct:({DECIMAL}),({DECIMAL}),({DECIMAL}),({DECIMAL})")
WIDTH_HEIGHT = re.compile(rf"({INTEGER})?,({INTEGER})?")
PERCENT_SIZE = re.compile(rf"pct:({DECIMAL})")
ROTATION = re.compile(rf"(!?)({DECIMAL})")
EXIF_ORIENTATION = 0x0112
CLOCKWISE_QUARTER_TURNS = {  # Pillow's ROTATE_n turn counter-clockwise
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
ORIENTATIONS_SWAPPING_SIDES = {5, 6, 7, 8}


class IIIFError(Exception):
    """A request the Image API answers with an error; `status` is the HTTP status."""

    status = 400


class BadRequest(IIIFError):
    status = 400


class NotSupported(IIIFError):
    status = 501


# --- Image API: requests -------------------------------------------------------------------


@dataclass(frozen=True)
class ImageRequest:
    """One Image API request resolved against an image: every value in pixels."""

    region: tuple[int, int, int, int]  # x, y, w, h in the full (oriented) image
    size: tuple[int, int]  # width, height of the response
    mirror: bool
    rotation: float  # degrees clockwise, in [0, 360)
    quality: str
    format: str
    canonical: str  # region/size/rotation/quality.format in the specification's canonical form

    @property
    def media_type(self) -> str:
        return FORMATS[self.format][1]


def parse_request(
    region: str,
    size: str,
    rotation: str,
    quality_format: str,
    *,
    width: int,
    height: int,
    max_area: int = MAX_AREA,
) -> ImageRequest:
    """Read a request for an image of `width` × `height` pixels (as seen, EXIF applied)."""
    quality, _, fmt = quality_format.rpartition(".")
    if quality not in QUALITIES:
        raise BadRequest(f"Unknown quality {quality_format!r}: use one of {', '.join(QUALITIES)}.")
    if fmt in OTHER_IIIF_FORMATS:
        raise NotSupported(f"The format {fmt} is not served: use jpg, png or webp.")
    if fmt not in FORMATS:
        raise BadRequest(f"Unknown format {fmt!r}: use jpg, png or webp.")
    x, y, w, h = parse_region(region, width, height)
    out_w, out_h = parse_size(size, w, h, max_area=max_area)
    mirror, degrees = parse_rotation(rotation)
    canonical_region = "full" if (x, y, w, h) == (0, 0, width, height) else f"{x},{y},{w},{h}"
    if (out_w, out_h) == max_size(w, h, max_area):
        canonical_size = "max"
    elif out_w > w or out_h > h:
        canonical_size = f"^{out_w},{out_h}"
    else:
        canonical_size = f"{out_w},{out_h}"
    canonical_rotation = ("!" if mirror else "") + _number(degrees)
    return ImageRequest(
        region=(x, y, w, h),
        size=(out_w, out_h),
        mirror=mirror,
        rotation=degrees,
        quality=quality,
        format=fmt,
        canonical=f"{canonical_region}/{canonical_size}/{canonical_rotation}/{quality}.{fmt}",
    )


def parse_region(text: str, width: int, height: int) -> tuple[int, int, int, int]:
    """full | square | x,y,w,h | pct:x,y,w,h, cropped to the image; an empty region is an error."""
    if text == "full":
        return 0, 0, width, height
    if text == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if match := PIXEL_REGION.fullmatch(text):
        x, y, w, h = map(int, match.groups())
    elif match := PERCENT_REGION.fullmatch(text):
        px, py, pw, ph = map(float, match.groups())
        if max(px, py, pw, ph) > 100:
            raise BadRequest(f"A percentage region is at most 100: {text!r}.")
        x, y = int(px * width / 100), int(py * height / 100)
        w, h = round(pw * width / 100), round(ph * height / 100)
    else:
        raise BadRequest(f"Malformed region {text!r}: use full, square, x,y,w,h or pct:x,y,w,h.")
    if w == 0 or h == 0 or x >= width or y >= height:
        raise BadRequest(f"The region {text!r} is empty or outside the {width}×{height} image.")
    return x, y, min(w, width - x), min(h, height - y)


def parse_size(
    text: str, region_width: int, region_height: int, *, max_area: int = MAX_AREA
) -> tuple[int, int]:
    """max | w, | ,h | pct:n | w,h | !w,h, each with an optional ^ that allows upscaling."""
    upscale = text.startswith("^")
    spec = text[1:] if upscale else text
    rw, rh = region_width, region_height
    if spec == "max":
        if upscale:
            scale = math.sqrt(max_area / (rw * rh))
            size = max(1, math.floor(rw * scale)), max(1, math.floor(rh * scale))
        else:
            size = max_size(rw, rh, max_area)
    elif match := PERCENT_SIZE.fullmatch(spec):
        percent = float(match.group(1))
        size = round(rw * percent / 100), round(rh * percent / 100)
    elif (
        spec.startswith("!") and (match := WIDTH_HEIGHT.fullmatch(spec[1:])) and all(match.groups())
    ):
        w, h = map(int, match.groups())
        scale = min(w / rw, h / rh)
        if not upscale:
            scale = min(scale, 1)  # "as large as possible but not larger than the region"
        size = min(w, round(rw * scale)), min(h, round(rh * scale))
    elif (match := WIDTH_HEIGHT.fullmatch(spec)) and any(match.groups()):
        w, h = (int(value) if value else None for value in match.groups())
        if h is None:
            h = round(rh * w / rw)
        elif w is None:
            w = round(rw * h / rh)
        size = w, h
    else:
        raise BadRequest(f"Malformed size {text!r}: use max, w,, ,h, pct:n, w,h or !w,h.")
    if min(size) < 1:
        raise BadRequest(f"The size {text!r} gives an empty image.")
    if not upscale and (size[0] > rw or size[1] > rh):
        raise BadRequest(f"The size {text!r} is larger than the region: prefix it with ^.")
    if size[0] * size[1] > max_area:
        raise BadRequest(f"The size {text!r} is more than {max_area} pixels (maxArea).")
    return size


def max_size(width: int, height: int, max_area: int = MAX_AREA) -> tuple[int, int]:
    """The size `max` gives for a region: the region itself, scaled down to `max_area`."""
    if width * height <= max_area:
        return width, height
    scale = math.sqrt(max_area / (width * height))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def parse_rotation(text: str) -> tuple[bool, float]:
    """n or !n (mirrored first), n in degrees clockwise from 0 to 360."""
    match = ROTATION.fullmatch(text)
    if not match or float(match.group(2)) > 360:
        raise BadRequest(f"Malformed rotation {text!r}: a number of degrees from 0 to 360.")
    return bool(match.group(1)), float(match.group(2)) % 360


def _number(value: float) -> str:
    """A number as the canonical form writes it: no trailing zeros, no decimal point if whole."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


# --- Image API: rendering ------------------------------------------------------------------


class SourceTooLarge(NotSupported):
    """The source declares more pixels than may be decoded (a possible decompression bomb)."""


@contextmanager
def open_source(source: str | BinaryIO, max_pixels: int | None = None) -> Iterator[Image.Image]:
    """Open an image lazily, refusing one with more than `max_pixels` (Pillow's limit if None).

    Only the header is read here: the size is known before any pixel is decoded.
    """
    with warnings.catch_warnings():
        # Our own limit, below, is the one that counts when it is given.
        warnings.simplefilter("ignore" if max_pixels else "error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise SourceTooLarge(f"The source image is too large to decode ({error}).") from None
    with image:
        if max_pixels and image.width * image.height > max_pixels:
            raise SourceTooLarge(
                f"The source image has {image.width}×{image.height} pixels, more than the "
                f"{max_pixels} this server decodes."
            )
        yield image


def oriented_size(image: Image.Image) -> tuple[int, int]:
    """The size of an opened image as seen, once its EXIF orientation is applied."""
    orientation = image.getexif().get(EXIF_ORIENTATION)
    if orientation in ORIENTATIONS_SWAPPING_SIDES:
        return image.height, image.width
    return image.width, image.height


def render(
    source: str | BinaryIO, request: ImageRequest, *, max_pixels: int | None = None
) -> bytes:
    """The encoded response image for `request` (which was parsed against this source's size)."""
    with open_source(source, max_pixels) as image:
        picture = _extract(image, request)
    picture = _turn(picture, request)
    picture = _apply_quality(picture, request.quality)
    return _encode(picture, request.format)


def _extract(image: Image.Image, request: ImageRequest) -> Image.Image:
    """Region and size: decode (reduced when possible), orient, then crop and scale in one step."""
    full_width, full_height = oriented_size(image)
    x, y, w, h = request.region
    out_w, out_h = request.size
    draft(image, request)
    image = ImageOps.exif_transpose(_plain_mode(image))
    fx, fy = image.width / full_width, image.height / full_height
    box = (x * fx, y * fy, (x + w) * fx, (y + h) * fy)
    if (out_w, out_h) == (w, h) and (fx, fy) == (1, 1):
        return image.crop((x, y, x + w, y + h))
    return image.resize((out_w, out_h), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)


def draft(image: Image.Image, request: ImageRequest) -> None:
    """Have a JPEG wanted smaller decoded at 1/2, 1/4 or 1/8 by libjpeg (never below the
    scale the request needs); other formats are decoded whole."""
    x, y, w, h = request.region
    scale = max(request.size[0] / w, request.size[1] / h)
    if image.format == "JPEG" and scale < 1:
        image.draft(None, (math.ceil(image.width * scale), math.ceil(image.height * scale)))


def _plain_mode(image: Image.Image) -> Image.Image:
    """8-bit grey or colour, with alpha when the source has any: what scaling and encoding need."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode == "PA":
        return image.convert("RGBA")
    if image.mode.startswith("I"):
        # 16- or 32-bit grey: keep the 8 highest bits the data use (12-bit scans are common).
        image = image.convert("I")
        shift = max(0, int(image.getextrema()[1]).bit_length() - 8)
        return image.point(lambda value: value * (1 / 2**shift)).convert("L")
    if image.mode in ("1", "F"):
        return image.convert("L")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV


def _turn(image: Image.Image, request: ImageRequest) -> Image.Image:
    """Mirror, then rotate clockwise; an arbitrary angle enlarges the image to hold it all."""
    if request.mirror:
        image = ImageOps.mirror(image)
    degrees = request.rotation
    if degrees == 0:
        return image
    if degrees in CLOCKWISE_QUARTER_TURNS:
        return image.transpose(CLOCKWISE_QUARTER_TURNS[degrees])
    if request.format == "jpg":  # no transparency: the corners are white
        fill = 255 if image.mode in ("L", "LA") else (255, 255, 255)
        image = image.convert("L" if image.mode in ("L", "LA") else "RGB")
    else:  # transparent corners
        image = image.convert("LA" if image.mode in ("L", "LA") else "RGBA")
        fill = (255, 0) if image.mode == "LA" else (255, 255, 255, 0)
    return image.rotate(-degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=fill)


def _apply_quality(image: Image.Image, quality: str) -> Image.Image:
    alpha = image.mode in ("RGBA", "LA")
    if quality == "color":
        return image.convert("RGBA" if alpha else "RGB")
    if quality == "gray":
        return image.convert("LA" if alpha else "L")
    if quality == "bitonal":
        return image.convert("L").point(lambda value: 255 if value >= 128 else 0, mode="1")
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    pillow_format, _ = FORMATS[fmt]
    if fmt == "jpg" and image.mode in ("RGBA", "LA"):  # flatten transparency onto white
        background = Image.new("RGB" if image.mode == "RGBA" else "L", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif fmt == "jpg" and image.mode == "1":
        image = image.convert("L")
    elif fmt == "webp" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if image.mode == "LA" else "RGB")
    out = io.BytesIO()
    options = {"quality": JPEG_QUALITY} if fmt in ("jpg", "webp") else {}
    image.save(out, pillow_format, **options)
    return out.getvalue()


# --- Image API: info.json ------------------------------------------------------------------


def scale_factors(width: int, height: int, tile_size: int = TILE_SIZE) -> list[int]:
    """1, 2, 4, … until the whole image fits in one tile."""
    factors = [1]
    while max(width, height) / factors[-1] > tile_size:
        factors.append(factors[-1] * 2)
    return factors


def image_info(
    service_id: str,
    width: int,
    height: int,
    *,
    rights: str = "",
    max_area: int = MAX_AREA,
    tile_size: int = TILE_SIZE,
) -> dict:
    """The info.json of an image of `width` × `height` pixels served at `service_id`."""
    factors = scale_factors(width, height, tile_size)
    sizes = [
        {"width": math.ceil(width / factor), "height": math.ceil(height / factor)}
        for factor in reversed(factors)
    ]
    info = {
        "@context": IMAGE_CONTEXT,
        "id": service_id,
        "type": "ImageService3",
        "protocol": IMAGE_PROTOCOL,
        "profile": PROFILE,
        "width": width,
        "height": height,
        "maxArea": max_area,
        "sizes": [size for size in sizes if size["width"] * size["height"] <= max_area],
        "tiles": [{"width": tile_size, "height": tile_size, "scaleFactors": factors}],
        "extraQualities": [quality for quality in QUALITIES if quality != "default"],
        "extraFormats": ["webp"],
        "extraFeatures": EXTRA_FEATURES,
    }
    if rights:
        info["rights"] = rights
    return info


# --- Presentation API: manifests -----------------------------------------------------------

LanguageMap = dict[str, list[str]]
RIGHTS_PREFIXES = (  # the only `rights` values Presentation 3 allows
    "http://creativecommons.org/licenses/",
    "http://creativecommons.org/publicdomain/",
    "http://rightsstatements.org/vocab/",
)


def is_presentation_rights(uri: str) -> bool:
    """Whether a rights URI may be a `rights` value (Creative Commons or RightsStatements.org)."""
    return uri.startswith(RIGHTS_PREFIXES)


@dataclass(frozen=True)
class Statement:
    label: LanguageMap
    value: LanguageMap

    def as_dict(self) -> dict:
        return {"label": self.label, "value": self.value}


@dataclass(frozen=True)
class ImageCanvas:
    """A still image, painted on a canvas of its full size, with its Image API service."""

    id: str
    label: LanguageMap
    width: int
    height: int
    service_id: str
    rights: str = ""
    required_statement: Statement | None = None


@dataclass(frozen=True)
class TimeMedia:
    """A sound or a video file: a canvas when its duration is known, else a `rendering` link."""

    id: str  # the canvas id
    label: LanguageMap
    kind: str  # "Sound" or "Video"
    url: str
    format: str  # media type
    duration: float | None = None  # seconds
    rights: str = ""
    required_statement: Statement | None = None


@dataclass(frozen=True)
class Rendering:
    """A file offered for download beside the canvases (a PDF, a sound of unknown duration)."""

    url: str
    label: LanguageMap
    kind: str  # "Text", "Sound", "Video"
    format: str


@dataclass(frozen=True)
class ManifestData:
    id: str
    label: LanguageMap
    homepage: str
    metadata: list[Statement] = field(default_factory=list)
    summary: LanguageMap | None = None
    required_statement: Statement | None = None
    rights: str = ""
    items: list[ImageCanvas | TimeMedia] = field(default_factory=list)
    renderings: list[Rendering] = field(default_factory=list)
    thumbnail: ImageCanvas | None = None  # the image whose small version stands for the work
    thumbnail_size: int = 400


def manifest(data: ManifestData) -> dict:
    """A Presentation 3 Manifest: one Canvas per image and per sound or video of known duration."""
    renderings = [_rendering(r) for r in data.renderings]
    items = []
    for item in data.items:
        if isinstance(item, ImageCanvas):
            items.append(_image_canvas(item))
        elif item.duration:
            items.append(_time_canvas(item))
        else:
            renderings.append(_rendering(Rendering(item.url, item.label, item.kind, item.format)))
    result = {
        "@context": PRESENTATION_CONTEXT,
        "id": data.id,
        "type": "Manifest",
        "label": data.label,
    }
    if data.metadata:
        result["metadata"] = [statement.as_dict() for statement in data.metadata]
    if data.summary:
        result["summary"] = data.summary
    if data.required_statement:
        result["requiredStatement"] = data.required_statement.as_dict()
    if is_presentation_rights(data.rights):
        result["rights"] = data.rights
    result["homepage"] = [
        {"id": data.homepage, "type": "Text", "label": data.label, "format": "text/html"}
    ]
    if data.thumbnail:
        result["thumbnail"] = [_thumbnail(data.thumbnail, data.thumbnail_size)]
    result["items"] = items
    if renderings:
        result["rendering"] = renderings
    return result


def image_service(service_id: str) -> list[dict]:
    return [{"id": service_id, "type": "ImageService3", "profile": PROFILE}]


def _image_canvas(canvas: ImageCanvas) -> dict:
    width, height = max_size(canvas.width, canvas.height)
    body = {
        "id": f"{canvas.service_id}/full/max/0/default.jpg",
        "type": "Image",
        "format": "image/jpeg",
        "width": width,
        "height": height,
        "service": image_service(canvas.service_id),
    }
    return _canvas(canvas, body, width=canvas.width, height=canvas.height)


def _time_canvas(media: TimeMedia) -> dict:
    body = {"id": media.url, "type": media.kind, "format": media.format, "duration": media.duration}
    return _canvas(media, body, duration=media.duration)


def _canvas(item: ImageCanvas | TimeMedia, body: dict, **extent) -> dict:
    """A Canvas painted with one resource (`extent`: width and height, or duration)."""
    page = f"{item.id}/page"
    canvas = {"id": item.id, "type": "Canvas", "label": item.label, **extent}
    if item.required_statement:
        canvas["requiredStatement"] = item.required_statement.as_dict()
    if is_presentation_rights(item.rights):
        canvas["rights"] = item.rights
    canvas["items"] = [
        {
            "id": page,
            "type": "AnnotationPage",
            "items": [
                {
                    "id": f"{page}/painting",
                    "type": "Annotation",
                    "motivation": "painting",
                    "body": body,
                    "target": item.id,
                }
            ],
        }
    ]
    return canvas


def _thumbnail(canvas: ImageCanvas, side: int) -> dict:
    width, height = parse_size(f"!{side},{side}", canvas.width, canvas.height)
    return {
        "id": f"{canvas.service_id}/full/{width},{height}/0/default.jpg",
        "type": "Image",
        "format": "image/jpeg",
        "width": width,
        "height": height,
        "service": image_service(canvas.service_id),
    }


def _rendering(rendering: Rendering) -> dict:
    return {
        "id": rendering.url,
        "type": rendering.kind,
        "label": rendering.label,
        "format": rendering.format,
    }
