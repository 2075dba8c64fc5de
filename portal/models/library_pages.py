"""The museum's documentation on the portal: the library catalogue (OPAC) at /bibliotheque/ and
the archives' finding aid at /archives/, each one page whose routes serve the search and the
record (or unit) pages; the views are in `portal.library_views`."""

from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import path

from .pages import PortalSection


class LibraryPage(PortalSection):
    """The library catalogue: the search page and each bibliographic record at <pk>/."""

    class Meta:
        verbose_name = _("library catalogue")

    @path("", name="search")
    def search(self, request):
        from portal import library_views

        return library_views.library_search(request, self)

    @path("<int:pk>/", name="record")
    def record(self, request, pk):
        from portal import library_views

        return library_views.library_record(request, self, pk)


class ArchivesPage(PortalSection):
    """The archives' finding aid: the fonds (or a search) and each unit at <pk>/."""

    class Meta:
        verbose_name = _("archives")

    @path("", name="browse")
    def browse(self, request):
        from portal import library_views

        return library_views.archives_browse(request, self)

    @path("<int:pk>/", name="unit")
    def unit(self, request, pk):
        from portal import library_views

        return library_views.archive_unit(request, self, pk)


def documentation_pages(home) -> tuple[LibraryPage, ArchivesPage]:
    """The library and archives pages under the home page, created when missing."""
    library = LibraryPage.objects.first() or home.add_child(
        instance=LibraryPage(title="Bibliothèque", slug="bibliotheque", show_in_menus=True)
    )
    archives = ArchivesPage.objects.first() or home.add_child(
        instance=ArchivesPage(title="Archives", slug="archives", show_in_menus=True)
    )
    return library, archives
