"""The library: bibliographic records (from MARC or typed), their authors and copies, and the
references that link a work's bibliography to them."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from museum_collections.dating import parse_date
from museum_collections.models import Person, Work

from ..lists import split_list, validate_languages


class BibliographicRecord(ClusterableModel):
    """One edition in the library catalogue; copies are its items."""

    class SourceFormat(models.TextChoices):
        UNIMARC = "unimarc", "UNIMARC"
        MARC21 = "marc21", "MARC 21"
        MANUAL = "manual", _("typed in Cartel")

    class RecordType(models.TextChoices):
        BOOK = "book", _("book")
        EXHIBITION_CATALOGUE = "exhibition_catalogue", _("exhibition catalogue")
        SERIAL = "serial", _("serial")
        OFFPRINT = "offprint", _("offprint")
        OTHER = "other", _("other")

    record_id = models.CharField(
        _("record identifier"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_(
            "Stable identifier at the source (MARC 001 or the supplier's id): imports update the "
            "record that has it. Left blank, one is made up."
        ),
    )
    source_format = models.CharField(
        _("source format"), max_length=10, choices=SourceFormat.choices, default=SourceFormat.MANUAL
    )
    record_type = models.CharField(
        _("type"), max_length=30, choices=RecordType.choices, default=RecordType.BOOK
    )
    title = models.CharField(_("title"), max_length=1000)
    subtitle = models.CharField(_("subtitle"), max_length=1000, blank=True)
    responsibility = models.CharField(_("statement of responsibility"), max_length=1000, blank=True)
    edition = models.CharField(_("edition"), max_length=255, blank=True)
    publisher = models.CharField(_("publisher"), max_length=500, blank=True)
    publication_place = models.CharField(_("place of publication"), max_length=255, blank=True)
    publication_date = models.CharField(
        _("date of publication"),
        max_length=100,
        blank=True,
        help_text=_("As written, e.g. [1925?]."),
    )
    publication_year = models.SmallIntegerField(
        _("year of publication"),
        null=True,
        blank=True,
        help_text=_("Taken from the date as written when left blank."),
    )
    extent = models.CharField(
        _("collation"), max_length=500, blank=True, help_text=_("e.g. 245 p. : ill. ; 28 cm.")
    )
    series = models.CharField(_("publisher's series"), max_length=500, blank=True)
    isbn = models.CharField(
        _("ISBN"), max_length=500, blank=True, help_text=_("Several separated by semicolons.")
    )
    issn = models.CharField(_("ISSN"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    subjects = models.TextField(
        _("subject headings"), blank=True, help_text=_("Separated by semicolons: Peinture ; Nabis.")
    )
    languages = models.CharField(
        _("languages"),
        max_length=100,
        blank=True,
        validators=[validate_languages],
        help_text=_("ISO 639-2 codes separated by semicolons, e.g. fre; eng."),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    raw = models.JSONField(
        _("original record"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The record as imported, so that nothing unmapped is lost."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("bibliographic record")
        verbose_name_plural = _("bibliographic records")
        permissions = [
            ("view_internal_notes", _("Can see the internal notes of the library and archives"))
        ]

    def __str__(self):
        year = f" ({self.publication_year})" if self.publication_year else ""
        return f"{self.title}{year}"

    def save(self, *args, **kwargs):
        if not self.record_id:
            self.record_id = f"cartel:{uuid.uuid4().hex[:12]}"
        if self.publication_year is None and self.publication_date:
            parsed = parse_date(self.publication_date)
            self.publication_year = parsed.earliest if parsed else None
        super().save(*args, **kwargs)

    @property
    def isbn_list(self) -> list[str]:
        return split_list(self.isbn)

    @property
    def subject_list(self) -> list[str]:
        return split_list(self.subjects)

    @property
    def language_list(self) -> list[str]:
        return split_list(self.languages)


class BibliographicAuthor(Orderable):
    """An author, editor, illustrator… of a record, as a person or organisation authority."""

    record = ParentalKey(BibliographicRecord, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="bibliographic_authorships",
        verbose_name=_("person or organisation"),
    )
    role = models.CharField(
        _("function"), max_length=100, blank=True, help_text=_("e.g. author, editor, illustrator.")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return f"{self.person.name} ({self.role})" if self.role else self.person.name


class LibraryItem(models.Model):
    """A copy of a record on the library's shelves."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("available")
        ON_LOAN = "on_loan", _("on loan")
        MISSING = "missing", _("missing")
        IN_RESTORATION = "in_restoration", _("in restoration")
        EXCLUDED = "excluded", _("excluded")

    record = ParentalKey(BibliographicRecord, on_delete=models.CASCADE, related_name="items")
    call_number = models.CharField(_("call number"), max_length=100, blank=True)
    copy_number = models.PositiveSmallIntegerField(_("copy number"), default=1)
    barcode = models.CharField(_("barcode"), max_length=50, blank=True)
    location = models.CharField(
        _("shelf"), max_length=255, blank=True, help_text=_("Where the copy is kept.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AVAILABLE
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["call_number", "copy_number"]
        verbose_name = _("copy")
        verbose_name_plural = _("copies")
        constraints = [
            models.UniqueConstraint(
                fields=["barcode"], condition=~models.Q(barcode=""), name="libraryitem_barcode"
            )
        ]

    def __str__(self):
        return f"{self.call_number or '?'} ({self.copy_number})"


class WorkReference(models.Model):
    """A work cited in a library record: the work's bibliography, with pages or numbers."""

    record = ParentalKey(
        BibliographicRecord, on_delete=models.CASCADE, related_name="work_references"
    )
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, related_name="library_references", verbose_name=_("work")
    )
    pages = models.CharField(_("pages"), max_length=100, blank=True)
    figure = models.CharField(_("figure or plate"), max_length=100, blank=True)
    catalogue_number = models.CharField(_("catalogue number"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["record__title", "pk"]
        verbose_name = _("work cited")
        verbose_name_plural = _("works cited")
        constraints = [
            models.UniqueConstraint(fields=["work", "record"], name="workreference_unique")
        ]

    def __str__(self):
        details = ", ".join(
            text
            for text in (
                self.pages and f"p. {self.pages}",
                self.figure and f"fig. {self.figure}",
                self.catalogue_number and f"no. {self.catalogue_number}",
            )
            if text
        )
        return f"{self.record.title}, {details}" if details else self.record.title
