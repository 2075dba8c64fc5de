"""Wagtail admin for the library, documentary files and archives (registered in wagtail_hooks)."""

import django_filters
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets import Button
from wagtail.snippets.views.snippets import (
    CreateView,
    IndexView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from museum_collections.locations_admin import PrivateChooserViewSet
from museum_collections.models import Person, Work

from .models import (
    ArchiveUnit,
    BibliographicAuthor,
    BibliographicRecord,
    DocumentaryFile,
    LibraryItem,
)

INTERNAL = "documentation.view_internal_notes"
#: Fields only staff cleared for internal notes see (researchers do not).
INTERNAL_FIELDS = frozenset({"internal_notes", "raw"})


def internal_panel(field_name):
    """A field only staff cleared for internal notes see; the form leaves it alone for others."""
    return FieldPanel(field_name, permission=INTERNAL)


class InternalNotesAwareInspectView(InspectView):
    """Leaves the internal notes out for staff not cleared for them (researchers)."""

    def get_fields(self):
        fields = super().get_fields()
        if self.request.user.has_perm(INTERNAL):
            return fields
        return [name for name in fields if name not in INTERNAL_FIELDS]


def _year_range(queryset, name, value):
    if value.start is not None:
        queryset = queryset.filter(publication_year__gte=value.start)
    if value.stop is not None:
        queryset = queryset.filter(publication_year__lte=value.stop)
    return queryset


def _person_filter(lookup):
    """Records linked to a person, chosen with the snippet chooser."""

    def filter_person(queryset, name, person):
        return queryset if person is None else queryset.filter(**{lookup: person}).distinct()

    return django_filters.ModelChoiceFilter(
        label=_("Person or organisation"),
        queryset=Person.objects.all(),
        method=filter_person,
        widget=AdminSnippetChooser(Person),
    )


def _work_filter(lookup):
    def filter_work(queryset, name, work):
        return queryset if work is None else queryset.filter(**{lookup: work}).distinct()

    return django_filters.ModelChoiceFilter(
        label=_("Work"),
        queryset=Work.objects.all(),
        method=filter_work,
        widget=AdminSnippetChooser(Work),
    )


# Library -------------------------------------------------------------------------------------


class BibliographicRecordFilterSet(WagtailFilterSet):
    record_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=BibliographicRecord.RecordType.choices
    )
    source_format = django_filters.ChoiceFilter(
        label=_("Source format"), choices=BibliographicRecord.SourceFormat.choices
    )
    years = django_filters.NumericRangeFilter(label=_("Published between"), method=_year_range)
    author = _person_filter("authors__person")
    work = _work_filter("work_references__work")
    item_status = django_filters.ChoiceFilter(
        label=_("A copy is"),
        choices=LibraryItem.Status.choices,
        method="filter_item_status",
    )

    class Meta:
        model = BibliographicRecord
        fields = []

    def filter_item_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=LibraryItem.objects.filter(status=value).values("record_id"))


class BibliographicRecordIndexView(IndexView):
    def search_queryset(self, queryset):
        """Titles, responsibility, publisher, subjects, identifiers and authors' names."""
        if not self.is_searching:
            return queryset
        text = self.search_query.strip()
        authors = BibliographicAuthor.objects.filter(person__name__icontains=text)
        items = LibraryItem.objects.filter(Q(call_number__iexact=text) | Q(barcode=text))
        return queryset.filter(
            Q(title__icontains=text)
            | Q(subtitle__icontains=text)
            | Q(responsibility__icontains=text)
            | Q(publisher__icontains=text)
            | Q(subjects__icontains=text)
            | Q(isbn__icontains=text.replace("-", ""))
            | Q(isbn__icontains=text)
            | Q(issn=text)
            | Q(record_id=text)
            | Q(pk__in=authors.values("record_id"))
            | Q(pk__in=items.values("record_id"))
        )


class BibliographicRecordViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # by role, as the listings
    model = BibliographicRecord
    icon = "doc-full"
    menu_label = _("Library")
    menu_order = 100
    index_view_class = BibliographicRecordIndexView
    filterset_class = BibliographicRecordFilterSet
    list_per_page = 50
    ordering = ["title"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = InternalNotesAwareInspectView
    inspect_view_fields = [
        "record_id",
        "source_format",
        "record_type",
        "title",
        "subtitle",
        "responsibility",
        "authors",
        "edition",
        "publisher",
        "publication_place",
        "publication_date",
        "extent",
        "series",
        "isbn",
        "issn",
        "notes",
        "subjects",
        "languages",
        "items",
        "work_references",
        "internal_notes",
    ]
    list_display = [
        "title",
        Column("responsibility", label=_("Responsibility")),
        Column("publication_year", label=_("Year"), sort_key="publication_year"),
        Column("get_record_type_display", label=_("Type")),
        Column("record_id", label=_("Record identifier")),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    search_fields = ["title"]  # see BibliographicRecordIndexView.search_queryset
    search_backend_name = None
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("record_type"), FieldPanel("source_format")]),
                    FieldPanel("record_id"),
                    FieldPanel("title"),
                    FieldPanel("subtitle"),
                    FieldPanel("responsibility"),
                    InlinePanel("authors", heading=_("Authors"), label=_("Author")),
                    FieldPanel("edition"),
                    FieldRowPanel([FieldPanel("publisher"), FieldPanel("publication_place")]),
                    FieldRowPanel([FieldPanel("publication_date"), FieldPanel("publication_year")]),
                    FieldPanel("extent"),
                    FieldPanel("series"),
                    FieldRowPanel([FieldPanel("isbn"), FieldPanel("issn")]),
                    FieldPanel("subjects"),
                    FieldPanel("languages"),
                    FieldPanel("notes"),
                ],
                heading=_("Description"),
            ),
            ObjectList(
                [InlinePanel("items", heading=_("Copies"), label=_("Copy"))],
                heading=_("Copies"),
            ),
            ObjectList(
                [InlinePanel("work_references", heading=_("Works cited"), label=_("Work"))],
                heading=_("Works cited"),
            ),
            ObjectList([internal_panel("internal_notes")], heading=_("Internal")),
        ]
    )


class LibraryItemFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LibraryItem.Status.choices)

    class Meta:
        model = LibraryItem
        fields = []


class LibraryItemViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # by role, as the listings
    """Every copy, to follow loans, missing copies and restorations across the library."""

    model = LibraryItem
    icon = "clipboard-list"
    menu_label = _("Copies")
    menu_order = 110
    filterset_class = LibraryItemFilterSet
    list_per_page = 50
    copy_view_enabled = False
    list_display = [
        "call_number",
        Column("copy_number", label=_("Copy")),
        Column("record", label=_("Bibliographic record")),
        Column("get_status_display", label=_("Status")),
        Column("location", label=_("Shelf")),
        Column("barcode", label=_("Barcode")),
    ]
    search_fields = ["call_number", "barcode", "record__title"]
    search_backend_name = None
    panels = [
        FieldPanel("record"),
        FieldRowPanel([FieldPanel("call_number"), FieldPanel("copy_number")]),
        FieldPanel("barcode"),
        FieldPanel("location"),
        FieldPanel("status"),
        internal_panel("notes"),
    ]

    def get_queryset(self, request):
        return LibraryItem.objects.select_related("record")


# Documentary files ---------------------------------------------------------------------------


class DocumentaryFileFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DocumentaryFile.Kind.choices)
    work = _work_filter("works")
    person = _person_filter("people")

    class Meta:
        model = DocumentaryFile
        fields = []


class DocumentaryFileViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # by role, as the listings
    model = DocumentaryFile
    icon = "folder-open-1"
    menu_label = _("Documentary files")
    menu_order = 200
    filterset_class = DocumentaryFileFilterSet
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = InternalNotesAwareInspectView
    list_display = [
        "code",
        "title",
        Column("get_kind_display", label=_("Kind")),
        Column("date_range", label=_("Dates")),
        Column("location", label=_("Physical location")),
    ]
    search_fields = ["code", "title", "contents"]
    search_backend_name = None
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("title"),
        FieldPanel("date_range"),
        FieldPanel("location"),
        FieldPanel("contents"),
        MultiFieldPanel(
            [FieldPanel("works"), FieldPanel("people"), FieldPanel("documents")],
            heading=_("Links"),
        ),
        internal_panel("internal_notes"),
    ]


# Archives ------------------------------------------------------------------------------------


