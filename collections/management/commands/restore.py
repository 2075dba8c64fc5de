"""`manage.py restore DIR`: put a backup made by `manage.py backup` back, all checks first."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...services.backup import RECORDS, BackupError, restore


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Restore a backup into the configured database and MEDIA_ROOT: checksums, migrations "
            "and an empty database are checked first; the database is restored in one "
            "transaction, then the media are put in place and `migrate` runs if the code is "
            "newer. Exit status 1 when the restored counts differ from the backup's."
        )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help=_("a folder written by manage.py backup"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("overwrite a database that is not empty (its records are lost)"),
        )

    def handle(self, *args, **options):
        try:
            summary = restore(options["folder"], force=options["force"], report=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{_('records'):<20}{_('backup'):>10}{_('restored'):>10}")
        for key in RECORDS:
            expected, found = summary.counts.get(key, 0), summary.restored_counts[key]
            mark = "" if expected == found else "  ≠"
            self.stdout.write(f"{key:<20}{expected:>10}{found:>10}{mark}")
        for note in summary.notes:
            self.stdout.write(note)
        self.stdout.write(
            _("Restored %(files)s files (%(size).1f MB) in %(seconds).1f s.")
            % {
                "files": summary.files,
                "size": summary.bytes / 1024 / 1024,
                "seconds": summary.seconds,
            }
        )
        if summary.restored_counts != {key: summary.counts.get(key, 0) for key in RECORDS}:
            raise CommandError(
                _(
                    "The restored counts differ from the backup's (marked ≠): check the output above."
                )
            )
