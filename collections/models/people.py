"""Authorities for people and organisations: makers, donors, lenders, former owners."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from .. import validators
from ..dating import parse_date
from ..text import match_key

# Links to reference authorities: each identifies at most one record here.
IDENTIFIER_FIELDS = ("wikidata_id", "ulan_id", "bnf_ark", "idref_id")


class PersonQuerySet(models.QuerySet):
    def active(self):
        """Authorities still in use (duplicates merged into another record are left out)."""
        return self.filter(merged_into__isnull=True)


class Person(ClusterableModel):
    """A person or an organisation (workshop, manufacture, institution, company)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANISATION = "organisation", _("organisation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(
        _("name"),
        max_length=255,
        help_text=_("Usual form, e.g. Maurice Denis, Manufacture de Sèvres."),
    )
    surname = models.CharField(_("surname"), max_length=255, blank=True)
    forenames = models.CharField(_("forenames"), max_length=255, blank=True)
    sort_name = models.CharField(max_length=255, editable=False, db_index=True)

    birth_date = models.CharField(_("date of birth"), max_length=100, blank=True)
    birth_year = models.SmallIntegerField(_("year of birth"), null=True, blank=True, editable=False)
    birth_place = models.CharField(_("place of birth"), max_length=255, blank=True)
    death_date = models.CharField(_("date of death"), max_length=100, blank=True)
    death_year = models.SmallIntegerField(_("year of death"), null=True, blank=True, editable=False)
    death_place = models.CharField(_("place of death"), max_length=255, blank=True)
    nationality = models.CharField(_("nationality"), max_length=100, blank=True)
    biography = models.TextField(_("biography"), blank=True)

    wikidata_id = models.CharField(
        _("Wikidata"), max_length=20, blank=True, validators=[validators.wikidata_id]
    )
    ulan_id = models.CharField(
        _("ULAN"), max_length=12, blank=True, validators=[validators.ulan_id]
    )
    bnf_ark = models.CharField(
        _("BnF ARK"), max_length=40, blank=True, validators=[validators.bnf_ark]
    )
    idref_id = models.CharField(
        _("IdRef"), max_length=12, blank=True, validators=[validators.idref_id]
    )

    # Personal data (donors, lenders, sellers): never public.
    address = models.TextField(_("postal address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    private_notes = models.TextField(_("internal notes"), blank=True)

    source_ref = models.CharField(
        _("identifier at the source"),
        max_length=100,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_(
            "Key of the record in the file or system it was imported from, e.g. tate-artist:558."
        ),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        verbose_name=_("merged into"),
        editable=False,
    )
    merged_at = models.DateTimeField(_("merged on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    IDENTIFIER_FIELDS = IDENTIFIER_FIELDS

    class Meta:
        ordering = ["sort_name"]
        verbose_name = _("person or organisation")
        verbose_name_plural = _("people and organisations")
        permissions = [("merge_person", _("Can merge duplicate people and organisations"))]
        constraints = [
            models.UniqueConstraint(
                fields=[field], condition=~models.Q(**{field: ""}), name=f"person_unique_{field}"
            )
            for field in IDENTIFIER_FIELDS
        ]

    def __str__(self):
        life = self.life_dates
        return f"{self.name} ({life})" if life else self.name

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self) -> None:
        """Sort name and years from what was typed; save() calls it, bulk loads must too."""
        self.sort_name = match_key(
            f"{self.surname} {self.forenames}" if self.surname else self.name
        )
        self.birth_year = self._year(self.birth_date, "earliest")
        self.death_year = self._year(self.death_date, "latest")

    @staticmethod
    def _year(text: str, bound: str) -> int | None:
        parsed = parse_date(text) if text else None
        return getattr(parsed, bound) if parsed else None

    @property
    def life_dates(self) -> str:
        if not (self.birth_date or self.death_date):
            return ""
        return f"{self.birth_date or '?'} – {self.death_date or ''}".strip()

    @property
    def joconde_name(self) -> str:
        """The AUTR form of the Joconde lists: surname in capitals, then forenames."""
        if self.kind == self.Kind.PERSON and self.surname:
            return f"{self.surname.upper()} {self.forenames}".strip()
        return self.name

    AUTHORITY_URIS = {
        "wikidata_id": "http://www.wikidata.org/entity/{}",
        "ulan_id": "http://vocab.getty.edu/ulan/{}",
        "bnf_ark": "https://catalogue.bnf.fr/{}",
        "idref_id": "https://www.idref.fr/{}",
    }

    @property
    def authority_uris(self) -> list[str]:
        """The person's authority identifiers as URIs, for linked-data exports."""
        return [
            pattern.format(getattr(self, name))
            for name, pattern in self.AUTHORITY_URIS.items()
            if getattr(self, name)
        ]

    @property
    def canonical(self) -> "Person":
        """The record this one was merged into (followed to the end), or itself."""
        person, seen = self, {self.pk}
        while person.merged_into_id and person.merged_into_id not in seen:
            seen.add(person.merged_into_id)
            person = person.merged_into
        return person


class PersonName(Orderable):
    """Another form of a name: variant spelling, pseudonym, birth or married name."""

    class Kind(models.TextChoices):
        VARIANT = "variant", _("variant form")
        PSEUDONYM = "pseudonym", _("pseudonym")
        BIRTH = "birth", _("birth name")
        MARRIED = "married", _("married name")
        FORMER = "former", _("former name")
        MERGED = "merged", _("form from a merged record")

    person = ParentalKey(Person, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VARIANT)

    class Meta(Orderable.Meta):
        verbose_name = _("other name")
        verbose_name_plural = _("other names")

    def __str__(self):
        return self.name