class ArchiveUnitFilterSet(WagtailFilterSet):
    parent = django_filters.ModelChoiceFilter(
        label=_("Parts of"),
        queryset=ArchiveUnit.objects.all(),
        widget=AdminSnippetChooser(ArchiveUnit),
    )
    within = django_filters.ModelChoiceFilter(
        label=_("Anywhere in"),
        queryset=ArchiveUnit.objects.all(),
        method="filter_within",
        widget=AdminSnippetChooser(ArchiveUnit),
    )
    level = django_filters.ChoiceFilter(
        label=_("Level of description"), choices=ArchiveUnit.Level.choices
    )
    item_kind = django_filters.ChoiceFilter(
        label=_("Kind of item"), choices=ArchiveUnit.ItemKind.choices
    )
    work = _work_filter("works")
    person = _person_filter("people")

    class Meta:
        model = ArchiveUnit
        fields = []

    def filter_within(self, queryset, name, unit):
        return queryset if unit is None else queryset.subtree(unit).exclude(pk=unit.pk)


class ArchiveUnitIndexView(IndexView):
    """Opens on the fonds; each unit's parts are one click away (filter by parent)."""

    def get_base_queryset(self):
        queryset = super().get_base_queryset().annotate(parts=Count("children"))
        if not (self.is_searching or self.is_filtering):
            queryset = queryset.filter(parent__isnull=True)
        return queryset

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if instance.level == ArchiveUnit.Level.ITEM:
            return buttons
        viewset = ArchiveUnit.snippet_viewset
        if instance.parts:
            buttons.append(
                Button(
                    _("Show parts"),
                    url=f"{reverse(viewset.get_url_name('list'))}?parent={instance.pk}",
                    icon_name="folder-open-inverse",
                    priority=5,
                )
            )
        if self.request.user.has_perm("documentation.add_archiveunit"):
            buttons.append(
                Button(
                    _("Add a part"),
                    url=f"{reverse(viewset.get_url_name('add'))}?parent={instance.pk}",
                    icon_name="plus",
                    priority=6,
                )
            )
        return buttons


class ArchiveUnitCreateView(CreateView):
    """``add/?parent=<id>`` starts a unit inside another, one level below it."""

    @cached_property
    def parent(self):
        pk = self.request.GET.get("parent", "")
        return ArchiveUnit.objects.filter(pk=pk).first() if pk.isdigit() else None

    def get_initial_form_instance(self):
        if self.parent is None:
            return super().get_initial_form_instance()
        levels = ArchiveUnit.LEVELS
        below = levels[min(levels.index(self.parent.level) + 1, len(levels) - 1)]
        return ArchiveUnit(parent=self.parent, level=below)


class ArchiveUnitViewSet(SnippetViewSet):
    chooser_viewset_class = PrivateChooserViewSet  # by role, as the listings
    model = ArchiveUnit
    icon = "folder-inverse"
    menu_label = _("Archives")
    menu_order = 300
    index_view_class = ArchiveUnitIndexView
    add_view_class = ArchiveUnitCreateView
    filterset_class = ArchiveUnitFilterSet
    ordering = ["path"]
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = InternalNotesAwareInspectView
    inspect_view_fields = [
        "reference_code",
        "title",
        "level",
        "parent",
        "children",
        "dates",
        "extent",
        "creator",
        "creator_name",
        "scope_and_content",
        "access_conditions",
        "item_kind",
        "images",
        "works",
        "people",
        "internal_notes",
    ]
    list_display = [
        "reference_code",
        "title",
        Column("get_level_display", label=_("Level")),
        Column("dates", label=_("Dates")),
        Column("parts", label=_("Parts"), sort_key="parts"),
    ]
    search_fields = ["reference_code", "title", "scope_and_content", "creator_name"]
    search_backend_name = None
    panels = [
        FieldRowPanel([FieldPanel("reference_code"), FieldPanel("level")]),
        FieldPanel("title"),
        FieldPanel("parent"),
        FieldPanel("dates"),
        FieldPanel("extent"),
        FieldRowPanel([FieldPanel("creator"), FieldPanel("creator_name")]),
        FieldPanel("scope_and_content"),
        FieldPanel("access_conditions"),
        FieldPanel("item_kind"),
        MultiFieldPanel(
            [FieldPanel("images"), FieldPanel("works"), FieldPanel("people")],
            heading=_("Links"),
        ),
        internal_panel("internal_notes"),
    ]


class DocumentationViewSetGroup(SnippetViewSetGroup):
    items = (
        BibliographicRecordViewSet,
        LibraryItemViewSet,
        DocumentaryFileViewSet,
        ArchiveUnitViewSet,
    )
    menu_icon = "doc-full-inverse"
    menu_label = _("Documentation")
    menu_order = 250
