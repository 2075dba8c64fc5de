"""`manage.py export_opendata --format csv|jsonl --output PATH`: the published works, open."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exporters.opendata import LICENCE, export
from museum_collections.services.opendata import columns, records


class Command(BaseCommand):
    help = (
        "Export the published works, public fields only, as CSV or JSON Lines under the "
        "Licence Ouverte / Etalab 2.0; written under a temporary name, renamed when complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("csv", "jsonl"), required=True)
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, format, output, **options):
        if not output.parent.is_dir():
            raise CommandError(f"No folder {output.parent}: create it or give another --output.")
        started = time.perf_counter()
        count = export(records(), output, format, columns())
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{count:,} works written to {output} in {seconds:.1f} s ({LICENCE.split(' — ')[0]})."
        )
