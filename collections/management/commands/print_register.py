"""`manage.py print_register`: the annual printed edition of the inventory register (PDF).

Lists the validated entries registered in the year, in order of entry, then the removals of
earlier entries recorded in it; to be printed, initialled page by page and bound (arrêté du
25 mai 2004, annex 1). The output file is replaced only once the new edition is complete.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exporters.register_edition import write_register_edition

from ...services.editions import (
    edition_entries,
    edition_info,
    edition_removals,
    register_edition_entries,
    register_edition_removals,
)

MAX_BLANK_PAGES = 100


def checked_output(path: Path, suffixes: tuple[str, ...]) -> Path:
    """The output path, or a CommandError saying what to change."""
    if path.suffix.lower() not in suffixes:
        raise CommandError(f"--output {path}: give a file name ending in {' or '.join(suffixes)}.")
    if path.is_dir():
        raise CommandError(f"--output {path} is a folder: give a file name.")
    if not path.parent.is_dir():
        raise CommandError(f"The folder {path.parent} does not exist: create it first.")
    return path


class Command(BaseCommand):
    help = (
        "Write the annual edition of the inventory register as a PDF to print and bind: the "
        "entries registered in --year, in order of entry, and the removals recorded in it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Year of registration.")
        parser.add_argument("--output", type=Path, required=True, help="The PDF file to write.")
        parser.add_argument(
            "--archives-copy",
            action="store_true",
            help="Mark the edition as the copy for the competent archives service.",
        )
        parser.add_argument(
            "--blank-pages",
            type=int,
            default=4,
            help="Blank numbered pages at the end, for later annotations (default: 4).",
        )

    def handle(self, *args, year, output, archives_copy, blank_pages, **options):
        output = checked_output(output, (".pdf",))
        if not 0 <= blank_pages <= MAX_BLANK_PAGES:
            raise CommandError(f"--blank-pages is a number from 0 to {MAX_BLANK_PAGES}.")
        if not edition_entries(year).exists() and not edition_removals(year).exists():
            raise CommandError(
                f"No validated entry was registered in {year} and no removal was recorded in "
                f"it: there is nothing to print. Check --year, or validate the year's draft "
                f"entries first. {output} was not written."
            )
        printed = {"entries": 0, "removals": 0}

        def counted(entries, key):
            for entry in entries:
                printed[key] += 1
                printed["removals"] += key == "entries" and entry.removal is not None
                yield entry

        info = edition_info(year, archives_copy=archives_copy, blank_pages=blank_pages)
        try:
            pages = write_register_edition(
                output,
                info,
                counted(register_edition_entries(year), "entries"),
                counted(register_edition_removals(year), "removals"),
            )
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error}") from error
        entries, removals = printed["entries"], printed["removals"]
        self.stdout.write(
            f"Register {year}: {entries} entr{'y' if entries == 1 else 'ies'}, "
            f"{removals} removal{'' if removals == 1 else 's'}, {pages} pages → {output}"
        )
