"""Documentary files: the museum's folders on a work (*dossier d'œuvre*), an artist or a topic."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from museum_collections.models import CartelDocument, Person, Work


class DocumentaryFile(models.Model):
    """A physical folder of cuttings, letters, photographs…, with its digitised documents."""

    class Kind(models.TextChoices):
        WORK = "work", _("work file")
        ARTIST = "artist", _("artist file")
        TOPIC = "topic", _("topic file")

    code = models.CharField(_("code"), max_length=50, unique=True, help_text=_("e.g. DO-2019.1.1."))
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORK)
    location = models.CharField(
        _("physical location"), max_length=255, blank=True, help_text=_("Cabinet, drawer…")
    )
    contents = models.TextField(_("contents"), blank=True)
    date_range = models.CharField(
        _("dates"), max_length=100, blank=True, help_text=_("As written, e.g. 1889-1950.")
    )
    works = models.ManyToManyField(
        Work, blank=True, related_name="documentary_files", verbose_name=_("works")
    )
    people = models.ManyToManyField(
        Person,
        blank=True,
        related_name="documentary_files",
        verbose_name=_("people and organisations"),
    )
    documents = models.ManyToManyField(
        CartelDocument,
        blank=True,
        related_name="documentary_files",
        verbose_name=_("digitised documents"),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("documentary file")
        verbose_name_plural = _("documentary files")

    def __str__(self):
        return f"{self.code} — {self.title}"
