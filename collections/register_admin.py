"""Wagtail admin for the legal registers: the inventory and the deposits.

Drafts are written and corrected here; a registrar validates them through a confirmation screen
and records removals (radiation). Every rule lives in ``services.register``; these views only
ask it, show its answers and keep the audit log.
"""

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import AdminAutoHeightTextInput, AdminDateInput, Button, HeaderButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from .models import DepositEntry, InventoryEntry, InventoryRemoval, Work
from .models.register import RegisterDescription
from .services.register import (
    annex_2_number,
    deposits_due_for_renewal,
    entry_initial_from_work,
    numbering_gaps,
    remove_entry,
    validate_entry,
    validation_problems,
    works_without_entry,
)
from .viewsets import SortedTitleIndexView

#: Columns the registrar does not write: set by the database or by validation, or copied.
AUTOMATIC_FIELDS = frozenset(
    {
        "id",
        "status",
        "sequence",
        "validated_at",
        "validated_by",
        "validated_by_name",
        "previous_hash",
        "entry_hash",
        "created_at",
        "depositor_name",
    }
)


def display(value):
    """A register value as read by people: a dash when empty, yes/no for booleans."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def column_value(entry, field):
    if field.choices:
        return display(getattr(entry, f"get_{field.name}_display")())
    return display(getattr(entry, field.name))


def locked_columns(entry) -> list[tuple[str, object]]:
    """The columns validation freezes, as (label, value), in the register's order: number and
    acquisition (or deposit) first, then the description."""
    description = {field.name for field in RegisterDescription._meta.fields}
    rows = []
    for field in sorted(entry._meta.concrete_fields, key=lambda f: f.name in description):
        if field.name in entry.MUTABLE_FIELDS | AUTOMATIC_FIELDS:
            continue
        value = column_value(entry, field)
        if field.name == "registration_date" and getattr(entry, field.name) is None:
            value = _("%(date)s (the day of validation)") % {
                "date": date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
            }
        rows.append((capfirst(field.verbose_name), value))
    return rows


def open_columns(model) -> list[str]:
    """The columns people may still write in a validated entry."""
    return [
        str(field.verbose_name)
        for field in model._meta.concrete_fields
        if field.name in model.MUTABLE_FIELDS and field.editable
    ]


def locked_notice(entry) -> str:
    """What the edit form of a validated entry says about its locked columns."""
    if isinstance(entry, DepositEntry):
        text = _(
            "Validated on %(date)s by %(name)s: only the observations and the life of the "
            "deposit (convention, sub-deposit, end) may change (arrêté du 25 mai 2004). "
            "Write corrections in the observations."
        )
    else:
        text = _(
            "Validated on %(date)s by %(name)s: only the observations may change "
            "(arrêté du 25 mai 2004). Write corrections in the observations."
        )
    return text % {
        "date": date_format(timezone.localtime(entry.validated_at), "DATE_FORMAT"),
        "name": entry.validated_by_name,
    }


def removal_text(removal) -> str:
    return _("removed (%(case)s, %(date)s)") % {
        "case": removal.get_case_display(),
        "date": date_format(removal.decision_date, "SHORT_DATE_FORMAT"),
    }


def entry_status(entry) -> str:
    """Draft, validated, or removed with its case and date (deposits: ended on…)."""
    removal = getattr(entry, "removal_or_none", None)
    if removal is not None:
        return removal_text(removal)
    if getattr(entry, "ended_on", None):
        return _("ended on %(date)s") % {"date": date_format(entry.ended_on, "SHORT_DATE_FORMAT")}
    return entry.get_status_display()


# Permissions -------------------------------------------------------------------------------


class RegisterPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed by the entry's state: a validated entry is never deleted nor
    validated again; only a validated entry not yet removed can be removed."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("delete", "validate") and instance.is_validated:
            return False
        if action == "remove" and not (
            isinstance(instance, InventoryEntry)
            and instance.is_validated
            and instance.removal_or_none is None
        ):
            return False
        return super().user_has_permission_for_instance(user, action, instance)


def operation_url(view, action, entry):
    """The URL of an operation (validate, remove) on the entry, if the user may perform it."""
    url_name = getattr(view, f"{action}_url_name", None)
    if url_name and view.user_has_permission_for_instance(action, entry):
        return reverse(url_name, args=[quote(entry.pk)])
    return None


# Forms and panels --------------------------------------------------------------------------


class RegisterEntryForm(WagtailAdminModelForm):
    """Once the entry is validated, every field but the open ones is disabled: whatever is
    posted for them, the form keeps the registered value."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_validated:
            for name, field in self.fields.items():
                if name not in self.instance.MUTABLE_FIELDS:
                    field.disabled = True


