"""Staff accounts: lock-out (django-axes), password rules, the second factor (django-otp) in the
admin and on the tablet, session expiry. Real database, Django's test client, real TOTP codes
computed with django_otp's own totp() from the device key."""

import json
import time
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from museum_collections.models import TabletSession
from tests.conftest import one_time_code, verified_login

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
LOGIN = "/admin/login/"
TABLET_LOGIN = "/api/registrar/tablet/login"
ADMIN_PAGES = [ADMIN, "/admin/snippets/collections/work/", "/admin/account/"]


def admin_login(client, username, password="pw", **extra):  # noqa: S107
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def tablet_login(username="registrar", password="pw", otp=None, **extra):  # noqa: S107
    data = {"username": username, "password": password, "device_name": "Tablette 1"}
    if otp is not None:
        data["otp"] = otp
    return Client().post(TABLET_LOGIN, json.dumps(data), content_type="application/json", **extra)


def code_of(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def throttled():
    """django-otp refuses any code for a second after a wrong one (then 2 s, 4 s...)."""
    time.sleep(1.1)


def path_of(response) -> str:
    return response["Location"].split("?")[0]


@pytest.fixture
def registrar(make_user):
    return make_user("Registrar")


# Lock-out ----------------------------------------------------------------------------------------


def test_five_failures_lock_one_username_from_one_address_until_reset(client, registrar, make_user):
    make_user("Curator")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "registrar", "wrong").status_code == 200  # the form again
    locked = admin_login(client, "registrar", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Account locked" in page and "Too many failed logins" in page
    assert "from this address for 30 minutes" in page and "IT department" in page
    assert locked["Retry-After"] == "1800"

    # Even the right password is refused now, from this address...
    assert admin_login(Client(), "registrar").status_code == 429
    # ...but not from another address, and not for another account from this one.
    assert path_of(admin_login(Client(), "registrar", REMOTE_ADDR="10.0.0.2")) != LOGIN
    assert admin_login(Client(), "curator").status_code == 302

    out = StringIO()
    call_command("axes_reset", stdout=out)
    assert admin_login(Client(), "registrar").status_code == 302


def test_the_tablet_login_is_locked_out_too_with_a_json_error(registrar):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert tablet_login(password="wrong").status_code == 401
    assert tablet_login(password="wrong").status_code == 429  # the fifth
    locked = tablet_login(otp=one_time_code(registrar))  # the right password, too late
    assert locked.status_code == 429
    assert locked.json()["locked_out"] is True
    assert "Too many failed logins" in locked.json()["error"]
    assert not TabletSession.objects.exists()


def test_behind_a_proxy_the_forwarded_address_counts(client, registrar, settings):
    settings.CARTEL_PROXY_COUNT = 1
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "registrar", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert admin_login(client, "registrar", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert admin_login(client, "registrar", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


# Passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, problem",
    [
        ("Musee-2026", "at least 12 characters"),
        ("202603021000", "entirely numeric"),
        ("password1234", "too common"),
        ("registrar2026", "too similar"),
    ],
)
def test_weak_passwords_are_refused(registrar, password, problem):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, registrar)
    assert problem in " ".join(refused.value.messages)


def test_a_long_uncommon_password_is_accepted(registrar):
    validate_password("Réserve nord, tablette 7 !", registrar)


# Two factors in the admin ----------------------------------------------------------------------


def test_a_registrar_reaches_no_admin_page_before_setting_up_a_second_factor(client, registrar):
    assert admin_login(client, "registrar").status_code == 302
    setup = reverse("accounts:setup")
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and path_of(response) == setup, url
    # Elsewhere the session counts for nothing until then: the registrar's API answers 401.
    assert client.get("/api/registrar/").status_code == 401

    page = client.get(setup, {"next": "/admin/snippets/collections/work/"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script>" not in html and "style=" not in html
    device = TOTPDevice.objects.get(user=registrar, confirmed=False)
    assert device.config_url.split("secret=")[1][:8] in html.replace(" ", "")
    assert "otpauth://" in device.config_url and "issuer=Cartel" in device.config_url

    wrong = client.post(setup, {"code": "000000"})
    assert wrong.status_code == 200 and "not the current one" in wrong.content.decode()
    throttled()
    done = client.post(
        setup, {"code": code_of(device), "next": "/admin/snippets/collections/work/"}
    )
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert StaticToken.objects.filter(device__user=registrar).count() == 10
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 200, url


def test_a_registrar_with_an_authenticator_gives_its_code_after_the_password(client, registrar):
    device = TOTPDevice.objects.create(user=registrar, name="phone", confirmed=True)
    admin_login(client, "registrar")
    verify = reverse("accounts:verify")
    response = client.get("/admin/snippets/collections/work/")
    assert path_of(response) == verify
    # Having the password is not enough to register another phone.
    assert path_of(client.get(reverse("accounts:setup"))) == verify

    wrong = client.post(verify, {"code": "123456", "next": "/admin/snippets/collections/work/"})
    assert wrong.status_code == 200 and "not valid" in wrong.content.decode()
    assert client.get(ADMIN).status_code == 302
    throttled()
    right = client.post(
        verify, {"code": code_of(device), "next": "/admin/snippets/collections/work/"}
    )
    assert right.status_code == 302 and right["Location"] == "/admin/snippets/collections/work/"
    assert client.get(ADMIN).status_code == 200
    # The same code never works twice.
    other = Client()
    admin_login(other, "registrar")
    assert other.post(verify, {"code": code_of(device)}).status_code == 200
    assert other.get(ADMIN).status_code == 302


def test_a_backup_code_works_once(registrar):
    from museum_collections.accounts import new_backup_codes

    TOTPDevice.objects.create(user=registrar, name="phone", confirmed=True)
    backup = new_backup_codes(registrar)[3]
    verify = reverse("accounts:verify")

    first = Client()
    admin_login(first, "registrar")
    assert first.post(verify, {"code": backup.upper()}).status_code == 302
    assert first.get(ADMIN).status_code == 200

    again = Client()
    admin_login(again, "registrar")
    assert again.post(verify, {"code": backup}).status_code == 200
    assert again.get(ADMIN).status_code == 302
    assert StaticToken.objects.filter(device__user=registrar).count() == 9


def test_a_researcher_is_not_forced_but_may_opt_in(client, make_user):
    researcher = make_user("Researcher")
    admin_login(client, "researcher")
    assert client.get(ADMIN).status_code == 200
    account = client.get("/admin/account/").content.decode()
    assert reverse("accounts:manage") in account and "Two-factor authentication" in account
    assert "off" in client.get(reverse("accounts:manage")).content.decode()

    client.get(reverse("accounts:setup"))
    device = TOTPDevice.objects.get(user=researcher, confirmed=False)
    assert client.post(reverse("accounts:setup"), {"code": code_of(device)}).status_code == 200
    assert "is on" in client.get(reverse("accounts:manage")).content.decode()

    # Opted in: the next login asks for the code too.
    later = Client()
    admin_login(later, "researcher")
    assert path_of(later.get(ADMIN)) == reverse("accounts:verify")


def test_a_user_who_opted_in_may_turn_it_off_with_a_current_code(client, make_user):
    researcher = make_user("Researcher")
    one_time_code(researcher)  # an authenticator app set up: opted in
    verified_login(client, researcher)  # the password, then a code
    turn_off = reverse("accounts:turn_off")
    assert (
        "Turn two-factor authentication off"
        in client.get(reverse("accounts:manage")).content.decode()
    )

    refused = client.post(turn_off, {"code": "000000"}, follow=True)
    assert "still on" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=researcher, confirmed=True).exists()

    throttled()
    done = client.post(turn_off, {"code": one_time_code(researcher)}, follow=True)
    assert "Two-factor authentication is off." in done.content.decode()
    assert not TOTPDevice.objects.filter(user=researcher).exists()
    later = Client()  # the next login asks for no code
    admin_login(later, "researcher")
    assert later.get(ADMIN).status_code == 200


def test_a_registrar_cannot_turn_it_off(client, registrar):
    verified_login(client, registrar)
    manage = client.get(reverse("accounts:manage")).content.decode()
    assert "Turn two-factor authentication off" not in manage
    response = client.post(reverse("accounts:turn_off"), {"code": one_time_code(registrar)})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=registrar, confirmed=True).exists()


def test_superusers_must_use_two_factors(client, django_user_model):
    django_user_model.objects.create_superuser("root", password="pw")
    admin_login(client, "root")
    assert path_of(client.get(ADMIN)) == reverse("accounts:setup")


def test_logging_out_needs_no_second_factor(client, registrar):
    admin_login(client, "registrar")
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_reset_two_factor_for_a_lost_phone(client, registrar):
    from museum_collections.accounts import new_backup_codes

    verified_login(client, registrar)
    new_backup_codes(registrar)
    assert client.get(ADMIN).status_code == 200
    out = StringIO()
    call_command("reset_two_factor", "registrar", stdout=out)
    assert "registrar: removed 1 authenticator app(s) and 10 unused backup code(s)." in (
        out.getvalue()
    )
    assert "setup page" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=registrar).exists()
    # The session verified by the lost phone is not verified any more.
    assert path_of(client.get(ADMIN)) == reverse("accounts:setup")

    with pytest.raises(CommandError, match="No user named nobody"):
        call_command("reset_two_factor", "nobody")


