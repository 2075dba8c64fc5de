"""`manage.py deposits_report`: the annual list of the deposits held for one depositor.

Depositors (Cnap/FNAC, Centre Pompidou, Sèvres, Mobilier national…) ask for it every year, with
the location and condition of each object. PDF to sign and send, or CSV for a spreadsheet,
chosen by the extension of --output.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exporters.deposits_report import write_deposits_csv, write_deposits_pdf

from ...models import DepositEntry
from ...services.editions import (
    UnknownDepositor,
    deposit_report_rows,
    deposits_info,
    find_depositor,
)
from .print_register import checked_output


class Command(BaseCommand):
    help = (
        "Write the list of the deposits of one depositor held during a year (PDF or CSV, "
        "from the extension of --output), with their location and condition."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--depositor", required=True, help="The depositor's name, or a part of it."
        )
        parser.add_argument(
            "--output", type=Path, required=True, help="The .pdf or .csv file to write."
        )
        parser.add_argument(
            "--year", type=int, default=None, help="The year reported on (default: this year)."
        )

    def handle(self, *args, depositor, output, year, **options):
        output = checked_output(output, (".pdf", ".csv"))
        year = year or timezone.localdate().year
        try:
            person = find_depositor(depositor)
        except UnknownDepositor as error:
            raise CommandError(f"{error} {output} was not written.") from None
        count, pages = 0, None

        def rows():
            nonlocal count
            for row in deposit_report_rows(person, year):
                count += 1
                yield row

        try:
            if output.suffix.lower() == ".csv":
                write_deposits_csv(output, rows())
            else:
                pages = write_deposits_pdf(output, deposits_info(person, year), rows())
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error}") from error
        drafts = DepositEntry.objects.drafts().filter(depositor=person).count()
        if drafts:
            self.stderr.write(
                f"{drafts} draft deposit entries of {person.name} are not in the list: validate "
                "them in the register of deposits, then run this command again."
            )
        size = f", {pages} pages" if pages is not None else ""
        self.stdout.write(f"Deposits of {person.name} in {year}: {count} deposits{size} → {output}")
