"""Authority maintenance: merging duplicate people and organisations."""

from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..models import Person, PersonName, ProtectedRecordError, WorkMaker

# Descriptive fields a merge copies from a duplicate when the kept record leaves them empty.
FILLABLE_FIELDS = (
    "surname",
    "forenames",
    "birth_date",
    "birth_place",
    "death_date",
    "death_place",
    "nationality",
    "biography",
    *Person.IDENTIFIER_FIELDS,
    "address",
    "email",
    "phone",
)


@dataclass
class MergeReport:
    kept: Person
    merged: list[Person] = field(default_factory=list)
    links_moved: int = 0
    filled: list[str] = field(default_factory=list)


@transaction.atomic
def merge_people(*, keep: Person, duplicates, user=None) -> MergeReport:
    """Merge duplicates into `keep`: every link follows, names and identifiers are kept.

    The duplicates are not deleted: they stay, marked as merged into `keep`, so that old
    references and addresses redirect to the record that remains.
    """
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    if keep.merged_into_id:
        raise ProtectedRecordError(
            _("%(name)s was itself merged into another record: merge into that one.")
            % {"name": keep}
        )
    report = MergeReport(kept=keep)
    for duplicate in duplicates:
        duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
        _check_mergeable(keep, duplicate)
        report.filled += _fill_empty_fields(keep, duplicate)
        report.links_moved += _move_links(duplicate, keep)
        if duplicate.name != keep.name:
            PersonName.objects.create(person=keep, name=duplicate.name, kind=PersonName.Kind.MERGED)
        for identifier in Person.IDENTIFIER_FIELDS:
            setattr(duplicate, identifier, "")  # now carried by the kept record
        duplicate.merged_into = keep
        duplicate.merged_at = timezone.now()
        duplicate.save()
        keep.save()
        log(duplicate, "cartel.merge", user=user, data={"merged_into": keep.pk})
        report.merged.append(duplicate)
    _remove_duplicate_maker_links(keep)
    log(keep, "cartel.merge", user=user, data={"merged": [p.pk for p in report.merged]})
    return report


def _check_mergeable(keep: Person, duplicate: Person):
    if duplicate.pk == keep.pk:
        raise ProtectedRecordError(_("A record cannot be merged into itself."))
    if duplicate.merged_into_id:
        raise ProtectedRecordError(
            _("%(name)s is already merged into another record.") % {"name": duplicate}
        )
    for identifier in Person.IDENTIFIER_FIELDS:
        ours, theirs = getattr(keep, identifier), getattr(duplicate, identifier)
        if ours and theirs and ours != theirs:
            label = Person._meta.get_field(identifier).verbose_name
            raise ProtectedRecordError(
                _(
                    "%(a)s and %(b)s have different %(label)s identifiers (%(x)s, %(y)s): they "
                    "may be two different people. Correct the wrong identifier before merging."
                )
                % {"a": keep, "b": duplicate, "label": label, "x": ours, "y": theirs}
            )


def _fill_empty_fields(keep: Person, duplicate: Person) -> list[str]:
    filled = []
    for name in FILLABLE_FIELDS:
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
            filled.append(name)
    if duplicate.private_notes:
        keep.private_notes = "\n\n".join(
            filter(None, [keep.private_notes, duplicate.private_notes])
        )
    return filled


def _move_links(source: Person, target: Person) -> int:
    """Point every foreign key that refers to `source` at `target` (all models, present or future)."""
    moved = 0
    for relation in Person._meta.related_objects:
        if relation.field.name == "merged_into" or not isinstance(
            relation.field, models.ForeignKey
        ):
            continue
        manager = relation.related_model._base_manager
        moved += manager.filter(**{relation.field.name: source}).update(
            **{relation.field.name: target}
        )
    return moved


def _remove_duplicate_maker_links(person: Person):
    """After a merge a work may name the same maker twice in the same role: keep the first."""
    seen = set()
    for link in WorkMaker.objects.filter(person=person).order_by("work_id", "sort_order", "pk"):
        key = (link.work_id, link.role, link.qualifier)
        if key in seen:
            link.delete()
        else:
            seen.add(key)
