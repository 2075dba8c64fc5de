"""Controlled vocabularies: concept schemes (SMF lexicons, OpenTheso lists) and their concepts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..text import match_key


class ConceptScheme(models.Model):
    """A controlled list, keyed by the Joconde field it serves (DOMN, DENO, TECH, ...)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=255)
    source = models.CharField(_("source"), max_length=255, blank=True)
    uri = models.URLField(_("URI"), blank=True, help_text=_("ARK or OpenTheso address."))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("concept scheme")
        verbose_name_plural = _("concept schemes")

    def __str__(self):
        return f"{self.code} — {self.name}"


def best_match(label: str, candidates, branch: str = "") -> "Concept | None":
    """The concept a value stands for among those sharing its matching key.

    Keys ignore accents and case, so one key may name several concepts (TECH has the material
    “bronze” and the technique “bronzé”). Preference goes to the branch asked for (materials
    under “matériau …”, techniques under “technique …”), then to the exact spelling, then to
    the oldest concept.
    """
    spelling = " ".join(label.split()).casefold()
    branch_key = match_key(branch)

    def rank(concept):
        forms = {concept.pref_label.casefold(), *(alt.casefold() for alt in concept.alt_labels)}
        return (
            bool(branch_key) and not concept.branch_key.startswith(branch_key),
            spelling not in forms,
            concept.pk,
        )

    return min(candidates, key=rank, default=None)


class ConceptQuerySet(models.QuerySet):
    def resolve(self, scheme_code: str, label: str, branch: str = "") -> "Concept | None":
        """The concept a free value stands for: preferred labels first, then alternative ones."""
        key = match_key(label)
        if not key:
            return None
        in_scheme = self.filter(scheme__code=scheme_code)
        return best_match(label, in_scheme.filter(pref_key=key), branch) or best_match(
            label, in_scheme.filter(alt_keys__contains=f"|{key}|"), branch
        )

    def in_branch(self, scheme_code: str, top_label: str):
        """Concepts under the concept `top_label` of a scheme (descendants only), by label."""
        concepts = list(self.filter(scheme__code=scheme_code).only("pk", "broader_id", "pref_key"))
        children: dict[int | None, list[int]] = {}
        for concept in concepts:
            children.setdefault(concept.broader_id, []).append(concept.pk)
        top_key = match_key(top_label)
        stack = [c.pk for c in concepts if c.pref_key == top_key]
        found: set[int] = set()
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return self.filter(pk__in=found).order_by("pref_label")


class Concept(models.Model):
    scheme = models.ForeignKey(
        ConceptScheme, on_delete=models.PROTECT, related_name="concepts", verbose_name=_("scheme")
    )
    pref_label = models.CharField(_("preferred label"), max_length=255)
    alt_labels = models.JSONField(
        _("alternative labels"),
        default=list,
        blank=True,
        help_text=_("Non-preferred forms that lead to this concept."),
    )
    broader = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="narrower",
        verbose_name=_("broader concept"),
    )
    external_id = models.CharField(
        _("identifier in the source"),
        max_length=100,
        help_text=_("OpenTheso identifier, ARK, or a key derived from the lexicon."),
    )
    note = models.TextField(_("scope note"), blank=True)
    is_candidate = models.BooleanField(
        _("local candidate"),
        default=False,
        help_text=_("Added by the museum, not (yet) in the published vocabulary."),
    )
    pref_key = models.CharField(max_length=255, editable=False, db_index=True)
    alt_keys = models.TextField(editable=False, blank=True)
    branch_key = models.CharField(
        max_length=255,
        editable=False,
        blank=True,
        help_text="Matching key of the concept's top-level ancestor (its own for a top concept).",
    )

    objects = ConceptQuerySet.as_manager()

    class Meta:
        ordering = ["scheme", "pref_label"]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "external_id"], name="concept_unique_source_id"
            ),
        ]
        indexes = [models.Index(fields=["scheme", "pref_key"], name="concept_scheme_key_idx")]

    def __str__(self):
        return self.pref_label

    def save(self, *args, **kwargs):
        self.compute_keys()
        top, seen = self, set()
        while top.broader_id and top.broader_id not in seen:
            seen.add(top.broader_id)
            top = top.broader
        self.branch_key = top.pref_key if top is not self else self.pref_key
        if not self.external_id:
            self.external_id = f"local:{self.pref_key}"[:100]
        super().save(*args, **kwargs)
        if getattr(self, "_stored_label", self.pref_label) != self.pref_label:
            from ..services.vocabularies import relabel_terms

            relabel_terms([self.pk])
        self._stored_label = self.pref_label

    @classmethod
    def from_db(cls, db, field_names, values):
        concept = super().from_db(db, field_names, values)
        concept._stored_label = concept.__dict__.get("pref_label")
        return concept

    def compute_keys(self) -> None:
        """Fill the matching keys from the labels; save() calls it, bulk loads must too."""
        self.pref_key = match_key(self.pref_label)
        keys = [key for key in map(match_key, self.alt_labels) if key]
        self.alt_keys = "|" + "|".join(keys) + "|" if keys else ""
