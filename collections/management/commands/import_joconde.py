"""`manage.py import_joconde FILE…`: Joconde notices (POP ajout piloté .txt, POP CSV, harvest XML)."""

from pathlib import Path

from importers.joconde import read_objects

from ..import_command import EXIT_STATUS_HELP, ObjectImportCommand


class Command(ObjectImportCommand):
    help = (
        "Import Joconde notices: POP 'ajout piloté' .txt (UTF-8 or Latin-1), POP CSV, the "
        "Actimuse CSV and the label-based XML harvest. Works are created or updated by REF, "
        "and keep it." + EXIT_STATUS_HELP
    )
    report_name = "import_joconde-report.csv"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        self.add_common_arguments(parser)

    def handle(self, *args, files, dry_run, publish, report, **options):
        self.check_files(files)
        self.run_import(
            "joconde", files, read_objects, dry_run=dry_run, publish=publish, report=report
        )
