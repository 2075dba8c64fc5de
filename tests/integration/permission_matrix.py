"""Who may read (GET) and write (POST) every URL of Cartel: the declared permission matrix that
test_permission_audit.py checks against the real views, request by request.

Each entry names a URL pattern (``namespace:name``) and the users who may read and write it:
``anonymous``, each role of ``museum_collections.roles`` and ``superuser``. Everybody else must
be refused (a redirect to the login page, Wagtail's "no permission" redirect, 401, 403, 404 or
405). The sets are written from ``roles.py`` and its comments, not from the views: a view that
forgets its permission check makes the audit fail. A URL of ours that is not declared here fails
the audit too, so declare every new view below.
"""

from dataclasses import dataclass, field, replace

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
ROLES = ("Registrar", "Curator", "Documentalist", "Photographer", "Researcher")
USERS = (ANONYMOUS, *ROLES, SUPERUSER)


def who(*roles: str) -> frozenset[str]:
    """These roles and the superuser (who has every permission Cartel does not deny to all)."""
    assert set(roles) <= set(ROLES), roles
    return frozenset({*roles, SUPERUSER})


NOBODY = frozenset()
STAFF = who(*ROLES)
EVERYONE = STAFF | {ANONYMOUS}
# The catalogue (works, people, vocabularies) is read by every role but the photographer, who
# sees works only; where works are kept is seen by those who handle them (roles.SEE_LOCATIONS).
CATALOGUE = who("Registrar", "Curator", "Documentalist", "Researcher")
WORKS = who("Registrar", "Curator", "Documentalist", "Photographer", "Researcher")
EDIT_CATALOGUE = who("Registrar", "Curator", "Documentalist")
REGISTERS = who("Registrar", "Curator")  # prices and donors: the roles cleared for private data
REGISTRAR = who("Registrar")
LOCATIONS = who("Registrar", "Curator", "Photographer")
MOVERS = who("Registrar", "Photographer")
CARE = who("Registrar", "Curator")  # loans, condition checks, treatments
DOCUMENTATION = who("Registrar", "Curator", "Documentalist", "Researcher")
DOCUMENTATION_EDITORS = who("Curator", "Documentalist")
DOCUMENTALIST = who("Documentalist")
STAFF_FILES = who("Registrar", "Curator", "Documentalist")  # documentary files: staff only
MEDIA = who("Registrar", "Curator", "Documentalist", "Photographer")  # images and documents


@dataclass(frozen=True)
class Rule:
    """Who may GET (read) and POST (write) a URL.

    ``url_name`` lets one URL be declared twice on different objects (the entry's key is then
    a label); ``obj`` names the fixture object that fills the URL's ``pk``; ``kwargs`` gives
    the URL's parameters by hand (a function of the fixture's objects); ``path`` gives the whole
    path instead (the portal's pages are served by Wagtail's catch-all pattern).
    """

    read: frozenset[str]
    write: frozenset[str] | None = NOBODY  # None: nothing to write, a POST changes nothing
    url_name: str | None = None
    obj: str | None = None
    kwargs: object = None
    path: object = None
    query: object = ""  # a query string, or a function of the fixture's objects
    data: object = None  # what a POST sends (a function of the objects); empty by default
    by_object: bool = False  # refused per record: the page answers, but nothing changes
    write_bug: str = ""  # a known defect of the write: the audit expects it to fail (xfail)
    headers: dict = field(default_factory=dict)


def snippet(
    label, *, view, add=NOBODY, change=NOBODY, delete=NOBODY, choose=None, own=None, **extra
):
    """The standard views of a snippet viewset and of its chooser, by what they need (Wagtail:
    index and inspect need any permission, history add/change/delete, usage and revisions
    change); ``extra`` declares the viewset's own views, by name, and ``own`` replaces standard
    ones."""
    extra |= own or {}
    app, model = label.split(".")
    views = f"wagtailsnippets_{app}_{model}"
    chooser = f"wagtailsnippetchoosers_{app}_{model}"
    choose = view if choose is None else choose
    edits = add | change | delete
    rules = {
        "list": Rule(view),
        "list_results": Rule(view),
        "inspect": Rule(view),
        "add": Rule(add, add),
        "copy": Rule(add, add),
        "edit": Rule(change, change),
        "delete": Rule(delete, delete),
        "usage": Rule(change),
        "history": Rule(edits),
        "history_results": Rule(edits),
        "revisions_revert": Rule(change, change),
        "revisions_compare": Rule(change),
    }
    declared = {f"{views}:{name}": rule for name, rule in rules.items()}
    declared |= {
        f"{chooser}:{name}": Rule(choose)
        for name in ("choose", "choose_results", "chosen", "chosen_multiple")
    }
    declared[f"{chooser}:create"] = Rule(add, add)
    own = {f"{views}:{name}": rule for name, rule in extra.items()}
    return {name: rule for name, rule in declared.items() if name not in own}, own


