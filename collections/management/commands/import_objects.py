"""`manage.py import_objects FILE --mapping MAPPING.toml`: objects from CSV, XLSX or FileMaker."""

from pathlib import Path

from django.core.management.base import CommandError

from importers.mapping import MappingError, load_mapping

from ..import_command import EXIT_STATUS_HELP, ObjectImportCommand

MAPPINGS = Path(__file__).resolve().parents[3] / "importers" / "mappings"


class Command(ObjectImportCommand):
    help = (
        "Import objects from a CSV (any delimiter or encoding), XLSX or FileMaker XML export "
        "(FMPXMLRESULT, FMPDSORESULT), as the mapping file says. Works are created or updated "
        f"by inventory number. Shipped mappings are in {MAPPINGS}." + EXIT_STATUS_HELP
    )
    report_name = "import_objects-report.csv"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--mapping",
            required=True,
            type=Path,
            help="TOML file naming which column goes to which field (see importers/mapping.py), "
            "or the name of a shipped mapping (e.g. bell_gallery).",
        )
        self.add_common_arguments(parser)

    def handle(self, *args, files, mapping, dry_run, publish, report, **options):
        self.check_files(files)
        path = mapping if mapping.is_file() else MAPPINGS / f"{mapping}.toml"
        if not path.is_file():
            shipped = ", ".join(sorted(p.stem for p in MAPPINGS.glob("*.toml")))
            raise CommandError(f"No mapping file {mapping}. Give a path, or one of: {shipped}.")
        try:
            rules = load_mapping(path)
        except MappingError as error:
            raise CommandError(str(error)) from error
        self.run_import(
            path.stem, files, rules.read, dry_run=dry_run, publish=publish, report=report
        )