class RegisterFieldPanel(FieldPanel):
    """A field shown as plain text when the form has disabled it (a validated entry)."""

    def format_value_for_display(self, value):
        return display(super().format_value_for_display(value))

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if self.bound_field is not None and self.bound_field.field.disabled:
                self.read_only = True


def panels(*names):
    return [RegisterFieldPanel(name) for name in names]


DESCRIPTION = MultiFieldPanel(
    panels(
        "designation",
        "inscriptions",
        "materials",
        "techniques",
        "measurements",
        "identification_notes",
        "author",
        "period",
        "function",
        "provenance",
        "discovery",
    ),
    heading=gettext_lazy("Description"),
)


class RemovalForm(forms.ModelForm):
    class Meta:
        model = InventoryRemoval
        fields = ["case", "decision_reference", "decision_date", "note"]
        widgets = {"decision_date": AdminDateInput(), "note": AdminAutoHeightTextInput()}


# Listing filters ---------------------------------------------------------------------------


class InventoryFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[
            ("draft", gettext_lazy("draft")),
            ("validated", gettext_lazy("validated")),
            ("removed", gettext_lazy("removed")),
        ],
        method="filter_status",
    )
    year = django_filters.NumberFilter(
        label=gettext_lazy("Year of entry in the register"),
        field_name="registration_date",
        lookup_expr="year",
    )

    class Meta:
        model = InventoryEntry
        fields = []

    def filter_status(self, queryset, name, value):
        if value == "draft":
            return queryset.drafts()
        if value == "validated":
            return queryset.validated().filter(removal__isnull=True)
        return queryset.filter(removal__isnull=False)


class DepositFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[
            ("draft", gettext_lazy("draft")),
            ("validated", gettext_lazy("validated, current")),
            ("ended", gettext_lazy("ended")),
        ],
        method="filter_status",
    )
    year = django_filters.NumberFilter(
        label=gettext_lazy("Year of taking charge"),
        field_name="taken_in_charge_on",
        lookup_expr="year",
    )

    class Meta:
        model = DepositEntry
        fields = []

    def filter_status(self, queryset, name, value):
        if value == "draft":
            return queryset.drafts()
        return queryset.validated().filter(ended_on__isnull=value == "validated")


# Views -------------------------------------------------------------------------------------


class RegisterIndexView(SortedTitleIndexView):
    validate_url_name = None
    remove_url_name = None

    def get_delete_url(self, instance):
        if self.user_has_permission_for_instance("delete", instance):
            return super().get_delete_url(instance)
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if url := operation_url(self, "validate", instance):
            buttons.append(Button(_("Validate"), url=url, icon_name="check", priority=15))
        if url := operation_url(self, "remove", instance):
            buttons.append(
                Button(_("Remove from the register"), url=url, icon_name="cross", priority=40)
            )
        return buttons


class InventoryIndexView(RegisterIndexView):
    title_sort_key = "inventory_sort_key"


class DepositIndexView(RegisterIndexView):
    title_sort_key = "deposit_sort_key"


