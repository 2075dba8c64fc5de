"""Format checks for authority identifiers (Wikidata, ULAN, BnF ARK, IdRef)."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

wikidata_id = RegexValidator(
    r"^Q[1-9]\d*$", _("A Wikidata identifier looks like Q3305 (the letter Q, then digits).")
)
ulan_id = RegexValidator(
    r"^500\d{6}$", _("A ULAN identifier has 9 digits and starts with 500, e.g. 500009365.")
)
bnf_ark = RegexValidator(
    r"^ark:/12148/cb\d{8,9}[0-9bcdfghjkmnpqrstvwxz]$",
    _("A BnF ARK looks like ark:/12148/cb11899757w."),
)
idref_id = RegexValidator(
    r"^\d{8}[\dX]$", _("An IdRef identifier (PPN) has 9 characters, e.g. 027012255 or 02701225X.")
)
