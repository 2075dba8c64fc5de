from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .bulk_actions import MergePeopleBulkAction, PublishWorksBulkAction, UnpublishWorksBulkAction
from .models import Work
from .viewsets import CatalogueViewSetGroup, NeverDeletedPolicy, VocabularyViewSetGroup

register_permission_policy(Work, NeverDeletedPolicy(Work))

register_snippet(CatalogueViewSetGroup)
register_snippet(VocabularyViewSetGroup)


@hooks.register("register_log_actions")
def register_cartel_log_actions(actions):
    actions.register_action("cartel.merge", _("Merge"), _("Duplicate records merged"))
    actions.register_action(
        "cartel.publish", _("Publish on the portal"), _("Published on the portal")
    )
    actions.register_action(
        "cartel.unpublish", _("Withdraw from the portal"), _("Withdrawn from the portal")
    )


for bulk_action in (PublishWorksBulkAction, UnpublishWorksBulkAction, MergePeopleBulkAction):
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("register_admin_urls")
def register_collections_admin_urls():
    from django.urls import path

    from .views import term_suggestions

    return [path("collections/terms/", term_suggestions, name="collections_term_suggestions")]


@hooks.register("before_serve_document")
def keep_private_documents_private(document, request):
    """A document not cleared for publication is served to signed-in staff only."""
    if document.is_public or request.user.has_perm("wagtailadmin.access_admin"):
        return None
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied
