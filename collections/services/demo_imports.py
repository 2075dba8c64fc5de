"""The demo's legacy sources, taken in through the importers as a museum would: the library's
retro-converted records (UNIMARC), the FileMaker object database and notices already in Joconde."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from importers.joconde import read_objects
from importers.mapping import load_mapping

from .work_import import ObjectImportReport, ObjectLoader

MAPPINGS = Path(settings.BASE_DIR) / "importers" / "mappings"


def load_demo_imports(data_dir: Path, log: Callable[[str], None] = print) -> dict[str, object]:
    """Reports by source: library records, FileMaker objects, Joconde notices."""
    from documentation.services import LibraryLoader  # the documentation app depends on us

    data_dir = Path(data_dir)
    reports: dict[str, object] = {}
    library = sorted((data_dir / "library").glob("*"))
    reports["library records"] = LibraryLoader(log=log).load_files(library)
    bell = load_mapping(MAPPINGS / "bell_gallery.toml")
    reports["FileMaker objects"] = _objects(
        "bell_gallery", sorted((data_dir / "filemaker").glob("*.xml")), bell.read, log
    )
    reports["Joconde notices"] = _objects(
        "joconde", sorted((data_dir / "joconde").glob("*")), read_objects, log
    )
    return reports


def _objects(source, paths, read, log) -> ObjectImportReport:
    return ObjectLoader(source, publish=True, log=log).load_files(paths, read)