# The fixture's person, vocabulary, plan and campaign are in use: a superuser sees the delete
# page, which says so, and nobody deletes them (Wagtail refuses to delete what is referenced).
IN_USE = {"delete": Rule(who(), NOBODY)}


def _snippets():
    generic, own = {}, {}
    for label, rules in {
        "collections.work": {
            "view": WORKS,
            "add": who("Registrar", "Curator"),
            "change": EDIT_CATALOGUE,
            "choose": STAFF,
        },
        "collections.person": {
            "view": CATALOGUE,
            "add": EDIT_CATALOGUE,
            "change": EDIT_CATALOGUE,
            "choose": STAFF,
            "own": IN_USE,
        },
        "collections.concept": {
            "view": CATALOGUE,
            "add": EDIT_CATALOGUE,
            "change": who("Curator", "Documentalist"),
            "delete": who(),
            "choose": STAFF,
        },
        "collections.conceptscheme": {
            "view": CATALOGUE,
            "add": DOCUMENTALIST,
            "change": DOCUMENTALIST,
            "choose": STAFF,
            "own": IN_USE,
        },
        "collections.inventoryentry": {
            "view": REGISTERS,
            "add": REGISTERS,
            "change": REGISTERS,
            "delete": REGISTRAR,
            "validate": Rule(REGISTRAR, REGISTRAR),
            "remove": Rule(REGISTRAR, REGISTRAR, obj="validated_entry"),
        },
        "collections.depositentry": {
            "view": REGISTERS,
            "add": REGISTERS,
            "change": REGISTERS,
            "delete": REGISTRAR,
            "validate": Rule(REGISTRAR, REGISTRAR),
        },
        "collections.location": {
            "view": LOCATIONS,
            "add": REGISTRAR,
            "change": REGISTRAR,
            "move": Rule(MOVERS, MOVERS),
            "move_work": Rule(MOVERS, MOVERS, obj="collections.work"),
        },
        "collections.movement": {
            "view": LOCATIONS,
            "complete": Rule(MOVERS, MOVERS, obj="planned_movement"),
            "cancel": Rule(MOVERS, MOVERS, obj="planned_movement"),
            "correct": Rule(MOVERS, MOVERS),
        },
        "collections.loan": {
            "view": CARE,
            "add": CARE,
            "change": CARE,
            "delete": who(),
            "status": Rule(
                CARE, CARE, kwargs=lambda o: {"pk": o["collections.loan"].pk, "status": "approved"}
            ),
        },
        "collections.exhibition": {
            "view": who("Registrar", "Curator"),
            "add": who("Curator"),
            "change": who("Curator"),
            "delete": who("Curator"),
            "checklist": Rule(who("Registrar", "Curator")),
        },
        "collections.conditioncheck": {"view": CARE, "add": CARE, "change": CARE, "delete": who()},
        "collections.conservationtreatment": {
            "view": CARE,
            "add": CARE,
            "change": CARE,
            "delete": who(),
        },
        "collections.recolementplan": {
            "view": REGISTERS,
            "add": REGISTRAR,
            "change": REGISTRAR,
            "own": IN_USE,
        },
        "collections.recolementcampaign": {
            "view": REGISTERS,
            "add": REGISTRAR,
            "change": REGISTRAR,
            "own": IN_USE,
            "validate": Rule(REGISTRAR, REGISTRAR),
            "not_seen": Rule(REGISTRAR, REGISTRAR),
            "close": Rule(REGISTRAR, REGISTRAR),
            "report": Rule(REGISTERS),
        },
        "collections.recolementrecord": {
            "view": REGISTERS,
            "add": REGISTRAR,
            "change": REGISTRAR,
            "delete": who(),
            "resolve": Rule(
                REGISTRAR,
                REGISTRAR,
                data=lambda o: {
                    "observation": o["collections.recolementrecord"].observations.first().pk
                },
            ),
            "validate": Rule(REGISTRAR, REGISTRAR),
            "own": {"edit": Rule(STAFF)},  # only redirects to the record's page, which checks
        },
        "collections.tabletsession": {
            "view": REGISTRAR,
            "change": REGISTRAR,
            "add": who(),  # sessions are opened by the tablets' login only
            "delete": who(),
            "revoke": Rule(REGISTRAR, REGISTRAR),
            # These only redirect to the list of sessions, which checks.
            "own": {"add": Rule(STAFF), "edit": Rule(STAFF)},
        },
        "documentation.bibliographicrecord": {
            "view": DOCUMENTATION,
            "add": DOCUMENTALIST,
            "change": DOCUMENTATION_EDITORS,
            "delete": who(),
        },
        "documentation.libraryitem": {
            "view": DOCUMENTATION,
            "add": DOCUMENTALIST,
            "change": DOCUMENTATION_EDITORS,
            "delete": who(),
        },
        "documentation.archiveunit": {
            "view": DOCUMENTATION,
            "add": DOCUMENTALIST,
            "change": DOCUMENTATION_EDITORS,
            "delete": who(),
        },
        "documentation.documentaryfile": {
            "view": STAFF_FILES,
            "add": DOCUMENTALIST,
            "change": DOCUMENTATION_EDITORS,
            "delete": who(),
        },
    }.items():
        standard, extra = snippet(label, **rules)
        generic |= standard
        own |= extra
    return generic, own


