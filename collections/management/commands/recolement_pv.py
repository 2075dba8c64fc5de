"""`manage.py recolement_pv`: the official report (procès-verbal) of a récolement campaign.

The campaign, its method and scope, the counts, the comments, the two signatures and the
annexed lists (non vus, manquants, détruits, non inventoriés, inventoriés plusieurs fois), as a
PDF to sign and send (arrêté du 25 mai 2004, art. 13). The output file is replaced only once the
new report is complete.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...models import RecolementCampaign
from ...services.recolement_report import write_campaign_pv
from .print_register import checked_output


class Command(BaseCommand):
    help = "Write the official report (procès-verbal) of a récolement campaign as a PDF."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, required=True, help="The campaign's id.")
        parser.add_argument("--output", type=Path, required=True, help="The PDF file to write.")

    def handle(self, *args, campaign, output, **options):
        output = checked_output(output, (".pdf",))
        found = RecolementCampaign.objects.select_related("plan").filter(pk=campaign).first()
        if found is None:
            known = ", ".join(
                f"{c.pk} ({c.title})" for c in RecolementCampaign.objects.order_by("pk")[:20]
            )
            raise CommandError(
                f"No récolement campaign has the id {campaign}. Campaigns: {known or 'none'}."
            )
        try:
            pages, counts = write_campaign_pv(found, output)
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error}") from error
        self.stdout.write(
            f"Récolement “{found.title}”: {counts.total} records ({counts.seen} seen, "
            f"{counts.not_seen} not seen, {counts.missing} missing, {counts.destroyed} "
            f"destroyed), {pages} page{'' if pages == 1 else 's'} → {output}"
        )
