"""`manage.py rebuild_catalogue_index`: the catalogue search rebuilt from the published works."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.search import catalogue_index
from portal.search.documents import documents, published_works


class Command(BaseCommand):
    help = (
        "Rebuild the catalogue search (CARTEL_SEARCH_BACKEND) from the published works; the "
        "current index answers searches until the new one is complete."
    )

    def handle(self, *args, **options):
        total = published_works().count()
        started = time.perf_counter()

        def progress(count):
            if count % 5000 == 0 or count == total:
                rate = count / max(time.perf_counter() - started, 1e-6)
                self.stdout.write(f"  {count:,} / {total:,} works ({rate:,.0f}/s)")

        count = catalogue_index().rebuild(documents(), progress)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{count:,} published works indexed in {seconds:.1f} s "
            f"({settings.CARTEL_SEARCH_BACKEND} search)."
        )
