"""The only way anything moves: ``move()``. The admin, the tablet API, the importers, loans and
the demo all call it, so every change of place writes its movements, in one transaction, and
each work's current location follows from its movements.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import CurrentLocation, Location, Movement, Work
from .register import user_name

BATCH = 1000


class MoveError(ValidationError):
    """A move that cannot be made; the message says why and what to do."""


def move(
    subject: Work | Location,
    to: Location,
    *,
    reason: str,
    user=None,
    moved_at: datetime | None = None,
    planned: bool = False,
    note: str = "",
    loan=None,
    corrects: Movement | None = None,
    idempotency_key: str | None = None,
) -> Movement:
    """Move a work, or a location with everything inside it, to ``to``.

    A moved location (a box, a crate, a shelf…) takes its sub-locations and works with it: one
    movement for it and one for each work inside, carried by it, all in one transaction. With
    ``idempotency_key``, a request replayed with the same key returns the first movement and
    moves nothing again.
    """
    if idempotency_key:
        existing = Movement.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    moved_at = moved_at or timezone.now()
    try:
        with transaction.atomic():
            if isinstance(subject, Location):
                return _move_location(
                    subject,
                    to,
                    reason=reason,
                    user=user,
                    moved_at=moved_at,
                    planned=planned,
                    note=note,
                    idempotency_key=idempotency_key,
                )
            return _move_work(
                subject,
                to,
                reason=reason,
                user=user,
                moved_at=moved_at,
                planned=planned,
                note=note,
                loan=loan,
                corrects=corrects,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        if idempotency_key:  # the same request, replayed while the first one was being saved
            existing = Movement.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise


def _check_destination(to: Location) -> None:
    if not to.is_active:
        raise MoveError(
            _(
                "%(location)s is no longer in use: choose another location, or put it back in use "
                "first."
            )
            % {"location": to}
        )


def _move_work(
    work, to, *, reason, user, moved_at, planned, note, loan, corrects, idempotency_key
) -> Movement:
    _check_destination(to)
    here = current_location_of(work, moved_at)
    movement = Movement.objects.create(
        work=work,
        from_location=here,
        from_label=here.full_name if here else "",
        to_location=to,
        to_label=to.full_name,
        moved_at=moved_at,
        reason=reason,
        status=Movement.Status.PLANNED if planned else Movement.Status.DONE,
        moved_by=user,
        moved_by_name=user_name(user),
        note=note,
        loan=loan,
        corrects=corrects,
        idempotency_key=idempotency_key or None,
    )
    if not planned:
        refresh_current_location(work)
    return movement


def _move_location(
    location, to, *, reason, user, moved_at, planned, note, idempotency_key
) -> Movement:
    _check_destination(to)
    if planned:
        raise MoveError(
            _("Only works can have planned movements; move the location when it moves.")
        )
    if location.kind in (Location.Kind.SITE, Location.Kind.BUILDING):
        raise MoveError(_("Sites and buildings do not move."))
    if to.is_inside(location):
        raise MoveError(
            _("%(location)s cannot go inside itself (%(to)s).")
            % {"location": location.code, "to": to.code}
        )
    location = Location.objects.select_for_update().get(pk=location.pk)
    before = {loc.pk: loc.full_name for loc in Location.objects.subtree(location)}
    was_in = location.parent
    location.parent = to
    location._moving = True
    location.save()
    after = dict(Location.objects.subtree(location).values_list("pk", "full_name"))
    name = user_name(user)
    carrier = Movement.objects.create(
        container=location,
        from_location=was_in,
        from_label=was_in.full_name if was_in else "",
        to_location=to,
        to_label=to.full_name,
        moved_at=moved_at,
        reason=reason,
        moved_by=user,
        moved_by_name=name,
        note=note,
        idempotency_key=idempotency_key or None,
    )
    carried = [
        Movement(
            work_id=work_id,
            from_location_id=location_id,
            from_label=before[location_id],
            to_location_id=location_id,
            to_label=after[location_id],
            moved_at=moved_at,
            reason=Movement.Reason.CONTAINER,
            moved_by=user,
            moved_by_name=name,
            carried_by=carrier,
        )
        for work_id, location_id in CurrentLocation.objects.filter(
            location__path__startswith=location.path
        )
        .values_list("work_id", "location_id")
        .iterator(chunk_size=BATCH)
    ]
    Movement.objects.bulk_create(carried, batch_size=BATCH)
    return carrier


def complete(movement: Movement, *, moved_at: datetime | None = None) -> Movement:
    """Mark a planned movement done (at ``moved_at``, default now): the work is there now."""
    with transaction.atomic():
        movement = Movement.objects.select_for_update().get(pk=movement.pk)
        if movement.status != Movement.Status.PLANNED:
            raise MoveError(_("Only a planned movement can be marked done."))
        movement.status = Movement.Status.DONE
        movement.moved_at = moved_at or timezone.now()
        movement.save()
        refresh_current_location(movement.work)
    return movement


def cancel(movement: Movement) -> Movement:
    if movement.status != Movement.Status.PLANNED:
        raise MoveError(_("Only a planned movement can be cancelled; correct a done one."))
    movement.status = Movement.Status.CANCELLED
    movement.save()
    return movement


def correct(wrong: Movement, to: Location, *, user=None, note: str = "") -> Movement:
    """Record where the work really went: a new movement that corrects ``wrong``; the history
    keeps both."""
    if wrong.work_id is None:
        raise MoveError(_("Move the container again to correct a container's movement."))
    return move(
        wrong.work, to, reason=Movement.Reason.CORRECTION, user=user, note=note, corrects=wrong
    )


def latest_movement(work: Work, at: datetime | None = None) -> Movement | None:
    """The work's last movement done (at ``at`` when given): where it is is where it went."""
    movements = Movement.objects.done().filter(work=work)
    if at is not None:
        movements = movements.filter(moved_at__lte=at)
    return movements.order_by("-moved_at", "-pk").select_related("to_location").first()


