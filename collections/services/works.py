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
    changed = list(targets)
    for work in changed:
        work.is_public = public
        # saved, not updated in bulk: the search index and the portal's cached pages follow
        work.save(update_fields=["is_public", "updated_at"])
        log(work, "cartel.publish" if public else "cartel.unpublish", user=user)
    return len(changed)
