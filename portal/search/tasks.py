"""Keeping the catalogue search in step with the catalogue, work by work, in the background.

A save of a work, of its current location or of one of its images notes the work's REF; when
the transaction commits, one django-tasks task refreshes all the works noted (`update` for
those still published, `remove` for the others). Writes that bypass save() (bulk imports,
`QuerySet.update`) are caught up by `manage.py rebuild_catalogue_index`.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django_tasks import task

from . import catalogue_index
from .documents import documents_of

_pending = threading.local()


@task()
def refresh_catalogue(refs: list[str]) -> None:
    index = catalogue_index()
    found = documents_of(refs)
    index.update(found)
    index.remove(sorted(set(refs) - {document.ref for document in found}))


def note(refs) -> None:
    """Refresh these works once the current transaction commits (one task per transaction)."""
    refs = {ref for ref in refs if ref}
    if not refs:
        return
    connection = transaction.get_connection()
    waiting = any(callback is _flush for _ids, callback, _robust in connection.run_on_commit)
    if waiting:
        _pending.refs |= refs
    else:  # none yet in this transaction (or the last one was rolled back)
        _pending.refs = refs
        transaction.on_commit(_flush)  # at once outside a transaction


def _flush() -> None:
    refs, _pending.refs = _pending.refs, None
    refresh_catalogue.enqueue(sorted(refs))


def work_saved(sender, instance, **kwargs) -> None:
    note([instance.joconde_ref])


def location_saved(sender, instance, **kwargs) -> None:
    note([instance.work.joconde_ref])


def image_saved(sender, instance, **kwargs) -> None:
    note(link.work.joconde_ref for link in instance.work_links.select_related("work"))
