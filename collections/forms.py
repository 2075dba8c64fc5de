"""Admin forms: image and document uploads checked by Pillow, the work form's protections."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from .images import check_image_file


class CartelImageForm(BaseImageForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and "file" in self.changed_data:
            check_image_file(file, file.name)
        return file


class CartelDocumentForm(BaseDocumentForm):
    pass


class WorkForm(WagtailAdminModelForm):
    """Inventory numbers are typed once, at creation, and are read-only afterwards."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = self.fields.get("inventory_number")
        if number is not None and self.instance.pk:
            number.disabled = True
            number.help_text = _(
                "Inventory numbers are never rewritten. If this one is wrong, add the right "
                "number under “Other numbers” and record the error in the register's observations."
            )
        self._limit_concepts("acquisition_mode", "STAT", "mode d'acquisition")
        self._limit_concepts("ownership", "STAT", "statut de la propriété")

    def _limit_concepts(self, field_name, scheme_code, branch):
        from .models import Concept

        field = self.fields.get(field_name)
        if field is not None:
            field.queryset = Concept.objects.in_branch(scheme_code, branch)
