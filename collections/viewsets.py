"""Wagtail admin for the catalogue: works, people, vocabularies (registered in wagtail_hooks)."""

import django_filters
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Prefetch, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin import compare
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.widgets import BooleanRadioSelect, Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import (
    EditView,
    IndexView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from .forms import TERM_SEPARATOR, WorkForm
from .models import (
    TERM_RELATIONS,
    CartelImage,
    Concept,
    ConceptScheme,
    DepositEntry,
    InventoryEntry,
    Location,
    Movement,
    Person,
    Work,
    WorkDomain,
    WorkMaker,
    WorkMedia,
    WorkNumber,
)
from .publication import RULES
from .services.movements import where_is
from .text import match_key

PRIVATE = "collections.view_private_work_data"
# Where works are is private (see roles.SEE_LOCATIONS): these gate every trace of it.
VIEW_LOCATION = "collections.view_location"
VIEW_MOVEMENT = "collections.view_movement"
MOVE = "collections.move_work"


class NeverDeletedPolicy(ModelPermissionPolicy):
    """Records the law keeps: nobody, not even a superuser, deletes them (they are annotated)."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a != "delete"])


class PrivacyAwareInspectView(InspectView):
    """Shows private fields (prices, donors, personal data, notes) only to staff cleared for them."""

    def get_fields(self):
        fields = super().get_fields()
        if self.request.user.has_perm(PRIVATE):
            return fields
        public = RULES[self.model._meta.label].public
        return [name for name in fields if name in public]


# Works ---------------------------------------------------------------------------------------


def _overlapping_years(queryset, name, value):
    """Works whose dating overlaps the years asked (open bounds count as overlapping)."""
    if value.start is not None:
        queryset = queryset.filter(
            Q(creation_year_to__gte=value.start)
            | Q(creation_year_to__isnull=True, creation_year_from__gte=value.start)
        )
    if value.stop is not None:
        queryset = queryset.filter(
            Q(creation_year_from__lte=value.stop)
            | Q(creation_year_from__isnull=True, creation_year_to__lte=value.stop)
        )
    return queryset


class WorkFilterSet(WagtailFilterSet):
    domain = django_filters.ModelChoiceFilter(
        label=_("Domain"),
        queryset=Concept.objects.filter(scheme__code="DOMN"),
        method="filter_domain",
    )
    maker = django_filters.CharFilter(label=_("Maker"), method="filter_maker")
    years = django_filters.NumericRangeFilter(label=_("Dated between"), method=_overlapping_years)
    is_public = django_filters.BooleanFilter(label=_("Published"), widget=BooleanRadioSelect)
    outside_vocabulary = django_filters.BooleanFilter(
        label=_("Terms outside the vocabularies"),
        method="filter_outside_vocabulary",
        widget=BooleanRadioSelect,
    )
    is_deleted = django_filters.BooleanFilter(
        label=_("Marked as deleted"), widget=BooleanRadioSelect
    )
    has_register_entry = django_filters.BooleanFilter(
        label=_("Entered in a register"),
        method="filter_has_register_entry",
        widget=BooleanRadioSelect,
    )
    location = django_filters.ModelChoiceFilter(
        label=_("Location (and everything inside it)"),
        queryset=Location.objects.all(),
        method="filter_location",
    )
    away = django_filters.BooleanFilter(
        label=_("Away from its normal location"),
        method="filter_away",
        widget=BooleanRadioSelect,
    )

    LOCATION_FILTERS = ("location", "away")

    class Meta:
        model = Work
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is None or not self.request.user.has_perm(VIEW_LOCATION):
            for name in self.LOCATION_FILTERS:
                del self.filters[name]
        else:
            self.filters["location"].extra["widget"] = AdminSnippetChooser(Location)

    # The filters below select works by `pk IN (subquery)`: the database reads the few
    # matching rows once, where a correlated EXISTS would run a subquery per work.

    def filter_domain(self, queryset, name, concept):
        if concept is None:
            return queryset
        return queryset.filter(pk__in=WorkDomain.objects.filter(concept=concept).values("work_id"))

    def filter_maker(self, queryset, name, value):
        key = match_key(value)
        if not key:
            return queryset
        makers = WorkMaker.objects.filter(
            Q(person__sort_name__contains=key) | Q(person__name__icontains=value)
        )
        return queryset.filter(pk__in=makers.values("work_id"))

    def filter_outside_vocabulary(self, queryset, name, value):
        if value is None:
            return queryset
        unlinked = Q()
        for term_model in TERM_RELATIONS.values():
            unlinked |= Q(pk__in=term_model.objects.filter(concept__isnull=True).values("work_id"))
        return queryset.filter(unlinked) if value else queryset.exclude(unlinked)

    def filter_has_register_entry(self, queryset, name, value):
        if value is None:
            return queryset
        registered = Q(pk__in=InventoryEntry.objects.values("work_id")) | Q(
            pk__in=DepositEntry.objects.values("work_id")
        )
        return queryset.filter(registered) if value else queryset.exclude(registered)

    def filter_location(self, queryset, name, location):
        if location is None:
            return queryset
        return queryset.filter(current_location__location__path__startswith=location.path)

    def filter_away(self, queryset, name, value):
        """Away: the current location is not the normal one nor inside it (a box on its shelf
        is at home). Works with either location unknown are neither away nor at home."""
        if value is None:
            return queryset
        known = queryset.filter(normal_location__isnull=False, current_location__isnull=False)
        at_home = Q(current_location__location__path__startswith=F("normal_location__path"))
        return known.exclude(at_home) if value else known.filter(at_home)


def register_entry_button(work, entry_pk, user, priority=40):
    """A link to the work's inventory entry, or to write it (None if the user may not)."""
    viewset = InventoryEntry.snippet_viewset
    if entry_pk is not None:
        if not user.has_perm("collections.change_inventoryentry"):
            return None
        url = reverse(viewset.get_url_name("edit"), args=[entry_pk])
        return Button(
            _("Inventory register entry"), url=url, icon_name="list-ol", priority=priority
        )
    if work.is_deleted or not user.has_perm("collections.add_inventoryentry"):
        return None
    url = reverse(viewset.get_url_name("add")) + f"?work={work.pk}"
    return Button(_("Register entry"), url=url, icon_name="list-ol", priority=priority)


def move_button(work, user, priority=45):
    """A link to the Move form for the work (see locations_admin), None if the user may not."""
    if work.is_deleted or not user.has_perm(MOVE):
        return None
    url = reverse(Location.snippet_viewset.get_url_name("move_work"), args=[work.pk])
    return Button(_("Move"), url=url, icon_name="arrow-right-full", priority=priority)


class SortedTitleIndexView(IndexView):
    """An index whose first (linked) column sorts on a key other than its own text."""

    title_sort_key = ""

    def _get_title_column(self, field_name, *args, **kwargs):
        column = super()._get_title_column(field_name, *args, **kwargs)
        column.sort_key = self.title_sort_key or column.sort_key
        return column


class WorkIndexView(SortedTitleIndexView):
    title_sort_key = "inventory_sort_key"

    @cached_property
    def sees_locations(self):
        return self.request.user.has_perm(VIEW_LOCATION)

    @cached_property
    def columns(self):
        columns = super().columns
        if self.sees_locations:
            return columns
        return [column for column in columns if not isinstance(column, CurrentLocationColumn)]

    def get_base_queryset(self):
        queryset = (
            super()
            .get_base_queryset()
            .select_related("latest_revision")
            .annotate(inventory_entry_pk=F("inventory_entry__pk"))
        )
        if self.sees_locations:  # the current location in the same query, whatever the page
            queryset = queryset.select_related("current_location__location")
        if "is_deleted" not in self.request.GET:
            queryset = queryset.filter(is_deleted=False)
        return queryset.prefetch_related(
            Prefetch("makers", queryset=WorkMaker.objects.select_related("person")),
            Prefetch(
                "media",
                queryset=WorkMedia.objects.filter(is_primary=True).prefetch_related(
                    Prefetch("image", CartelImage.objects.prefetch_renditions("max-80x80"))
                ),
                to_attr="primary_media",
            ),
            "domains",
            "denominations",
        )

    def search_queryset(self, queryset):
        """Inventory numbers (also old ones), titles and makers, without duplicate rows."""
        if not self.is_searching:
            return queryset
        text = self.search_query.strip()
        key = match_key(text)
        return queryset.filter(
            Q(inventory_number__icontains=text)
            | Q(title__icontains=text)
            | Q(appellation__icontains=text)
            | Q(joconde_ref=text.upper())
            # IN (subquery), not correlated EXISTS: one pass over the few matching rows
            # instead of a subquery per work (PostgreSQL hashes it).
            | Q(pk__in=WorkNumber.objects.filter(number__iexact=text).values("work_id"))
            | Q(pk__in=WorkMaker.objects.filter(person__sort_name__contains=key).values("work_id"))
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        user = self.request.user
        extra = [
            register_entry_button(instance, instance.inventory_entry_pk, user),
            move_button(instance, user),
        ]
        return [*buttons, *(button for button in extra if button)]


class ThumbnailColumn(Column):
    """The work's primary image, small (renditions are prefetched by WorkIndexView)."""

    cell_template_name = "collections/tables/thumbnail_cell.html"

    def get_value(self, instance):
        primary = instance.primary_media
        return primary[0].image if primary else None


class MakersColumn(Column):
    def get_value(self, instance):
        return "; ".join(maker.display for maker in instance.makers.all())


class DesignationColumn(Column):
    def get_value(self, instance):
        return instance.designation


class DomainsColumn(Column):
    def get_value(self, instance):
        return "; ".join(domain.label for domain in instance.domains.all())


def current_location(work):
    try:
        return work.current_location.location
    except ObjectDoesNotExist:
        return None


class CurrentLocationColumn(Column):
    """Where the work is now (selected with the works, and only for staff who see locations)."""

    def get_value(self, instance):
        location = current_location(instance)
        return location.full_name if location else ""


class LocationHistory(Component):
    """A work's current and normal locations and its movements, newest first: a corrected
    movement and its correction both show, and a work moved in a container says which."""

    template_name = "collections/locations/work_history.html"
    MAX_LINES = 50

    def __init__(self, work, user):
        self.work = work
        self.user = user

    def get_context_data(self, parent_context):
        current, normal = where_is(self.work)
        movements = self.work.movements.select_related("carried_by__container", "corrects")
        context = {
            "current": current,
            "normal": normal,
            "movements": movements[: self.MAX_LINES],
            "count": movements.count(),
            "move_button": move_button(self.work, self.user),
        }
        if self.user.has_perm(VIEW_MOVEMENT):
            context["movements_url"] = (
                reverse(Movement.snippet_viewset.get_url_name("list")) + f"?work={self.work.pk}"
            )
        return context


class WorkEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        entry_pk = InventoryEntry.objects.filter(work=self.object).values_list("pk", flat=True)
        user = self.request.user
        extra = [
            register_entry_button(self.object, entry_pk.first(), user),
            move_button(self.object, user),
        ]
        if user.has_perm(VIEW_LOCATION) and (inspect_url := self.get_inspect_url()):
            extra.append(
                Button(_("Location history"), url=inspect_url, icon_name="history", priority=46)
            )
        return [*buttons, *(button for button in extra if button)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for warning in self.object.vocabulary_warnings():
            messages.warning(self.request, warning)
        return context


class TermsComparison(compare.TextFieldComparison):
    """Compares a controlled field between two revisions as its Joconde text, 'a ; b'."""

    def __init__(self, relation, obj_a, obj_b):
        self.field = relation
        self.val_a, self.val_b = (
            f" {TERM_SEPARATOR} ".join(term.label for term in getattr(obj, relation.name).all())
            for obj in (obj_a, obj_b)
        )

    def field_label(self):
        return capfirst(self.field.related_model._meta.verbose_name_plural)


class TermsPanel(FieldPanel):
    """A controlled field of a work, edited as text (see forms.TermsField)."""

    def get_comparison_class(self):
        return TermsComparison


def private_panel(field_name):
    """A field only staff cleared for private data see; the form leaves it alone for others."""
    return FieldPanel(field_name, permission=PRIVATE)


def location_panel(field_name):
    """A field only staff who see locations see; the form leaves it alone for others."""
    return FieldPanel(field_name, permission=VIEW_LOCATION)


class WorkInspectView(PrivacyAwareInspectView):
    """The record, and for staff who see locations: where it is and where it went."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        button = move_button(self.object, self.request.user)
        return [*buttons, button] if button else buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm(VIEW_LOCATION):
            context["location_history"] = LocationHistory(self.object, self.request.user)
        from .loans_admin import work_care_summary  # loans_admin imports this module

        context["care_summary"] = work_care_summary(self.object, user=self.request.user)
        return context


class WorkViewSet(SnippetViewSet):
    model = Work
    icon = "image"
    menu_label = _("Works")
    menu_order = 100
    index_view_class = WorkIndexView
    edit_view_class = WorkEditView
    filterset_class = WorkFilterSet
    ordering = ["inventory_sort_key"]
    list_per_page = 25
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = WorkInspectView
    inspect_template_name = "collections/locations/work_inspect.html"
    inspect_view_fields = [
        "inventory_number",
        "joconde_ref",
        "other_numbers",
        "domains",
        "denominations",
        "title",
        "appellation",
        "makers",
        "schools",
        "creation_date",
        "periods",
        "styles",
        "places",
        "materials",
        "techniques",
        "dimensions",
        "dimensions_note",
        "inscriptions",
        "state",
        "description",
        "subjects",
        "subject_details",
        "history",
        "bibliography",
        "exhibition_history",
        "ownership",
        "owner",
        "acquisition_mode",
        "acquisition_date",
        "acquisition_source",
        "acquisition_price",
        "insurance_value",
        "credit_line",
        "copyright_notice",
        "is_public",
        "internal_notes",
        "updated_at",
    ]
    list_display = [
        "inventory_number",
        ThumbnailColumn("image", label=_("Image"), width="90px"),
        DesignationColumn("designation", label=_("Title or designation"), sort_key="title"),
        MakersColumn("makers", label=_("Makers")),
        Column("creation_date", label=_("Date"), sort_key="creation_year_from"),
        DomainsColumn("domains", label=_("Domains")),
        CurrentLocationColumn("current_location", label=_("Current location")),
        BooleanColumn("is_public", label=_("Published")),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    list_export = [
        "inventory_number",
        "joconde_ref",
        "title",
        "appellation",
        "creation_date",
        "creation_year_from",
        "creation_year_to",
        "credit_line",
        "is_public",
    ]
    export_filename = "works"
    search_fields = ["inventory_number", "title"]  # see WorkIndexView.search_queryset
    search_backend_name = None

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("inventory_number")]),
                    InlinePanel("other_numbers", heading=_("Other numbers")),
                    TermsPanel("domains"),
                    TermsPanel("denominations"),
                    FieldPanel("title"),
                    FieldPanel("appellation"),
                    InlinePanel("makers", heading=_("Makers")),
                    TermsPanel("schools"),
                    MultiFieldPanel(
                        [
                            FieldPanel("creation_date"),
                            FieldRowPanel(
                                [FieldPanel("creation_year_from"), FieldPanel("creation_year_to")]
                            ),
                        ],
                        heading=_("Dating"),
                    ),
                    TermsPanel("periods"),
                    TermsPanel("styles"),
                    TermsPanel("places"),
                    FieldPanel("creation_place_details"),
                    FieldPanel("historical_geography"),
                ],
                heading=_("Identification"),
            ),
            ObjectList(
                [
                    TermsPanel("materials"),
                    TermsPanel("techniques"),
                    InlinePanel("dimensions", heading=_("Dimensions")),
                    FieldPanel("dimensions_note"),
                    InlinePanel("inscriptions", heading=_("Inscriptions")),
                    FieldPanel("inscriptions_note"),
                    FieldPanel("state"),
                    FieldPanel("description"),
                    TermsPanel("subjects"),
                    FieldPanel("subject_details"),
                    FieldPanel("subject_date"),
                    TermsPanel("subject_sources"),
                    TermsPanel("genesis"),
                    TermsPanel("uses"),
                    FieldPanel("use_details"),
                    FieldPanel("use_date"),
                    FieldPanel("discovery"),
                    FieldPanel("discovery_details"),
                ],
                heading=_("Description"),
            ),
            ObjectList(
                [
                    FieldPanel("history"),
                    FieldPanel("former_owners"),
                    FieldPanel("former_attributions"),
                    FieldPanel("bibliography"),
                    FieldPanel("exhibition_history"),
                    FieldPanel("comments"),
                    InlinePanel("links", heading=_("Links")),
                    FieldPanel("cataloguers"),
                ],
                heading=_("History and sources"),
            ),
            ObjectList(
                [
                    FieldPanel("ownership"),
                    FieldPanel("owner"),
                    FieldPanel("assigned_museum"),
                    FieldPanel("acquisition_mode"),
                    FieldPanel("acquisition_date"),
                    private_panel("acquisition_source"),
                    FieldRowPanel(
                        [private_panel("acquisition_price"), private_panel("acquisition_currency")]
                    ),
                    FieldRowPanel(
                        [private_panel("insurance_value"), private_panel("insurance_value_date")]
                    ),
                    FieldPanel("credit_line"),
                    FieldPanel("copyright_notice"),
                    FieldPanel("copyright_status"),
                ],
                heading=_("Acquisition and rights"),
            ),
            ObjectList(
                [InlinePanel("media", heading=_("Images, sound, video and PDF"))],
                heading=_("Media"),
            ),
            ObjectList(
                [location_panel("normal_location")],
                heading=_("Location"),
                permission=VIEW_LOCATION,
            ),
            ObjectList(
                [
                    FieldPanel("is_public", permission="collections.publish_work"),
                    FieldPanel("in_joconde", permission="collections.publish_work"),
                    FieldPanel("internal_notes"),
                    FieldPanel("imported_records", read_only=True, permission=PRIVATE),
                    MultiFieldPanel(
                        [
                            FieldPanel("is_deleted", permission="collections.delete_work"),
                            FieldPanel("deletion_reason", permission="collections.delete_work"),
                        ],
                        heading=_("Deletion (the record is kept and annotated)"),
                    ),
                ],
                heading=_("Publication and record"),
            ),
        ],
        base_form_class=WorkForm,
    )


# People --------------------------------------------------------------------------------------


class PersonFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Person.Kind.choices)
    has_identifier = django_filters.BooleanFilter(
        label=_("Linked to a reference authority"),
        method="filter_has_identifier",
        widget=BooleanRadioSelect,
    )
    merged = django_filters.BooleanFilter(
        label=_("Merged into another record"), method="filter_merged", widget=BooleanRadioSelect
    )

    class Meta:
        model = Person
        fields = []

    def filter_has_identifier(self, queryset, name, value):
        if value is None:
            return queryset
        linked = Q()
        for identifier in Person.IDENTIFIER_FIELDS:
            linked |= ~Q(**{identifier: ""})
        return queryset.filter(linked) if value else queryset.exclude(linked)

    def filter_merged(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(merged_into__isnull=not value)


class PersonIndexView(SortedTitleIndexView):
    title_sort_key = "sort_name"

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if "merged" not in self.request.GET:
            queryset = queryset.filter(merged_into__isnull=True)
        return queryset

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        key = match_key(self.search_query)
        return queryset.filter(
            Q(sort_name__contains=key)
            | Q(name__icontains=self.search_query)
            | Q(other_names__name__icontains=self.search_query)
            | Q(wikidata_id=self.search_query)
            | Q(ulan_id=self.search_query)
            | Q(idref_id=self.search_query)
        ).distinct()


class PersonEditView(EditView):
    def dispatch(self, request, *args, **kwargs):
        person = Person.objects.filter(pk=kwargs.get("pk")).only("merged_into").first()
        if person is not None and person.merged_into_id:
            canonical = person.canonical
            messages.info(
                request,
                _("“%(old)s” was merged into “%(new)s”: you are now editing the record kept.")
                % {"old": person.name, "new": canonical.name},
            )
            return redirect(Person.snippet_viewset.get_url_name("edit"), canonical.pk)
        return super().dispatch(request, *args, **kwargs)


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("People and organisations")
    menu_order = 200
    index_view_class = PersonIndexView
    edit_view_class = PersonEditView
    filterset_class = PersonFilterSet
    ordering = ["sort_name"]
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_class = PrivacyAwareInspectView
    inspect_view_fields = [
        "kind",
        "name",
        "surname",
        "forenames",
        "other_names",
        "birth_date",
        "birth_place",
        "death_date",
        "death_place",
        "nationality",
        "biography",
        "wikidata_id",
        "ulan_id",
        "bnf_ark",
        "idref_id",
        "address",
        "email",
        "phone",
        "private_notes",
    ]
    list_display = [
        "name",
        Column("life_dates", label=_("Dates")),
        Column("get_kind_display", label=_("Kind")),
        Column("wikidata_id", label=_("Wikidata")),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    search_fields = ["name"]  # see PersonIndexView.search_queryset
    search_backend_name = None
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("kind"),
                    FieldPanel("name"),
                    FieldRowPanel([FieldPanel("surname"), FieldPanel("forenames")]),
                    InlinePanel("other_names", heading=_("Other names")),
                    FieldRowPanel([FieldPanel("birth_date"), FieldPanel("birth_place")]),
                    FieldRowPanel([FieldPanel("death_date"), FieldPanel("death_place")]),
                    FieldPanel("nationality"),
                    FieldPanel("biography"),
                ],
                heading=_("Identity"),
            ),
            ObjectList(
                [
                    FieldPanel("wikidata_id"),
                    FieldPanel("ulan_id"),
                    FieldPanel("bnf_ark"),
                    FieldPanel("idref_id"),
                ],
                heading=_("Authority identifiers"),
            ),
            ObjectList(
                [
                    private_panel("address"),
                    FieldRowPanel([private_panel("email"), private_panel("phone")]),
                    private_panel("private_notes"),
                ],
                heading=_("Contact (private)"),
            ),
        ]
    )


# Vocabularies --------------------------------------------------------------------------------


class ConceptFilterSet(WagtailFilterSet):
    scheme = django_filters.ModelChoiceFilter(
        label=_("Vocabulary"), queryset=ConceptScheme.objects.all()
    )
    is_candidate = django_filters.BooleanFilter(
        label=_("Local candidates"), widget=BooleanRadioSelect
    )

    class Meta:
        model = Concept
        fields = []


class ConceptIndexView(SortedTitleIndexView):
    title_sort_key = "pref_key"

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        key = match_key(self.search_query)
        return queryset.filter(Q(pref_key__contains=key) | Q(alt_keys__contains=key))


class ConceptViewSet(SnippetViewSet):
    model = Concept
    icon = "tag"
    menu_label = _("Concepts")
    index_view_class = ConceptIndexView
    filterset_class = ConceptFilterSet
    list_per_page = 50
    ordering = ["pref_key"]
    list_display = [
        "pref_label",
        Column("scheme", label=_("Vocabulary")),
        Column("broader", label=_("Broader concept")),
        BooleanColumn("is_candidate", label=_("Local candidate")),
    ]
    search_fields = ["pref_label"]
    search_backend_name = None
    panels = [
        FieldPanel("scheme"),
        FieldPanel("pref_label"),
        FieldPanel("alt_labels"),
        FieldPanel("broader"),
        FieldPanel("note"),
        FieldPanel("is_candidate"),
    ]

    def get_queryset(self, request):
        return Concept.objects.select_related("scheme", "broader")


class ConceptSchemeViewSet(SnippetViewSet):
    model = ConceptScheme
    icon = "list-ul"
    menu_label = _("Vocabularies")
    list_display = ["code", "name", "source"]
    search_fields = ["code", "name"]
    search_backend_name = None


class VocabularyViewSetGroup(SnippetViewSetGroup):
    items = (ConceptSchemeViewSet, ConceptViewSet)
    menu_icon = "tag"
    menu_label = _("Vocabularies")
    menu_order = 300


class CatalogueViewSetGroup(SnippetViewSetGroup):
    items = (WorkViewSet, PersonViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Catalogue")
    menu_order = 100