SNIPPET_VIEWS, SNIPPET_OWN_VIEWS = _snippets()


def bulk(model, action, write, obj=None) -> Rule:
    """A bulk action on one record: its confirmation page (GET) is open to the staff who see
    the listing; only ``write`` may carry it out."""
    return Rule(
        STAFF,  # Wagtail's confirmation page lists the chosen records, here public ones
        write,
        url_name="wagtail_bulk_action",
        obj=obj or f"collections.{model}",
        kwargs=lambda o: {"app_label": "collections", "model_name": model, "action": action},
        query=lambda o: f"?id={o[obj or f'collections.{model}'].pk}",
        by_object=True,
    )


def oai_identifier(ref: str) -> str:
    from museum_collections.services import oai_records

    return oai_records.identifier(ref)


def _work(objects):
    return objects["collections.work"]


# Our views outside the snippet viewsets: every one is declared by name.
OWN = {
    **SNIPPET_OWN_VIEWS,
    "collections_term_suggestions": Rule(STAFF, query="?scheme=DOMN&q=pein"),  # public labels
    # Bulk actions on works and people (Wagtail's one URL; ours: publish, unpublish, merge).
    "wagtail_bulk_action#publish works": bulk("work", "publish_works", who("Registrar", "Curator")),
    "wagtail_bulk_action#unpublish works": bulk(
        "work", "unpublish_works", who("Registrar", "Curator"), obj="public_work"
    ),
    "wagtail_bulk_action#delete works": bulk("work", "delete", NOBODY),
    "wagtail_bulk_action#merge people": bulk("person", "merge_people", EDIT_CATALOGUE, obj="maker"),
    "wagtail_bulk_action#delete people": bulk("person", "delete", NOBODY, obj="maker"),  # in use
    "scan_form": Rule(LOCATIONS),
    "scan": Rule(LOCATIONS, kwargs=lambda o: {"code": o["collections.location"].code}),
    "scan#work": Rule(LOCATIONS, url_name="scan", kwargs=lambda o: {"code": _work(o).joconde_ref}),
    "oai": Rule(EVERYONE, query="?verb=ListRecords&metadataPrefix=oai_dc"),
    "oai#private record": Rule(
        EVERYONE,  # answers with an OAI error (idDoesNotExist), never the record
        url_name="oai",
        query=lambda o: (
            "?verb=GetRecord&metadataPrefix=oai_dc&identifier="
            + oai_identifier(_work(o).joconde_ref)
        ),
    ),
    "api_works": Rule(EVERYONE),
    "api_autocomplete": Rule(EVERYONE, query="?q=tab"),
    "iiif:manifest": Rule(EVERYONE, kwargs=lambda o: {"ref": o["public_work"].joconde_ref}),
    "iiif:manifest#unpublished": Rule(
        NOBODY, url_name="iiif:manifest", kwargs=lambda o: {"ref": _work(o).joconde_ref}
    ),
    "iiif:image": Rule(EVERYONE, kwargs=lambda o: {"image_id": o["public_image"].pk}),
    "iiif:info": Rule(EVERYONE, kwargs=lambda o: {"image_id": o["public_image"].pk}),
    "iiif:image_request": Rule(
        EVERYONE,
        kwargs=lambda o: {
            "image_id": o["public_image"].pk,
            "region": "full",
            "size": "64,",
            "rotation": "0",
            "quality_format": "default.jpg",
        },
    ),
    "iiif:info#private image": Rule(
        NOBODY, url_name="iiif:info", kwargs=lambda o: {"image_id": o["private_image"].pk}
    ),
    "iiif:image#private image": Rule(
        NOBODY, url_name="iiif:image", kwargs=lambda o: {"image_id": o["private_image"].pk}
    ),
    "iiif:image_request#private image": Rule(
        NOBODY,
        url_name="iiif:image_request",
        kwargs=lambda o: {
            "image_id": o["private_image"].pk,
            "region": "full",
            "size": "64,",
            "rotation": "0",
            "quality_format": "default.jpg",
        },
    ),
    # The tablet app's page is a shell: it asks the API, which checks who asks.
    "tablet:app": Rule(EVERYONE),
    "tablet:service_worker": Rule(EVERYONE),
    "tablet:manifest": Rule(EVERYONE),
    "registrar_api:index": Rule(LOCATIONS),
    "registrar_api:lookup": Rule(
        LOCATIONS, kwargs=lambda o: {"code": o["collections.location"].code}
    ),
    "registrar_api:movements": Rule(NOBODY, MOVERS),
    "tablet_api:login": Rule(NOBODY, EVERYONE),  # the password is the proof
    "tablet_api:logout": Rule(NOBODY, LOCATIONS),
    "tablet_api:campaigns": Rule(REGISTRAR),
    "tablet_api:slice": Rule(
        REGISTRAR, kwargs=lambda o: {"campaign_id": o["collections.recolementcampaign"].pk}
    ),
    "tablet_api:observations": Rule(
        NOBODY,
        REGISTRAR,
        kwargs=lambda o: {"campaign_id": o["collections.recolementcampaign"].pk},
    ),
    "tablet_api:photos": Rule(NOBODY, REGISTRAR),
    "health": Rule(EVERYONE),
    # Two-factor authentication (museum_collections.accounts): each user's own.
    "accounts:manage": Rule(STAFF, None),
    # A step of signing in: users already verified, or without a second factor, are sent on.
    "accounts:verify": Rule(NOBODY, None),
    "accounts:setup": Rule(STAFF, STAFF),
    "accounts:backup_codes": Rule(NOBODY, REGISTRAR),  # for users who gave a second factor
    # for users who opted in, on a current code (test_accounts); those whose role requires a
    # second factor are refused, the others have none to turn off
    "accounts:turn_off": Rule(NOBODY, NOBODY),
    # The portal's pages (Wagtail's catch-all pattern serves them).
    "wagtail_serve": Rule(EVERYONE, path=lambda o: "/"),
    "wagtail_serve#catalogue": Rule(
        EVERYONE, url_name="wagtail_serve", path=lambda o: "/collections/"
    ),
    "wagtail_serve#work": Rule(
        EVERYONE,
        url_name="wagtail_serve",
        path=lambda o: f"/collections/{o['public_work'].joconde_ref}/",
    ),
    "wagtail_serve#unpublished work": Rule(
        NOBODY, url_name="wagtail_serve", path=lambda o: f"/collections/{_work(o).joconde_ref}/"
    ),
    "wagtail_serve#maker": Rule(
        EVERYONE,
        url_name="wagtail_serve",
        path=lambda o: f"/collections/makers/{o['maker'].pk}/",
    ),
    "wagtail_serve#library": Rule(
        EVERYONE, url_name="wagtail_serve", path=lambda o: "/bibliotheque/"
    ),
    "wagtail_serve#library record": Rule(
        EVERYONE,
        url_name="wagtail_serve",
        path=lambda o: f"/bibliotheque/{o['documentation.bibliographicrecord'].pk}/",
    ),
    "wagtail_serve#archives": Rule(EVERYONE, url_name="wagtail_serve", path=lambda o: "/archives/"),
    "wagtail_serve#archive unit": Rule(
        EVERYONE,
        url_name="wagtail_serve",
        path=lambda o: f"/archives/{o['documentation.archiveunit'].pk}/",
    ),
    # Wagtail's admin API for images and documents, ours (wagtail_hooks.PermittedMedia): what
    # the user may work with only, so a researcher gets an empty list.
    **{
        f"wagtailadmin_api:{media}:{view}": rule
        for media, key in (("images", "private_image"), ("documents", "private_document"))
        for view, rule in (
            ("listing", Rule(STAFF)),
            ("detail", Rule(MEDIA, kwargs=lambda o, key=key: {"pk": o[key].pk})),
            ("find", Rule(NOBODY)),  # needs the ids to find
        )
    },
    # Documents: public ones for everyone, the others for staff who handle documents.
    "wagtaildocs_serve": Rule(EVERYONE, None, path=lambda o: o["public_document"].url),
    "wagtaildocs_serve#private document": Rule(
        MEDIA, None, url_name="wagtaildocs_serve", path=lambda o: o["private_document"].url
    ),
}

