"""`manage.py backup --output DIR`: the database and the media, with a manifest and checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...services.backup import BackupError, backup


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Back up the database (one consistent snapshot, taken while the site runs) and "
            "MEDIA_ROOT into a new folder, with a manifest of every file's size and SHA-256."
        )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help=_("a new (or empty) folder"))

    def handle(self, *args, **options):
        try:
            backup(options["output"], report=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
