"""`manage.py import_marc FILE…`: library records from UNIMARC or MARC 21 (ISO 2709 or XML)."""

import csv
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documentation.services import LibraryLoader


class Command(BaseCommand):
    help = (
        "Import library records from UNIMARC or MARC 21 files (ISO 2709, MARCXML, MarcXchange, "
        "UNIMARC XML, SRU pages). Exit status: 0 all records in, 1 some rejected (listed in the "
        "report file), 2 a file could not be read (nothing of it was written)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--format", choices=("auto", "unimarc", "marc21"), default="auto")
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        parser.add_argument(
            "--report",
            type=Path,
            default=None,
            help="CSV file for rejected records and proposed matches "
            "(default: import_marc-report.csv in the current folder, written only when needed).",
        )

    def handle(self, *args, files, format, dry_run, report, verbosity, **options):
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}. Give paths to MARC files.")
        started = time.perf_counter()
        loader = LibraryLoader(flavour=format, log=self.stdout.write)
        result = loader.load_files(files, dry_run=dry_run)
        seconds = time.perf_counter() - started
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{result.total:,} records in {seconds:.1f} s ({result.total / max(seconds, 1e-6):,.0f}"
            f"/s): {result.created} {verb} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {len(result.rejected)} rejected; "
            f"{result.people_created} people {verb} added to the authorities."
        )
        for path, reason in result.unreadable:
            self.stderr.write(f"{path} could not be read, nothing of it was written: {reason}")
        if result.rejected or result.proposals:
            report = report or Path("import_marc-report.csv")
            with report.open("w", encoding="utf-8-sig", newline="") as out:
                writer = csv.writer(out, delimiter=";")
                writer.writerow(["file", "record", "record id", "problem"])
                for bad in result.rejected:
                    writer.writerow([bad.file, bad.record_number, bad.record_id, bad.reason])
                for record_id, name, candidates in result.proposals:
                    writer.writerow(
                        [
                            "",
                            "",
                            record_id,
                            f"new person “{name}” is close to: {' | '.join(candidates)} — "
                            "merge them in the admin if they are the same",
                        ]
                    )
            self.stdout.write(
                f"{len(result.rejected)} rejected records and {len(result.proposals)} proposed "
                f"matches are listed in {report}."
            )
        if result.unreadable:
            sys.exit(2)
        if result.rejected:
            sys.exit(1)
