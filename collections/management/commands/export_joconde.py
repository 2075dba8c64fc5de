"""`manage.py export_joconde --format xml|txt|csv --output PATH [--changed]`: notices for POP."""

import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from lxml import etree

from exporters.joconde import export, export_zip
from exporters.register_edition import atomic_output
from museum_collections.models import JocondeExport
from museum_collections.services.joconde_notices import notices, works_for_joconde


class Command(BaseCommand):
    help = (
        "Export the works marked for Joconde as POP's 'ajout piloté' .txt, POP's CSV or Joconde "
        "XML (validated against exporters/schemas/joconde.xsd); public fields only. Notices POP "
        "would reject are kept out and listed, with POP's warnings, in the report file. The file "
        "is written under a temporary name and renamed when complete. Exit status 1 when "
        "notices were kept out."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("xml", "txt", "csv"), required=True)
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument(
            "--changed",
            action="store_true",
            help="Only the works changed since the last successful export to the same output.",
        )
        parser.add_argument(
            "--images",
            action="store_true",
            help="With --format txt: a zip (OUTPUT) holding the text and the published images as "
            "JPEG, named as REFIM names them.",
        )
        parser.add_argument(
            "--report", type=Path, default=None, help="Problems found (default: OUTPUT.report.csv)."
        )

    def handle(self, *args, format, output, changed, images, report, **options):
        if images and format != "txt":
            raise CommandError("--images goes with --format txt (POP's drop is a .txt and JPEGs).")
        if images and output.suffix.lower() != ".zip":
            raise CommandError("With --images, the output is a zip: give a name ending in .zip.")
        if not output.parent.is_dir():
            raise CommandError(f"No folder {output.parent}: create it or give another --output.")
        target = str(output.resolve())
        last = JocondeExport.objects.filter(target=target).first()
        since = last.started_at if changed and last else None
        started_at, started = timezone.now(), time.perf_counter()
        works = works_for_joconde(changed_since=since)
        total = works.count()
        problems, pictures = ProblemReport(), [] if images else None

        def counted():
            for n, notice in enumerate(notices(works, problems=problems, images=pictures), 1):
                if n % 1000 == 0:
                    rate = n / (time.perf_counter() - started)
                    self.stdout.write(f"  {n:,} / {total:,} notices ({rate:,.0f}/s)")
                yield notice

        try:
            if images:
                count = export_zip(
                    counted(), output, ((name, image.open_file) for name, image in pictures)
                )
            else:
                count = export(counted(), output, format)
        except (etree.DocumentInvalid, etree.XMLSyntaxError) as error:
            raise CommandError(
                f"The export is not valid Joconde XML ({error}); the previous {output} is kept."
            ) from error
        JocondeExport.objects.update_or_create(
            target=target, defaults={"started_at": started_at, "notices": count}
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{count:,} notices written to {output} in {seconds:.1f} s "
            f"({count / max(seconds, 1e-6):,.0f}/s)"
            + (f", changed since {since:%Y-%m-%d %H:%M}" if since else "")
            + f"; {len(problems.kept_out)} kept out, {problems.warnings} warnings."
        )
        if problems.kept_out or problems.warnings:
            report = report or output.with_name(output.name + ".report.csv")
            problems.save(report)
            self.stdout.write(f"Problems are listed in {report}.")
        if problems.kept_out:
            sys.exit(1)


class ProblemReport:
    """The problems found, written to a temporary CSV as they come (a large export may have a
    warning for every notice: they are not kept in memory), saved as the report at the end."""

    def __init__(self):
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        self.writer = csv.writer(self.file, delimiter=";")
        self.writer.writerow(["REF", "inventory number", "severity", "field", "problem"])
        self.kept_out: set[str] = set()
        self.warnings = 0

    def extend(self, found) -> None:
        for p in found:
            self.writer.writerow([p.ref, p.inventory_number, p.severity, p.tag, p.message])
            if p.severity == "error":
                self.kept_out.add(p.ref)
            else:
                self.warnings += 1

    def save(self, path) -> None:
        self.file.seek(0)
        with atomic_output(path) as temporary:
            with open(temporary, "w", encoding="utf-8-sig", newline="") as out:
                shutil.copyfileobj(self.file, out)
