"""Loans out and in, exhibitions, condition checks and conservation treatments.

A work may not be promised to two of these at once: ``services.commitments`` finds the clashes
before anything is saved. A loan's status changes only through ``services.loans.advance_loan()``,
which writes the movements of its works.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from .locations import Location
from .media import CartelDocument, CartelImage
from .people import Person
from .works import Work


class DateRangeMixin(models.Model):
    """Inclusive dates of a commitment: a work is taken from ``start_date`` to ``end_date``."""

    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})


class Exhibition(ClusterableModel):
    """An exhibition the curators plan: venues and dates, sections, the checklist of works."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        CONFIRMED = "confirmed", _("confirmed")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    ACTIVE = (Status.PLANNED, Status.CONFIRMED, Status.OPEN)

    title = models.CharField(_("title"), max_length=500)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    curators = models.CharField(_("curators"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    start_date = models.DateField(_("first day"), null=True, blank=True, editable=False)
    end_date = models.DateField(_("last day"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("exhibition")
        verbose_name_plural = _("exhibitions")

    def __str__(self):
        return self.title

    def refresh_dates(self) -> None:
        """The exhibition takes its works from the first venue's opening to the last closing."""
        dates = ExhibitionVenue.objects.filter(exhibition=self).aggregate(
            models.Min("start_date"), models.Max("end_date")
        )
        self.start_date, self.end_date = dates["start_date__min"], dates["end_date__max"]
        Exhibition.objects.filter(pk=self.pk).update(
            start_date=self.start_date, end_date=self.end_date
        )


class ExhibitionVenue(DateRangeMixin, Orderable):
    exhibition = ParentalKey(Exhibition, on_delete=models.CASCADE, related_name="venues")
    venue = models.CharField(_("venue"), max_length=500, help_text=_("Institution and town."))
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("room in the museum"),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self):
        return f"{self.venue} ({self.start_date} – {self.end_date})"


class ExhibitionSection(Orderable):
    exhibition = ParentalKey(Exhibition, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("section"), max_length=500)
    notes = models.TextField(_("notes"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title


class ExhibitionWork(Orderable):
    """A line of the checklist: one of the museum's works, or a work borrowed for the show."""

    exhibition = ParentalKey(Exhibition, on_delete=models.CASCADE, related_name="checklist")
    work = models.ForeignKey(
        Work, on_delete=models.PROTECT, related_name="exhibition_lines", verbose_name=_("work")
    )
    section = models.CharField(_("section"), max_length=500, blank=True)
    catalogue_number = models.CharField(_("catalogue number"), max_length=50, blank=True)
    loan = models.ForeignKey(
        "Loan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("borrowed through"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("checklist line")
        verbose_name_plural = _("checklist")

    def __str__(self):
        return f"{self.exhibition}: {self.work}"


class Loan(DateRangeMixin, ClusterableModel):
    """A loan out to a borrower or in from a lender, with its works and its workflow."""

    class Direction(models.TextChoices):
        OUT = "out", _("loan out")
        IN = "in", _("loan in")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        AGREEMENT_SIGNED = "agreement_signed", _("agreement signed")
        DEPARTED = "departed", _("works away (out) or received (in)")
        RETURNED = "returned", _("returned")
        REFUSED = "refused", _("refused")
        CANCELLED = "cancelled", _("cancelled")

    TRANSITIONS = {
        Status.REQUESTED: (Status.APPROVED, Status.REFUSED, Status.CANCELLED),
        Status.APPROVED: (Status.AGREEMENT_SIGNED, Status.CANCELLED),
        Status.AGREEMENT_SIGNED: (Status.DEPARTED, Status.CANCELLED),
        Status.DEPARTED: (Status.RETURNED,),
    }
    ACTIVE = (Status.REQUESTED, Status.APPROVED, Status.AGREEMENT_SIGNED, Status.DEPARTED)

    number = models.CharField(_("loan number"), max_length=30, unique=True, editable=False)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    partner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="loans",
        verbose_name=_("borrower or lender"),
    )
    contact = models.CharField(
        _("contact"), max_length=500, blank=True, help_text=_("Name, e-mail and telephone.")
    )
    purpose = models.CharField(_("purpose"), max_length=500, help_text=_("e.g. exhibition, study."))
    exhibition = models.ForeignKey(
        Exhibition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
        verbose_name=_("our exhibition"),
        help_text=_("For a loan in: the museum's exhibition the works are borrowed for."),
    )
    exhibition_title = models.CharField(
        _("borrower's exhibition"),
        max_length=500,
        blank=True,
        help_text=_("For a loan out: title and venue of the exhibition."),
    )
    insurance_value = models.DecimalField(
        _("total insurance value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    conditions = models.TextField(_("conditions of the loan"), blank=True)
    courier = models.CharField(_("courier"), max_length=500, blank=True)
    agreement_documents = ParentalManyToManyField(
        CartelDocument, blank=True, related_name="+", verbose_name=_("agreement documents")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.REQUESTED,
        editable=False,
    )
    status_changed_at = models.DateTimeField(_("status since"), null=True, editable=False)
    outside_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("Where the works are while away (the partner)."),
    )
    notes = models.TextField(_("internal notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-number"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")

    def __str__(self):
        return f"{self.number} — {self.partner.name}"

    def save(self, *args, **kwargs):
        if not self.number:
            self.number = self._next_number()
        super().save(*args, **kwargs)

    def get_status_display(self) -> str:
        if self.status == self.Status.DEPARTED:
            return str(_("works away") if self.direction == self.Direction.OUT else _("received"))
        return str(self.Status(self.status).label)

    def _next_number(self) -> str:
        """PS-2026-001 for the first loan out of 2026 (prêt sortant), PE-… for loans in."""
        prefix = f"{'PS' if self.direction == self.Direction.OUT else 'PE'}-{self.start_date.year}-"
        last = (
            Loan.objects.filter(number__startswith=prefix)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:03d}"


class LoanObject(Orderable):
    loan = ParentalKey(Loan, on_delete=models.CASCADE, related_name="lines")
    work = models.ForeignKey(
        Work, on_delete=models.PROTECT, related_name="loan_lines", verbose_name=_("work")
    )
    insurance_value = models.DecimalField(
        _("insurance value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("work lent or borrowed")
        verbose_name_plural = _("works")

    def __str__(self):
        return f"{self.loan.number}: {self.work}"


class ConditionCheck(models.Model):
    """The state of a work at a date, seen by someone: before a departure, on return, in a
    récolement, at any time."""

    class Condition(models.TextChoices):
        GOOD = "good", _("good")
        FAIR = "fair", _("fair")
        POOR = "poor", _("poor")
        CRITICAL = "critical", _("critical (in danger)")

    class Reason(models.TextChoices):
        ROUTINE = "routine", _("routine check")
        DEPARTURE = "departure", _("before departure")
        RETURN = "return", _("on return")
        ARRIVAL = "arrival", _("on arrival")
        RECOLEMENT = "recolement", _("inventory check (récolement)")
        DAMAGE = "damage", _("damage reported")

    work = models.ForeignKey(
        Work, on_delete=models.PROTECT, related_name="condition_checks", verbose_name=_("work")
    )
    checked_on = models.DateField(_("date"))
    checker = models.CharField(_("checked by"), max_length=255)
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices)
    reason = models.CharField(
        _("reason"), max_length=20, choices=Reason.choices, default=Reason.ROUTINE
    )
    loan = models.ForeignKey(
        Loan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="condition_checks",
        verbose_name=_("loan"),
    )
    alterations = models.CharField(
        _("alterations"),
        max_length=500,
        blank=True,
        help_text=_("e.g. soulèvement ; lacune ; empoussièrement"),
    )
    notes = models.TextField(_("notes"), blank=True)
    photos = models.ManyToManyField(
        CartelImage, blank=True, related_name="+", verbose_name=_("photographs")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("condition check")
        verbose_name_plural = _("condition checks")
        get_latest_by = ["checked_on", "pk"]

    def __str__(self):
        return f"{self.work.inventory_number} — {self.checked_on}: {self.get_condition_display()}"


class ConservationTreatment(DateRangeMixin):
    """A restoration or conservation treatment: who, when, what, and its report."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    ACTIVE = (Status.PLANNED, Status.IN_PROGRESS)

    work = models.ForeignKey(
        Work, on_delete=models.PROTECT, related_name="treatments", verbose_name=_("work")
    )
    restorer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="treatments",
        verbose_name=_("restorer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    treatment = models.TextField(_("treatment"), blank=True)
    report = models.TextField(_("report"), blank=True)
    report_document = models.ForeignKey(
        CartelDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report document"),
    )
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("conservation treatment")
        verbose_name_plural = _("conservation treatments")

    def __str__(self):
        return f"{self.work.inventory_number} — {self.purpose or self.get_status_display()}"
