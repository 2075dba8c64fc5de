"""`manage.py export_joconde --format xml|txt|csv --output PATH`: the published works for POP."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from lxml import etree

from exporters.joconde import export
from museum_collections.services.joconde_notices import notices, works_for_joconde


class Command(BaseCommand):
    help = (
        "Export the published works as Joconde notices: POP's 'ajout piloté' .txt, POP's CSV or "
        "Joconde XML (validated against exporters/schemas/joconde.xsd). Public fields only. The "
        "file is written under a temporary name and renamed when complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("xml", "txt", "csv"), required=True)
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, format, output, **options):
        if not output.parent.is_dir():
            raise CommandError(f"No folder {output.parent}: create it or give another --output.")
        started = time.perf_counter()
        works = works_for_joconde()
        total = works.count()

        def counted():
            for n, notice in enumerate(notices(works), 1):
                if n % 1000 == 0:
                    rate = n / (time.perf_counter() - started)
                    self.stdout.write(f"  {n:,} / {total:,} notices ({rate:,.0f}/s)")
                yield notice

        try:
            count = export(counted(), output, format)
        except (etree.DocumentInvalid, etree.XMLSyntaxError) as error:
            raise CommandError(
                f"The export is not valid Joconde XML ({error}); the previous {output} is kept."
            ) from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{count:,} notices written to {output} in {seconds:.1f} s "
            f"({count / max(seconds, 1e-6):,.0f}/s)."
        )
