"""The museum's staff roles, as Wagtail groups with their permissions.

Groups are created when missing and given at least these permissions at every `migrate`;
permissions a museum adds by hand in the admin are left alone. A group has one name for
every user, so the names carry both languages, French first.
"""

from django.contrib.auth.models import Group, Permission

ADMIN = ["wagtailadmin.access_admin"]
VIEW_CATALOGUE = [
    "collections.view_work",
    "collections.view_person",
    "collections.view_concept",
    "collections.view_conceptscheme",
]
PRIVATE = ["collections.view_private_work_data"]
# The registers hold prices and donors' names: only the roles cleared for private data see them.
PREPARE_REGISTERS = [
    f"collections.{action}_{model}"
    for model in ("inventoryentry", "depositentry")
    for action in ("view", "add", "change")
]
KEEP_REGISTERS = [
    *PREPARE_REGISTERS,
    "collections.delete_inventoryentry",  # drafts only (see register_admin.RegisterPolicy)
    "collections.delete_depositentry",
    "collections.validate_inventoryentry",
    "collections.remove_inventoryentry",
    "collections.validate_depositentry",
]
# Where works are is private: storage locations never reach the portal nor these roles' eyes
# unless they handle the works.
SEE_LOCATIONS = ["collections.view_location", "collections.view_movement"]
MOVE_WORKS = [
    *SEE_LOCATIONS,
    "collections.move_work",
    "collections.add_location",
    "collections.change_location",
]
CARE = [
    f"collections.{action}_{model}"
    for model in ("conditioncheck", "conservationtreatment")
    for action in ("view", "add", "change")
]
LOANS = [f"collections.{action}_loan" for action in ("view", "add", "change")]
EXHIBITIONS = [f"collections.{action}_exhibition" for action in ("view", "add", "change")]
RECOLEMENT = [
    f"collections.{action}_{model}"
    for model in ("recolementplan", "recolementcampaign", "recolementrecord")
    for action in ("view", "add", "change")
] + [
    "collections.view_recolementobservation",
    "collections.view_tabletsession",
    "collections.change_tabletsession",
]
# Documentation (library, documentary files, archives): the documentalists keep it.
LIBRARY_AND_ARCHIVES = ("bibliographicrecord", "libraryitem", "archiveunit")
DOCUMENTATION_MODELS = (*LIBRARY_AND_ARCHIVES, "documentaryfile")
SEE_DOCUMENTATION = [f"documentation.view_{model}" for model in DOCUMENTATION_MODELS]
EDIT_DOCUMENTATION = [
    *SEE_DOCUMENTATION,
    *(f"documentation.change_{model}" for model in DOCUMENTATION_MODELS),
]
KEEP_DOCUMENTATION = [
    *EDIT_DOCUMENTATION,
    *(f"documentation.add_{model}" for model in DOCUMENTATION_MODELS),
]
# Internal notes of the library and archives: staff only, never researchers.
DOCUMENTATION_NOTES = ["documentation.view_internal_notes"]
SEE_RECOLEMENT = [
    f"collections.view_{model}"
    for model in ("recolementplan", "recolementcampaign", "recolementrecord")
]

ROLES = {
    "Registrar": (
        "Régisseur / Registrar",
        [
            *ADMIN,
            *VIEW_CATALOGUE,
            *PRIVATE,
            "collections.add_work",
            "collections.change_work",
            "collections.delete_work",
            "collections.publish_work",
            "collections.add_person",
            "collections.change_person",
            "collections.merge_person",
            "collections.add_concept",
            *KEEP_REGISTERS,
            *MOVE_WORKS,
            *CARE,
            *LOANS,
            "collections.view_exhibition",
            *RECOLEMENT,
            *SEE_DOCUMENTATION,
            *DOCUMENTATION_NOTES,
        ],
        ["add", "change", "choose"],
    ),
    "Curator": (
        "Conservateur / Curator",
        [
            *ADMIN,
            *VIEW_CATALOGUE,
            *PRIVATE,
            "collections.add_work",
            "collections.change_work",
            "collections.publish_work",
            "collections.add_person",
            "collections.change_person",
            "collections.merge_person",
            "collections.add_concept",
            "collections.change_concept",
            *PREPARE_REGISTERS,
            *SEE_LOCATIONS,
            *CARE,
            *LOANS,
            *EXHIBITIONS,
            "collections.delete_exhibition",
            *SEE_RECOLEMENT,
            *EDIT_DOCUMENTATION,
            *DOCUMENTATION_NOTES,
        ],
        ["add", "choose"],
    ),
    "Documentalist": (
        "Documentaliste / Documentalist",
        [
            *ADMIN,
            *VIEW_CATALOGUE,
            "collections.change_work",
            "collections.add_person",
            "collections.change_person",
            "collections.merge_person",
            "collections.add_concept",
            "collections.change_concept",
            "collections.add_conceptscheme",
            "collections.change_conceptscheme",
            *KEEP_DOCUMENTATION,
            *DOCUMENTATION_NOTES,
        ],
        ["add", "choose"],
    ),
    "Photographer": (
        "Photographe / Photographer",
        [*ADMIN, "collections.view_work", *SEE_LOCATIONS, "collections.move_work"],
        ["add", "change", "choose", "delete"],
    ),
    "Researcher": (
        "Chercheur / Researcher",
        [
            *ADMIN,
            *VIEW_CATALOGUE,
            *(f"documentation.view_{model}" for model in LIBRARY_AND_ARCHIVES),
        ],
        [],
    ),
}


def sync_roles() -> None:
    """Create the role groups and grant their permissions (additive; never removes any).

    Images and documents are permitted per Wagtail collection: roles get them on the root.
    Wagtail checks them against its own image and document models (``wagtailimages.add_image``),
    not against the custom models that replace them.
    """
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    for name, permissions, media_actions in ROLES.values():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*(_permission(p) for p in permissions))
        if root is None:
            continue
        for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
            for action in media_actions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root,
                    permission=_permission(f"{app_label}.{action}_{model}"),
                )


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def role_group(role: str) -> Group:
    """The group of a role, by its key in ROLES (e.g. "Registrar")."""
    return Group.objects.get(name=ROLES[role][0])
