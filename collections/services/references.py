"""Wagtail's reference index ("usage") for many objects at once, for the bulk loaders.

`ReferenceIndex.create_or_update_for_object` costs two queries per object, more than an import
spends on the object itself. This does the same for a batch of objects of one model, with their
child relations prefetched: one query to read the rows that exist, one insert, one delete. The
rows are the ones Wagtail writes (its own extraction, content types and path hash), so Wagtail
reads and updates them as its own (tests compare the two).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from modelcluster.models import get_all_child_relations
from wagtail.models import ReferenceIndex

BATCH = 500


def index_references(model, pks) -> None:
    """Create or update the reference index rows of the objects `pks` of `model`."""
    relations = [relation.get_accessor_name() for relation in get_all_child_relations(model)]
    pks = list(pks)
    unreferencing = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
    for start in range(0, len(pks), BATCH):
        objects = (
            model.objects.filter(pk__in=pks[start : start + BATCH])
            .defer(*unreferencing)  # large JSON (records as read) holds no references
            .prefetch_related(*relations)
        )
        _index_batch(model, list(objects))


def _index_batch(model, objects) -> None:
    if not objects:
        return
    content_types = [
        ContentType.objects.get_for_model(m, for_concrete_model=False)
        for m in [model, *model._meta.get_parent_list()]
    ]
    content_type, base = content_types[0], content_types[-1]
    known = {ct.id for ct in content_types}
    existing: dict[str, dict[tuple, tuple[int, int]]] = {}
    rows = ReferenceIndex.objects.filter(
        base_content_type=base, object_id__in=[str(obj.pk) for obj in objects]
    ).values_list(
        "object_id",
        "id",
        "content_type_id",
        "to_content_type",
        "to_object_id",
        "model_path",
        "content_path",
    )
    for object_id, pk, ct_id, *reference in rows:
        existing.setdefault(str(object_id), {})[tuple(reference)] = (ct_id, pk)
    new, stale = [], []
    for obj in objects:
        references = set(ReferenceIndex._extract_references_from_object(obj))
        have = existing.get(str(obj.pk), {})
        new += [
            ReferenceIndex(
                content_type=content_type,
                base_content_type=base,
                object_id=obj.pk,
                to_content_type_id=to_content_type_id,
                to_object_id=to_object_id,
                model_path=model_path,
                content_path=content_path,
                content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
            )
            for to_content_type_id, to_object_id, model_path, content_path in references - set(have)
        ]
        stale += [
            pk for ref, (ct_id, pk) in have.items() if ref not in references and ct_id in known
        ]
    ReferenceIndex.objects.bulk_create(
        new, batch_size=BATCH, ignore_conflicts=connection.features.supports_ignore_conflicts
    )
    if stale:
        ReferenceIndex.objects.filter(pk__in=stale).delete()