# Sessions ----------------------------------------------------------------------------------------


def test_staff_sessions_last_a_working_day_at_most_and_end_with_the_browser(client, make_user):
    make_user("Researcher")
    response = admin_login(client, "researcher")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""  # browser session
    assert client.session.get_expire_at_browser_close()

    remembered = Client()
    response = remembered.post(
        LOGIN, {"username": "researcher", "password": "pw", "remember": "on"}
    )
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 60 * 60
    assert remembered.session.get_expiry_age() == 8 * 60 * 60


# The tablet ------------------------------------------------------------------------------------


def test_a_registrar_logs_in_on_the_tablet_with_a_one_time_code(registrar):
    without_device = tablet_login()
    assert without_device.status_code == 403
    assert without_device.json()["field"] == "otp" and "set it up" in without_device.json()["error"]

    code = one_time_code(registrar)
    missing = tablet_login()
    assert missing.status_code == 401 and missing.json()["otp_required"] is True
    assert "one-time code" in missing.json()["error"]
    assert tablet_login(otp="000000").status_code == 401
    throttled()

    response = tablet_login(otp=code)
    assert response.status_code == 201
    token = response.json()["token"]
    assert TabletSession.user_for(token) == registrar
    assert tablet_login(otp=code).status_code == 401  # a code works once
    # Later calls carry the token, not the password nor a code.
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/registrar/campaigns").status_code == 200


def test_a_tablet_session_opened_before_two_factors_keeps_working(registrar):
    _session, token = TabletSession.open(registrar, "Tablette B")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/registrar/campaigns").status_code == 200
    assert api.get("/api/registrar/").json()["user"] == "registrar"


def test_a_tablet_user_who_cannot_validate_the_registers_needs_no_code(django_user_model):
    from django.contrib.auth.models import Group, Permission

    recorders = Group.objects.create(name="Récolement")
    recorders.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="collections",
            codename__in=["change_recolementrecord", "view_location"],
        )
    )
    django_user_model.objects.create_user("agent", password="pw").groups.add(recorders)
    assert tablet_login("agent").status_code == 201
