"""`manage.py import_marc FILE…`: library records from UNIMARC or MARC 21 (ISO 2709 or XML)."""

import time
from pathlib import Path

from documentation.services import LibraryLoader
from museum_collections.management.import_command import EXIT_STATUS_HELP, ImportCommand


class Command(ImportCommand):
    help = (
        "Import library records from UNIMARC or MARC 21 files (ISO 2709, MARCXML, MarcXchange, "
        "UNIMARC XML, SRU pages)." + EXIT_STATUS_HELP
    )
    report_name = "import_marc-report.csv"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--format", choices=("auto", "unimarc", "marc21"), default="auto")
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        self.add_report_argument(parser)

    def handle(self, *args, files, format, dry_run, report, **options):
        self.check_files(files)
        started = time.perf_counter()
        result = LibraryLoader(flavour=format, log=self.stdout.write).load_files(
            files, dry_run=dry_run
        )
        verb = "would be" if dry_run else "were"
        self.finish(
            result,
            time.perf_counter() - started,
            dry_run=dry_run,
            report=report,
            extra=f"{result.people_created} people {verb} added to the authorities.",
        )
