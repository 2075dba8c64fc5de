"""Where things are: the tree of locations, the movements that take works through it, and each
work's current location, derived from its movements.

Nothing here moves anything: ``services.movements.move()`` is the only way, so that every change
of place writes its movements (one per object, plus one for a moved container) in one
transaction. Movements are append-only: a wrong one is corrected by another movement.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .stored import StoredValues
from .works import ProtectedRecordError, Work

PATH_SEPARATOR = " › "
#: A Joconde REF (Muséofile code + 6 digits) identifies a work on its label; no location may
#: look like one, so a scanned code always says what it is.
REF_PATTERN = re.compile(r"^M\d{10}$")


def validate_location_code(code: str) -> None:
    if REF_PATTERN.match(code):
        raise ValidationError(
            _("%(code)s looks like a Joconde REF, which identifies works: choose another code.")
            % {"code": code}
        )


class LocationQuerySet(models.QuerySet):
    def subtree(self, location):
        """The location and everything inside it, at any depth."""
        return self.filter(path__startswith=location.path)


class Location(StoredValues):
    """A place in the museum's tree: site › building › room › storage unit › shelf or drawer ›
    box. Containers (boxes, crates, frames) are locations that move, with what they hold."""

    class Kind(models.TextChoices):
        SITE = "site", _("site")
        BUILDING = "building", _("building")
        ROOM = "room", _("room")
        STORAGE_UNIT = "storage_unit", _("storage unit")
        SHELF = "shelf", _("shelf or drawer")
        BOX = "box", _("box")
        CRATE = "crate", _("crate")
        FRAME = "frame", _("frame or mount")
        EXTERNAL = "external", _("outside the museum")

    CONTAINER_KINDS = frozenset({Kind.BOX, Kind.CRATE, Kind.FRAME})

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9._-]*$",
                _("Use capital letters, digits, dots, hyphens and underscores, e.g. RES2-G04."),
            ),
            validate_location_code,
        ],
        help_text=_("Printed on the label and never changed, e.g. RES2-G04."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("inside"),
    )
    is_display = models.BooleanField(
        _("exhibition space"),
        default=False,
        help_text=_("Works here are on display to the public."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    path = models.CharField(max_length=1000, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    full_name = models.CharField(_("full name"), max_length=1000, editable=False)

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        permissions = [("move_work", _("Can move works and containers"))]

    def __str__(self):
        return f"{self.code} — {self.full_name or self.name}"

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        stored = getattr(self, "_stored", None) or {}
        if stored.get("code") not in (None, self.code):
            raise ProtectedRecordError(
                _("Location code %(code)s is printed on labels and never changes.")
                % {"code": stored["code"]}
            )
        if (
            stored
            and stored.get("parent_id") != self.parent_id
            and not getattr(self, "_moving", False)
        ):
            raise ProtectedRecordError(
                _(
                    "A location is moved with the Move action, which records the movements of "
                    "everything inside it."
                )
            )
        renamed = stored and stored.get("name") != self.name
        super().save(*args, **kwargs)
        self._refresh_path()
        if renamed or getattr(self, "_moving", False):
            for child in self.children.all():
                child._refresh_path(recursive=True)
        self.remember_stored()
        self._moving = False

    def _refresh_path(self, recursive=False):
        parent = self.parent
        path = f"{parent.path if parent else '/'}{self.pk}/"
        full_name = f"{parent.full_name}{PATH_SEPARATOR}{self.name}" if parent else self.name
        depth = parent.depth + 1 if parent else 0
        if (self.path, self.full_name, self.depth) != (path, full_name, depth):
            self.path, self.full_name, self.depth = path, full_name, depth
            Location.objects.filter(pk=self.pk).update(path=path, full_name=full_name, depth=depth)
        if recursive:
            for child in self.children.all():
                child._refresh_path(recursive=True)

    def delete(self, *args, **kwargs):
        raise ProtectedRecordError(
            _(
                "Locations are never deleted, so that the movement history stays readable: mark "
                "the location as no longer in use."
            )
        )

    def clean(self):
        super().clean()
        stored = getattr(self, "_stored", None)
        if stored and stored.get("code") not in (None, self.code):
            raise ValidationError(
                {"code": _("A location's code is printed on labels: it never changes.")}
            )

    @property
    def is_container(self) -> bool:
        return self.kind in self.CONTAINER_KINDS

    def is_inside(self, other: "Location") -> bool:
        return self.path.startswith(other.path)


class MovementQuerySet(models.QuerySet):
    def done(self):
        return self.filter(status=Movement.Status.DONE)

    def update(self, **kwargs):
        if set(kwargs) - {"status"}:
            raise ProtectedRecordError(Movement.append_only_message())
        return super().update(**kwargs)

    def delete(self):
        raise ProtectedRecordError(Movement.append_only_message())


class Movement(StoredValues):
    """One move of a work, or of a container with what it holds: from, to, when, why, who.

    Append-only. A planned movement is later marked done or cancelled; nothing else changes.
    """

    class Reason(models.TextChoices):
        DISPLAY = "display", _("display")
        STORAGE = "storage", _("storage")
        LOAN = "loan", _("loan")
        RESTORATION = "restoration", _("restoration")
        PHOTOGRAPHY = "photography", _("photography")
        RECOLEMENT = "recolement", _("inventory check (récolement)")
        PACKING = "packing", _("packing")
        CONTAINER = "container", _("moved with its container")
        CORRECTION = "correction", _("correction of a wrong movement")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    work = models.ForeignKey(
        Work,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("work"),
    )
    container = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="container_movements",
        verbose_name=_("container or location moved"),
    )
    from_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    to_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="movements_in",
        verbose_name=_("to"),
    )
    from_label = models.CharField(_("from (as it was)"), max_length=1000, blank=True)
    to_label = models.CharField(_("to (as it was)"), max_length=1000)
    moved_at = models.DateTimeField(_("date"), db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DONE
    )
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    moved_by_name = models.CharField(_("recorded by"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    carried_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried",
        verbose_name=_("moved with"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    loan = models.ForeignKey(
        "collections.Loan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("loan"),
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    recorded_at = models.DateTimeField(_("recorded on"), auto_now_add=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["-moved_at", "-pk"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        indexes = [models.Index(fields=["work", "status", "moved_at"], name="movement_work_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(work__isnull=False, container__isnull=True)
                | models.Q(work__isnull=True, container__isnull=False),
                name="movement_moves_a_work_or_a_container",
            ),
        ]

    def __str__(self):
        subject = self.work.inventory_number if self.work_id else self.container.code
        return f"{subject}: {self.from_label or '—'} → {self.to_label}"

    def save(self, *args, **kwargs):
        stored = getattr(self, "_stored", None)
        if stored:
            changed = {
                f.attname
                for f in self._meta.concrete_fields
                if f.attname in stored and stored[f.attname] != getattr(self, f.attname)
            }
            # a planned movement is marked done (when it happened) or cancelled; nothing else
            if changed - {"status", "moved_at"} or stored["status"] != self.Status.PLANNED:
                raise ProtectedRecordError(self.append_only_message())
        super().save(*args, **kwargs)
        self.remember_stored()

    def delete(self, *args, **kwargs):
        raise ProtectedRecordError(self.append_only_message())

    @staticmethod
    def append_only_message():
        return _(
            "Movements are never changed or deleted: record another movement that corrects "
            "the wrong one, and the history will show both."
        )


class CurrentLocation(models.Model):
    """Where a work is now: the destination of its latest movement done, kept by the movement
    service in the same transaction (derive_current_location() recomputes it)."""

    work = models.OneToOneField(
        Work, on_delete=models.CASCADE, primary_key=True, related_name="current_location"
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="current_works",
        verbose_name=_("current location"),
    )
    since = models.DateTimeField(_("since"))
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("current location")
        verbose_name_plural = _("current locations")

    def __str__(self):
        return self.location.full_name