class RegisterCreateView(CreateView):
    """Opened as ``add/?work=<id>``, the form is filled from the work's documentation."""

    def get_initial(self):
        initial = super().get_initial()
        work_id = self.request.GET.get("work", "")
        work = Work.objects.current().filter(pk=work_id).first() if work_id.isdigit() else None
        if work is None:
            return initial
        values = entry_initial_from_work(work) | {
            "work": work.pk,
            "deposit_number": work.inventory_number,
            "legacy_numbering": annex_2_number(work.inventory_number) is None,
        }
        fields = self.get_form_class().base_fields
        return initial | {name: value for name, value in values.items() if name in fields}


class RegisterEditView(EditView):
    validate_url_name = None
    remove_url_name = None

    @cached_property
    def header_buttons(self):
        if url := operation_url(self, "validate", self.object):
            return [HeaderButton(_("Validate"), url=url, icon_name="check")]
        return []

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if url := operation_url(self, "remove", self.object):
            buttons.append(
                Button(_("Remove from the register"), url=url, icon_name="cross", priority=40)
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.is_validated:
            context["locked_notice"] = locked_notice(self.object)
            removal = getattr(self.object, "removal_or_none", None)
            if removal is not None:
                context["removal_notice"] = _(
                    "Removed from the register: %(status)s, decision %(decision)s."
                ) % {"status": removal_text(removal), "decision": removal.decision_reference}
        return context

    def save_instance(self):
        """Writing in a validated entry is logged as an annotation, with the values written."""
        if not self.object.is_validated:
            return super().save_instance()
        action = self.action_class(
            self.form.instance, user=self.request.user, form=self.form, log_action=False
        )
        entry = action.execute(skip_permission_checks=True)
        if self.form.changed_data:
            log(
                entry,
                "cartel.register.observations",
                user=self.request.user,
                data={name: str(getattr(entry, name)) for name in self.form.changed_data},
                content_changed=True,
            )
        return entry


class RegisterDeleteView(DeleteView):
    """Drafts only: a validated entry is explained, not deleted."""

    def dispatch(self, request, *args, **kwargs):
        if self.user_has_permission("delete") and not self.user_has_permission_for_instance(
            "delete", self.object
        ):
            messages.error(request, self.object.undeletable_message())
            return redirect(self.edit_url_name, quote(self.object.pk))
        return super().dispatch(request, *args, **kwargs)


class EntryOperationView(PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin):
    """An operation on one entry behind a confirmation screen; refused with an explanation when
    the entry's state does not allow it."""

    index_url_name = None
    edit_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        if not self.user_has_permission_for_instance(self.permission_required, self.object):
            messages.error(request, self.refusal())
            return redirect(self.edit_url)
        return super().dispatch(request, *args, **kwargs)

    def refusal(self) -> str:
        raise NotImplementedError

    @cached_property
    def edit_url(self):
        return reverse(self.edit_url_name, args=[quote(self.object.pk)])

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(self.model._meta.verbose_name_plural),
            },
            {"url": self.edit_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, edit_url=self.edit_url, **kwargs)


