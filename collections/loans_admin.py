"""Wagtail admin for loans, exhibitions, condition checks and conservation treatments.

The forms show the clashes (``services.commitments``) from the submitted data, before anything
is saved. A loan's status changes only through ``services.loans.advance_loan()``, behind a small
confirmation form. Insurance values are private: only staff cleared for private data see them.
"""

import datetime

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic import BaseObjectMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import AdminDateInput, Button, HeaderButton
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from .locations_admin import PrivateChooserViewSet
from .models import (
    ConditionCheck,
    ConservationTreatment,
    Exhibition,
    Loan,
    LoanObject,
    Location,
    Work,
    WorkMaker,
    WorkMedia,
)
from .register_admin import EntryOperationView
from .services.commitments import clash_messages, clashes
from .services.loans import advance_loan, loan_clashes
from .services.register import user_name
from .viewsets import PRIVATE, private_panel

Status = Loan.Status


# Clashes, from the submitted data ----------------------------------------------------------


def kept_rows(form, relation) -> list[dict]:
    """The cleaned data of the inline rows a submitted form keeps (filled in, not deleted)."""
    rows = []
    for row in form.formsets[relation].forms:
        data = getattr(row, "cleaned_data", None) or {}
        if data and not data.get("DELETE"):
            rows.append(data)
    return rows


def clash_problems(kind, pk, works, start, end, *, exhibition_id=None) -> list[str]:
    """One sentence per work listed twice or already promised over [start, end]."""
    by_id, problems = {}, []
    for work in works:
        if work.pk in by_id:
            problems.append(_("%(work)s is listed twice.") % {"work": work})
        by_id[work.pk] = work
    found = clashes(kind, pk, by_id, start, end, exhibition_id=exhibition_id)
    return problems + clash_messages(found, by_id)


class CommitmentForm(WagtailAdminModelForm):
    """A form for a commitment of works: once the fields are valid, ``problems()`` (clashes…)
    become errors of the whole form, so nothing is saved."""

    def is_valid(self):
        if not super().is_valid():
            return False
        if not hasattr(self, "_problems"):
            self._problems = self.problems()
            for problem in self._problems:
                self.add_error(None, problem)
        return not self._problems

    def problems(self) -> list[str]:
        raise NotImplementedError


