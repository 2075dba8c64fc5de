"""Archives described after ISAD(G): fonds › series › file › item, with a materialised path."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from museum_collections.dating import parse_date
from museum_collections.models import CartelImage, Person, Work


class ArchiveUnitQuerySet(models.QuerySet):
    def subtree(self, unit):
        """The unit and everything below it, at any depth."""
        return self.filter(path__startswith=unit.path)


class ArchiveUnit(models.Model):
    """A unit of description at one level; its children are described below it."""

    class Level(models.TextChoices):
        FONDS = "fonds", _("fonds")
        SERIES = "series", _("series")
        FILE = "file", _("file")
        ITEM = "item", _("item")

    class ItemKind(models.TextChoices):
        LETTER = "letter", _("letter")
        POSTCARD = "postcard", _("postcard")
        MANUSCRIPT = "manuscript", _("manuscript")
        PHOTOGRAPH = "photograph", _("photograph")
        OTHER = "other", _("other")

    #: Levels from the top: a unit sits below a unit of a higher level (a series in a fonds…).
    LEVELS = [Level.FONDS, Level.SERIES, Level.FILE, Level.ITEM]

    reference_code = models.CharField(
        _("reference code"), max_length=100, unique=True, help_text=_("e.g. FR-M5062-1J-3.")
    )
    title = models.CharField(_("title"), max_length=1000)
    level = models.CharField(_("level of description"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    dates = models.CharField(
        _("dates"), max_length=200, blank=True, help_text=_("As written, e.g. 1890-1925.")
    )
    year_from = models.SmallIntegerField(_("from year"), null=True, blank=True, editable=False)
    year_to = models.SmallIntegerField(_("to year"), null=True, blank=True, editable=False)
    extent = models.CharField(
        _("extent and medium"), max_length=500, blank=True, help_text=_("e.g. 3 boxes, 0.4 m.")
    )
    creator = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="archives_created",
        verbose_name=_("creator"),
    )
    creator_name = models.CharField(
        _("creator (as written)"),
        max_length=500,
        blank=True,
        help_text=_("When the creator is not in the authorities, or to add details."),
    )
    scope_and_content = models.TextField(_("scope and content"), blank=True)
    access_conditions = models.TextField(_("conditions of access"), blank=True)
    item_kind = models.CharField(
        _("kind of item"), max_length=20, choices=ItemKind.choices, blank=True
    )
    images = models.ManyToManyField(
        CartelImage, blank=True, related_name="archive_units", verbose_name=_("images")
    )
    works = models.ManyToManyField(
        Work, blank=True, related_name="archive_units", verbose_name=_("works")
    )
    people = models.ManyToManyField(
        Person,
        blank=True,
        related_name="archive_units",
        verbose_name=_("people and organisations"),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArchiveUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("archival description")
        verbose_name_plural = _("archives")

    def __str__(self):
        return f"{self.reference_code} — {self.title}"

    def save(self, *args, **kwargs):
        parsed = parse_date(self.dates) if self.dates else None
        self.year_from = parsed.earliest if parsed else None
        self.year_to = parsed.latest if parsed else None
        moved = self.pk is not None and self.path != self._expected_path()
        super().save(*args, **kwargs)
        self._refresh_path(recursive=moved)

    def clean(self):
        errors = {}
        rank = self.LEVELS.index(self.level) if self.level in self.LEVELS else None
        if self.parent_id is None and self.level and self.level != self.Level.FONDS:
            errors["parent"] = _("Only a fonds stands alone: choose the unit this one is part of.")
        if self.parent_id is not None and rank is not None:
            parent = self.parent
            if self.LEVELS.index(parent.level) >= rank:
                errors["level"] = _("A %(level)s cannot be part of a %(parent)s.") % {
                    "level": self.get_level_display(),
                    "parent": parent.get_level_display(),
                }
            if self.pk and parent.path.startswith(self.path or "\0"):
                errors["parent"] = _("A unit cannot be part of itself or of a unit below it.")
        if self.item_kind and self.level != self.Level.ITEM:
            errors["item_kind"] = _("Only items have a kind.")
        if errors:
            raise ValidationError(errors)

    def _expected_path(self) -> str:
        return f"{self.parent.path if self.parent_id else '/'}{self.pk}/"

    def _refresh_path(self, recursive=False):
        path, depth = self._expected_path(), (self.parent.depth + 1 if self.parent_id else 0)
        if (self.path, self.depth) != (path, depth):
            self.path, self.depth = path, depth
            ArchiveUnit.objects.filter(pk=self.pk).update(path=path, depth=depth)
        if recursive:
            for child in self.children.all():
                child._refresh_path(recursive=True)

    @property
    def ancestors(self) -> list["ArchiveUnit"]:
        """The units above this one, from the fonds down."""
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        by_id = ArchiveUnit.objects.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]