def current_location_of(work: Work, at: datetime | None = None) -> Location | None:
    movement = latest_movement(work, at)
    return movement.to_location if movement else None


def refresh_current_location(work: Work) -> None:
    """Store the work's current location, derived from its movements."""
    movement = latest_movement(work)
    work._state.fields_cache.pop("current_location", None)
    if movement is None:
        CurrentLocation.objects.filter(work=work).delete()
        return
    work.current_location, _created = CurrentLocation.objects.update_or_create(
        work=work,
        defaults={
            "location": movement.to_location,
            "since": movement.moved_at,
            "movement": movement,
        },
    )


def where_is(work: Work) -> tuple[Location | None, Location | None]:
    """(current, normal) location of a work."""
    current = CurrentLocation.objects.filter(work=work).select_related("location").first()
    return (current.location if current else None), work.normal_location


def place_works(
    placements: Iterable[tuple[Work, Location]],
    *,
    reason: str,
    user=None,
    moved_at: datetime | None = None,
    note: str = "",
) -> int:
    """Move many works at once, each to its own location: the bulk form of ``move()`` for
    imports and first placements. One movement per work, in one transaction; returns the count.
    """
    moved_at = moved_at or timezone.now()
    name = user_name(user)
    count = 0
    with transaction.atomic():
        for chunk in _chunks(placements, BATCH):
            current = dict(
                CurrentLocation.objects.filter(work__in=[w for w, _to in chunk])
                .select_related("location")
                .values_list("work_id", "location")
            )
            here = {loc.pk: loc for loc in Location.objects.filter(pk__in=current.values())}
            for _work, to in chunk:
                _check_destination(to)
            created = Movement.objects.bulk_create(
                Movement(
                    work=work,
                    from_location=here.get(current.get(work.pk)),
                    from_label=here[current[work.pk]].full_name if work.pk in current else "",
                    to_location=to,
                    to_label=to.full_name,
                    moved_at=moved_at,
                    reason=reason,
                    moved_by=user,
                    moved_by_name=name,
                    note=note,
                )
                for work, to in chunk
            )
            _refresh_after_bulk(created, moved_at)
            count += len(created)
    return count


def _refresh_after_bulk(created: list[Movement], moved_at: datetime) -> None:
    """Current locations after a bulk move: the new movement, unless a later one exists."""
    later = set(
        Movement.objects.done()
        .filter(work__in=[m.work_id for m in created], moved_at__gt=moved_at)
        .values_list("work_id", flat=True)
    )
    simple = [m for m in created if m.work_id not in later]
    CurrentLocation.objects.filter(work__in=[m.work_id for m in simple]).delete()
    CurrentLocation.objects.bulk_create(
        CurrentLocation(work_id=m.work_id, location=m.to_location, since=moved_at, movement=m)
        for m in simple
    )
    for movement in created:
        if movement.work_id in later:
            refresh_current_location(movement.work)


def _chunks(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
