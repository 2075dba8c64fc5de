from .archives import ArchiveUnit
from .files import DocumentaryFile
from .library import BibliographicAuthor, BibliographicRecord, LibraryItem, WorkReference

__all__ = [
    "ArchiveUnit",
    "BibliographicAuthor",
    "BibliographicRecord",
    "DocumentaryFile",
    "LibraryItem",
    "WorkReference",
]
