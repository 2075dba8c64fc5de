"""The museum's legal registers: the inventory (arrêté du 25 mai 2004, annex 1) and the deposits.

A register entry is written as a draft, then validated by a registrar. From validation on, its
regulatory columns never change: only the fields listed in ``MUTABLE_FIELDS`` (the observations,
and for deposits the life of the deposit) may. The rule is enforced by ``save()``, by the
queryset's ``update()`` and ``delete()``, by the admin forms and by database triggers (migration
0004), so that no path — not even raw SQL — can falsify a validated entry.

Each validated entry carries a SHA-256 hash chained to the previous entry of its register
(``services.register`` computes and verifies it). A removal from the register (*radiation*) is an
annotation in its own append-only table: the entry itself stays as it was validated.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..inventory_numbers import parse_inventory_number
from .people import Person
from .stored import StoredValues
from .works import ProtectedRecordError, Work


class RegisterQuerySet(models.QuerySet):
    def validated(self):
        return self.filter(status=RegisterEntry.Status.VALIDATED)

    def drafts(self):
        return self.filter(status=RegisterEntry.Status.DRAFT)

    def update(self, **kwargs):
        locked = set(kwargs) - self.model.MUTABLE_FIELDS
        if locked and self.validated().exists():
            raise ProtectedRecordError(self.model.locked_message(sorted(locked)))
        return super().update(**kwargs)

    def delete(self):
        if self.validated().exists():
            raise ProtectedRecordError(self.model.undeletable_message())
        return super().delete()


class RegisterDescription(models.Model):
    """The description and complementary columns shared by both registers (annex 1, 2 and 3)."""

    designation = models.TextField(
        _("designation"),
        help_text=_("Category and name, subject or title, e.g. Tableau : Les Muses."),
    )
    inscriptions = models.TextField(_("marks and inscriptions"), blank=True)
    materials = models.CharField(_("materials"), max_length=500, blank=True)
    techniques = models.CharField(_("techniques"), max_length=500, blank=True)
    measurements = models.CharField(
        _("measurements"), max_length=500, blank=True, help_text=_("With their units.")
    )
    identification_notes = models.TextField(
        _("condition notes for identification"),
        blank=True,
        help_text=_("What identifies this object, e.g. a missing part, a repaired corner."),
    )
    author = models.CharField(
        _("author, collector, maker or commissioner"), max_length=500, blank=True
    )
    period = models.CharField(_("period or date"), max_length=200, blank=True)
    function = models.CharField(_("function or use"), max_length=500, blank=True)
    provenance = models.TextField(_("provenance"), blank=True)
    discovery = models.CharField(_("date and place of discovery"), max_length=500, blank=True)

    class Meta:
        abstract = True


class RegisterEntry(StoredValues, RegisterDescription):
    """What makes a row of a legal register: the draft → validated life and the hash chain."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        VALIDATED = "validated", _("validated")

    #: The only fields that may change once the entry is validated.
    MUTABLE_FIELDS = frozenset(
        {"observations", "updated_at", "inventory_sort_key", "deposit_sort_key"}
    )
    #: Fields left out of the hash: the chain itself and the mutable fields.
    UNHASHED_FIELDS = frozenset({"id", "entry_hash", "previous_hash", "validated_by"})
    REGISTER = ""  # "inventory" or "deposits": names the chain in hashes and messages

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    sequence = models.PositiveIntegerField(
        _("order of entry"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Position in the register, given at validation."),
    )
    validated_at = models.DateTimeField(_("validated on"), null=True, blank=True, editable=False)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # deactivate the account instead: the register names it
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("validated by"),
    )
    validated_by_name = models.CharField(
        _("validated by"), max_length=255, blank=True, editable=False
    )
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)
    observations = models.TextField(
        _("observations"),
        blank=True,
        help_text=_("The only column that may still change after validation."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        changed = self.changed_locked_fields()
        if changed:
            raise ProtectedRecordError(self.locked_message(changed))
        super().save(*args, **kwargs)
        self.remember_stored()

    def delete(self, *args, **kwargs):
        stored = getattr(self, "_stored", None) or {}
        if self.is_validated or stored.get("status") == self.Status.VALIDATED:
            raise ProtectedRecordError(self.undeletable_message())
        return super().delete(*args, **kwargs)

    @property
    def is_validated(self) -> bool:
        return self.status == self.Status.VALIDATED

    @classmethod
    def locked_fields(cls) -> list[str]:
        """Columns that a database trigger freezes once the entry is validated."""
        return [f.column for f in cls._meta.concrete_fields if f.name not in cls.MUTABLE_FIELDS]

    @classmethod
    def locked_message(cls, fields) -> str:
        names = ", ".join(str(cls._meta.get_field(name).verbose_name) for name in fields)
        return _(
            "A validated entry of the %(register)s cannot change (%(fields)s): the register is "
            "unalterable (arrêté du 25 mai 2004). Write the correction in the observations."
        ) % {"register": cls._meta.verbose_name_plural, "fields": names}

    @classmethod
    def undeletable_message(cls) -> str:
        return _(
            "A validated entry is never deleted from the %(register)s. Record its removal "
            "(radiation) with the decision's reference instead."
        ) % {"register": cls._meta.verbose_name_plural}

    def changed_locked_fields(self) -> list[str]:
        """Locked fields whose value differs from the validated row in the database."""
        stored = getattr(self, "_stored", None)
        if not stored or stored.get("status") != self.Status.VALIDATED:
            return []
        changed = []
        for field in self._meta.concrete_fields:
            if field.name in self.MUTABLE_FIELDS or field.attname not in stored:
                continue
            old = field.to_python(stored[field.attname])
            new = field.to_python(getattr(self, field.attname))
            if old != new:
                changed.append(field.name)
        return changed


class InventoryEntry(RegisterEntry):
    """One row of the inventory register (annex 1 of the arrêté du 25 mai 2004)."""

    class PublicFunding(models.TextChoices):
        NONE = "", _("not stated")
        WITH = "AS", _("AS — with public funding")
        WITHOUT = "ANS", _("ANS — without public funding")

    REGISTER = "inventory"

    work = models.OneToOneField(
        Work,
        on_delete=models.PROTECT,
        related_name="inventory_entry",
        verbose_name=_("work"),
        help_text=_("The documentation record of the object; it stays editable."),
    )
    inventory_number = models.CharField(
        _("inventory number"),
        max_length=100,
        unique=True,
        editable=False,
        help_text=_("The work's number; never rewritten or reused."),
    )
    inventory_sort_key = models.CharField(max_length=255, editable=False, db_index=True)
    legacy_numbering = models.BooleanField(
        _("legacy numbering"),
        default=False,
        help_text=_("The number comes from an earlier system (e.g. RF 2125) and is kept as it is."),
    )

    # 1. Legal status and acquisition
    acquisition_mode = models.CharField(
        _("mode of acquisition"), max_length=200, help_text=_("e.g. achat, don, legs, dation.")
    )
    acquisition_source = models.CharField(
        _("donor, testator or vendor"), max_length=500, blank=True
    )
    acquisition_deed_date = models.CharField(
        _("date of the acquisition deed"),
        max_length=100,
        blank=True,
        help_text=_("As written in the deed, e.g. 12/03/2019 or 1912."),
    )
    assignment_date = models.CharField(
        _("date of assignment to the museum"), max_length=100, blank=True
    )
    scientific_opinion = models.TextField(
        _("opinion of the scientific bodies"),
        blank=True,
        help_text=_("Body, date and opinion, e.g. commission régionale du 12/03/2019, favorable."),
    )
    price = models.DecimalField(
        _("purchase price (euros)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    public_funding = models.CharField(
        _("public funding"),
        max_length=3,
        choices=PublicFunding.choices,
        default=PublicFunding.NONE,
        blank=True,
    )
    registration_date = models.DateField(
        _("date of entry in the register"),
        null=True,
        blank=True,
        help_text=_("Left empty, it is the day of validation."),
    )

    class Meta:
        ordering = ["sequence", "inventory_sort_key"]
        verbose_name = _("inventory register entry")
        verbose_name_plural = _("inventory register")
        permissions = [
            ("validate_inventoryentry", _("Can validate inventory register entries")),
            ("remove_inventoryentry", _("Can record removals from the inventory register")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (models.Q(sequence__isnull=False) & ~models.Q(entry_hash="")),
                name="inventoryentry_validated_is_chained",
            ),
        ]

    def __str__(self):
        return f"{self.inventory_number} — {self.designation[:80]}"

    def save(self, *args, **kwargs):
        if not self.is_validated and self.work_id:
            self.inventory_number = Work.objects.values_list("inventory_number", flat=True).get(
                pk=self.work_id
            )
        if self.inventory_number:
            self.inventory_sort_key = parse_inventory_number(self.inventory_number).sort_key
        super().save(*args, **kwargs)

    @property
    def removal_or_none(self):
        try:
            return self.removal
        except InventoryRemoval.DoesNotExist:
            return None


class InventoryRemoval(models.Model):
    """The removal of a validated entry from the register (*radiation*): an annotation, never
    a deletion. Append-only: neither the model nor the database accepts a change to it."""

    class Case(models.TextChoices):
        DESTRUCTION = "destruction", _("destruction")
        UNDUE_ENTRY = "undue_entry", _("undue entry")
        CHANGE_OF_ASSIGNMENT = "change_of_assignment", _("change of assignment")
        TRANSFER_OF_OWNERSHIP = "transfer_of_ownership", _("transfer of ownership")
        DECLASSIFICATION = "declassification", _("declassification")

    entry = models.OneToOneField(
        InventoryEntry,
        on_delete=models.PROTECT,
        related_name="removal",
        verbose_name=_("register entry"),
    )
    case = models.CharField(_("case"), max_length=30, choices=Case.choices)
    decision_reference = models.CharField(
        _("decision"),
        max_length=500,
        help_text=_("Reference of the decision (deliberation, decree, official report…)."),
    )
    decision_date = models.DateField(_("date of the decision"))
    note = models.TextField(_("explanation"), blank=True)
    recorded_at = models.DateTimeField(_("recorded on"), editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=255, editable=False)
    removal_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("removal from the inventory")
        verbose_name_plural = _("removals from the inventory")

    def __str__(self):
        return f"{self.entry.inventory_number}: {self.get_case_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ProtectedRecordError(
                _(
                    "A removal from the register is never changed. Write any correction in the "
                    "observations of the entry."
                )
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ProtectedRecordError(
            _("A removal from the register is never deleted: it is part of the legal record.")
        )


class DepositEntry(RegisterEntry):
    """One row of the register of deposits (annex 3): an object that belongs to someone else.

    The facts of the deposit are locked at validation; its life — the convention and its
    renewals, a sub-deposit, its end — is recorded in the fields that stay open.
    """

    REGISTER = "deposits"
    MUTABLE_FIELDS = RegisterEntry.MUTABLE_FIELDS | {
        "convention_reference",
        "convention_start",
        "convention_end",
        "is_sub_deposit",
        "sub_deposit_place",
        "end_deed",
        "ended_on",
    }

    work = models.ForeignKey(
        Work,
        on_delete=models.PROTECT,
        related_name="deposit_entries",
        verbose_name=_("work"),
    )
    deposit_number = models.CharField(
        _("deposit number"),
        max_length=100,
        unique=True,
        help_text=_("The museum's own number for the deposit, e.g. D.2005.3.1."),
    )
    deposit_sort_key = models.CharField(max_length=255, editable=False, db_index=True)
    depositor = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="deposits",
        verbose_name=_("depositor"),
        help_text=_("The institution that lends: FNAC (Cnap), Centre Pompidou, Louvre…"),
    )
    depositor_name = models.CharField(_("depositor as registered"), max_length=500, editable=False)
    depositor_number = models.CharField(
        _("depositor's inventory number"),
        max_length=100,
        help_text=_("As the depositor writes it, e.g. AM 3962P, FNAC PFH-6020, INV 5016."),
    )
    owner = models.CharField(
        _("owner"), max_length=500, blank=True, help_text=_("e.g. État, Ville de Paris.")
    )
    deposit_deed = models.CharField(
        _("deposit deed"),
        max_length=500,
        help_text=_("Decree, order or agreement that makes the deposit, with its date."),
    )
    taken_in_charge_on = models.DateField(_("date of taking charge"))

    # The life of the deposit: stays open after validation
    convention_reference = models.CharField(_("convention"), max_length=500, blank=True)
    convention_start = models.DateField(_("convention starts"), null=True, blank=True)
    convention_end = models.DateField(
        _("convention ends"),
        null=True,
        blank=True,
        help_text=_("Renewal is due before this date (State deposits: up to 10 years)."),
    )
    is_sub_deposit = models.BooleanField(
        _("sub-deposit"),
        default=False,
        help_text=_("The object is placed by the museum in a third place, with authorisation."),
    )
    sub_deposit_place = models.CharField(_("place of sub-deposit"), max_length=500, blank=True)
    end_deed = models.CharField(_("end-of-deposit deed"), max_length=500, blank=True)
    ended_on = models.DateField(_("deposit ended on"), null=True, blank=True)

    class Meta:
        ordering = ["sequence", "deposit_sort_key"]
        verbose_name = _("deposit register entry")
        verbose_name_plural = _("register of deposits")
        permissions = [("validate_depositentry", _("Can validate deposit register entries"))]
        constraints = [
            models.UniqueConstraint(
                fields=["depositor", "depositor_number"], name="deposit_unique_depositor_number"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (models.Q(sequence__isnull=False) & ~models.Q(entry_hash="")),
                name="depositentry_validated_is_chained",
            ),
        ]

    def __str__(self):
        return f"{self.deposit_number} ({self.depositor_name} {self.depositor_number})"

    def save(self, *args, **kwargs):
        if not self.is_validated and self.depositor_id:
            self.depositor_name = Person.objects.values_list("name", flat=True).get(
                pk=self.depositor_id
            )
        self.deposit_number = self.deposit_number.strip()
        self.deposit_sort_key = parse_inventory_number(self.deposit_number).sort_key
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class RegisterHead(models.Model):
    """The end of each register's hash chain, locked while an entry is validated so that two
    validations never take the same place."""

    register = models.CharField(max_length=20, primary_key=True)
    last_sequence = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("register head")

    def __str__(self):
        return f"{self.register}: {self.last_sequence}"
