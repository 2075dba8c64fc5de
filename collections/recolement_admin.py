"""Wagtail admin for the récolement: plans, campaigns (with their progress page and end-of-campaign
operations), records (with their observations and the conflict decision) and tablet sessions.

Every rule lives in ``services.recolement``: these views ask it, show its answers and keep the
audit log. Records are never edited as forms: an observation typed here goes through
``record_observation()`` like a tablet's. Nothing here writes into the inventory register.
"""

import tempfile
import uuid
from pathlib import Path

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import BooleanRadioSelect, Button, HeaderButton
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import (
    EditView,
    IndexView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from .locations_admin import PrivateChooserViewSet
from .models import (
    Location,
    RecolementCampaign,
    RecolementPlan,
    RecolementRecord,
    TabletSession,
    Work,
)
from .register_admin import EntryOperationView, display
from .services.recolement import (
    BOOLEAN_FIELDS,
    ObservationError,
    anomalies,
    anomaly_filter,
    mark_rest_not_seen,
    progress,
    record_observation,
    resolve_conflict,
    validate_clean_records,
    validate_record,
)
from .services.recolement_report import write_campaign_pv
from .services.register import user_name

Presence = RecolementRecord.Presence
Condition = RecolementRecord.Condition
CLOSED = RecolementCampaign.Status.CLOSED
TO_CHECK = RecolementRecord.Status.TO_CHECK
BACK_OFFICE = "back office"


def label(name) -> str:
    return capfirst(RecolementRecord._meta.get_field(name).verbose_name)


def url(model, view, *args) -> str:
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def records_url(campaign, **filters) -> str:
    query = "&".join(
        f"{key}={value}" for key, value in {"campaign": campaign.pk, **filters}.items()
    )
    return f"{url(RecolementRecord, 'list')}?{query}"


def record_subject(record) -> str:
    if record.work_id is None:
        return _("Not inventoried: %(description)s") % {
            "description": Truncator(record.found_description).chars(60)
        }
    work = record.work
    return f"{work.inventory_number} — {work.title}" if work.title else work.inventory_number


def follow_up_labels(keys) -> str:
    return ", ".join(str(RecolementRecord.FOLLOW_UPS.get(key, key)) for key in keys or [])


def observed_values(data: dict) -> list[tuple[str, str]]:
    """What an observation says, field by field, as read by people ("—": not said)."""
    rows = [
        (label("presence"), dict(Presence.choices).get(data.get("presence"), "—")),
        (label("location_found"), data.get("location_found") or "—"),
    ]
    rows += [
        (label(name), display(bool(data[name])) if name in data else "—") for name in BOOLEAN_FIELDS
    ]
    rows += [
        (label("condition"), dict(Condition.choices).get(data.get("condition") or "", "—")),
        (label("alterations"), data.get("alterations") or "—"),
        (label("follow_ups"), follow_up_labels(data.get("follow_ups")) or "—"),
        (label("notes"), data.get("notes") or "—"),
    ]
    return rows


def observation_summary(data: dict) -> str:
    return "; ".join(f"{name}: {value}" for name, value in observed_values(data) if value != "—")


class RecolementOperationView(EntryOperationView, TemplateView):
    """A confirmation screen, then an operation; ``refusal()`` says why it is not possible now
    (None: it is). ``edit_url`` is where the user goes back to."""

    permission_required = "change"
    template_name = "collections/recolement/confirm.html"

    def refusal(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        if reason := self.refusal():
            messages.error(request, reason)
            return redirect(self.edit_url)
        return super().dispatch(request, *args, **kwargs)

    def done(self, action, message, **data):
        log(self.object, action, user=self.request.user, data=data)
        messages.success(self.request, message)
        return redirect(self.edit_url)


# Plans ---------------------------------------------------------------------------------------


class RecolementPlanViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # the récolement is private
    model = RecolementPlan
    icon = "calendar"
    menu_label = gettext_lazy("Plans")
    menu_order = 100
    copy_view_enabled = False
    search_backend_name = None
    search_fields = ["title"]
    list_display = ["title", "first_year", "last_year", "approved_on"]


# Campaigns -----------------------------------------------------------------------------------


class CampaignForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("locations")
        if field is not None:
            chosen = self.instance.locations.all() if self.instance.pk else Location.objects.none()
            places = Location.objects.filter(is_active=True).exclude(
                kind__in=[Location.Kind.EXTERNAL, *Location.CONTAINER_KINDS]
            )
            field.queryset = Location.objects.filter(Q(pk__in=places) | Q(pk__in=chosen))
            field.widget.attrs["size"] = 12


class CampaignIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        page = self.get_inspect_url(instance)
        buttons = [b for b in super().get_list_more_buttons(instance) if b.url != page]
        buttons += [
            Button(_("Progress"), url=page, icon_name="tasks", priority=5),
            Button(_("Records"), url=records_url(instance), icon_name="list-ul", priority=6),
            report_button(instance, Button, priority=7),
        ]
        return buttons


def report_button(campaign, button_class=HeaderButton, **kwargs):
    return button_class(
        _("Print the official report"),
        url=url(RecolementCampaign, "report", campaign.pk),
        icon_name="download",
        **kwargs,
    )


class CampaignEditView(EditView):
    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(_("Progress"), url=url(RecolementCampaign, "inspect", self.object.pk)),
            report_button(self.object),
        ]


class ProgressView(InspectView):
    """The campaign's page: what is done and left, per location, with links to the records and
    the end-of-campaign operations."""

    template_name = "collections/recolement/progress.html"
    page_title = gettext_lazy("Progress")
    any_permission_required = ["view", "change"]

    def get_context_data(self, **kwargs):
        campaign = self.object
        figures = progress(campaign)
        names = [name for name, _expected, _done in figures.by_location if name]
        places = dict(Location.objects.filter(full_name__in=names).values_list("full_name", "pk"))
        locations = [
            {
                "name": name or _("No current location"),
                "expected": expected,
                "done": done,
                "to_do": expected - done,
                "url": records_url(campaign, location=places[name]) if name in places else "",
            }
            for name, expected, done in figures.by_location
        ]
        operations = []
        if self.user_has_permission("change") and campaign.status != CLOSED:
            operations = [
                (
                    _("Validate records without anomaly"),
                    url(RecolementCampaign, "validate", campaign.pk),
                ),
                (_("Mark the rest as not seen"), url(RecolementCampaign, "not_seen", campaign.pk)),
                (_("Close the campaign"), url(RecolementCampaign, "close", campaign.pk)),
            ]
        observe_url = None
        if campaign.status != CLOSED and self.request.user.has_perm(
            "collections.add_recolementrecord"
        ):
            observe_url = f"{url(RecolementRecord, 'add')}?campaign={campaign.pk}"
        return super().get_context_data(
            campaign=campaign,
            progress=figures,
            locations=locations,
            links={
                "done": records_url(campaign),
                "anomalies": records_url(campaign, anomalies="true"),
                "conflicts": records_url(campaign, has_conflict="true"),
                "validated": records_url(campaign, status="validated"),
            },
            operations=operations,
            observe_url=observe_url,
            report_url=url(RecolementCampaign, "report", campaign.pk),
            scope=", ".join(location.full_name for location in campaign.locations.all()),
            **kwargs,
        )


class CampaignOperationView(RecolementOperationView):
    def refusal(self):
        if self.object.status == CLOSED:
            return _("The campaign %(campaign)s is closed.") % {"campaign": self.object}
        return None


class ValidateCleanView(CampaignOperationView):
    page_title = gettext_lazy("Validate records without anomaly")
    header_icon = "check"

    def get_context_data(self, **kwargs):
        to_check = self.object.records.filter(status=TO_CHECK)
        clean = to_check.exclude(anomaly_filter()).count()
        return super().get_context_data(
            question=_("%(count)s records to check have no anomaly: validate them all?")
            % {"count": clean},
            details=[
                _("%(count)s records with anomalies stay to check, one by one.")
                % {"count": to_check.filter(anomaly_filter()).count()}
            ],
            possible=clean > 0,
            confirm_label=_("Yes, validate them"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        count = validate_clean_records(self.object, request.user)
        left = self.object.records.filter(status=TO_CHECK).count()
        return self.done(
            "cartel.recolement.validate_clean",
            _("%(count)s records validated; %(left)s left to check one by one.")
            % {"count": count, "left": left},
            validated=count,
        )


class MarkNotSeenView(CampaignOperationView):
    page_title = gettext_lazy("Mark the rest as not seen")
    header_icon = "cross"

    def get_context_data(self, **kwargs):
        to_do = progress(self.object).to_do
        return super().get_context_data(
            question=_("%(count)s expected works have no record: record them all as not seen?")
            % {"count": to_do},
            details=[
                _(
                    "Do this at the end of the campaign: they will appear in the official report's "
                    "list of works not seen."
                )
            ],
            possible=to_do > 0,
            confirm_label=_("Yes, record them as not seen"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        count = mark_rest_not_seen(self.object, request.user)
        return self.done(
            "cartel.recolement.not_seen",
            _("%(count)s works recorded as not seen.") % {"count": count},
            recorded=count,
        )


class CloseCampaignView(CampaignOperationView):
    page_title = gettext_lazy("Close the campaign")
    header_icon = "lock"

    def get_context_data(self, **kwargs):
        figures = progress(self.object)
        to_check = self.object.records.filter(status=TO_CHECK).count()
        warnings = []
        if figures.to_do:
            warnings.append(
                _("%(count)s expected works have no record.") % {"count": figures.to_do}
            )
        if figures.conflicts:
            warnings.append(
                _("%(count)s records have conflicting observations.") % {"count": figures.conflicts}
            )
        if to_check:
            warnings.append(_("%(count)s records are not validated.") % {"count": to_check})
        return super().get_context_data(
            question=_("Close the campaign %(campaign)s? Tablets can no longer record in it.")
            % {"campaign": self.object},
            warnings=warnings,
            possible=True,
            confirm_label=_("Yes, close it"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        campaign = self.object
        campaign.status = CLOSED
        campaign.end_date = campaign.end_date or timezone.localdate()
        campaign.save(update_fields=["status", "end_date"])
        return self.done(
            "cartel.recolement.close",
            _("The campaign is closed: print the official report, have it signed and send it."),
            end_date=campaign.end_date.isoformat(),
        )


class ReportView(PermissionCheckedMixin, View):
    """The procès-verbal, as a PDF download."""

    permission_required = "view"
    model = RecolementCampaign

    def get(self, request, pk):
        campaign = get_object_or_404(RecolementCampaign.objects.select_related("plan"), pk=pk)
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "pv.pdf"
            write_campaign_pv(campaign, output)
            response = HttpResponse(output.read_bytes(), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="proces-verbal-recolement-{campaign.pk}.pdf"'
        )
        return response


class RecolementCampaignViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # the récolement is private
    model = RecolementCampaign
    icon = "tasks"
    menu_label = gettext_lazy("Campaigns")
    menu_order = 200
    index_view_class = CampaignIndexView
    edit_view_class = CampaignEditView
    inspect_view_enabled = True
    inspect_view_class = ProgressView
    copy_view_enabled = False
    search_backend_name = None
    search_fields = ["title", "team"]
    list_display = [
        "title",
        "plan",
        "start_date",
        "end_date",
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor="get_status_display",
            primary=lambda campaign: campaign.status != CLOSED,
            sort_key="status",
        ),
    ]
    list_filter = ["status", "plan"]
    edit_handler = ObjectList(
        [
            FieldPanel("plan"),
            FieldPanel("title"),
            FieldPanel("status"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldPanel("locations", widget=forms.SelectMultiple),
            FieldPanel("domains"),
            FieldRowPanel([FieldPanel("inventory_year_from"), FieldPanel("inventory_year_to")]),
            FieldPanel("team"),
            FieldPanel("method"),
            FieldPanel("comments"),
        ],
        base_form_class=CampaignForm,
    )

    def get_queryset(self, request):
        return RecolementCampaign.objects.select_related("plan")

    def get_urlpatterns(self):
        back = {"edit_url_name": self.get_url_name("inspect")}
        return [
            *super().get_urlpatterns(),
            path(
                "validate/<int:pk>/",
                self.construct_view(ValidateCleanView, **back),
                name="validate",
            ),
            path(
                "not-seen/<int:pk>/", self.construct_view(MarkNotSeenView, **back), name="not_seen"
            ),
            path("close/<int:pk>/", self.construct_view(CloseCampaignView, **back), name="close"),
            path("report/<int:pk>/", self.construct_view(ReportView), name="report"),
        ]


# Records -------------------------------------------------------------------------------------


class RecordFilterSet(WagtailFilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Campaign"), queryset=RecolementCampaign.objects.all()
    )
    presence = django_filters.ChoiceFilter(label=gettext_lazy("Presence"), choices=Presence.choices)
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=RecolementRecord.Status.choices
    )
    anomalies = django_filters.BooleanFilter(
        label=gettext_lazy("With anomalies"), method="filter_anomalies", widget=BooleanRadioSelect
    )
    has_conflict = django_filters.BooleanFilter(
        label=gettext_lazy("Conflicting observations"), widget=BooleanRadioSelect
    )
    location = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Location, expected or found (and everything inside it)"),
        queryset=Location.objects.all(),
        method="filter_location",
    )

    class Meta:
        model = RecolementRecord
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["location"].extra["widget"] = AdminSnippetChooser(Location)

    def filter_anomalies(self, queryset, name, value):
        return queryset.filter(anomaly_filter()) if value else queryset.exclude(anomaly_filter())

    def filter_location(self, queryset, name, value):
        return queryset.filter(
            Q(expected_location__path__startswith=value.path)
            | Q(location_found__path__startswith=value.path)
        )


def location_name(location) -> str:
    return location.full_name if location else "—"


class RecordIndexView(IndexView):
    """Each record links to its page (records are never edited as forms)."""

    def get_edit_url(self, instance):
        return None

    def get_add_url(self):
        add = super().get_add_url()
        campaign = self.request.GET.get("campaign", "")
        return f"{add}?campaign={campaign}" if add and campaign.isdigit() else add

    @cached_property
    def columns(self):
        title = self._get_title_column_class(TitleColumn)(
            "subject",
            label=_("Object"),
            accessor=record_subject,
            get_url=self.get_inspect_url,
            sort_key="work__inventory_sort_key",
        )
        return [
            title,
            Column("campaign", label=_("Campaign"), accessor="campaign"),
            Column(
                "presence",
                label=label("presence"),
                accessor="get_presence_display",
                sort_key="presence",
            ),
            Column(
                "expected",
                label=label("expected_location"),
                accessor=lambda r: location_name(r.expected_location),
            ),
            Column(
                "found",
                label=label("location_found"),
                accessor=lambda r: location_name(r.location_found),
            ),
            Column(
                "anomalies", label=_("Anomalies"), accessor=lambda r: ", ".join(anomalies(r)) or "—"
            ),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda r: r.status == RecolementRecord.Status.VALIDATED,
                sort_key="status",
            ),
            DateColumn("checked_at", label=label("checked_at"), sort_key="checked_at"),
            Column("agent_name", label=label("agent")),
        ]


class RecordEditRedirect(View):
    """A record has no edit form: its page shows it, observations change it."""

    inspect_url_name = None

    def get(self, request, pk):
        return redirect(self.inspect_url_name, pk)


class RecordView(InspectView):
    template_name = "collections/recolement/record.html"
    page_title = gettext_lazy("Récolement record")

    def get_edit_url(self):
        return None

    def get_page_subtitle(self):
        return record_subject(self.object)

    def rows(self) -> list[tuple[str, object]]:
        record = self.object
        marks = [
            label(name)
            for name in ("marked_on_object", "marked_on_label", "marked_on_support")
            if getattr(record, name)
        ]
        rows = [
            (label("campaign"), record.campaign),
            (
                label("work") if record.work_id else label("found_description"),
                record_subject(record) if record.work_id else record.found_description,
            ),
            (label("presence"), record.get_presence_display()),
            (label("expected_location"), location_name(record.expected_location)),
            (label("location_found"), location_name(record.location_found)),
            (label("location_matches"), display(record.location_matches)),
            (_("Marking"), ", ".join(str(mark) for mark in marks) or _("not marked")),
            (label("conforms"), display(record.conforms)),
            (label("identification_problem"), display(record.identification_problem)),
            (label("inventoried_twice"), display(record.inventoried_twice)),
            (label("condition"), display(record.get_condition_display())),
            (label("alterations"), display(record.alterations)),
            (label("follow_ups"), display(follow_up_labels(record.follow_ups))),
            (label("notes"), display(record.notes)),
            (label("photos"), record.photos.count()),
            (label("agent"), display(record.agent_name)),
            (
                label("checked_at"),
                date_format(timezone.localtime(record.checked_at), "DATETIME_FORMAT"),
            ),
            (label("status"), record.get_status_display()),
        ]
        if record.validated_at:
            rows.append(
                (
                    _("Validated"),
                    _("on %(date)s by %(name)s")
                    % {
                        "date": date_format(
                            timezone.localtime(record.validated_at), "DATETIME_FORMAT"
                        ),
                        "name": user_name(record.validated_by),
                    },
                )
            )
        return rows

    def get_context_data(self, **kwargs):
        record = self.object
        may_change = self.user_has_permission("change")
        observations = [
            {"object": o, "agent": user_name(o.agent), "what": observation_summary(o.data)}
            for o in record.observations.select_related("agent").order_by("observed_at", "pk")
        ]
        add = None
        if record.campaign.status != CLOSED and self.user_has_permission("add"):
            add = f"{url(RecolementRecord, 'add')}?campaign={record.campaign_id}"
            add += f"&work={record.work_id}" if record.work_id else ""
        return super().get_context_data(
            rows=self.rows(),
            anomalies=anomalies(record),
            observations=observations,
            conflict_url=url(RecolementRecord, "resolve", record.pk)
            if may_change and record.has_conflict
            else None,
            validate_url=(
                url(RecolementRecord, "validate", record.pk)
                if may_change and not record.has_conflict and record.status == TO_CHECK
                else None
            ),
            observe_url=add,
            records_url=records_url(record.campaign),
            progress_url=url(RecolementCampaign, "inspect", record.campaign_id),
            **kwargs,
        )


class ResolveConflictView(RecolementOperationView):
    """The observations that disagree, side by side, each with "Keep this one"."""

    page_title = gettext_lazy("Decide the conflict")
    header_icon = "warning"
    template_name = "collections/recolement/conflict.html"

    def refusal(self):
        if not self.object.has_conflict:
            return _("The observations of this record do not disagree.")
        return None

    def candidates(self):
        observations = self.object.observations.select_related("agent")
        latest = observations.filter(applied=True).order_by("-observed_at", "-pk").first()
        return ([latest] if latest else []) + list(observations.filter(applied=False))

    def get_context_data(self, **kwargs):
        candidates = self.candidates()
        values = [observed_values(o.data) for o in candidates]
        rows = [
            (name, [column[index][1] for column in values])
            for index, (name, _value) in enumerate(values[0] if values else [])
        ]
        return super().get_context_data(
            candidates=[{"object": o, "agent": user_name(o.agent)} for o in candidates],
            rows=rows,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        chosen = get_object_or_404(self.object.observations, pk=request.POST.get("observation"))
        resolve_conflict(self.object, chosen, request.user)
        return self.done(
            "cartel.recolement.resolve",
            _(
                "Conflict decided: the record keeps the observation of %(device)s. "
                "Check it and validate it."
            )
            % {"device": chosen.device or user_name(chosen.agent)},
            observation=chosen.key,
            presence=chosen.data.get("presence"),
        )


class ValidateRecordView(RecolementOperationView):
    page_title = gettext_lazy("Validate this record")
    header_icon = "check"

    def refusal(self):
        if self.object.has_conflict:
            return _("Decide the conflict between observations first.")
        if self.object.status != TO_CHECK:
            return _("This record is already validated.")
        return None

    def get_context_data(self, **kwargs):
        found = anomalies(self.object)
        return super().get_context_data(
            question=_("Validate the record of %(subject)s?")
            % {"subject": record_subject(self.object)},
            warnings=[_("Anomalies: %(list)s.") % {"list": ", ".join(found)}] if found else [],
            possible=True,
            confirm_label=_("Yes, validate"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            validate_record(self.object, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.edit_url)
        return self.done(
            "cartel.recolement.validate",
            _("Record of %(subject)s validated.") % {"subject": record_subject(self.object)},
            anomalies=anomalies(self.object),
        )


class ObservationForm(forms.Form):
    """An observation typed in the back office; it goes through ``record_observation()``."""

    campaign = forms.ModelChoiceField(
        label=label("campaign"), queryset=RecolementCampaign.objects.exclude(status=CLOSED)
    )
    work = forms.ModelChoiceField(
        label=label("work"),
        queryset=Work.objects.current(),
        required=False,
        widget=AdminSnippetChooser(Work),
    )
    found_description = forms.CharField(
        label=label("found_description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=RecolementRecord._meta.get_field("found_description").help_text,
    )
    presence = forms.ChoiceField(
        label=label("presence"), choices=Presence.choices, widget=forms.RadioSelect
    )
    location_found = forms.ModelChoiceField(
        label=label("location_found"),
        queryset=Location.objects.all(),
        required=False,
        widget=AdminSnippetChooser(Location),
    )
    marked_on_object = forms.BooleanField(label=label("marked_on_object"), required=False)
    marked_on_label = forms.BooleanField(label=label("marked_on_label"), required=False)
    marked_on_support = forms.BooleanField(label=label("marked_on_support"), required=False)
    conforms = forms.BooleanField(label=label("conforms"), required=False, initial=True)
    identification_problem = forms.BooleanField(
        label=label("identification_problem"), required=False
    )
    inventoried_twice = forms.BooleanField(label=label("inventoried_twice"), required=False)
    condition = forms.ChoiceField(
        label=label("condition"), choices=[("", "—"), *Condition.choices], required=False
    )
    alterations = forms.CharField(label=label("alterations"), required=False, max_length=500)
    follow_ups = forms.MultipleChoiceField(
        label=label("follow_ups"),
        choices=list(RecolementRecord.FOLLOW_UPS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=label("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if not data.get("work") and not (data.get("found_description") or "").strip():
            raise ValidationError(_("Name the work, or describe the object found."))
        return data

    def observation(self) -> dict:
        """The observation's data, as a tablet would send it."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("campaign", "work", "found_description", "location_found")
        }
        location = self.cleaned_data.get("location_found")
        data["location_found"] = location.code if location else None
        return data


class ObservationView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """The records' add view: an observation typed in the back office."""

    permission_required = "add"
    model = RecolementRecord
    form_class = ObservationForm
    template_name = "collections/recolement/observation.html"
    page_title = gettext_lazy("Record an observation")
    header_icon = "plus"
    index_url_name = None
    inspect_url_name = None

    def get_initial(self):
        initial = super().get_initial()
        for name in ("campaign", "work"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return initial

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(RecolementRecord._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            result = record_observation(
                data["campaign"],
                key=f"back-office-{uuid.uuid4()}",
                data=form.observation(),
                work=data["work"],
                found_description="" if data["work"] else data["found_description"],
                device=BACK_OFFICE,
                agent=self.request.user,
            )
        except ObservationError as error:
            if hasattr(error, "error_dict"):
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        record = result.record
        log(
            record,
            "cartel.recolement.observe",
            user=self.request.user,
            data={
                "key": result.observation.key,
                "presence": data["presence"],
                "conflict": result.conflict,
            },
        )
        if result.conflict:
            messages.warning(
                self.request,
                _(
                    "This observation disagrees with an earlier one from another device or agent: it "
                    "is kept aside until a registrar decides."
                ),
            )
        else:
            messages.success(
                self.request,
                _("Observation recorded for %(subject)s.") % {"subject": record_subject(record)},
            )
        return redirect(self.inspect_url_name, record.pk)


class RecolementRecordViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # the récolement is private
    model = RecolementRecord
    icon = "list-ul"
    menu_label = gettext_lazy("Records")
    menu_order = 300
    index_view_class = RecordIndexView
    inspect_view_enabled = True
    inspect_view_class = RecordView
    filterset_class = RecordFilterSet
    copy_view_enabled = False
    list_per_page = 50
    search_backend_name = None
    search_fields = ["work__inventory_number", "work__title", "found_description", "notes"]

    def get_queryset(self, request):
        return RecolementRecord.objects.select_related(
            "campaign", "work", "expected_location", "location_found"
        )

    @property
    def add_view(self):
        return self.construct_view(ObservationView)

    @property
    def edit_view(self):
        return self.construct_view(RecordEditRedirect)

    def get_urlpatterns(self):
        back = {"edit_url_name": self.get_url_name("inspect")}
        return [
            *super().get_urlpatterns(),
            path(
                "resolve/<int:pk>/",
                self.construct_view(ResolveConflictView, **back),
                name="resolve",
            ),
            path(
                "validate/<int:pk>/",
                self.construct_view(ValidateRecordView, **back),
                name="validate",
            ),
        ]


# Tablet sessions -----------------------------------------------------------------------------


class TabletSessionIndexView(IndexView):
    revoke_url_name = None

    def get_edit_url(self, instance):
        return None

    def get_add_url(self):
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active and self.user_has_permission("change"):
            buttons.append(
                Button(
                    _("Revoke"),
                    url=reverse(self.revoke_url_name, args=[quote(instance.pk)]),
                    icon_name="cross",
                    priority=10,
                )
            )
        return buttons


class RevokeTabletView(RecolementOperationView):
    page_title = gettext_lazy("Revoke")
    header_icon = "cross"

    @cached_property
    def edit_url(self):
        return reverse(self.index_url_name)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": self.edit_url, "label": capfirst(TabletSession._meta.verbose_name_plural)},
            {"url": "", "label": self.get_page_title()},
        ]

    def refusal(self):
        if not self.object.is_active:
            return _("%(session)s is already revoked.") % {"session": self.object}
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            question=_(
                "Revoke %(session)s? The tablet is locked out at once; observations it has "
                "not sent yet stay on it until someone signs in again."
            )
            % {"session": self.object},
            possible=True,
            confirm_label=_("Yes, revoke"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        session = self.object
        session.revoked_at = timezone.now()
        session.save(update_fields=["revoked_at"])
        return self.done(
            "cartel.tablet.revoke",
            _("%(session)s is revoked.") % {"session": session},
            device=session.device_name,
            user=user_name(session.user),
        )


class TabletSessionViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # the récolement is private
    model = TabletSession
    icon = "mobile-alt"
    menu_label = gettext_lazy("Tablet sessions")
    menu_order = 400
    index_view_class = TabletSessionIndexView
    copy_view_enabled = False
    search_backend_name = None
    search_fields = ["device_name", "user__username", "user__last_name"]
    list_display = [
        "device_name",  # the title column, which carries the "Revoke" button
        Column("user", label=gettext_lazy("User"), accessor=lambda s: user_name(s.user)),
        DateColumn("created_at", label=gettext_lazy("Signed in on"), sort_key="created_at"),
        DateColumn("last_seen_at", label=gettext_lazy("Last seen"), sort_key="last_seen_at"),
        StatusTagColumn(
            "revoked_at",
            label=gettext_lazy("Revoked"),
            accessor=lambda s: (
                _("revoked on %(date)s")
                % {"date": date_format(timezone.localtime(s.revoked_at), "SHORT_DATETIME_FORMAT")}
                if s.revoked_at
                else _("active")
            ),
            primary=lambda s: s.is_active,
            sort_key="revoked_at",
        ),
    ]

    def get_queryset(self, request):
        return TabletSession.objects.select_related("user")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(revoke_url_name=self.get_url_name("revoke"), **kwargs)

    @property
    def add_view(self):
        return self.construct_view(SessionListRedirect)

    @property
    def edit_view(self):
        return self.construct_view(SessionListRedirect)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("revoke/<int:pk>/", self.construct_view(RevokeTabletView), name="revoke"),
        ]


class SessionListRedirect(View):
    """Sessions are opened by tablets, never written in a form."""

    index_url_name = None

    def get(self, request, *args, **kwargs):
        return redirect(self.index_url_name)


class RecolementViewSetGroup(SnippetViewSetGroup):
    items = (
        RecolementPlanViewSet,
        RecolementCampaignViewSet,
        RecolementRecordViewSet,
        TabletSessionViewSet,
    )
    menu_icon = "list-ul"
    menu_label = gettext_lazy("Récolement")
    menu_order = 250