def without_fields(form_class, *names):
    """The form class of inline rows, without ``names`` (the user may not see them): the values
    stored are kept."""

    class Form(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in names:
                self.fields.pop(name, None)

    return Form


class LoanForm(CommitmentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "direction" in self.fields:
            self.fields["direction"].disabled = True  # its number says it (PS-…, PE-…)
        lines = self.formsets.get("lines")
        if lines is not None and self.for_user and not self.for_user.has_perm(PRIVATE):
            # Wagtail applies a panel's permission to the main form only, not to inline rows.
            lines.form = without_fields(lines.form, "insurance_value")

    def problems(self):
        loan, data = self.instance, self.cleaned_data
        works = [row["work"] for row in kept_rows(self, "lines") if row.get("work")]
        problems = []
        if loan.status in (Status.DEPARTED, Status.RETURNED):
            before = set(LoanObject.objects.filter(loan=loan).values_list("work_id", flat=True))
            if {work.pk for work in works} != before:
                problems.append(
                    _("The works of a loan cannot change once they have left or arrived.")
                )
        if loan.status in Loan.ACTIVE:
            exhibition = data.get("exhibition")
            borrowing = data.get("direction") == Loan.Direction.IN
            problems += clash_problems(
                "loan",
                loan.pk,
                works,
                data.get("start_date"),
                data.get("end_date"),
                exhibition_id=exhibition.pk if exhibition and borrowing else None,
            )
        return problems


class ExhibitionForm(CommitmentForm):
    def problems(self):
        data = self.cleaned_data
        rows = [row for row in kept_rows(self, "checklist") if row.get("work")]
        problems = []
        for row in rows:
            loan, work = row.get("loan"), row["work"]
            if loan is None:
                continue
            if loan.direction != Loan.Direction.IN:
                problems.append(
                    _("%(loan)s is not a loan in: works come into an exhibition through a loan in.")
                    % {"loan": loan.number}
                )
            elif not LoanObject.objects.filter(loan=loan, work=work).exists():
                problems.append(
                    _("%(work)s is not among the works of loan %(loan)s.")
                    % {"work": work, "loan": loan.number}
                )
        if data.get("status") not in Exhibition.ACTIVE:
            return problems
        venues = [row for row in kept_rows(self, "venues") if row.get("start_date")]
        start = min((row["start_date"] for row in venues), default=None)
        end = max((row["end_date"] for row in venues if row.get("end_date")), default=None)
        pk = self.instance.pk
        works = [row["work"] for row in rows]
        return problems + clash_problems("exhibition", pk, works, start, end, exhibition_id=pk)

    def save(self, commit=True):
        exhibition = super().save(commit)
        if commit:
            # Its dates are its venues'. Refreshed on a fresh instance: on this one, modelcluster
            # keeps the venues in memory, where Exhibition.refresh_dates() cannot aggregate.
            saved = Exhibition.objects.get(pk=exhibition.pk)
            saved.refresh_dates()
            exhibition.start_date, exhibition.end_date = saved.start_date, saved.end_date
        return exhibition


class TreatmentForm(CommitmentForm):
    def problems(self):
        data = self.cleaned_data
        if data.get("status") not in ConservationTreatment.ACTIVE or not data.get("work"):
            return []
        start, end = data.get("start_date"), data.get("end_date")
        return clash_problems("treatment", self.instance.pk, [data["work"]], start, end)


class ConditionCheckForm(WagtailAdminModelForm):
    def save(self, commit=True):
        if self.instance.pk is None and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit)


# Filters -------------------------------------------------------------------------------------


def overlapping_year(queryset, name, value):
    """What runs during the year asked (it may start before and end after)."""
    if value is None:
        return queryset
    year = int(value)
    return queryset.filter(start_date__year__lte=year, end_date__year__gte=year)


class LoanFilterSet(WagtailFilterSet):
    direction = django_filters.ChoiceFilter(
        label=gettext_lazy("Direction"), choices=Loan.Direction.choices
    )
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Status.choices)
    year = django_filters.NumberFilter(label=gettext_lazy("Year"), method=overlapping_year)

    class Meta:
        model = Loan
        fields = []


class ExhibitionFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Exhibition.Status.choices
    )
    year = django_filters.NumberFilter(label=gettext_lazy("Year"), method=overlapping_year)

    class Meta:
        model = Exhibition
        fields = []


class ConditionCheckFilterSet(WagtailFilterSet):
    condition = django_filters.ChoiceFilter(
        label=gettext_lazy("Condition"), choices=ConditionCheck.Condition.choices
    )
    reason = django_filters.ChoiceFilter(
        label=gettext_lazy("Reason"), choices=ConditionCheck.Reason.choices
    )

    class Meta:
        model = ConditionCheck
        fields = []


class TreatmentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=ConservationTreatment.Status.choices
    )

    class Meta:
        model = ConservationTreatment
        fields = []


# Loans: the workflow -------------------------------------------------------------------------

FORWARD = (Status.APPROVED, Status.AGREEMENT_SIGNED, Status.DEPARTED, Status.RETURNED)


def transition_label(loan, status) -> str:
    """The name of the step on its button: 'Approve', 'Departed' (out) or 'Received' (in)…"""
    if status == Status.DEPARTED:
        return _("Received") if loan.direction == Loan.Direction.IN else _("Departed")
    return {
        Status.APPROVED: _("Approve"),
        Status.AGREEMENT_SIGNED: _("Agreement signed"),
        Status.RETURNED: _("Returned"),
        Status.REFUSED: _("Refuse"),
        Status.CANCELLED: _("Cancel the loan"),
    }[status]


