"""Wagtail admin for where things are: the tree of locations, the movements, and the Move forms
for a location (with what it holds) or a work.

Every change of place goes through ``services.movements``: these views ask it, show its answers
and keep the audit log. Movements are read here, never edited; a location's parent changes only
by a Move. Locations are private: staff without ``view_location`` see none of this.
"""

import datetime

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import (
    BooleanColumn,
    BulkActionsCheckboxColumn,
    Column,
    StatusTagColumn,
)
from wagtail.admin.widgets import (
    AdminAutoHeightTextInput,
    AdminDateTimeInput,
    BooleanRadioSelect,
    Button,
    HeaderButton,
)
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import (
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from .models import CurrentLocation, Location, Movement, Work
from .register_admin import EntryOperationView, RegisterFieldPanel, operation_url
from .services.movements import MoveError, cancel, complete, correct, move
from .viewsets import MOVE, NeverDeletedPolicy

UNMOVABLE = frozenset({Location.Kind.SITE, Location.Kind.BUILDING})
#: Reasons people choose; the two others are written by the service itself.
MOVE_REASONS = [
    (value, label)
    for value, label in Movement.Reason.choices
    if value not in (Movement.Reason.CONTAINER, Movement.Reason.CORRECTION)
]


def location_chooser():
    return AdminSnippetChooser(Location)


# Permissions -------------------------------------------------------------------------------


class LocationPolicy(NeverDeletedPolicy):
    """Locations are never deleted (they are marked no longer in use). Moving one is moving
    what it holds: ``collections.move_work``; sites and buildings do not move."""

    def user_has_permission(self, user, action):
        if action == "move":
            return user.has_perm(MOVE)
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "move" and instance.kind in UNMOVABLE:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class MovementPolicy(ModelPermissionPolicy):
    """Movements are written by moves only: nobody adds, edits or deletes one in the admin.
    Staff who move works mark a planned movement done or cancel it, and correct a done one."""

    #: operation → the status a work's movement must have for it
    OPERATIONS = {
        "complete": Movement.Status.PLANNED,
        "cancel": Movement.Status.PLANNED,
        "correct": Movement.Status.DONE,
    }
    NEVER = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        if action in self.OPERATIONS:
            return user.has_perm(MOVE)
        return action not in self.NEVER and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a not in self.NEVER])

    def user_has_permission_for_instance(self, user, action, instance):
        if action in self.OPERATIONS and (
            instance.work_id is None or instance.status != self.OPERATIONS[action]
        ):
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class ViewPermissionRequired:
    """For the chooser views: a private record is chosen only by staff who may view it (the
    snippet choosers otherwise open to anyone in the admin)."""

    def dispatch(self, request, *args, **kwargs):
        opts = self.model_class._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LocationSearchForm(BaseFilterForm):
    """Searches the chooser by code or name (locations are not in the search index)."""

    q = forms.CharField(
        label=gettext_lazy("Search term"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Code or name")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        if query := self.cleaned_data.get("q", "").strip():
            objects = objects.filter(Q(code__icontains=query) | Q(full_name__icontains=query))
            self.is_searching, self.search_query = True, query
        return objects


def private(view_class, **attrs):
    return type(view_class.__name__, (ViewPermissionRequired, view_class), attrs)


class PrivateChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = private(chooser.ChooseView)
    choose_results_view_class = private(chooser.ChooseResultsView)
    chosen_view_class = private(chooser.SnippetChosenView)
    chosen_multiple_view_class = private(chooser.SnippetChosenMultipleView)


class LocationChooserViewSet(PrivateChooserViewSet):
    choose_view_class = private(chooser.ChooseView, filter_form_class=LocationSearchForm)
    choose_results_view_class = private(
        chooser.ChooseResultsView, filter_form_class=LocationSearchForm
    )


# Forms -------------------------------------------------------------------------------------


class LocationForm(WagtailAdminModelForm):
    """Once a location exists, its code (printed on labels) and its place in the tree are read
    only: whatever is posted for them, the form keeps them. Move it to put it elsewhere."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Printed on labels: it never changes.")
            self.fields["parent"].disabled = True
            self.fields["parent"].help_text = _(
                "Use Move to move it: the movements of everything inside it are recorded."
            )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()  # as printed on labels


class MoveForm(forms.Form):
    to = forms.ModelChoiceField(label=gettext_lazy("Destination"), queryset=Location.objects.all())
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"), choices=MOVE_REASONS, initial=Movement.Reason.STORAGE
    )
    moved_at = forms.DateTimeField(
        label=gettext_lazy("Date"), initial=timezone.now, widget=AdminDateTimeInput()
    )
    planned = forms.BooleanField(
        label=gettext_lazy("Planned"),
        required=False,
        help_text=gettext_lazy(
            "Not moved yet: the work stays where it is until the movement is marked done."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=AdminAutoHeightTextInput()
    )

    #: a done movement may be dated a little ahead (clocks), not in the future
    LEEWAY = datetime.timedelta(minutes=10)

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].widget = location_chooser()
        if isinstance(subject, Location):  # only works have planned movements
            del self.fields["planned"]

    def clean(self):
        data = super().clean()
        moved_at = data.get("moved_at")
        if moved_at and not data.get("planned") and moved_at > timezone.now() + self.LEEWAY:
            self.add_error(
                "moved_at",
                _("This date is in the future: tick “Planned”, or give the date of the move."),
            )
        return data


class CompleteForm(forms.Form):
    moved_at = forms.DateTimeField(
        label=gettext_lazy("Moved on"), initial=timezone.now, widget=AdminDateTimeInput()
    )


class CorrectForm(forms.Form):
    to = forms.ModelChoiceField(
        label=gettext_lazy("Where the work really went"), queryset=Location.objects.all()
    )
    note = forms.CharField(
        label=gettext_lazy("What was wrong"), required=False, widget=AdminAutoHeightTextInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].widget = location_chooser()


# Listing filters ---------------------------------------------------------------------------


class LocationFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=Location.Kind.choices)
    is_active = django_filters.BooleanFilter(
        label=gettext_lazy("In use"), widget=BooleanRadioSelect
    )
    inside = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Inside"), queryset=Location.objects.all(), method="filter_inside"
    )

    class Meta:
        model = Location
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["inside"].extra["widget"] = location_chooser()

    def filter_inside(self, queryset, name, location):
        return queryset if location is None else queryset.subtree(location)


class MovementFilterSet(WagtailFilterSet):
    reason = django_filters.ChoiceFilter(
        label=gettext_lazy("Reason"), choices=Movement.Reason.choices
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Movement.Status.choices
    )
    moved_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Date"), widget=DateRangePickerWidget
    )
    work = django_filters.ModelChoiceFilter(label=gettext_lazy("Work"), queryset=Work.objects.all())
    location = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Location (and everything inside it)"),
        queryset=Location.objects.all(),
        method="filter_location",
    )

    class Meta:
        model = Movement
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["work"].extra["widget"] = AdminSnippetChooser(Work)
        self.filters["location"].extra["widget"] = location_chooser()

    def filter_location(self, queryset, name, location):
        """Movements into, out of or of the location, or of anything inside it."""
        if location is None:
            return queryset
        return queryset.filter(
            Q(to_location__path__startswith=location.path)
            | Q(from_location__path__startswith=location.path)
            | Q(container__path__startswith=location.path)
        )


# Views -------------------------------------------------------------------------------------


def move_url(instance):
    action = "move" if isinstance(instance, Location) else "move_work"
    return reverse(Location.snippet_viewset.get_url_name(action), args=[quote(instance.pk)])


class WithoutBulkActions(IndexView):
    """No checkboxes: the only snippet bulk action is Delete, and these are never deleted."""

    @cached_property
    def columns(self):
        return [c for c in super().columns if not isinstance(c, BulkActionsCheckboxColumn)]


class LocationIndexView(WithoutBulkActions):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission_for_instance("move", instance):
            buttons.append(
                Button(_("Move"), url=move_url(instance), icon_name="arrow-right-full", priority=15)
            )
        works = reverse(Work.snippet_viewset.get_url_name("list")) + f"?location={instance.pk}"
        buttons.append(Button(_("Works here"), url=works, icon_name="image", priority=40))
        return buttons


class LocationEditView(EditView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.user_has_permission_for_instance("move", self.object):
            url = move_url(self.object)
            buttons.append(HeaderButton(_("Move"), url=url, icon_name="arrow-right-full"))
        return buttons


class OperationView(EntryOperationView, FormView):
    """A form about one object (a location, a work, a movement), then a service call; the
    object's page is its edit view for those who may edit it, else its inspect view."""

    template_name = "collections/locations/operation_form.html"
    submit_label = gettext_lazy("Save")
    intro = ""

    @cached_property
    def edit_url(self):
        action = "edit" if self.user_has_permission("change") else "inspect"
        viewset = self.model.snippet_viewset
        return reverse(viewset.get_url_name(action), args=[quote(self.object.pk)])

    def get_context_data(self, **kwargs):
        return super().get_context_data(intro=self.intro, submit_label=self.submit_label, **kwargs)

    def failed(self, form, error):
        form.add_error(None, error.messages)
        return self.form_invalid(form)


class MoveView(OperationView):
    """Moves a work, or a location with everything inside it (see services.movements.move)."""

    permission_required = "move"
    form_class = MoveForm
    page_title = gettext_lazy("Move")
    header_icon = "arrow-right-full"
    submit_label = gettext_lazy("Move")

    def refusal(self):
        return _("Sites and buildings do not move.")

    @property
    def intro(self):
        if isinstance(self.object, Location):
            return _(
                "Everything inside %(code)s moves with it: a movement is recorded for each work."
            ) % {"code": self.object.code}
        return ""

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"subject": self.object}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            movement = move(
                self.object,
                data["to"],
                reason=data["reason"],
                user=self.request.user,
                moved_at=data["moved_at"],
                planned=data.get("planned", False),
                note=data["note"],
            )
        except MoveError as error:
            return self.failed(form, error)
        carried = movement.carried.count() if movement.container_id else 0
        log(
            self.object,
            "cartel.move",
            user=self.request.user,
            data={
                "movement": movement.pk,
                "to": movement.to_location.code,
                "reason": movement.reason,
                "status": movement.status,
                "carried": carried,
            },
        )
        text = _("%(subject)s moved to %(to)s.")
        if movement.status == Movement.Status.PLANNED:
            text = _("Movement of %(subject)s to %(to)s planned: mark it done when it happens.")
        elif movement.container_id:
            text = ngettext(
                "%(subject)s moved to %(to)s, with %(count)s work inside it.",
                "%(subject)s moved to %(to)s, with %(count)s works inside it.",
                carried,
            )
        messages.success(
            self.request,
            text % {"subject": self.object, "to": movement.to_label, "count": carried},
        )
        if movement.container_id:  # the movements recorded: its own and those of its works
            return redirect(
                reverse(Movement.snippet_viewset.get_url_name("list"))
                + f"?location={self.object.pk}"
            )
        return redirect(self.edit_url)


class MovementOperationView(OperationView):
    """An operation on a work's movement, logged in the work's history."""

    log_action = None

    def refusal(self):
        return _(
            "Only a planned movement can be marked done or cancelled; this one is %(status)s."
        ) % {"status": self.object.get_status_display()}

    def done(self, movement, message):
        log(
            self.object.work,
            self.log_action,
            user=self.request.user,
            data={"movement": movement.pk, "to": movement.to_location.code},
        )
        messages.success(self.request, message)
        viewset = Work.snippet_viewset
        return redirect(viewset.get_url_name("inspect"), self.object.work_id)


class CompleteMovementView(MovementOperationView):
    permission_required = "complete"
    log_action = "cartel.move.complete"
    form_class = CompleteForm
    page_title = gettext_lazy("Mark done")
    header_icon = "check"
    submit_label = gettext_lazy("Mark done")

    def form_valid(self, form):
        try:
            movement = complete(self.object, moved_at=form.cleaned_data["moved_at"])
        except MoveError as error:
            return self.failed(form, error)
        return self.done(
            movement,
            _("%(work)s is now at %(to)s.")
            % {"work": movement.work.inventory_number, "to": movement.to_label},
        )


class CancelMovementView(MovementOperationView):
    permission_required = "cancel"
    log_action = "cartel.move.cancel"
    form_class = forms.Form
    page_title = gettext_lazy("Cancel the movement")
    header_icon = "cross"
    submit_label = gettext_lazy("Yes, cancel it")

    @property
    def intro(self):
        return _(
            "Cancel the planned movement %(movement)s? It stays in the history, as cancelled."
        ) % {"movement": self.object}

    def form_valid(self, form):
        try:
            movement = cancel(self.object)
        except MoveError as error:
            return self.failed(form, error)
        return self.done(movement, _("Movement cancelled: %(movement)s.") % {"movement": movement})


class CorrectMovementView(MovementOperationView):
    permission_required = "correct"
    log_action = "cartel.move.correct"
    form_class = CorrectForm
    page_title = gettext_lazy("Correct the movement")
    header_icon = "edit"
    submit_label = gettext_lazy("Record the correction")

    def refusal(self):
        return _(
            "Only a done movement of a work can be corrected; a container's movement is "
            "corrected by moving the container again."
        )

    @property
    def intro(self):
        return _(
            "A movement is never changed: a correcting movement is recorded and the history "
            "shows both. Recorded: %(movement)s."
        ) % {"movement": self.object}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            movement = correct(self.object, data["to"], user=self.request.user, note=data["note"])
        except MoveError as error:
            return self.failed(form, error)
        return self.done(
            movement,
            _("Correction recorded: %(work)s is at %(to)s.")
            % {"work": movement.work.inventory_number, "to": movement.to_label},
        )


class MovementIndexView(WithoutBulkActions):
    complete_url_name = None
    cancel_url_name = None
    correct_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for action, label, icon in (
            ("complete", _("Mark done"), "check"),
            ("cancel", _("Cancel"), "cross"),
            ("correct", _("Correct"), "edit"),
        ):
            if url := operation_url(self, action, instance):
                buttons.append(Button(label, url=url, icon_name=icon, priority=15))
        return buttons


# Viewsets ----------------------------------------------------------------------------------


def works_inside():
    """How many works are in a location or anywhere inside it (a subquery per listed row)."""
    inside = CurrentLocation.objects.filter(location__path__startswith=OuterRef("path"))
    count = Func(F("work_id"), function="COUNT", output_field=IntegerField())
    return Subquery(inside.order_by().annotate(n=count).values("n")[:1])


class LocationViewSet(SnippetViewSet):
    model = Location
    icon = "site"
    menu_label = gettext_lazy("Locations")
    menu_order = 100
    index_view_class = LocationIndexView
    edit_view_class = LocationEditView
    chooser_viewset_class = LocationChooserViewSet
    filterset_class = LocationFilterSet
    ordering = ["path"]
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "code",
        "name",
        "kind",
        "full_name",
        "is_display",
        "is_active",
        "notes",
    ]
    list_display = [
        "code",
        Column("full_name", label=gettext_lazy("Full name"), sort_key="path"),
        Column("get_kind_display", label=gettext_lazy("Kind"), sort_key="kind"),
        Column("works_inside", label=gettext_lazy("Works inside")),
        BooleanColumn("is_active", label=gettext_lazy("In use")),
    ]
    search_fields = ["code", "name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            RegisterFieldPanel("code"),
            FieldPanel("name"),
            FieldPanel("kind"),
            RegisterFieldPanel("parent"),
            FieldPanel("is_display"),
            FieldPanel("is_active"),
            FieldPanel("notes"),
        ],
        base_form_class=LocationForm,
    )

    def get_queryset(self, request):
        return Location.objects.annotate(works_inside=works_inside())

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("move/<int:pk>/", self.move_view, name="move"),
            path("move-work/<int:pk>/", self.move_work_view, name="move_work"),
        ]

    @property
    def move_view(self):
        return self.construct_view(MoveView)

    @property
    def move_work_view(self):
        works = Work.snippet_viewset
        return self.construct_view(
            MoveView,
            model=Work,
            index_url_name=works.get_url_name("list"),
            header_icon="arrow-right-full",
        )


