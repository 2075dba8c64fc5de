"""`manage.py print_labels`: a PDF of labels (QR code, barcode, code in clear) for a location,
its sub-locations and the works in it, on A4 sheets of 3 × 8 labels of 70 × 37 mm.

    manage.py print_labels --location RES1 --output res1.pdf [--recursive]
        [--works-only | --locations-only] [--skip N] [--outlines]
    manage.py print_labels --list          (every location's code)
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from exporters.labels import PER_PAGE, Label, write_label_sheet

from ...models import CurrentLocation, Location
from ...scan import scan_code_of, scan_url
from .print_register import checked_output


def location_label(location: Location) -> Label:
    return Label(location.name, location.full_name, scan_code_of(location), scan_url(location))


def work_label(work) -> Label:
    return Label(work.inventory_number, work.designation, scan_code_of(work), scan_url(work))


def labels_for(
    location: Location, *, recursive: bool = False, works: bool = True, locations: bool = True
) -> list[tuple[str, Label]]:
    """("work" or "location", label) for the location, its sub-locations (all of them with
    ``recursive``) and the works now in them, ordered by place then inventory number."""
    places = (
        Location.objects.subtree(location)
        if recursive
        else Location.objects.filter(Q(pk=location.pk) | Q(parent=location))
    ).filter(Q(is_active=True) | Q(pk=location.pk))  # not the sub-locations no longer in use
    items = []
    if locations:
        items += [((place.path, 0, ""), "location", location_label(place)) for place in places]
    if works:
        present = (
            CurrentLocation.objects.filter(work__is_deleted=False)
            .select_related("work", "location")
            .prefetch_related("work__denominations")
        )
        present = (
            present.filter(location__path__startswith=location.path)
            if recursive
            else present.filter(location=location)
        )
        items += [
            ((here.location.path, 1, here.work.inventory_sort_key), "work", work_label(here.work))
            for here in present
        ]
    return [(kind, label) for _key, kind, label in sorted(items, key=lambda item: item[0])]


class Command(BaseCommand):
    help = (
        "Write a PDF of labels (QR code, Code 128 barcode, code in clear) for a location, its "
        "sub-locations and the works now in it, on A4 sheets of 3 × 8 labels of 70 × 37 mm."
    )

    def add_arguments(self, parser):
        parser.add_argument("--location", help="Code of the location, e.g. RES1-E1.")
        parser.add_argument("--output", type=Path, help="The PDF file to write.")
        parser.add_argument(
            "--recursive",
            action="store_true",
            help="The whole subtree and every work in it, not only what is directly inside.",
        )
        only = parser.add_mutually_exclusive_group()
        only.add_argument("--works-only", action="store_true", help="Labels of works only.")
        only.add_argument("--locations-only", action="store_true", help="Labels of locations only.")
        parser.add_argument(
            "--skip",
            type=int,
            default=0,
            help="Leave the first N labels of the first sheet blank (a sheet already used).",
        )
        parser.add_argument(
            "--outlines", action="store_true", help="Draw the labels' edges (test on paper)."
        )
        parser.add_argument(
            "--list", action="store_true", help="List the codes of the locations in use."
        )

    def handle(self, *args, location, output, recursive, works_only, locations_only, **options):
        if options["list"]:
            for place in Location.objects.filter(is_active=True):
                self.stdout.write(f"{place.code}\t{place.full_name}")
            return
        if not location or output is None:
            raise CommandError("Give --location CODE and --output FILE.pdf (or --list).")
        output = checked_output(output, (".pdf",))
        if not 0 <= options["skip"] < PER_PAGE:
            raise CommandError(f"--skip is a number from 0 to {PER_PAGE - 1}.")
        place = Location.objects.filter(code=location.strip().upper()).first()
        if place is None:
            raise CommandError(
                f"No location has the code {location}. `manage.py print_labels --list` lists "
                "the codes of the locations in use; the code is also on the location's label."
            )
        items = labels_for(
            place, recursive=recursive, works=not locations_only, locations=not works_only
        )
        if not items:
            raise CommandError(
                f"There are no works in {place.code} ({place.full_name}): nothing to print. "
                "Add --recursive to include the works in its sub-locations."
            )
        try:
            pages = write_label_sheet(
                output,
                (label for _kind, label in items),
                skip=options["skip"],
                outlines=options["outlines"],
            )
        except OSError as problem:
            raise CommandError(f"Could not write {output}: {problem}") from problem
        works = sum(kind == "work" for kind, _label in items)
        self.stdout.write(
            f"{len(items)} labels ({works} works, {len(items) - works} locations) on "
            f"{pages} page{'' if pages == 1 else 's'} → {output}"
        )