# Wagtail's own admin, by route prefix (the first that matches wins): who may open its pages.
# Only its pages without parameters, and those on an image, a document, a user or a group,
# are requested; the others are declared by the same rule.
WAGTAIL_PREFIXES = [
    ("admin/snippets/", NOBODY, NOBODY),
    (
        "admin/failwhale/",
        NOBODY,
        NOBODY,
    ),  # Wagtail's page to test the 500 page: it crashes  # the snippets' index sends home: each has its menu
    ("admin/workflows/task_chooser/", STAFF, NOBODY),
    ("admin/images/<int:image_id>/generate_url/", NOBODY, NOBODY),  # no image serve view
    # Curators and documentalists add images and documents; registrars and photographers (and
    # whoever uploaded one) edit and delete them.
    (
        "admin/images/<int:image_id>/",
        who("Registrar", "Photographer"),
        who("Registrar", "Photographer"),
    ),
    ("admin/images/usage/", who("Registrar", "Photographer"), NOBODY),
    ("admin/documents/edit/", who("Registrar", "Photographer"), who("Registrar", "Photographer")),
    ("admin/documents/delete/", who("Registrar", "Photographer"), who("Registrar", "Photographer")),
    ("admin/documents/usage/", who("Registrar", "Photographer"), NOBODY),
    ("admin/images/chooser/<int:image_id>/select_format/", MEDIA, MEDIA),
    ("admin/images/multiple/add/", MEDIA, MEDIA),
    ("admin/images/multiple/", NOBODY, MEDIA),  # the upload form's own POSTs
    ("admin/documents/multiple/add/", MEDIA, MEDIA),
    ("admin/documents/multiple/", NOBODY, MEDIA),
    # The choosers list what the user may choose (nothing for a researcher; see the leak check).
    ("admin/images/chooser/create/", MEDIA, MEDIA),
    ("admin/images/chooser/", STAFF, NOBODY),
    ("admin/documents/chooser/create/", MEDIA, MEDIA),
    ("admin/documents/chooser/", STAFF, NOBODY),
    ("admin/redirects/import/process/", NOBODY, who()),
    ("admin/api/main/pages/find/", NOBODY, NOBODY),  # need the ids to find
    ("admin/block-preview/", NOBODY, NOBODY),  # needs a block to preview
    ("admin/sprite/", EVERYONE, NOBODY),  # static files of the admin
    ("admin/jsi18n/", EVERYONE, NOBODY),
    ("admin/login/", frozenset({ANONYMOUS}), EVERYONE),  # signed-in users are sent home
    ("admin/users/", who(), who()),
    ("admin/groups/", who(), who()),
    ("admin/sites/", who(), who()),
    ("admin/settings/", who(), who()),
    ("admin/workflows/", who(), who()),
    ("admin/redirects/", who(), who()),
    ("admin/collections/", who(), who()),  # Wagtail's collections of images and documents
    ("admin/pages/", who(), who()),  # no role edits the portal's pages (roles.py grants none)
    ("admin/choose-page/", STAFF, NOBODY),
    ("admin/reports/locked/", who(), NOBODY),
    ("admin/reports/workflow", who(), NOBODY),
    ("admin/reports/aging-pages/", who(), NOBODY),
    ("admin/reports/page-types-usage/", who(), NOBODY),
    ("admin/reports/site-history/", STAFF, NOBODY),
    ("admin/images/", MEDIA, MEDIA),
    ("admin/documents/", MEDIA, MEDIA),
    ("admin/api/main/pages/", STAFF, NOBODY),
    ("admin/password_reset/", EVERYONE, EVERYONE),
    ("admin/logout/", NOBODY, STAFF),
    ("admin/", STAFF, STAFF),  # home, account, snippets index, choosers of links, sprite, …
    ("_util/", EVERYONE, EVERYONE),
    ("i18n/", EVERYONE, EVERYONE),
    ("documents/authenticate_with_password/", EVERYONE, EVERYONE),
]

# Public pages and the read-only endpoints have nothing to write: whoever POSTs, nothing changes.
READ_ONLY = ("oai", "api_works", "api_autocomplete", "iiif:", "scan", "wagtail_serve", "health")
OWN |= {
    label: replace(rule, write=None) for label, rule in OWN.items() if label.startswith(READ_ONLY)
}