def subject(movement):
    if movement.work_id:
        return movement.work.inventory_number
    return _("%(code)s (container)") % {"code": movement.container.code}


class MovementViewSet(SnippetViewSet):
    model = Movement
    icon = "arrow-right-full"
    menu_label = gettext_lazy("Movements")
    menu_order = 200
    index_view_class = MovementIndexView
    chooser_viewset_class = PrivateChooserViewSet
    filterset_class = MovementFilterSet
    ordering = ["-moved_at", "-pk"]
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "moved_at",
        "work",
        "container",
        "from_label",
        "to_label",
        "reason",
        "status",
        "moved_by_name",
        "note",
        "carried_by",
        "corrects",
        "loan",
        "recorded_at",
    ]
    list_display = [
        "moved_at",
        Column("subject", label=gettext_lazy("Work or container"), accessor=subject),
        Column("from_label", label=gettext_lazy("From")),
        Column("to_label", label=gettext_lazy("To")),
        Column("get_reason_display", label=gettext_lazy("Reason"), sort_key="reason"),
        StatusTagColumn(
            "get_status_display",
            label=gettext_lazy("Status"),
            primary=lambda movement: movement.status == Movement.Status.DONE,
            sort_key="status",
        ),
        Column("moved_by_name", label=gettext_lazy("By")),
    ]
    search_fields = ["work__inventory_number", "container__code", "from_label", "to_label"]
    search_backend_name = None

    def get_queryset(self, request):
        return Movement.objects.select_related("work", "container")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            complete_url_name=self.get_url_name("complete"),
            cancel_url_name=self.get_url_name("cancel"),
            correct_url_name=self.get_url_name("correct"),
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("complete/<int:pk>/", self.construct_view(CompleteMovementView), name="complete"),
            path("cancel/<int:pk>/", self.construct_view(CancelMovementView), name="cancel"),
            path("correct/<int:pk>/", self.construct_view(CorrectMovementView), name="correct"),
        ]


class LocationsViewSetGroup(SnippetViewSetGroup):
    items = (LocationViewSet, MovementViewSet)
    menu_icon = "site"
    menu_label = gettext_lazy("Storage")
    menu_order = 160
