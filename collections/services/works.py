"""Changes to works that carry rules: publication."""

from django.db import transaction
from wagtail.log_actions import log

from ..models import Work


@transaction.atomic
def set_publication(works, *, public: bool, user=None) -> int:
    """Publish or withdraw works from the portal; returns how many changed. Deleted works stay hidden."""
    targets = Work.objects.filter(pk__in=[w.pk for w in works], is_public=not public)
    if public:
        targets = targets.filter(is_deleted=False)
    changed = list(targets.only("pk", "inventory_number", "title"))
    Work.objects.filter(pk__in=[w.pk for w in changed]).update(is_public=public)
    for work in changed:
        log(work, "cartel.publish" if public else "cartel.unpublish", user=user)
    return len(changed)
