"""The portal's models: its Wagtail pages (`pages`) and the SQL catalogue search (`search`)."""

from .pages import HomePage
from .search import CatalogueEntry, CatalogueFacet

__all__ = ["CatalogueEntry", "CatalogueFacet", "HomePage"]
from .library_pages import ArchivesPage, LibraryPage  # noqa: F401
