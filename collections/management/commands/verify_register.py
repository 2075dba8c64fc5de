"""`manage.py verify_register`: recompute the registers' hash chains; exit 1 on the first break."""

import sys
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ...services.register import verify_registers


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Recompute the hash chain of the inventory register and of the register of deposits, "
            "in order of entry, and name the first entry that does not match (exit status 1)."
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        reports = verify_registers()
        seconds = time.perf_counter() - started
        for report in reports:
            name = _("inventory register") if report.register == "inventory" else _("deposits")
            if report.ok:
                self.stdout.write(
                    _("%(register)s: %(count)s validated entries, chain intact.")
                    % {"register": name, "count": report.checked}
                )
            else:
                self.stderr.write(
                    _(
                        "%(register)s: %(count)s entries verified, then %(problem)s. Compare it "
                        "with the printed edition and the archives copy, and restore the database "
                        "from a backup taken before the change."
                    )
                    % {"register": name, "count": report.checked, "problem": report.first_mismatch}
                )
        self.stdout.write(_("Verified in %(seconds).1f s.") % {"seconds": seconds})
        if not all(report.ok for report in reports):
            sys.exit(1)
