"""The cache of anonymous visitors' portal pages (portal.page_cache) on the real catalogue: what
is kept, for whom, and what makes it see a change at once."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import path
from wagtail.models import PageViewRestriction

import config.urls
from museum_collections.models import Location, Person, Work
from museum_collections.services.demo_portal import load_demo_portal
from museum_collections.services.movements import move
from portal import page_cache
from portal.models.library_pages import LibraryPage
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FIRST = "05000000083"  # MC.2012.0.7, Le martelage de la rate
WORK = f"/collections/{FIRST}/"


@pytest.fixture
def portal(joconde_catalogue):
    call_command("rebuild_catalogue_index", stdout=StringIO())
    load_demo_portal()
    return Work.objects.get(joconde_ref=FIRST)


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.get(page_cache.HEADER)


def test_the_second_visitor_gets_the_kept_page_until_the_work_changes(portal, client):
    first, state = get(client, WORK)
    assert first.status_code == 200 and state == "miss"
    again, state = get(client, WORK)
    assert state == "hit" and again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]  # added each time
    portal.title = "Le martelage de la rate, second état"
    portal.save()
    changed, state = get(client, WORK)
    assert state == "miss" and b"second \xc3\xa9tat" in changed.content


@pytest.mark.django_db(transaction=True)  # real commits: the index follows them
def test_a_withdrawn_work_disappears_at_once(portal, client):
    assert get(client, WORK)[0].status_code == 200
    assert get(client, WORK)[1] == "hit"
    assert get(client, "/api/works/?q=martelage")[0].json()["count"] == 1
    portal.is_public = False
    portal.save()
    assert get(client, WORK)[0].status_code == 404
    assert get(client, "/api/works/?q=martelage")[0].json()["count"] == 0


def test_a_maker_renamed_or_a_work_put_on_display_shows_at_once(portal, client):
    get(client, WORK)
    maker = Person.objects.filter(works_made__work=portal).first()
    maker.name = "Vuillier, Gaston (1845-1915), renommé"
    maker.save()
    page, state = get(client, WORK)
    assert state == "miss" and "renommé" in page.content.decode()
    room = Location.objects.create(
        code="SALLE-9", name="Salle des gravures", kind=Location.Kind.ROOM, is_display=True
    )
    move(portal, room, reason="display")
    page, state = get(client, WORK)
    assert state == "miss" and "Salle des gravures" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_searches_and_the_api_are_kept_and_follow_the_index(portal, client):
    for url in ("/collections/?q=martelage", "/api/works/?q=martelage"):
        assert get(client, url)[1] == "miss"
        assert get(client, url)[1] == "hit"
    portal.title = "Le battage de la rate"
    portal.save()  # its commit refreshes the index (an immediate task here)
    assert get(client, "/api/works/?q=martelage")[0].json()["count"] == 0
    assert get(client, "/api/works/?q=battage")[0].json()["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_generation_changes_again_when_the_transaction_commits(portal):
    with transaction.atomic():
        before = page_cache.generation()
        portal.save()
        portal.save()
        during = page_cache.generation()
        waiting = [f for _ids, f, _robust in connection.run_on_commit if f is page_cache.committed]
    assert during != before  # at once: this process reads its own writes
    assert len(waiting) == 1  # once per transaction, however many saves
    assert page_cache.generation() != during  # and at the commit: other processes' reads


def test_writes_the_portal_never_shows_leave_the_pages_alone(portal, client, make_user):
    get(client, WORK)
    user = make_user("Registrar")
    user.save()  # a login's last_login
    SessionStore().create()
    assert get(client, WORK)[1] == "hit"


def test_languages_are_kept_apart(portal, client):
    french, state = get(client, WORK, accept_language="fr")
    assert state == "miss" and '<html lang="fr">' in french.content.decode()
    english, state = get(client, WORK, accept_language="en")
    assert state == "miss" and '<html lang="en">' in english.content.decode()
    assert get(client, WORK, accept_language="fr")[0].content == french.content
    client.cookies["django_language"] = "en"  # chosen with the language buttons
    chosen, state = get(client, WORK, accept_language="fr")
    assert state == "hit" and chosen.content == english.content


def test_the_language_buttons_need_no_csrf_token(portal, client):
    client.handler.enforce_csrf_checks = True
    page, _state = get(client, WORK)
    assert "csrfmiddlewaretoken" not in page.content.decode() and not page.cookies
    response = client.post("/i18n/setlang/", {"language": "en", "next": WORK})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"


def test_staff_pages_are_neither_served_from_nor_put_in_the_cache(portal, client, make_user):
    verified_login(client, make_user("Curator"))
    staff, state = get(client, WORK)
    assert staff.status_code == 200 and state is None
    client.logout()
    client.cookies.clear()
    assert get(client, WORK)[1] == "miss"  # the curator's page was not kept
    assert get(client, WORK)[1] == "hit"
    # a token, a cookie the portal does not set: another client than a visitor's browser
    assert get(client, WORK, authorization="Token 0123456789abcdef")[1] is None
    client.cookies["sessionid"] = "not-a-session"
    assert get(client, WORK)[1] is None


@pytest.mark.parametrize(
    "url", ["/tablet/", "/health", "/oai?verb=Identify", "/admin/login/", "/scan/MC.2012.0.7"]
)
def test_the_staffs_addresses_and_fresh_answers_are_never_kept(portal, client, url):
    get(client, url)
    assert get(client, url)[1] is None


def test_a_password_protected_page_is_never_kept(portal, client):
    """Its form carries a CSRF token (a cookie), and whoever gives the password has a session."""
    library = LibraryPage.objects.get()
    PageViewRestriction.objects.create(
        page=library, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    form, state = get(client, library.url)
    assert form.status_code == 200 and state is None and "password" in form.content.decode()
    client.cookies["csrftoken"] = form.cookies["csrftoken"].value  # a returning visitor
    assert get(client, library.url)[1] is None


def form_with_a_csrf_token(request):
    return HttpResponse(Template("<form>{% csrf_token %}</form>").render(RequestContext(request)))


def remembered_in_the_session(request):
    request.session["seen"] = True
    return HttpResponse("noted")


# This module is also a URLconf: the project's addresses and two views the portal does not have
# (yet), a public page with a CSRF token and one writing to the visitor's session.
urlpatterns = [
    path("form-with-a-token/", form_with_a_csrf_token),
    path("remembered/", remembered_in_the_session),
    *config.urls.urlpatterns,
]


@pytest.mark.parametrize("url", ["/form-with-a-token/", "/remembered/"])
def test_a_page_setting_a_cookie_is_never_kept(portal, client, settings, url):
    settings.ROOT_URLCONF = __name__
    first, state = get(client, url)
    assert first.status_code == 200 and first.cookies and state is None
    client.cookies.clear()
    assert get(client, url)[1] is None


def test_errors_and_redirects_are_not_kept(portal, client):
    assert get(client, "/collections/NOT-A-REF/")[0].status_code == 404
    assert get(client, "/collections/NOT-A-REF/")[1] is None
    no_slash = WORK.rstrip("/")
    assert get(client, no_slash)[0].status_code == 301
    assert get(client, no_slash)[1] is None


def test_turned_off(portal, client, settings):
    settings.CARTEL_PAGE_CACHE_SECONDS = 0
    get(client, WORK)
    assert get(client, WORK)[1] is None


def test_a_change_made_by_another_process_reaches_this_one(portal, client, settings, tmp_path):
    """Production keeps the pages in a folder every process shares (CARTEL_CACHE_DIR): a change
    announced by another process (a gunicorn worker, the task worker) is seen here."""
    folder = tmp_path / "cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(folder),
        }
    }
    assert get(client, WORK)[1] == "miss"
    assert get(client, WORK)[1] == "hit"
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from portal import page_cache; page_cache.changed()",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",  # test.py keeps caches in memory
            "CARTEL_CACHE_DIR": str(folder),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert other.returncode == 0, other.stderr
    assert get(client, WORK)[1] == "miss"
    assert get(client, WORK)[1] == "hit"


def test_every_record_the_portal_publishes_is_watched():
    """A model the publication rules let out must empty the cache when it changes; so must the
    parts of a work and what its page shows of its place."""
    from django.apps import apps

    from museum_collections.publication import RULES

    shown = [rule.model for rule in RULES.values()]
    shown += [apps.get_model("collections", name) for name in SHOWN_WITH_A_WORK]
    assert [m._meta.label for m in shown if not page_cache.seen(m)] == []
    assert not page_cache.seen(apps.get_model("collections", "Movement"))
    assert not page_cache.seen(apps.get_model("collections", "CartelRendition"))


SHOWN_WITH_A_WORK = [
    "WorkMaker",
    "WorkDenomination",
    "WorkDomain",
    "WorkTechnique",
    "Dimension",
    "Inscription",
    "WorkMedia",
    "CurrentLocation",
    "Location",
    "Concept",
    "PersonName",
]


@pytest.mark.django_db(transaction=True)
def test_a_work_withdrawn_with_the_admins_bulk_action_leaves_the_portal_at_once(portal, client):
    from museum_collections.services.works import set_publication

    assert get(client, WORK)[0].status_code == 200
    assert get(client, "/api/works/?q=martelage")[0].json()["count"] == 1
    assert set_publication([portal], public=False) == 1
    assert get(client, WORK)[0].status_code == 404
    assert get(client, "/api/works/?q=martelage")[0].json()["count"] == 0  # the index followed
    assert set_publication([portal], public=True) == 1
    assert get(client, WORK)[0].status_code == 200
