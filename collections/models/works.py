"""The work (the museum object, *bien*) and its structured parts, after the Joconde model."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable, RevisionMixin

from ..dating import parse_date
from ..inventory_numbers import parse_inventory_number
from ..text import match_key
from .people import Person
from .vocabularies import Concept


class ProtectedRecordError(ValidationError):
    """A change that the museum's legal records forbid; the message says what to do instead."""


class JocondeRefCounter(models.Model):
    """Last number handed out per Muséofile code: REFs are allocated once and never reused."""

    museofile = models.CharField(max_length=5, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Joconde REF counter")

    def __str__(self):
        return f"{self.museofile}: {self.last_number}"


class JocondeExport(models.Model):
    """The last successful export to one target, for `export_joconde --changed`."""

    target = models.CharField(_("target"), max_length=500, unique=True)
    started_at = models.DateTimeField(_("started"))
    notices = models.PositiveIntegerField(_("notices"), default=0)

    class Meta:
        verbose_name = _("Joconde export")
        verbose_name_plural = _("Joconde exports")

    def __str__(self):
        return f"{self.target} ({self.started_at:%Y-%m-%d %H:%M})"


class OaiRecord(models.Model):
    """A work's record as the OAI-PMH provider has published it. Kept once published and
    marked deleted when the work is withdrawn (unpublished, deleted, found missing), so that
    harvesters remove it too; `services.oai_records.sync` keeps the rows in step."""

    work = models.OneToOneField(
        "collections.Work", on_delete=models.PROTECT, related_name="oai_record"
    )
    datestamp = models.DateTimeField(_("last change published"), db_index=True)
    deleted = models.BooleanField(_("withdrawn"), default=False)
    sets = models.CharField(_("sets"), max_length=1000, blank=True)  # "|museo:M0000|domn:…|"

    class Meta:
        verbose_name = _("OAI-PMH record")
        verbose_name_plural = _("OAI-PMH records")

    def __str__(self):
        return f"{self.work_id} ({self.datestamp:%Y-%m-%d %H:%M})"

    @property
    def set_specs(self) -> list[str]:
        return [spec for spec in self.sets.split("|") if spec]


class ImproperlyConfiguredMuseofile(ValueError):
    def __init__(self, code):
        super().__init__(
            f"CARTEL_MUSEOFILE={code!r} is not a 5-character Muséofile code (e.g. M0354): "
            "set it in the environment before creating works."
        )


def allocate_joconde_ref() -> str:
    """Next REF: the museum's 5-character Muséofile code followed by 6 digits (11 characters)."""
    museofile = settings.CARTEL_MUSEUM["MUSEOFILE"]
    if len(museofile) != 5:
        raise ImproperlyConfiguredMuseofile(museofile)
    with transaction.atomic():
        counter, _created = JocondeRefCounter.objects.select_for_update().get_or_create(
            museofile=museofile
        )
        counter.last_number += 1
        if counter.last_number > 999_999:
            raise ProtectedRecordError(
                _("All 999,999 Joconde REFs of %(code)s are used: ask the SMF for another code.")
                % {"code": museofile}
            )
        counter.save(update_fields=["last_number"])
    return f"{museofile}{counter.last_number:06d}"


class WorkQuerySet(models.QuerySet):
    def current(self):
        """Works that are not annotated as deleted."""
        return self.filter(is_deleted=False)

    def public(self):
        """Works the museum publishes on the portal and in open exports."""
        return self.filter(is_public=True, is_deleted=False)

    def delete(self):
        if not self.exists():  # nothing to refuse: Wagtail's bulk delete of no permitted work
            return 0, {}
        raise ProtectedRecordError(
            _("Works are never removed from the catalogue: mark them as deleted, with a reason.")
        )


class Work(RevisionMixin, ClusterableModel):
    """A museum object (*bien culturel*): its documentation, editable, beside the legal register."""

    class CopyrightStatus(models.TextChoices):
        UNKNOWN = "unknown", _("unknown")
        PUBLIC_DOMAIN = "public_domain", _("public domain")
        IN_COPYRIGHT = "in_copyright", _("in copyright")

    # Identification
    inventory_number = models.CharField(
        _("inventory number"),
        max_length=100,
        unique=True,
        help_text=_("As marked on the object, e.g. 2019.1.1. Never rewritten once saved."),
    )
    inventory_sort_key = models.CharField(max_length=255, editable=False, db_index=True)
    inventory_year = models.SmallIntegerField(null=True, blank=True, editable=False)
    joconde_ref = models.CharField(
        _("Joconde REF"),
        max_length=11,
        unique=True,
        editable=False,
        help_text=_("Muséofile code + 6 digits, generated once, never changed."),
    )

    # Designation
    title = models.CharField(_("title"), max_length=500, blank=True)
    appellation = models.CharField(_("appellation"), max_length=500, blank=True)

    # Dating (as written, plus normalised years for filtering and sorting)
    creation_date = models.CharField(
        _("date"),
        max_length=200,
        blank=True,
        help_text=_("As written, e.g. vers 1890, 1890-1895, 4e quart 19e siècle."),
    )
    creation_year_from = models.SmallIntegerField(_("from year"), null=True, blank=True)
    creation_year_to = models.SmallIntegerField(_("to year"), null=True, blank=True)
    creation_date_approximate = models.BooleanField(_("approximate date"), default=False)

    # Physical description
    dimensions_note = models.CharField(
        _("dimensions as written"),
        max_length=500,
        blank=True,
        help_text=_("Only what the structured dimensions cannot say."),
    )
    state = models.TextField(_("state of the object"), blank=True)
    description = models.TextField(_("description"), blank=True)
    inscriptions_note = models.TextField(_("details of inscriptions"), blank=True)

    # Subject and context
    subject_details = models.TextField(_("details of the subject"), blank=True)
    subject_date = models.CharField(_("date of the subject"), max_length=200, blank=True)
    creation_place_details = models.TextField(_("details of the place of creation"), blank=True)
    historical_geography = models.CharField(_("historical geography"), max_length=500, blank=True)
    use_details = models.TextField(_("details of use"), blank=True)
    use_date = models.CharField(_("date of use"), max_length=200, blank=True)
    discovery = models.TextField(
        _("discovery or collection"),
        blank=True,
        help_text=_("Place ; type of site ; method ; date ; finder."),
    )
    discovery_details = models.TextField(_("details of the discovery"), blank=True)

    # History and sources
    history = models.TextField(_("history"), blank=True)
    former_owners = models.TextField(_("former owners"), blank=True)
    former_attributions = models.TextField(_("former attributions"), blank=True)
    bibliography = models.TextField(_("bibliography"), blank=True)
    exhibition_history = models.TextField(_("exhibition history"), blank=True)
    comments = models.TextField(_("comments"), blank=True)
    cataloguers = models.CharField(_("cataloguers"), max_length=500, blank=True)

    # Acquisition and legal status
    acquisition_mode = models.ForeignKey(
        Concept,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mode of acquisition"),
    )
    acquisition_date = models.CharField(
        _("date of acquisition"),
        max_length=200,
        blank=True,
        help_text=_("As written, e.g. 1955 acquis ; 1954 entrée matérielle."),
    )
    acquisition_year = models.SmallIntegerField(null=True, blank=True, editable=False)
    acquisition_source = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="works_supplied",
        verbose_name=_("donor, testator or vendor"),
    )
    acquisition_price = models.DecimalField(
        _("acquisition price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    acquisition_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    ownership = models.ForeignKey(
        Concept,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("type of ownership"),
    )
    owner = models.CharField(_("owner"), max_length=255, blank=True)
    assigned_museum = models.CharField(_("assigned to (museum)"), max_length=255, blank=True)
    credit_line = models.CharField(_("credit line"), max_length=500, blank=True)
    copyright_notice = models.CharField(_("copyright notice"), max_length=500, blank=True)
    copyright_status = models.CharField(
        _("rights in the work"),
        max_length=20,
        choices=CopyrightStatus.choices,
        default=CopyrightStatus.UNKNOWN,
    )
    insurance_value = models.DecimalField(
        _("insurance value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    insurance_value_date = models.DateField(_("valued on"), null=True, blank=True)

    # Location (private): where the work belongs; where it is now is derived from its movements
    normal_location = models.ForeignKey(
        "collections.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="normal_works",
        verbose_name=_("normal location"),
        help_text=_("Where the work is kept when it is not on display, on loan or away."),
    )

    # Publication and record keeping
    in_joconde = models.BooleanField(
        _("send to Joconde"),
        default=False,
        help_text=_("Exported to the national Joconde catalogue (POP) with its public fields."),
    )
    is_public = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Shown on the portal and in open exports (public fields only)."),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    imported_records = models.JSONField(
        _("records as imported"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Each source's record as read by the importers, kept whole: nothing is lost."),
    )
    is_deleted = models.BooleanField(_("deleted"), default=False)
    deletion_reason = models.TextField(_("reason for deletion"), blank=True)
    deleted_at = models.DateTimeField(_("deleted on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WorkQuerySet.as_manager()

    class Meta:
        ordering = ["inventory_sort_key"]
        verbose_name = _("work")
        verbose_name_plural = _("works")
        permissions = [
            ("publish_work", _("Can publish works on the portal")),
            ("view_private_work_data", _("Can see prices, insurance values and donors")),
        ]
        indexes = [
            models.Index(fields=["creation_year_from", "creation_year_to"], name="work_years_idx"),
            models.Index(fields=["is_public", "inventory_sort_key"], name="work_public_sort_idx"),
            models.Index(fields=["title"], name="work_title_idx"),
            models.Index(fields=["updated_at"], name="work_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(creation_year_from__isnull=True)
                | models.Q(creation_year_to__isnull=True)
                | models.Q(creation_year_from__lte=models.F("creation_year_to")),
                name="work_years_ordered",
            ),
        ]

    def __str__(self):
        return (
            f"{self.inventory_number} — {self.designation}"
            if self.designation
            else self.inventory_number
        )

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_ids = (
            instance.__dict__.get("inventory_number"),
            instance.__dict__.get("joconde_ref"),
        )
        return instance

    def clean(self):
        super().clean()
        if (
            self.creation_year_from is not None
            and self.creation_year_to is not None
            and self.creation_year_from > self.creation_year_to
        ):
            raise ValidationError({"creation_year_to": _("The end year is before the start year.")})
        if self.is_deleted and not self.deletion_reason.strip():
            raise ValidationError(
                {"deletion_reason": _("Say why the record is marked as deleted.")}
            )

    def save(self, *args, **kwargs):
        self.inventory_number = self.inventory_number.strip()
        self._check_identifiers_unchanged()
        number = parse_inventory_number(self.inventory_number)
        self.inventory_sort_key = number.sort_key
        self.inventory_year = number.year
        self._normalise_dates()
        if not self.joconde_ref:
            self.joconde_ref = allocate_joconde_ref()
        if self.is_deleted and self.deleted_at is None:
            self.deleted_at = timezone.now()
        super().save(*args, **kwargs)
        self._stored_ids = (self.inventory_number, self.joconde_ref)

    def delete(self, *args, **kwargs):
        raise ProtectedRecordError(
            _("Works are never removed from the catalogue: mark them as deleted, with a reason.")
        )

    def _check_identifiers_unchanged(self):
        stored = getattr(self, "_stored_ids", None)
        if not stored or stored == (self.inventory_number, self.joconde_ref):
            return
        if stored[0] != self.inventory_number:
            raise ProtectedRecordError(
                _(
                    "Inventory number %(old)s cannot be rewritten as %(new)s: numbers are never "
                    "changed (arrêté du 25 mai 2004). Record %(new)s as another number instead."
                )
                % {"old": stored[0], "new": self.inventory_number}
            )
        if stored[1] and stored[1] != self.joconde_ref:
            raise ProtectedRecordError(
                _("The Joconde REF %(ref)s of a work never changes.") % {"ref": stored[1]}
            )

    def _normalise_dates(self):
        parsed = parse_date(self.creation_date) if self.creation_date else None
        if parsed is not None:
            self.creation_year_from = parsed.earliest
            self.creation_year_to = parsed.latest
            self.creation_date_approximate = parsed.approximate
        acquired = parse_date(self.acquisition_date) if self.acquisition_date else None
        self.acquisition_year = acquired.earliest if acquired else None

    @property
    def designation(self) -> str:
        """Title, else appellation, else the first denomination."""
        if self.title or self.appellation:
            return self.title or self.appellation
        first = next(iter(self.denominations.all()), None)
        return first.label if first else ""

    COPYRIGHT_YEARS = 70  # after the death of the last maker (Code de la propriété intellectuelle)

    @property
    def rights_in_work(self) -> str:
        """The copyright status of the work itself: as set, or, when unknown, public domain
        once every maker has been dead for more than 70 years (a work without known maker
        stays unknown)."""
        if self.copyright_status != self.CopyrightStatus.UNKNOWN:
            return self.copyright_status
        makers = [maker.person for maker in self.makers.all()]
        year = timezone.now().year
        if makers and all(
            p.death_year is not None and p.death_year + self.COPYRIGHT_YEARS < year for p in makers
        ):
            return self.CopyrightStatus.PUBLIC_DOMAIN
        return self.CopyrightStatus.UNKNOWN

    @property
    def legal_status(self) -> str:
        """Joconde STAT: type of ownership ; mode of acquisition ; owner ; assigned museum."""
        parts = [
            self.ownership.pref_label if self.ownership else "",
            self.acquisition_mode.pref_label
            if self.acquisition_mode
            else "mode d'acquisition inconnu",
            self.owner,
            self.assigned_museum,
        ]
        return " ; ".join(part for part in parts if part)

    @property
    def dimensions_display(self) -> str:
        shown = " ; ".join(d.display for d in self.dimensions.all())
        return " ; ".join(part for part in (shown, self.dimensions_note) if part)

    def vocabulary_warnings(self) -> list[str]:
        """Values typed outside their vocabulary: allowed, but listed for review."""
        warnings = []
        for relation, term_model in TERM_RELATIONS.items():
            for term in getattr(self, relation).all():
                if term.concept_id is None:
                    warnings.append(
                        _("%(field)s: “%(value)s” is not in the vocabulary %(scheme)s.")
                        % {
                            "field": term_model._meta.verbose_name,
                            "value": term.label,
                            "scheme": term_model.scheme_code,
                        }
                    )
        return warnings


class WorkNumber(Orderable):
    """Another number carried by the work: old number, depositor's number, catalogue number."""

    class Kind(models.TextChoices):
        OLD = "old", _("old number")
        PREVIOUS_INVENTORY = "previous_inventory", _("previous inventory number")
        DEPOSITOR = "depositor", _("depositor's number")
        SOURCE = "source", _("number at the source institution")
        CATALOGUE = "catalogue", _("catalogue number")
        PHOTO = "photo", _("photograph number")
        OTHER = "other", _("other number")

    work = ParentalKey(Work, on_delete=models.CASCADE, related_name="other_numbers")
    number = models.CharField(_("number"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OLD)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("other number")
        verbose_name_plural = _("other numbers")
        indexes = [models.Index(fields=["number"], name="worknumber_number_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.number}"


class ControlledTerm(Orderable):
    """A value of a controlled field: the label as shown, linked to its concept when it has one.

    A label outside the vocabulary is kept (concept empty) and flagged for review.
    """

    scheme_code = ""
    branch = ""  # top-level concept to prefer when a label names several (see best_match)

    label = models.CharField(_("term"), max_length=255)
    concept = models.ForeignKey(
        Concept,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concept"),
        editable=False,
    )
    label_key = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.resolve_concept()
        super().save(*args, **kwargs)

    def resolve_concept(self, resolve=None) -> None:
        """Tidy the label and link it to its concept, as every save does.

        `resolve(scheme_code, label)` finds the concept: one query by default; bulk loads
        pass `TermResolver().resolve` and call this before `bulk_create`, which skips save().
        """
        resolve = resolve or Concept.objects.resolve
        self.label = " ".join(self.label.split())
        self.concept = resolve(self.scheme_code, self.label, self.branch)
        if self.concept is not None:
            self.label = self.concept.pref_label
        self.label_key = match_key(self.label)

    @property
    def in_vocabulary(self) -> bool:
        return self.concept_id is not None


def _term_model(
    class_name, scheme_code, related_name, verbose_name, verbose_name_plural, branch=""
):
    """Declare one controlled field of Work: an ordered list of terms from one scheme."""
    meta = type(
        "Meta",
        (ControlledTerm.Meta,),
        {
            "verbose_name": verbose_name,
            "verbose_name_plural": verbose_name_plural,
        },
    )
    return type(
        class_name,
        (ControlledTerm,),
        {
            "__module__": __name__,
            "scheme_code": scheme_code,
            "branch": branch,
            "work": ParentalKey(Work, on_delete=models.CASCADE, related_name=related_name),
            "Meta": meta,
        },
    )


WorkDomain = _term_model("WorkDomain", "DOMN", "domains", _("domain"), _("domains"))
WorkDenomination = _term_model(
    "WorkDenomination", "DENO", "denominations", _("denomination"), _("denominations")
)
WorkMaterial = _term_model(
    "WorkMaterial", "TECH", "materials", _("material"), _("materials"), branch="matériau"
)
WorkTechnique = _term_model(
    "WorkTechnique", "TECH", "techniques", _("technique"), _("techniques"), branch="technique"
)
WorkPeriod = _term_model("WorkPeriod", "PERI", "periods", _("period"), _("periods"))
WorkStyle = _term_model("WorkStyle", "EPOQ", "styles", _("period or style"), _("periods or styles"))
WorkSchool = _term_model("WorkSchool", "ECOL", "schools", _("school"), _("schools"))
WorkSubject = _term_model("WorkSubject", "REPR", "subjects", _("subject"), _("subjects"))
WorkSubjectSource = _term_model(
    "WorkSubjectSource",
    "SREP",
    "subject_sources",
    _("source of the subject"),
    _("sources of the subject"),
)
WorkPlace = _term_model("WorkPlace", "LIEUX", "places", _("place"), _("places"))
WorkUse = _term_model("WorkUse", "UTIL", "uses", _("use"), _("uses"))
WorkGenesis = _term_model("WorkGenesis", "GENE", "genesis", _("genesis"), _("genesis"))

# relation name on Work -> term model, in the order of the Joconde record
TERM_RELATIONS = {
    "domains": WorkDomain,
    "denominations": WorkDenomination,
    "materials": WorkMaterial,
    "techniques": WorkTechnique,
    "periods": WorkPeriod,
    "styles": WorkStyle,
    "schools": WorkSchool,
    "genesis": WorkGenesis,
    "subjects": WorkSubject,
    "subject_sources": WorkSubjectSource,
    "places": WorkPlace,
    "uses": WorkUse,
}


class WorkMaker(Orderable):
    """A maker of the work, with the role and the attribution qualifier the cataloguer gives."""

    class Qualifier(models.TextChoices):
        NONE = "", _("(certain)")
        ATTRIBUTED = "attribué à", _("attributed to")
        WORKSHOP = "atelier de", _("workshop of")
        CIRCLE = "entourage de", _("circle of")
        SCHOOL = "école de", _("school of")
        FOLLOWER = "suiveur de", _("follower of")
        MANNER = "genre de", _("manner of")
        AFTER = "d'après", _("after")
        COPY = "copie d'après", _("copy after")
        FORMERLY = "anciennement attribué à", _("formerly attributed to")

    work = ParentalKey(Work, on_delete=models.CASCADE, related_name="makers")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="works_made", verbose_name=_("maker")
    )
    role = models.CharField(
        _("role"), max_length=100, blank=True, help_text=_("e.g. peintre, graveur, éditeur.")
    )
    role_concept = models.ForeignKey(
        Concept, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    qualifier = models.CharField(
        _("attribution"), max_length=30, choices=Qualifier.choices, blank=True, default=""
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("maker")
        verbose_name_plural = _("makers")

    def __str__(self):
        return self.display

    def save(self, *args, **kwargs):
        self.resolve_role()
        super().save(*args, **kwargs)

    def resolve_role(self, resolve=None) -> None:
        """Tidy the role and link it to its AUTROLE concept, as every save does.

        `resolve(scheme_code, label)` as in ControlledTerm.resolve_concept (for bulk loads).
        """
        resolve = resolve or Concept.objects.resolve
        self.role = " ".join(self.role.split())
        self.role_concept = resolve("AUTROLE", self.role) if self.role else None
        if self.role_concept is not None:
            self.role = self.role_concept.pref_label

    @property
    def display(self) -> str:
        """e.g. 'attribué à Maurice Denis (peintre)'."""
        text = f"{self.qualifier} {self.person.name}".strip()
        return f"{text} ({self.role})" if self.role else text

    @property
    def joconde_display(self) -> str:
        """AUTR form: 'DENIS Maurice (peintre)', 'DENIS Maurice (attribué à, peintre)'."""
        details = ", ".join(part for part in (self.qualifier, self.role) if part)
        name = self.person.joconde_name
        return f"{name} ({details})" if details else name


class Dimension(Orderable):
    class Kind(models.TextChoices):
        HEIGHT = "height", _("height")
        WIDTH = "width", _("width")
        DEPTH = "depth", _("depth")
        LENGTH = "length", _("length")
        DIAMETER = "diameter", _("diameter")
        THICKNESS = "thickness", _("thickness")
        WEIGHT = "weight", _("weight")
        VOLUME = "volume", _("volume")

    class Unit(models.TextChoices):
        MM = "mm", "mm"
        CM = "cm", "cm"
        M = "m", "m"
        G = "g", "g"
        KG = "kg", "kg"
        L = "l", "l"

    # Abbreviations of the Joconde DIMS field.
    ABBREVIATIONS = {
        "height": "H.",
        "width": "l.",
        "depth": "P.",
        "length": "L.",
        "diameter": "D.",
        "thickness": "E.",
        "weight": "Pds",
        "volume": "Vol.",
    }

    work = ParentalKey(Work, on_delete=models.CASCADE, related_name="dimensions")
    kind = models.CharField(_("dimension"), max_length=20, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=4, choices=Unit.choices, default=Unit.CM)
    part = models.CharField(
        _("part measured"),
        max_length=100,
        blank=True,
        help_text=_("e.g. avec cadre, feuille, image."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self):
        return self.display

    def clean(self):
        if self.value is not None and self.value <= 0:
            raise ValidationError({"value": _("A dimension must be greater than zero.")})

    @property
    def display(self) -> str:
        """'H. 61 cm', 'l. 50.5 cm (avec cadre)' with a decimal point, as Joconde wants."""
        value = Decimal(self.value).normalize()
        number = f"{value:f}"
        text = f"{self.ABBREVIATIONS.get(self.kind, self.kind)} {number} {self.unit}"
        return f"{text} ({self.part})" if self.part else text


class Inscription(Orderable):
    """A mark, signature, date or text on the object, with where it is and what it says."""

    work = ParentalKey(Work, on_delete=models.CASCADE, related_name="inscriptions")
    kind = models.CharField(
        _("kind"), max_length=100, help_text=_("e.g. signature, date, monogramme, cachet.")
    )
    kind_concept = models.ForeignKey(
        Concept, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    transcription = models.TextField(_("transcription"), blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)
    technique = models.CharField(_("technique"), max_length=255, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")

    def __str__(self):
        return self.display

    def save(self, *args, **kwargs):
        self.kind = " ".join(self.kind.split())
        self.kind_concept = Concept.objects.resolve("INSC", self.kind)
        if self.kind_concept is not None:
            self.kind = self.kind_concept.pref_label
        super().save(*args, **kwargs)

    @property
    def display(self) -> str:
        """'signature (en bas à droite) : M. Denis'."""
        text = f"{self.kind} ({self.position})" if self.position else self.kind
        return f"{text} : {self.transcription}" if self.transcription else text


class WorkLink(Orderable):
    """A link to another resource: web page, video, a related notice in another national base."""

    class Kind(models.TextChoices):
        WEBSITE = "WWW", _("web page")
        VIDEO = "LVID", _("video")
        MERIMEE = "REFMER", _("Mérimée notice")
        PALISSY = "REFPAL", _("Palissy notice")
        MEMOIRE = "REFMEM", _("Mémoire notice")
        ARCADE = "LARC", _("Arcade notice")
        INHA = "RETIF", _("INHA notice (RETIF)")

    work = ParentalKey(Work, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("address or reference"), max_length=500)
    label = models.CharField(_("label"), max_length=255, blank=True)

    URL_KINDS = {"WWW", "LVID", "LARC", "RETIF"}

    class Meta(Orderable.Meta):
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self):
        return self.label or self.value

    def clean(self):
        if self.kind in self.URL_KINDS:
            from django.core.validators import URLValidator

            try:
                URLValidator(schemes=["http", "https"])(self.value)
            except ValidationError:
                raise ValidationError(
                    {"value": _("Give a full web address, starting with https:// or http://.")}
                ) from None
