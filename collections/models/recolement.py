"""The ten-yearly inventory check (*récolement décennal*, arrêté du 25 mai 2004, title III).

A plan holds campaigns; a campaign's scope names the works expected; each work seen (or not)
gets one record per campaign. Records are built from observations — events sent by tablets or
typed in the back office, each with its own key so that a replay is harmless. Two observations
that disagree on presence make a conflict, kept for a registrar to decide. Records are never
written into the inventory register.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .locations import Location
from .media import CartelImage
from .works import Work


class RecolementPlan(models.Model):
    """The ten-year plan of campaigns, as approved (for a regional museum, by the DRAC)."""

    title = models.CharField(_("title"), max_length=300)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-first_year"]
        verbose_name = _("récolement plan")
        verbose_name_plural = _("récolement plans")

    def __str__(self):
        return f"{self.title} ({self.first_year}–{self.last_year})"


class RecolementCampaign(models.Model):
    """A campaign of the plan: its scope (locations, domains, inventory years), dates, team."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        CLOSED = "closed", _("closed")

    plan = models.ForeignKey(
        RecolementPlan, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    locations = models.ManyToManyField(
        Location,
        blank=True,
        related_name="recolement_campaigns",
        verbose_name=_("locations"),
        help_text=_("Works kept in these places (and everything inside them)."),
    )
    domains = models.CharField(
        _("domains"), max_length=500, blank=True, help_text=_("e.g. peinture ; dessin")
    )
    inventory_year_from = models.SmallIntegerField(_("inventory years from"), null=True, blank=True)
    inventory_year_to = models.SmallIntegerField(_("inventory years to"), null=True, blank=True)
    team = models.CharField(_("team"), max_length=500, blank=True)
    method = models.TextField(
        _("method"),
        blank=True,
        help_text=_("Technical means, resources and how the check was done, for the report."),
    )
    comments = models.TextField(_("comments for the official report"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("récolement campaign")
        verbose_name_plural = _("récolement campaigns")

    def __str__(self):
        return self.title


class RecolementRecord(models.Model):
    """What the campaign found for one work (or one object found that is not inventoried)."""

    class Presence(models.TextChoices):
        SEEN = "seen", _("seen")
        NOT_SEEN = "not_seen", _("not seen")
        MISSING = "missing", _("missing")
        DESTROYED = "destroyed", _("destroyed")

    class Condition(models.TextChoices):
        GOOD = "good", _("good")
        FAIR = "fair", _("fair")
        POOR = "poor", _("poor")
        CRITICAL = "critical", _("critical (in danger)")

    class Status(models.TextChoices):
        TO_CHECK = "to_check", _("to check")
        VALIDATED = "validated", _("validated")

    FOLLOW_UPS = {
        "to_inventory": _("to inventory"),
        "to_mark": _("to mark"),
        "to_photograph": _("to photograph"),
        "to_restore": _("to restore"),
        "to_search": _("to search for"),
        "complaint_filed": _("complaint filed"),
        "to_document": _("documentary record to create"),
    }

    campaign = models.ForeignKey(
        RecolementCampaign,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("campaign"),
    )
    work = models.ForeignKey(
        Work,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recolement_records",
        verbose_name=_("work"),
    )
    found_description = models.TextField(
        _("object found (not inventoried)"),
        blank=True,
        help_text=_("For an object found that has no inventory record: what it is, any number."),
    )
    presence = models.CharField(_("presence"), max_length=10, choices=Presence.choices)
    expected_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("expected location"),
    )
    location_found = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location found"),
    )
    location_matches = models.BooleanField(_("found where expected"), null=True)
    marked_on_object = models.BooleanField(_("number on the object"), default=False)
    marked_on_label = models.BooleanField(_("number on a label"), default=False)
    marked_on_support = models.BooleanField(_("number on the support"), default=False)
    conforms = models.BooleanField(
        _("conforms to the inventory entry"),
        default=True,
        help_text=_("The object matches its entry and its documentation."),
    )
    identification_problem = models.BooleanField(_("identification problem"), default=False)
    inventoried_twice = models.BooleanField(_("inventoried twice"), default=False)
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, blank=True
    )
    alterations = models.CharField(_("alterations"), max_length=500, blank=True)
    follow_ups = models.JSONField(_("follow-up actions"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    photos = models.ManyToManyField(
        CartelImage, blank=True, related_name="+", verbose_name=_("photographs taken")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    agent_name = models.CharField(_("agent"), max_length=255, blank=True)
    checked_at = models.DateTimeField(_("checked on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.TO_CHECK
    )
    has_conflict = models.BooleanField(
        _("conflicting observations"),
        default=False,
        help_text=_("Two observations disagree on presence: a registrar must decide."),
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    validated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "work__inventory_sort_key", "pk"]
        verbose_name = _("récolement record")
        verbose_name_plural = _("récolement records")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "work"],
                condition=models.Q(work__isnull=False),
                name="recolement_one_record_per_work",
            ),
            models.CheckConstraint(
                condition=models.Q(work__isnull=False) | ~models.Q(found_description=""),
                name="recolement_record_names_its_object",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="recolement_status_idx")]

    def __str__(self):
        subject = self.work.inventory_number if self.work_id else _("not inventoried")
        return f"{self.campaign}: {subject} — {self.get_presence_display()}"

    @property
    def is_marked(self) -> bool:
        return self.marked_on_object or self.marked_on_label or self.marked_on_support

    @property
    def not_inventoried(self) -> bool:
        return self.work_id is None


class RecolementObservation(models.Model):
    """One observation sent by a tablet or typed in the back office: the event records are
    built from. Append-only; the key makes a replayed sync harmless."""

    key = models.CharField(max_length=100, unique=True)
    campaign = models.ForeignKey(
        RecolementCampaign, on_delete=models.PROTECT, related_name="observations"
    )
    record = models.ForeignKey(
        RecolementRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
    )
    work = models.ForeignKey(
        Work, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    device = models.CharField(_("device"), max_length=100, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    observed_at = models.DateTimeField(_("observed on"))
    data = models.JSONField(_("what was recorded"))
    received_at = models.DateTimeField(auto_now_add=True)
    applied = models.BooleanField(
        default=True, help_text=_("False when it conflicted with the record and awaits a decision.")
    )

    class Meta:
        ordering = ["observed_at", "pk"]
        verbose_name = _("récolement observation")
        verbose_name_plural = _("récolement observations")

    def __str__(self):
        return f"{self.key} ({self.device})"


class TabletSession(models.Model):
    """A tablet signed in with a registrar's account; revoking it locks the tablet out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tablet_sessions",
        verbose_name=_("user"),
    )
    device_name = models.CharField(_("tablet"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("signed in on"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tablet session")
        verbose_name_plural = _("tablet sessions")

    def __str__(self):
        return f"{self.device_name} — {self.user}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def open(cls, user, device_name: str) -> tuple["TabletSession", str]:
        """A new session and its token (shown once; only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        session = cls.objects.create(user=user, device_name=device_name, token_hash=cls.hash(token))
        return session, token

    @classmethod
    def user_for(cls, token: str):
        """The active user of a live session, or None (revoked, unknown, inactive user)."""
        session = (
            cls.objects.filter(token_hash=cls.hash(token), revoked_at__isnull=True)
            .select_related("user")
            .first()
        )
        if session is None or not session.user.is_active:
            return None
        cls.objects.filter(pk=session.pk).update(last_seen_at=timezone.now())
        return session.user

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
