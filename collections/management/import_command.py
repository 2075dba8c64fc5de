"""What every object import command shares: arguments, summary, report file, exit status.

Exit status: 0 when every record went in, 1 when some were rejected (each one listed in the
report file with its file, record number, field and reason), 2 when a file could not be read
(and then nothing of it was written).
"""

import csv
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from museum_collections.services.work_import import ObjectLoader

EXIT_STATUS_HELP = (
    " Exit status: 0 all records in, 1 some rejected (listed in the report file), 2 a file "
    "could not be read (nothing of it was written)."
)


class ImportCommand(BaseCommand):
    """Arguments, summary, report file and exit status shared by the import commands."""

    report_name = "import-report.csv"

    def add_report_argument(self, parser):
        parser.add_argument(
            "--report",
            type=Path,
            default=None,
            help="CSV file for rejected records, warnings and proposed matches (default: "
            f"{self.report_name} in the current folder, written only when needed).",
        )

    @staticmethod
    def check_files(paths) -> None:
        missing = [str(path) for path in paths if not Path(path).is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}. Check the path.")

    def finish(self, result, seconds: float, *, dry_run, report, extra: str = "") -> None:
        """Summary line, report file, exit status 0, 1 or 2."""
        verb = "would be" if dry_run else "were"
        rate = result.total / max(seconds, 1e-6)
        self.stdout.write(
            f"{result.total:,} records in {seconds:.1f} s ({rate:,.0f}/s): {result.created} "
            f"{verb} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{len(result.rejected)} rejected; {extra}".rstrip("; ")
        )
        for path, reason in result.unreadable:
            self.stderr.write(f"{path} could not be read, nothing of it was written: {reason}")
        if result.rejected or result.proposals or result.warnings:
            report = report or Path(self.report_name)
            write_report(report, result)
            self.stdout.write(
                f"{len(result.rejected)} rejected records, {len(result.warnings)} warnings and "
                f"{len(result.proposals)} proposed matches are listed in {report}."
            )
        if result.unreadable:
            sys.exit(2)
        if result.rejected:
            sys.exit(1)


class ObjectImportCommand(ImportCommand):
    def add_common_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the works of these files on the portal (public fields only).",
        )
        self.add_report_argument(parser)

    def run_import(self, source: str, files, read, *, dry_run, publish, report) -> None:
        started = time.perf_counter()
        loader = ObjectLoader(source, publish=publish, log=self.stdout.write)
        result = loader.load_files(files, read, dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        self.finish(
            result,
            time.perf_counter() - started,
            dry_run=dry_run,
            report=report,
            extra=f"{result.people_created} people {verb} added to the authorities; "
            f"{result.works_outside_vocabulary} works have values outside the vocabularies "
            "(kept, listed under “Outside the vocabulary” in the admin).",
        )


def write_report(path: Path, result) -> None:
    """One line per rejected record, warning or proposal, for a registrar to read in a spreadsheet."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["file", "record", "identifier", "field", "problem"])
        for row in [*result.rejected, *result.warnings]:
            writer.writerow([row.file, row.record_number, row.key, row.field, row.reason])
        for proposal in result.proposals:
            writer.writerow(
                [
                    proposal.file,
                    proposal.record_number,
                    proposal.key,
                    proposal.field,
                    f"“{proposal.value}” is close to: {' | '.join(proposal.candidates)} — "
                    "correct the file, or merge them in the admin if they are the same",
                ]
            )
