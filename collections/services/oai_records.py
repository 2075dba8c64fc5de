"""What the OAI-PMH provider publishes: the ledger of records (`OaiRecord`), their identifiers,
sets and Dublin Core.

The ledger follows the works LIDO publishes (`lido_records.lido_works`): `sync()` adds the
newly published, marks deleted the withdrawn (unpublished, deleted, found missing) and dates
the changed, each with the time of the sync, so that a harvest `from` its last run sees every
change, withdrawals included (deletedRecord = persistent).
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from exporters.lido import LidoRecord

from ..models import OaiRecord, WorkDomain
from .lido_records import lido_works

BATCH = 1000


def repository_host() -> str:
    return urlparse(settings.CARTEL_PUBLIC_URL).hostname or "localhost"


def identifier(ref: str) -> str:
    """oai:{host}:{REF}: derived from the REF, which never changes."""
    return f"oai:{repository_host()}:{ref}"


def ref_of(oai_identifier: str) -> str | None:
    prefix = f"oai:{repository_host()}:"
    return oai_identifier.removeprefix(prefix) if oai_identifier.startswith(prefix) else None


def domain_set(label: str) -> str:
    return f"domn:{slugify(label) or 'autre'}"


def museum_set() -> str:
    return f"museo:{settings.CARTEL_MUSEUM['MUSEOFILE']}"


def set_names() -> dict[str, str]:
    """setSpec -> setName of every set a record can be in (the parents included)."""
    names = {
        "museo": "Musées",
        museum_set(): settings.CARTEL_MUSEUM["NAME"],
        "domn": "Domaines",
    }
    for label in WorkDomain.objects.values_list("label", flat=True).distinct().order_by("label"):
        names.setdefault(domain_set(label), label)
    return names


def set_filter(spec: str) -> dict:
    """The ledger rows in a set (a parent set holds its children's records)."""
    return {"sets__contains": f"|{spec}|" if spec.count(":") else f"|{spec}:"}


def _sets(work_ids: list[int]) -> dict[int, str]:
    domains: dict[int, list[str]] = {pk: [] for pk in work_ids}
    for work_id, label in WorkDomain.objects.filter(work_id__in=work_ids).values_list(
        "work_id", "label"
    ):
        domains[work_id].append(domain_set(label))
    return {
        pk: "|" + "|".join(dict.fromkeys([museum_set(), *specs])) + "|"
        for pk, specs in domains.items()
    }


def sync_if_due(now=None) -> None:
    """`sync()`, at most once every CARTEL_OAI_SYNC_SECONDS per process (0: at every call).
    Lag is safe: a record is dated when the sync sees its change, so a harvest `from` its
    last run never misses one, and metadata is only ever built from published works."""
    seconds = settings.CARTEL_OAI_SYNC_SECONDS
    if seconds and not cache.add("cartel:oai-sync", True, timeout=seconds):
        return
    sync(now)


@transaction.atomic
def sync(now=None) -> None:
    """Bring the ledger in step with the published works (a few set-based queries)."""
    now = now or timezone.now()
    published = lido_works().order_by().values("pk")
    new = list(published.filter(oai_record__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(new), BATCH):
        ids = new[start : start + BATCH]
        sets = _sets(ids)
        OaiRecord.objects.bulk_create(
            [OaiRecord(work_id=pk, datestamp=now, sets=sets[pk]) for pk in ids],
            ignore_conflicts=True,  # another request synced them meanwhile
        )
    OaiRecord.objects.filter(deleted=False).exclude(work__in=published).update(
        deleted=True, datestamp=now
    )
    changed = list(
        OaiRecord.objects.filter(deleted=True, work__in=published).values_list("work_id", flat=True)
    ) + list(
        OaiRecord.objects.filter(deleted=False, work__updated_at__gt=F("datestamp")).values_list(
            "work_id", flat=True
        )
    )
    for start in range(0, len(changed), BATCH):
        sets = _sets(changed[start : start + BATCH])
        rows = list(OaiRecord.objects.filter(work_id__in=sets))
        for row in rows:
            row.deleted, row.datestamp, row.sets = False, now, sets[row.work_id]
        OaiRecord.objects.bulk_update(rows, ["deleted", "datestamp", "sets"])


def dublin_core(record: LidoRecord) -> list[tuple[str, str]]:
    """Simple Dublin Core of a LIDO record (the same public notice), as POP maps Joconde."""
    fields = [("title", record.first("TITR") or record.first("DENO") or record.first("INV"))]
    fields += [("creator", actor.display) for actor in record.actors]
    fields += [("subject", value) for value in record.values("REPR")]
    fields += [("description", value) for tag in ("DESC", "HIST") for value in record.values(tag)]
    fields.append(("publisher", record.museum_name))
    fields += [("date", value) for tag in ("MILL", "PERI") for value in record.values(tag)]
    fields += [("type", value) for tag in ("DOMN", "DENO") for value in record.values(tag)]
    fields += [("format", value) for tag in ("TECH", "DIMS") for value in record.values(tag)]
    fields += [("identifier", record.url), ("identifier", record.first("INV"))]
    fields += [("relation", resource.url) for resource in record.resources]
    fields.append(("language", "fr"))
    if record.work_rights:
        fields.append(("rights", record.work_rights.uri or record.work_rights.term))
    return fields
