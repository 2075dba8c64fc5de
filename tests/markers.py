"""Secrets planted in every private field of a record, for the tests that check no public
output (exports, OAI-PMH, IIIF, portal) ever carries one."""

from datetime import date
from decimal import Decimal

from django.db import models

from museum_collections.publication import RULES

MARKER = "PRIV-7f3a9"
SECRET_AMOUNT = Decimal("8675309.12")
SECRET_DATE = date(1901, 2, 3)
SECRETS = (MARKER, str(SECRET_AMOUNT), "8675309", SECRET_DATE.isoformat())
SKIPPED = ("inventory_sort_key", "deleted_at")  # derived on save, not a secret


def plant_markers(instance) -> list[str]:
    """Write MARKER (or a secret amount or date) in every private field of a record that can
    hold it; return the names of the fields planted."""
    rule = RULES[instance._meta.label]
    planted = []
    for field in instance._meta.concrete_fields:
        if field.name not in rule.private or field.name in SKIPPED:
            continue
        if isinstance(field, models.CharField | models.TextField):
            if field.max_length and field.max_length < len(MARKER):
                continue
            value = MARKER
        elif isinstance(field, models.DecimalField):
            value = SECRET_AMOUNT
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            value = SECRET_DATE
        elif isinstance(field, models.JSONField):
            value = {"source": MARKER}
        else:
            continue
        setattr(instance, field.attname, value)
        planted.append(field.name)
    instance.save()
    return planted


def leaked(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]
