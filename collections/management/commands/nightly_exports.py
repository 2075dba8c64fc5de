"""`manage.py nightly_exports`: the exports of settings.CARTEL_NIGHTLY_EXPORTS, one at a time.

Each export writes its file under a temporary name and renames it when complete (the export
commands do it), so a failed night leaves yesterday's files in place. A lock file keeps two runs
from overlapping; each night's log goes to CARTEL_EXPORT_DIR/reports (the last
CARTEL_NIGHTLY_KEEP_REPORTS are kept). Exit status 1 when any export failed, 2 when another run
holds the lock.
"""

import fcntl
import io
import sys
import time
import traceback
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = __doc__.splitlines()[0].split(": ", 1)[1]

    def handle(self, *args, **options):
        folder = Path(settings.CARTEL_EXPORT_DIR)
        reports = folder / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        with (folder / ".nightly.lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.stderr.write(f"Another nightly_exports is running ({folder}): nothing done.")
                sys.exit(2)
            failed = self.run_exports(folder, reports)
        if failed:
            sys.exit(1)

    def run_exports(self, folder: Path, reports: Path) -> list[str]:
        stamp = timezone.localtime().strftime("%Y-%m-%d_%H%M%S_%f")
        log = reports / f"nightly-{stamp}.log"
        failed = []
        with log.open("w", encoding="utf-8") as out:
            for command, arguments in settings.CARTEL_NIGHTLY_EXPORTS:
                arguments = [
                    str(folder / value) if previous == "--output" else value
                    for previous, value in zip(["", *arguments], arguments, strict=False)
                ]
                line = f"{command} {' '.join(arguments)}"
                started = time.perf_counter()
                buffer = io.StringIO()
                try:
                    call_command(command, *arguments, stdout=buffer, stderr=buffer)
                    status = "ok"
                except SystemExit as exit_:  # 1: done, with notices kept out (listed)
                    status = "ok, with problems listed" if exit_.code == 1 else "failed"
                except Exception:  # noqa: BLE001  one failed export must not stop the others
                    buffer.write(traceback.format_exc())
                    status = "failed"
                seconds = time.perf_counter() - started
                if status == "failed":
                    failed.append(line)
                out.write(f"== {line}: {status} in {seconds:.1f} s\n{buffer.getvalue()}\n")
                self.stdout.write(f"{line}: {status} in {seconds:.1f} s")
        for old in sorted(reports.glob("nightly-*.log"))[: -settings.CARTEL_NIGHTLY_KEEP_REPORTS]:
            old.unlink()
        summary = f"{len(settings.CARTEL_NIGHTLY_EXPORTS) - len(failed)} exports done, "
        summary += f"{len(failed)} failed; log: {log}"
        (self.stderr if failed else self.stdout).write(summary)
        return failed
