"""`manage.py prune_iiif_cache [--days N]`: remove the derived IIIF images not served lately."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Remove from CARTEL_IIIF_CACHE the derived images (regions, sizes, tiles) not served "
        "for N days (default 30); they are made again when asked for. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days, **options):
        folder = Path(settings.CARTEL_IIIF_CACHE)
        cutoff = time.time() - days * 86400
        removed = kept = freed = 0
        for path in folder.glob("*/*") if folder.is_dir() else []:
            stat = path.stat()
            if stat.st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed, freed = removed + 1, freed + stat.st_size
            else:
                kept += 1
        self.stdout.write(
            f"{removed:,} cached images removed ({freed / 1e6:.1f} MB), {kept:,} kept "
            f"(served in the last {days} days), in {folder}."
        )
