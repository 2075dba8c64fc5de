"""Admin forms: image and document uploads checked by Pillow, the work form's protections."""

from django import forms
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .images import check_image_file
from .text import match_key

TERM_SEPARATOR = ";"


class CheckedImageField(WagtailImageField):
    """Wagtail's image field, after Pillow has decoded the whole file (see images.py)."""

    def to_python(self, data):
        if data is not None and hasattr(data, "read"):
            check_image_file(data, data.name)
        return super().to_python(data)


class CartelImageForm(BaseImageForm):
    file = CheckedImageField(label=_("File"), widget=forms.FileInput())


class CartelDocumentForm(BaseDocumentForm):
    pass


class TermsInput(forms.TextInput):
    """A text input that suggests the vocabulary's preferred labels as one types."""

    def __init__(self, scheme_code: str, branch: str = "", attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.scheme_code = scheme_code
        self.branch = branch

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-terms-scheme": self.scheme_code,
                "data-terms-branch": self.branch,
                "data-terms-url": reverse("collections_term_suggestions"),
            }
        )
        return context

    class Media:
        js = ["collections/js/terms-input.js"]


class TermsField(forms.CharField):
    """Values of a controlled field typed as in Joconde, separated by semicolons: 'peinture ; dessin'.

    Each value is linked to its concept when the vocabulary has it, and kept (flagged) when not.
    """

    def __init__(self, relation: str, **kwargs):
        from .models import TERM_RELATIONS

        term_model = TERM_RELATIONS[relation]
        kwargs.setdefault("help_text", _("Separate several values with “ ; ”."))
        super().__init__(
            label=capfirst(term_model._meta.verbose_name_plural),
            required=False,
            widget=TermsInput(term_model.scheme_code, term_model.branch),
            **kwargs,
        )

    def clean(self, value) -> list[str]:
        labels, seen = [], set()
        for label in (super().clean(value) or "").split(TERM_SEPARATOR):
            label = " ".join(label.split())
            if label and match_key(label) not in seen:
                if len(label) > 255:
                    raise forms.ValidationError(
                        _("“%(start)s…” is longer than 255 characters: is a “;” missing?")
                        % {"start": label[:40]}
                    )
                seen.add(match_key(label))
                labels.append(label)
        return labels


class WorkForm(WagtailAdminModelForm):
    """The work form: controlled fields typed as text, inventory numbers read-only once saved."""

    domains = TermsField("domains")
    denominations = TermsField("denominations")
    materials = TermsField("materials")
    techniques = TermsField("techniques")
    periods = TermsField("periods")
    styles = TermsField("styles")
    schools = TermsField("schools")
    genesis = TermsField("genesis")
    subjects = TermsField("subjects")
    subject_sources = TermsField("subject_sources")
    places = TermsField("places")
    uses = TermsField("uses")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for relation in self._term_relations():
            labels = (
                [term.label for term in getattr(self.instance, relation).all()]
                if self.instance.pk
                else []
            )
            self.initial.setdefault(relation, f" {TERM_SEPARATOR} ".join(labels))
        number = self.fields.get("inventory_number")
        if number is not None and self.instance.pk:
            number.disabled = True
            number.help_text = _(
                "Inventory numbers are never rewritten. If this one is wrong, add the right "
                "number under “Other numbers” and record the error in the register's observations."
            )
        elif number is not None:
            from .services.register import next_acquisition_number

            number.help_text = _(
                "Next acquisition: %(number)s (year.acquisition.item; the next item of an "
                "acquisition already begun follows its last item)."
            ) % {"number": next_acquisition_number()}
        self._limit_concepts("acquisition_mode", "STAT", "mode d'acquisition")
        self._limit_concepts("ownership", "STAT", "statut de la propriété")

    def _term_relations(self):
        from .models import TERM_RELATIONS

        return [relation for relation in TERM_RELATIONS if relation in self.fields]

    def save(self, commit=True):
        from .models import TERM_RELATIONS

        for relation in self._term_relations():
            term_model = TERM_RELATIONS[relation]
            existing = {term.label_key: term for term in getattr(self.instance, relation).all()}
            terms = []
            for order, label in enumerate(self.cleaned_data[relation]):
                term = existing.get(match_key(label)) or term_model(label=label)
                term.sort_order = order
                terms.append(term)
            setattr(self.instance, relation, terms)
        return super().save(commit)

    def _limit_concepts(self, field_name, scheme_code, branch):
        from .models import Concept

        field = self.fields.get(field_name)
        if field is not None:
            field.queryset = Concept.objects.in_branch(scheme_code, branch)
