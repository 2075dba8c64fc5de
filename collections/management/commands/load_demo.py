"""`manage.py load_demo`: the demo catalogue from real open data, and one user per role.

Loads the vocabularies (unless already there), people and works from MoMA and Tate open data,
83 artwork images as works with their primary image, library records, FileMaker objects and
Joconde notices through the importers, then (re)sets the demo users with a
new random password, printed at the end. Safe to run again: nothing unchanged is rewritten.
"""

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from museum_collections.models import ConceptScheme
from museum_collections.services.demo import ensure_demo_users, load_demo
from museum_collections.services.demo_imports import load_demo_imports
from museum_collections.services.demo_locations import load_demo_locations, place_incoming_works
from museum_collections.services.demo_portal import load_demo_portal
from museum_collections.services.demo_recolement import load_demo_recolement
from museum_collections.services.demo_registers import load_demo_registers
from museum_collections.services.work_writer import StrictLoadError

# Schemes the demo's terms are resolved in: all present means the vocabularies are loaded.
REQUIRED_SCHEMES = ("DOMN", "DENO", "TECH", "PERI", "AUTROLE", "REPR")


class Command(BaseCommand):
    help = "Load the demo catalogue (open data from MoMA and Tate, artwork images) and demo users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            default=str(Path(settings.BASE_DIR) / "demo" / "data"),
            help="Folder with museum-open-data/, images/ and vocabularies/ (default: demo/data).",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Read at most N records of each source file (for quick tries and tests).",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Stop at the first bad record (its source file is rolled back).",
        )
        parser.add_argument(
            "--skip-vocabularies",
            action="store_true",
            help="Do not run load_vocabularies (it is skipped anyway when they are loaded).",
        )

    def handle(self, *args, **options):
        start = time.perf_counter()
        data_dir = Path(options["data_dir"])
        if not (data_dir / "museum-open-data").is_dir() or not (data_dir / "images").is_dir():
            raise CommandError(
                f"{data_dir} has no museum-open-data/ and images/ folders: give the demo data "
                "folder with --data-dir (by default demo/data in the project)."
            )
        if options["limit"] is not None and options["limit"] < 0:
            raise CommandError("--limit is a number of records, 0 or more.")
        vocabulary_seconds = self.load_vocabularies(skip=options["skip_vocabularies"])
        try:
            report = load_demo(
                data_dir, limit=options["limit"], strict=options["strict"], log=self.stdout.write
            )
        except StrictLoadError as error:
            raise CommandError(
                f"Stopped at a bad record (--strict); its file was not loaded: {error}"
            ) from None
        password = secrets.token_urlsafe(12)
        report.users = ensure_demo_users(password)
        report.password = password
        started = time.perf_counter()
        users = get_user_model().objects
        registrar, curator = users.get(username="registrar"), users.get(username="curator")
        registers = load_demo_registers(registrar)
        report.seconds["registers"] = time.perf_counter() - started
        started = time.perf_counter()
        places = load_demo_locations(registrar, curator)
        report.seconds["locations"] = time.perf_counter() - started
        report.recolement = load_demo_recolement(registrar)
        started = time.perf_counter()
        report.imports = load_demo_imports(data_dir, log=self.stdout.write)
        place_incoming_works(registrar)
        report.seconds["importers"] = time.perf_counter() - started
        started = time.perf_counter()
        call_command("rebuild_catalogue_index", stdout=self.stdout)  # what bulk loads skipped
        report.seconds["search"] = time.perf_counter() - started
        if vocabulary_seconds is not None:
            report.seconds = {"vocabularies": vocabulary_seconds, **report.seconds}
        load_demo_portal()
        self.print_report(report, registers, places, time.perf_counter() - start)

    def load_vocabularies(self, *, skip: bool) -> float | None:
        """Run load_vocabularies unless skipped or already done; returns its duration."""
        if skip:
            self.stdout.write("Vocabularies: skipped (--skip-vocabularies).")
            return None
        loaded = set(
            ConceptScheme.objects.filter(
                code__in=REQUIRED_SCHEMES, concepts__isnull=False
            ).values_list("code", flat=True)
        )
        if loaded == set(REQUIRED_SCHEMES):
            self.stdout.write("Vocabularies: already loaded, skipped.")
            return None
        if "load_vocabularies" not in get_commands():
            raise CommandError(
                "The load_vocabularies command is not available and the vocabularies are not "
                "loaded: run with --skip-vocabularies to load the demo without them (its terms "
                "will then be listed as outside the vocabularies)."
            )
        self.stdout.write("Vocabularies: loading...")
        started = time.perf_counter()
        try:
            call_command("load_vocabularies", stdout=self.stdout, stderr=self.stderr)
        except CommandError as error:
            # Some lists failed (the others are loaded): their terms stay outside the
            # vocabularies, listed for review, and a later load_vocabularies links them.
            self.stdout.write(self.style.WARNING(f"Vocabularies: {error}"))
        seconds = time.perf_counter() - started
        self.stdout.write(f"Vocabularies: done in {seconds:.1f} s.")
        return seconds

    def print_report(self, report, registers, places, elapsed: float):
        write = self.stdout.write
        steps = ", ".join(f"{label} {seconds:.1f} s" for label, seconds in report.seconds.items())
        write("")
        write(f"Demo loaded in {elapsed:.1f} s ({steps}).")
        write(f"  {'':8} {'created':>8} {'updated':>8} {'unchanged':>10}")
        for kind, counts in report.counts.items():
            write(f"  {kind:8} {counts.created:8} {counts.updated:8} {counts.unchanged:10}")
        if report.matched_people:
            write(
                f"  {report.matched_people} makers were matched to people already in the catalogue."
            )
        works = report.counts["works"].total
        work_seconds = sum(
            seconds
            for label, seconds in report.seconds.items()
            if label not in ("vocabularies", "Tate artists", "registers", "locations")
        )
        write(f"  {works} works, {works / max(work_seconds, 1e-6):.0f} works/s.")
        if report.works_outside_vocabulary:
            write(
                f"  {report.works_outside_vocabulary} works have terms outside the vocabularies "
                "(listed for review on each work)."
            )
        write(
            f"  Registers: {registers.validated} validated inventory entries "
            f"({registers.removed} removed), {registers.drafts} to validate, "
            f"{registers.deposits} deposits."
        )
        write(
            f"  Locations: {places.locations} locations, {places.placed} works placed, "
            f"{places.on_display} on display, {places.loans} loans, {places.exhibitions} "
            f"exhibitions, {places.checks} condition checks."
        )
        write(f"  Récolement: {report.recolement}")
        for label, result in report.imports.items():
            write(
                f"  {label.capitalize()} (through the importers): {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged, "
                f"{len(result.rejected)} rejected."
            )
            for rejected in result.rejected:
                write(self.style.WARNING(f"  - {rejected}"))
            for path, reason in result.unreadable:
                write(self.style.WARNING(f"  - {path} could not be read: {reason}"))
        if report.errors:
            write(self.style.WARNING(f"{len(report.errors)} records were not loaded:"))
            for bad in report.errors:
                write(self.style.WARNING(f"  - {bad}"))
        write("")
        write(self.style.SUCCESS("Demo users (the password is new at each run):"))
        write(f"  Log in at {settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/admin/")
        for username, role, _created in report.users:
            write(f"  {username:14} {role}")
        write(self.style.SUCCESS(f"  Password for all of them: {report.password}"))
        write(
            "  admin and registrar can validate the registers: at their first login they set up "
            "two-factor authentication (an authenticator app on a phone scans a QR code)."
        )