class ValidateEntryView(EntryOperationView, TemplateView):
    permission_required = "validate"
    template_name = "collections/register/confirm_validate.html"
    page_title = gettext_lazy("Validate")
    header_icon = "check"

    def refusal(self):
        return _("%(entry)s is already validated.") % {"entry": self.object}

    def numbering_gaps(self):
        number = annex_2_number(getattr(self.object, "inventory_number", ""))
        return numbering_gaps(number.year) if number else []

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=locked_columns(self.object),
            open_columns=open_columns(self.model),
            problems=validation_problems(self.object),
            gaps=self.numbering_gaps(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            entry = validate_entry(self.object, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        log(
            entry,
            "cartel.register.validate",
            user=request.user,
            data={"sequence": entry.sequence, "entry_hash": entry.entry_hash},
        )
        messages.success(
            request,
            _("“%(entry)s” validated: entry n° %(sequence)s of the %(register)s.")
            % {
                "entry": entry,
                "sequence": entry.sequence,
                "register": entry._meta.verbose_name_plural,
            },
            buttons=[messages.button(self.edit_url, _("Edit"))],
        )
        return redirect(self.index_url_name)


class RemoveEntryView(EntryOperationView, FormView):
    """The removal form, then a confirmation of what will be written for good."""

    permission_required = "remove"
    template_name = "collections/register/confirm_removal.html"
    form_class = RemovalForm
    page_title = gettext_lazy("Remove from the register")
    header_icon = "cross"

    def refusal(self):
        if not self.object.is_validated:
            return _(
                "Only a validated entry can be removed from the register; a draft can be "
                "corrected or deleted."
            )
        return _("%(number)s was already removed from the register.") % {
            "number": self.object.inventory_number
        }

    def form_valid(self, form):
        if "confirm" not in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form, confirming=True))
        try:
            removal = remove_entry(self.object, user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        log(
            self.object,
            "cartel.register.remove",
            user=self.request.user,
            data={
                "case": removal.case,
                "decision_reference": removal.decision_reference,
                "decision_date": removal.decision_date.isoformat(),
            },
        )
        messages.success(
            self.request,
            _("%(number)s is recorded as removed from the register (%(case)s).")
            % {"number": self.object.inventory_number, "case": removal.get_case_display()},
        )
        return redirect(self.index_url_name)


# Viewsets ----------------------------------------------------------------------------------


class RegisterViewSet(SnippetViewSet):
    add_view_class = RegisterCreateView
    edit_view_class = RegisterEditView
    delete_view_class = RegisterDeleteView
    edit_template_name = "collections/register/edit.html"
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["id", "previous_hash", "inventory_sort_key", "deposit_sort_key"]
    list_per_page = 50
    search_backend_name = None
    removal_enabled = False

    @property
    def chooser_viewset_class(self):
        """The registers are private: chosen only by staff who may read them."""
        from .locations_admin import PrivateChooserViewSet  # it imports this module

        return PrivateChooserViewSet

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            validate_url_name=self.get_url_name("validate"),
            remove_url_name=self.get_url_name("remove") if self.removal_enabled else None,
            **kwargs,
        )

    def get_urlpatterns(self):
        urls = [*super().get_urlpatterns()]
        urls.append(path("validate/<int:pk>/", self.validate_view, name="validate"))
        if self.removal_enabled:
            urls.append(path("remove/<int:pk>/", self.remove_view, name="remove"))
        return urls

    @property
    def validate_view(self):
        return self.construct_view(ValidateEntryView)

    @property
    def remove_view(self):
        return self.construct_view(RemoveEntryView)


class InventoryEntryViewSet(RegisterViewSet):
    model = InventoryEntry
    index_view_class = InventoryIndexView
    icon = "list-ol"
    menu_label = gettext_lazy("Inventory")
    menu_order = 100
    removal_enabled = True
    filterset_class = InventoryFilterSet
    # Drafts first (they wait for validation), then the latest entries.
    ordering = [F("sequence").desc(nulls_first=True), "inventory_sort_key"]
    list_display = [
        "inventory_number",
        Column("sequence", label=gettext_lazy("Order of entry"), sort_key="sequence"),
        Column("designation", label=gettext_lazy("Designation")),
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor=entry_status,
            primary=lambda entry: entry.is_validated,
            sort_key="status",
        ),
        DateColumn(
            "registration_date", label=gettext_lazy("Entered"), sort_key="registration_date"
        ),
    ]
    search_fields = ["inventory_number", "designation"]
    edit_handler = ObjectList(
        [
            *panels("work", "legacy_numbering"),
            MultiFieldPanel(
                [
                    RegisterFieldPanel("acquisition_mode"),
                    RegisterFieldPanel("acquisition_source"),
                    FieldRowPanel(panels("acquisition_deed_date", "assignment_date")),
                    RegisterFieldPanel("scientific_opinion"),
                    FieldRowPanel(panels("price", "public_funding")),
                    RegisterFieldPanel("registration_date"),
                ],
                heading=gettext_lazy("Legal status and acquisition"),
            ),
            DESCRIPTION,
            FieldPanel("observations"),
        ],
        base_form_class=RegisterEntryForm,
    )

    def get_queryset(self, request):
        return InventoryEntry.objects.select_related("removal")