def asks_location(loan, status) -> bool:
    """Where the works go is asked when borrowed works arrive and when lent works come back."""
    return (loan.direction, status) in (
        (Loan.Direction.IN, Status.DEPARTED),
        (Loan.Direction.OUT, Status.RETURNED),
    )


class LoanStatusForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=AdminDateInput())
    location = forms.ModelChoiceField(queryset=Location.objects.none(), required=False)

    def __init__(self, *args, loan, status, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        if not asks_location(loan, status):
            del self.fields["location"]
            return
        field = self.fields["location"]
        field.queryset = Location.objects.filter(is_active=True).exclude(
            kind=Location.Kind.EXTERNAL
        )
        field.widget = AdminSnippetChooser(Location)
        if loan.direction == Loan.Direction.IN:
            field.label = _("Where the borrowed works are put")
            field.required = True
        else:
            field.label = _("Where the works go back")
            field.help_text = _("Leave empty: each work goes back to its normal location.")

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return date

    def moment(self) -> datetime.datetime:
        """Now for today; noon for a day past (the step is recorded late)."""
        date = self.cleaned_data["date"]
        if date == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.datetime.combine(date, datetime.time(12)))


class LoanStatusView(EntryOperationView, FormView):
    """One step of the workflow (``status`` in the URL), behind a confirmation form."""

    permission_required = "change"
    form_class = LoanStatusForm
    template_name = "collections/loans/confirm_status.html"
    header_icon = "arrow-right"

    @cached_property
    def status(self):
        return self.kwargs["status"]

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission("change"):
            raise PermissionDenied
        if self.status not in Loan.TRANSITIONS.get(self.object.status, ()):
            messages.error(
                request,
                _("Loan %(number)s is %(status)s: this step is not possible now.")
                % {"number": self.object.number, "status": self.object.get_status_display()},
            )
            return redirect(self.edit_url)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return transition_label(self.object, self.status)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"loan": self.object, "status": self.status}

    def get_context_data(self, **kwargs):
        checked = self.status in (Status.APPROVED, Status.AGREEMENT_SIGNED)
        return super().get_context_data(
            new_status=dict(Status.choices)[self.status],
            lines=self.object.lines.select_related("work"),
            moves_works=self.status in (Status.DEPARTED, Status.RETURNED),
            problems=loan_clashes(self.object) if checked else [],
            **kwargs,
        )

    def form_valid(self, form):
        before = self.object.status
        location = form.cleaned_data.get("location")
        try:
            moved = advance_loan(
                self.object,
                self.status,
                user=self.request.user,
                at=form.moment(),
                location=location,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            return self.form_invalid(form)
        log(
            self.object,
            "cartel.loan.status",
            user=self.request.user,
            data={
                "from": before,
                "to": self.status,
                "date": form.cleaned_data["date"].isoformat(),
                "location": location.code if location else None,
                "movements": len(moved),
            },
        )
        text = _("Loan %(number)s is now %(status)s.") % {
            "number": self.object.number,
            "status": dict(Status.choices)[self.status],
        }
        if moved:
            text += " " + _("%(count)s movements written.") % {"count": len(moved)}
        messages.success(self.request, text)
        return redirect(self.edit_url)


class LoanEditView(EditView):
    status_url_name = None

    @cached_property
    def next_steps(self) -> list[tuple[str, str, str]]:
        """(status, label, url) of the steps the user may take now."""
        if not self.status_url_name or not self.user_has_permission("change"):
            return []
        return [
            (
                status,
                transition_label(self.object, status),
                reverse(self.status_url_name, args=[quote(self.object.pk), status]),
            )
            for status in Loan.TRANSITIONS.get(self.object.status, ())
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(label, url=url, icon_name="arrow-right")
            for status, label, url in self.next_steps
            if status in FORWARD
        ]

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        for status, label, url in self.next_steps:
            if status not in FORWARD:
                buttons.append(Button(label, url=url, icon_name="cross", priority=30))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        loan = self.object
        context["status_notice"] = _("Status: %(status)s") % {"status": loan.get_status_display()}
        if loan.status_changed_at:
            context["status_notice"] += " " + _("(since %(date)s)") % {
                "date": date_format(timezone.localtime(loan.status_changed_at), "DATE_FORMAT")
            }
        return context


# Exhibitions: the printable checklist --------------------------------------------------------


def checklist(exhibition, user) -> dict:
    """The checklist as printed: works grouped by section, with the lender of borrowed works;
    the total insurance value only for staff cleared for private data."""
    lines = list(
        exhibition.checklist.select_related("work", "loan__partner").prefetch_related(
            Prefetch("work__makers", queryset=WorkMaker.objects.select_related("person")),
            "work__dimensions",
            "work__denominations",
            Prefetch(
                "work__media",
                queryset=WorkMedia.objects.filter(is_primary=True).select_related("image"),
                to_attr="primary_media",
            ),
        )
    )
    chosen = {
        (line.loan_id, line.work_id): line
        for line in LoanObject.objects.filter(loan__in={ln.loan_id for ln in lines if ln.loan_id})
    }
    # A work the checklist does not say is borrowed may come through a loan in for the show.
    for_the_show = {
        line.work_id: line
        for line in LoanObject.objects.filter(
            loan__exhibition=exhibition, loan__direction=Loan.Direction.IN
        )
        .exclude(loan__status__in=(Status.REFUSED, Status.CANCELLED))
        .select_related("loan__partner")
    }
    sections = {section.title: [] for section in exhibition.sections.all()}
    values = []
    for line in lines:
        work = line.work
        if line.loan_id:
            loan, loan_line = line.loan, chosen.get((line.loan_id, line.work_id))
        else:
            loan_line = for_the_show.get(line.work_id)
            loan = loan_line.loan if loan_line else None
        values.append(loan_line.insurance_value if loan else work.insurance_value)
        primary = work.primary_media
        sections.setdefault(line.section, []).append(
            {
                "line": line,
                "work": work,
                "image": primary[0].image if primary else None,
                "makers": "; ".join(maker.display for maker in work.makers.all()),
                "lender": loan.partner.name if loan else "",
            }
        )
    if "" in sections:
        sections[""] = sections.pop("")  # works in no section come last
    context = {
        "exhibition": exhibition,
        "venues": exhibition.venues.all(),
        "sections": [{"title": title, "rows": rows} for title, rows in sections.items() if rows],
        "count": len(lines),
        "show_insurance": user.has_perm(PRIVATE),
    }
    if context["show_insurance"]:
        context["insurance_total"] = sum(value for value in values if value is not None)
        context["not_valued"] = sum(1 for value in values if value is None)
    return context


class ChecklistView(PermissionCheckedMixin, BaseObjectMixin, TemplateView):
    permission_required = "view"
    template_name = "collections/loans/checklist.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**checklist(self.object, self.request.user), **kwargs)


def checklist_button(url_name, exhibition, button_class=HeaderButton, **kwargs):
    url = reverse(url_name, args=[quote(exhibition.pk)])
    return button_class(
        _("Printable checklist"),
        url=url,
        icon_name="doc-full",
        attrs={"target": "_blank"},
        **kwargs,
    )


class ExhibitionIndexView(IndexView):
    checklist_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.checklist_url_name:
            buttons.append(checklist_button(self.checklist_url_name, instance, Button, priority=30))
        return buttons


class ExhibitionEditView(EditView):
    checklist_url_name = None

    @cached_property
    def header_buttons(self):
        if not self.checklist_url_name:
            return []
        return [checklist_button(self.checklist_url_name, self.object)]


# Condition checks and treatments: ``?work=<id>`` fills the work -------------------------------


class WorkPrefilledCreateView(CreateView):
    def get_initial(self):
        initial = super().get_initial()
        work_id = self.request.GET.get("work", "")
        if work_id.isdigit() and Work.objects.filter(pk=work_id).exists():
            initial["work"] = int(work_id)
        return initial


class ConditionCheckCreateView(WorkPrefilledCreateView):
    def get_initial(self):
        return super().get_initial() | {
            "checked_on": timezone.localdate(),
            "checker": user_name(self.request.user),
        }


# What a work is promised to, for the work's page ---------------------------------------------


def work_care_summary(work, user=None) -> dict:
    """The latest condition check, the treatments and the current or planned loans and
    exhibitions of a work, each with its admin link. With ``user``, what they may not see is
    None (a documentalist sees no loans)."""

    def may(action, model):
        return user is None or user.has_perm(f"collections.{action}_{model._meta.model_name}")

    def edit_url(obj):
        return reverse(type(obj).snippet_viewset.get_url_name("edit"), args=[quote(obj.pk)])

    def add_url(model):
        if not may("add", model):
            return None
        return reverse(model.snippet_viewset.get_url_name("add")) + f"?work={work.pk}"

    summary = {
        "work": work,
        "checks_visible": may("view", ConditionCheck),
        "latest_check": None,
        "treatments": None,
        "loans": None,
        "exhibitions": None,
    }
    if summary["checks_visible"]:
        check = work.condition_checks.order_by("-checked_on", "-pk").first()
        summary["latest_check"] = {"object": check, "url": edit_url(check)} if check else None
        summary["add_check_url"] = add_url(ConditionCheck)
    if may("view", ConservationTreatment):
        summary["treatments"] = [
            {"object": treatment, "url": edit_url(treatment)}
            for treatment in work.treatments.select_related("restorer").order_by("-start_date")
        ]
        summary["add_treatment_url"] = add_url(ConservationTreatment)
    if may("view", Loan):
        loans = Loan.objects.filter(lines__work=work, status__in=Loan.ACTIVE).distinct()
        summary["loans"] = [
            {"object": loan, "url": edit_url(loan)}
            for loan in loans.select_related("partner").order_by("start_date")
        ]
    if may("view", Exhibition):
        shows = Exhibition.objects.filter(checklist__work=work, status__in=Exhibition.ACTIVE)
        summary["exhibitions"] = [
            {"object": show, "url": edit_url(show)}
            for show in shows.distinct().order_by("start_date")
        ]
    return summary


# Viewsets ------------------------------------------------------------------------------------


class LoanViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # loans and care are private
    model = Loan
    icon = "redirect"
    menu_label = gettext_lazy("Loans")
    menu_order = 100
    edit_view_class = LoanEditView
    edit_template_name = "collections/loans/edit_loan.html"
    filterset_class = LoanFilterSet
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["number", "purpose", "exhibition_title", "partner__name"]
    search_backend_name = None
    list_display = [
        "number",
        "direction",
        "partner",
        "start_date",
        "end_date",
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor="get_status_display",
            primary=lambda loan: loan.status in Loan.ACTIVE,
            sort_key="status",
        ),
        Column("works_count", label=gettext_lazy("Works"), sort_key="works_count"),
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("direction"), FieldPanel("partner")]),
            FieldPanel("purpose"),
            FieldRowPanel([FieldPanel("exhibition"), FieldPanel("exhibition_title")]),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldPanel("conditions"),
            FieldPanel("courier"),
            FieldPanel("agreement_documents"),
            MultiFieldPanel(
                [private_panel("contact"), private_panel("insurance_value")],
                heading=gettext_lazy("Contact and insurance (private)"),
            ),
            InlinePanel(
                "lines",
                heading=gettext_lazy("Works"),
                panels=[FieldPanel("work"), private_panel("insurance_value"), FieldPanel("notes")],
            ),
            FieldPanel("notes"),
        ],
        base_form_class=LoanForm,
    )

    def get_queryset(self, request):
        return Loan.objects.select_related("partner").annotate(works_count=Count("lines"))

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(status_url_name=self.get_url_name("status"), **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("status/<int:pk>/<slug:status>/", self.status_view, name="status"),
        ]

    @property
    def status_view(self):
        return self.construct_view(LoanStatusView)


class ExhibitionViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # loans and care are private
    model = Exhibition
    icon = "calendar"
    menu_label = gettext_lazy("Exhibitions")
    menu_order = 200
    index_view_class = ExhibitionIndexView
    edit_view_class = ExhibitionEditView
    filterset_class = ExhibitionFilterSet
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["title", "curators"]
    search_backend_name = None
    list_display = [
        "title",
        "start_date",
        "end_date",
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor="get_status_display",
            primary=lambda show: show.status in Exhibition.ACTIVE,
            sort_key="status",
        ),
        Column("works_count", label=gettext_lazy("Works"), sort_key="works_count"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("status"),
                    FieldPanel("curators"),
                    FieldPanel("description"),
                    InlinePanel(
                        "venues",
                        heading=gettext_lazy("Venues and dates"),
                        panels=[
                            FieldPanel("venue"),
                            FieldPanel("location"),
                            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                        ],
                    ),
                    FieldPanel("notes"),
                ],
                heading=gettext_lazy("Exhibition"),
            ),
            ObjectList(
                [InlinePanel("sections", heading=gettext_lazy("Sections"))],
                heading=gettext_lazy("Sections"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "checklist",
                        heading=gettext_lazy("Checklist"),
                        panels=[
                            FieldPanel("work"),
                            FieldRowPanel([FieldPanel("section"), FieldPanel("catalogue_number")]),
                            FieldPanel("loan"),
                            FieldPanel("notes"),
                        ],
                    )
                ],
                heading=gettext_lazy("Checklist"),
            ),
        ],
        base_form_class=ExhibitionForm,
    )

    def get_queryset(self, request):
        return Exhibition.objects.annotate(works_count=Count("checklist"))

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            checklist_url_name=self.get_url_name("checklist"), **kwargs
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("checklist/<int:pk>/", self.checklist_view, name="checklist"),
        ]

    @property
    def checklist_view(self):
        return self.construct_view(ChecklistView)


class ConditionCheckViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # loans and care are private
    model = ConditionCheck
    icon = "tasks"
    menu_label = gettext_lazy("Condition checks")
    menu_order = 300
    add_view_class = ConditionCheckCreateView
    filterset_class = ConditionCheckFilterSet
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["work__inventory_number", "work__title", "checker", "alterations"]
    search_backend_name = None
    list_display = ["work", "checked_on", "condition", "reason", "checker"]
    edit_handler = ObjectList(
        [
            FieldPanel("work"),
            FieldRowPanel([FieldPanel("checked_on"), FieldPanel("checker")]),
            FieldRowPanel([FieldPanel("condition"), FieldPanel("reason")]),
            FieldPanel("loan"),
            FieldPanel("alterations"),
            FieldPanel("notes"),
            FieldPanel("photos"),
        ],
        base_form_class=ConditionCheckForm,
    )

    def get_queryset(self, request):
        return ConditionCheck.objects.select_related("work")


class ConservationTreatmentViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # loans and care are private
    model = ConservationTreatment
    icon = "cogs"
    menu_label = gettext_lazy("Conservation treatments")
    menu_order = 400
    add_view_class = WorkPrefilledCreateView
    filterset_class = TreatmentFilterSet
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["work__inventory_number", "work__title", "purpose", "restorer__name"]
    search_backend_name = None
    list_display = ["work", "purpose", "restorer", "start_date", "end_date", "status"]
    edit_handler = ObjectList(
        [
            FieldPanel("work"),
            FieldPanel("status"),
            FieldPanel("restorer"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldPanel("purpose"),
            FieldPanel("treatment"),
            FieldPanel("report"),
            FieldPanel("report_document"),
            FieldPanel("cost"),
        ],
        base_form_class=TreatmentForm,
    )

    def get_queryset(self, request):
        return ConservationTreatment.objects.select_related("work", "restorer")


class LoansViewSetGroup(SnippetViewSetGroup):
    items = (LoanViewSet, ExhibitionViewSet, ConditionCheckViewSet, ConservationTreatmentViewSet)
    menu_icon = "globe"
    menu_label = gettext_lazy("Loans and exhibitions")
    menu_order = 200
