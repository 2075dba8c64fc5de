from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .bulk_actions import MergePeopleBulkAction, PublishWorksBulkAction, UnpublishWorksBulkAction
from .locations_admin import LocationPolicy, LocationsViewSetGroup, MovementPolicy
from .models import DepositEntry, InventoryEntry, Location, Movement, Work
from .register_admin import RegisterDashboardPanel, RegisterPolicy, RegisterViewSetGroup
from .viewsets import CatalogueViewSetGroup, NeverDeletedPolicy, VocabularyViewSetGroup

register_permission_policy(Work, NeverDeletedPolicy(Work))
register_permission_policy(InventoryEntry, RegisterPolicy(InventoryEntry))
register_permission_policy(DepositEntry, RegisterPolicy(DepositEntry))
register_permission_policy(Location, LocationPolicy(Location))
register_permission_policy(Movement, MovementPolicy(Movement))

register_snippet(CatalogueViewSetGroup)
register_snippet(RegisterViewSetGroup)
register_snippet(LocationsViewSetGroup)
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
    actions.register_action(
        "cartel.register.validate", _("Validate"), _("Validated in the register")
    )
    actions.register_action(
        "cartel.register.remove", _("Remove from the register"), _("Removed from the register")
    )
    actions.register_action(
        "cartel.register.observations",
        _("Annotate"),
        _("Observations (or other open columns) written after validation"),
    )


@hooks.register("register_log_actions")
def register_movement_log_actions(actions):
    actions.register_action("cartel.move", _("Move"), _("Moved"))
    actions.register_action("cartel.move.complete", _("Mark done"), _("Planned movement done"))
    actions.register_action("cartel.move.cancel", _("Cancel"), _("Planned movement cancelled"))
    actions.register_action("cartel.move.correct", _("Correct"), _("Wrong movement corrected"))


@hooks.register("construct_homepage_panels")
def add_register_panel(request, panels):
    """The registers' to-do list, for staff who may read the registers."""
    if request.user.has_perm("collections.view_inventoryentry"):
        panels.append(RegisterDashboardPanel())


for bulk_action in (PublishWorksBulkAction, UnpublishWorksBulkAction, MergePeopleBulkAction):
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("register_admin_urls")
def register_collections_admin_urls():
    from django.urls import path

    from .views import term_suggestions

    return [path("collections/terms/", term_suggestions, name="collections_term_suggestions")]


MEDIA_ACTIONS = ["add", "change", "choose", "delete"]


def handles_media(user, model) -> bool:
    """Staff who work with images or documents (researchers do not: they see published ones)."""
    from wagtail.permissions import policy_registry

    return policy_registry.get_by_type(model).user_has_any_permission(user, MEDIA_ACTIONS)


@hooks.register("before_serve_document")
def keep_private_documents_private(document, request):
    """A document not cleared for publication is served to staff who handle documents only."""
    if document.is_public or handles_media(request.user, type(document)):
        return None
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


class PermittedMedia:
    """Wagtail's admin API lists every image and document to anyone in the admin: this one
    lists those the user may work with, so unpublished media stay with the staff handling them."""

    def get_queryset(self):
        from wagtail.permissions import policy_registry

        policy = policy_registry.get_by_type(self.model)
        permitted = policy.instances_user_has_any_permission_for(self.request.user, MEDIA_ACTIONS)
        return super().get_queryset().filter(pk__in=permitted.values("pk"))


@hooks.register("construct_admin_api", order=100)  # after Wagtail's own endpoints
def permitted_media_in_admin_api(router):
    from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
    from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

    for name, endpoint in (
        ("images", ImagesAdminAPIViewSet),
        ("documents", DocumentsAdminAPIViewSet),
    ):
        router.register_endpoint(name, type(endpoint.__name__, (PermittedMedia, endpoint), {}))


# Loans, exhibitions, condition checks and treatments (loans_admin) ---------------------------

from .loans_admin import LoansViewSetGroup  # noqa: E402

register_snippet(LoansViewSetGroup)


@hooks.register("register_log_actions")
def register_loan_log_actions(actions):
    actions.register_action(
        "cartel.loan.status", _("Change the loan's status"), _("Loan status changed")
    )


# Récolement: plans, campaigns, records, tablet sessions (recolement_admin) ---------------------

from .recolement_admin import RecolementViewSetGroup  # noqa: E402

register_snippet(RecolementViewSetGroup)


@hooks.register("register_log_actions")
def register_recolement_log_actions(actions):
    actions.register_action(
        "cartel.recolement.observe", _("Record an observation"), _("Observation recorded")
    )
    actions.register_action(
        "cartel.recolement.resolve",
        _("Decide the conflict"),
        _("Conflict between observations decided"),
    )
    actions.register_action("cartel.recolement.validate", _("Validate"), _("Record validated"))
    actions.register_action(
        "cartel.recolement.validate_clean",
        _("Validate records without anomaly"),
        _("Records without anomaly validated"),
    )
    actions.register_action(
        "cartel.recolement.not_seen", _("Mark the rest as not seen"), _("Rest marked as not seen")
    )
    actions.register_action(
        "cartel.recolement.close", _("Close the campaign"), _("Campaign closed")
    )
    actions.register_action("cartel.tablet.revoke", _("Revoke"), _("Tablet session revoked"))
