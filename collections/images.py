"""Pillow's verdict on an image file before Cartel stores it.

Wagtail checks the extension, the byte size and the declared pixel count; this module also
decodes the whole picture, so a truncated or corrupt file is refused at upload rather than
failing later when a thumbnail is made. Every message names the file and says what to do.
"""

import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int
    frames: int


def max_pixels() -> int:
    return settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS


def check_image_file(fileobj, name: str) -> ImageInfo:
    """Open and fully decode an image; raise ValidationError with a clear message if unusable."""
    limit = max_pixels()
    start = fileobj.tell() if hasattr(fileobj, "tell") else 0
    try:
        with warnings.catch_warnings():
            # Our own limit, below, gives a clearer message than Pillow's warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(fileobj) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                if width * height > limit:
                    raise _too_many_pixels(name, width, height, limit)
                image.load()
                info = ImageInfo(image.format or "", width, height, frames)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            _(
                "%(name)s declares more pixels than Pillow will decode safely (a possible "
                "decompression bomb). Export the image again at a normal size."
            )
            % {"name": name},
            code="decompression_bomb",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("%(name)s is not an image Pillow can read. Upload a JPEG, PNG, TIFF or WebP file.")
            % {"name": name},
            code="not_an_image",
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _(
                "%(name)s is damaged and cannot be decoded (%(error)s). Copy the file again "
                "from the camera or the original scan, then upload the new copy."
            )
            % {"name": name, "error": error},
            code="corrupt_image",
        ) from None
    finally:
        if hasattr(fileobj, "seek"):
            fileobj.seek(start)
    return info


def _too_many_pixels(name, width, height, limit) -> ValidationError:
    return ValidationError(
        _(
            "%(name)s is %(width)s × %(height)s pixels (%(mp).0f megapixels), more than the "
            "%(limit).0f megapixels Cartel accepts. Reduce it (e.g. to 10,000 pixels on the "
            "long side) and upload it again."
        )
        % {
            "name": name,
            "width": width,
            "height": height,
            "mp": width * height / 1e6,
            "limit": limit / 1e6,
        },
        code="too_many_pixels",
    )
