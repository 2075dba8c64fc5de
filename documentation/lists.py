"""Text lists typed like the catalogue's controlled fields: values separated by semicolons."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SEPARATOR = "; "
_LANGUAGE = re.compile(r"^[a-z]{3}$")


def split_list(text: str) -> list[str]:
    """'fre ; eng;lat' -> ['fre', 'eng', 'lat'] (blank values dropped)."""
    return [value.strip() for value in (text or "").split(";") if value.strip()]


def join_list(values) -> str:
    """The stored form of a list of values, without blanks or repeats, in order."""
    return SEPARATOR.join(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def validate_languages(text: str) -> None:
    """Languages are ISO 639-2 codes (three lower-case letters), e.g. 'fre; eng'."""
    wrong = [code for code in split_list(text) if not _LANGUAGE.match(code)]
    if wrong:
        raise ValidationError(
            _("Use ISO 639-2 codes (three lower-case letters, e.g. fre; eng), not: %(codes)s")
            % {"codes": ", ".join(wrong)}
        )
