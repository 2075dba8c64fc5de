"""`manage.py export_lido --output FILE`: the published works as LIDO-MC, in one lidoWrap."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from lxml import etree

from exporters.lido import TYPES, export
from museum_collections.services.lido_records import lido_records, lido_works


class Command(BaseCommand):
    help = (
        "Export the published works as LIDO records following LIDO-MC (the Ministry of "
        "Culture's profile), public fields only, in one lido:lidoWrap checked against the LIDO "
        "1.0 and 1.1 schemas; written under a temporary name, renamed when complete and valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, output, **options):
        if not output.parent.is_dir():
            raise CommandError(f"No folder {output.parent}: create it or give another --output.")
        started = time.perf_counter()
        works = lido_works()
        total = works.count()

        def counted():
            for n, record in enumerate(lido_records(works), 1):
                if n % 1000 == 0:
                    rate = n / (time.perf_counter() - started)
                    self.stdout.write(f"  {n:,} / {total:,} records ({rate:,.0f}/s)")
                yield record

        types = {**TYPES, **settings.CARTEL_LIDO_TYPES}
        try:
            count = export(counted(), output, types)
        except (etree.DocumentInvalid, etree.XMLSyntaxError) as error:
            raise CommandError(f"{error}; the previous {output} is kept.") from error
        seconds = time.perf_counter() - started
        self.stdout.write(f"{count:,} LIDO records written to {output} in {seconds:.1f} s.")