class DepositEntryViewSet(RegisterViewSet):
    model = DepositEntry
    index_view_class = DepositIndexView
    icon = "doc-full"
    menu_label = gettext_lazy("Deposits")
    menu_order = 200
    filterset_class = DepositFilterSet
    ordering = [F("sequence").desc(nulls_first=True), "deposit_sort_key"]
    list_display = [
        "deposit_number",
        Column("sequence", label=gettext_lazy("Order of entry"), sort_key="sequence"),
        Column("depositor_name", label=gettext_lazy("Depositor"), sort_key="depositor_name"),
        Column("depositor_number", label=gettext_lazy("Depositor's number")),
        Column("designation", label=gettext_lazy("Designation")),
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor=entry_status,
            primary=lambda entry: entry.is_validated and entry.is_current,
            sort_key="status",
        ),
        DateColumn(
            "convention_end", label=gettext_lazy("Convention ends"), sort_key="convention_end"
        ),
    ]
    search_fields = ["deposit_number", "depositor_number", "depositor_name", "designation"]
    edit_handler = ObjectList(
        [
            *panels("work", "deposit_number"),
            MultiFieldPanel(
                [
                    FieldRowPanel(panels("depositor", "depositor_number")),
                    RegisterFieldPanel("owner"),
                    RegisterFieldPanel("deposit_deed"),
                    RegisterFieldPanel("taken_in_charge_on"),
                ],
                heading=gettext_lazy("The deposit"),
            ),
            DESCRIPTION,
            MultiFieldPanel(
                [
                    FieldPanel("convention_reference"),
                    FieldRowPanel([FieldPanel("convention_start"), FieldPanel("convention_end")]),
                    FieldRowPanel([FieldPanel("is_sub_deposit"), FieldPanel("sub_deposit_place")]),
                    FieldRowPanel([FieldPanel("end_deed"), FieldPanel("ended_on")]),
                ],
                heading=gettext_lazy("Life of the deposit (stays open after validation)"),
            ),
            FieldPanel("observations"),
        ],
        base_form_class=RegisterEntryForm,
    )


class RegisterViewSetGroup(SnippetViewSetGroup):
    items = (InventoryEntryViewSet, DepositEntryViewSet)
    menu_icon = "clipboard-list"
    menu_label = gettext_lazy("Registers")
    menu_order = 150


# Dashboard ---------------------------------------------------------------------------------


class RegisterDashboardPanel(Component):
    """What the registers need: drafts to validate, works in no register, numbering gaps,
    deposits to renew. A handful of queries, whatever the size of the collection."""

    name = "cartel_registers"
    template_name = "collections/register/dashboard_panel.html"
    order = 50
    MAX_LINES = 10
    MAX_NUMBERS = 12

    def get_context_data(self, parent_context):
        def url(model, view, *args):
            return reverse(model.snippet_viewset.get_url_name(view), args=args)

        gaps = [
            {
                "year": gap.year,
                "missing": gap.missing[: self.MAX_NUMBERS],
                "more": max(len(gap.missing) - self.MAX_NUMBERS, 0),
            }
            for gap in numbering_gaps()[: self.MAX_LINES]
        ]
        due = [
            {"entry": entry, "url": url(DepositEntry, "edit", entry.pk)}
            for entry in deposits_due_for_renewal()[: self.MAX_LINES]
        ]
        return {
            "drafts": [
                {
                    "label": model._meta.verbose_name_plural,
                    "count": model.objects.drafts().count(),
                    "url": url(model, "list") + "?status=draft",
                }
                for model in (InventoryEntry, DepositEntry)
            ],
            "without_entry": works_without_entry().count(),
            "without_entry_url": url(Work, "list") + "?has_register_entry=false",
            "gaps": gaps,
            "due": due,
            "today": timezone.localdate(),
        }
