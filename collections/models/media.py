"""Images, sound, video and PDF documents of works, with credits, rights and a public flag."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Orderable

from .works import Work


class Rights(models.TextChoices):
    UNKNOWN = "unknown", _("rights not cleared")
    PUBLIC_DOMAIN = "public_domain", _("public domain")
    CC0 = "cc0", "CC0 1.0"
    CC_BY = "cc_by", "CC BY 4.0"
    CC_BY_SA = "cc_by_sa", "CC BY-SA 4.0"
    LICENCE_OUVERTE = "etalab", _("Licence Ouverte 2.0")
    ALL_RIGHTS_RESERVED = "reserved", _("all rights reserved")


# The rights as the URIs that IIIF, LIDO and open data expect.
RIGHTS_URIS = {
    Rights.PUBLIC_DOMAIN: "http://creativecommons.org/publicdomain/mark/1.0/",
    Rights.CC0: "http://creativecommons.org/publicdomain/zero/1.0/",
    Rights.CC_BY: "http://creativecommons.org/licenses/by/4.0/",
    Rights.CC_BY_SA: "http://creativecommons.org/licenses/by-sa/4.0/",
    Rights.LICENCE_OUVERTE: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    Rights.ALL_RIGHTS_RESERVED: "http://rightsstatements.org/vocab/InC/1.0/",
}


class MediaRights(models.Model):
    """Credit, rights and publication of a media file (shared by images and documents)."""

    credit = models.CharField(
        _("credit"), max_length=255, blank=True, help_text=_("e.g. © Musée, photo Jean Dupont.")
    )
    rights = models.CharField(
        _("rights"), max_length=20, choices=Rights.choices, default=Rights.UNKNOWN
    )
    rights_holder = models.CharField(_("rights holder"), max_length=255, blank=True)
    is_public = models.BooleanField(
        _("may be published"),
        default=False,
        help_text=_("Rights are cleared: the portal and open exports may show this file."),
    )

    RIGHTS_FIELDS = ("credit", "rights", "rights_holder", "is_public")

    class Meta:
        abstract = True


class CartelImage(MediaRights, AbstractImage):
    admin_form_fields = Image.admin_form_fields + MediaRights.RIGHTS_FIELDS

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")
        permissions = [("choose_image", _("Can choose image"))]

    def __str__(self):
        return self.title


class CartelRendition(AbstractRendition):
    image = models.ForeignKey(CartelImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class CartelDocument(MediaRights, AbstractDocument):
    """A PDF, a sound or a video file; its kind follows the file's extension."""

    KINDS = {
        "pdf": "pdf",
        **dict.fromkeys(("mp3", "ogg", "oga", "wav", "flac", "m4a"), "audio"),
        **dict.fromkeys(("mp4", "webm", "ogv"), "video"),
    }

    admin_form_fields = Document.admin_form_fields + MediaRights.RIGHTS_FIELDS

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("choose_document", _("Can choose document"))]

    def __str__(self):
        return self.title

    @property
    def kind(self) -> str:
        return self.KINDS.get(PurePath(self.file.name).suffix.lower().lstrip("."), "other")


class WorkMedia(Orderable):
    """An image or a document shown with a work, in order; one image can be the primary one."""

    work = ParentalKey(Work, on_delete=models.CASCADE, related_name="media")
    image = models.ForeignKey(
        CartelImage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_links",
        verbose_name=_("image"),
    )
    document = models.ForeignKey(
        CartelDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_links",
        verbose_name=_("sound, video or PDF"),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    is_primary = models.BooleanField(_("primary image"), default=False)

    class Meta(Orderable.Meta):
        verbose_name = _("media item")
        verbose_name_plural = _("media items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(image__isnull=False, document__isnull=True)
                | models.Q(image__isnull=True, document__isnull=False),
                name="workmedia_image_xor_document",
            ),
            models.CheckConstraint(
                condition=models.Q(is_primary=False) | models.Q(image__isnull=False),
                name="workmedia_primary_is_image",
            ),
            models.UniqueConstraint(
                fields=["work"], condition=models.Q(is_primary=True), name="workmedia_one_primary"
            ),
        ]

    def __str__(self):
        return str(self.image or self.document)

    def clean(self):
        if bool(self.image_id) == bool(self.document_id):
            raise ValidationError(_("Choose either an image or a document."))
        if self.is_primary and not self.image_id:
            raise ValidationError({"is_primary": _("Only an image can be the primary image.")})

    def save(self, *args, **kwargs):
        if self.is_primary:
            # Hand the primary flag over before taking it, so the one-primary rule always holds.
            WorkMedia.objects.filter(work_id=self.work_id, is_primary=True).exclude(
                pk=self.pk
            ).update(is_primary=False)
        super().save(*args, **kwargs)
