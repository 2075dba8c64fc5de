"""Staff accounts: lock-out after failed logins, the second factor, and the pages that go with them.

Who must use two factors (one rule, ``must_use_two_factors``): superusers, staff who can
validate register entries, and anyone who set up an authenticator of their own accord. Until
they have given a code, the admin sends them to the verify page (or to the setup page if they
have no authenticator yet) and every other page treats them as logged out.

The lock-out itself is django-axes (settings "Staff accounts"); ``locked_out`` is the answer it
gives: a page for the admin, JSON for the tablet API. Hooks below register in Wagtail when
``config.urls`` imports this module.
"""

from base64 import b32encode

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks

REGISTER_VALIDATION = ("collections.validate_inventoryentry", "collections.validate_depositentry")
BACKUP_CODES = 10
TEMPLATES = "collections/accounts/"
# What an unverified user may reach besides our pages: logging out, and the admin's translations
# script and icons, which every admin page (ours too) loads.
OPEN_URL_NAMES = {"wagtailadmin_logout", "wagtailadmin_javascript_catalog", "wagtailadmin_sprite"}


def required_by_role(user) -> bool:
    """Superusers and staff who can validate register entries."""
    return user.is_superuser or any(user.has_perm(name) for name in REGISTER_VALIDATION)


def must_use_two_factors(user) -> bool:
    """Those required by their role, and users who opted in (they have a device)."""
    return user.is_authenticated and (required_by_role(user) or django_otp.user_has_device(user))


def authenticator(user, confirmed=True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def verify_code(user, code: str):
    """The device that accepts this code (a 6-digit TOTP code or a backup code), else None.

    A backup code is deleted when used. django-otp throttles a device after wrong codes."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    model = TOTPDevice if code.isdigit() else StaticDevice
    device = model.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    return django_otp.verify_token(user, device.persistent_id, code)


def second_factor_refusal(user, code: str) -> tuple[str, int] | None:
    """Why a password login without a browser (the tablet) is refused, with its HTTP status;
    None when the user needs no second factor or gave a valid code."""
    if not must_use_two_factors(user):
        return None
    if not django_otp.user_has_device(user):
        return (
            _(
                "Your account must use two-factor authentication: set it up in Cartel's "
                "administration first, then log in here with a one-time code."
            ),
            403,
        )
    if not code.strip():
        return (
            _(
                "Your account uses two-factor authentication: enter the one-time code of your "
                "authenticator app (or a backup code) with your password."
            ),
            401,
        )
    if verify_code(user, code) is None:
        return (
            _(
                "This one-time code is not valid or was already used: enter the current code "
                "of your authenticator app."
            ),
            401,
        )
    return None


# Lock-out (django-axes) -------------------------------------------------------------------------


def client_ip(request) -> str:
    """The client's address, read behind CARTEL_PROXY_COUNT reverse proxies."""
    proxies = settings.CARTEL_PROXY_COUNT
    if proxies:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: JSON for the APIs, a page for people."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed logins: this account cannot log in from this address for %(minutes)d "
        "minutes. Try again later, or ask the IT department to unlock it."
    ) % {"minutes": minutes}
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": message, "field": None, "locked_out": True}, status=status
        )
    else:
        response = render(
            request, TEMPLATES + "locked_out.html", {"message": message}, status=status
        )
    response["Retry-After"] = str(minutes * 60)
    return response


# The second factor in the admin -----------------------------------------------------------------


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: keeps users who must use two factors out until they
    have given a code (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified() or not must_use_two_factors(user):
            return None
        match = request.resolver_match
        if match.namespace == "accounts" or match.url_name in OPEN_URL_NAMES:
            return None
        if request.path.startswith(reverse("wagtailadmin_home")):
            page = "accounts:verify" if django_otp.user_has_device(user) else "accounts:setup"
            return redirect(with_next(reverse(page), request.get_full_path()))
        request.user = AnonymousUser()
        return None


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("One-time code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def verified(request, device):
    """Mark the session as verified by this device, under a new session key."""
    request.session.cycle_key()
    django_otp.login(request, device)


def verify(request):
    """Ask for the code of the authenticator app, or a backup code."""
    if not request.user.is_authenticated:
        return redirect(with_next(reverse("wagtailadmin_login"), next_url(request)))
    if request.user.is_verified():
        return redirect(next_url(request))
    if not django_otp.user_has_device(request.user):
        return redirect(with_next(reverse("accounts:setup"), next_url(request)))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = verify_code(request.user, form.cleaned_data["code"])
        if device is not None:
            verified(request, device)
            return redirect(next_url(request))
        form.add_error(
            "code",
            _(
                "This code is not valid or was already used. Enter the current code of your "
                "authenticator app (check the time on your phone), or one of your backup codes. "
                "After several wrong codes, wait a little before trying again."
            ),
        )
    return render(request, TEMPLATES + "verify.html", {"form": form, "next": next_url(request)})


def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes by BACKUP_CODES new ones (shown once, kept in the
    database until used)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _code in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def reset_two_factor(user) -> tuple[int, int]:
    """Remove every device of the user (a lost phone): (authenticators, backup codes left).
    Sessions they verified are no longer verified; the next login leads to the setup page."""
    codes = StaticToken.objects.filter(device__user=user).count()
    devices = list(django_otp.devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    return sum(isinstance(device, TOTPDevice) for device in devices), codes


def setup(request):
    """Set up an authenticator app: QR code and secret, confirmed by a first code; then show
    the backup codes once. Replacing an authenticator needs the second factor first."""
    user = request.user
    if not user.is_authenticated:
        return redirect(with_next(reverse("wagtailadmin_login"), next_url(request)))
    if django_otp.user_has_device(user) and not user.is_verified():
        return redirect(with_next(reverse("accounts:verify"), next_url(request)))
    device = authenticator(user, confirmed=False) or TOTPDevice.objects.create(
        user=user, name=_("Authenticator app"), confirmed=False
    )
    form = CodeForm(request.POST or None)
    if form.is_valid():
        with transaction.atomic():
            if device.verify_token("".join(form.cleaned_data["code"].split())):
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = new_backup_codes(user)
                verified(request, device)
                context = {"codes": codes, "next": next_url(request)}
                return render(request, TEMPLATES + "backup_codes.html", context)
        form.add_error(
            "code",
            _(
                "This code is not the current one: enter the new code the app shows (after a "
                "wrong code, wait a few seconds), or scan the QR code again."
            ),
        )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url(request),
        "qr_code": segno.make(device.config_url, error="m").svg_inline(scale=5, light="#fff"),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "replacing": authenticator(user) is not None,
    }
    return render(request, TEMPLATES + "setup.html", context)


def manage(request):
    """The user's two-factor page in the admin's account menu."""
    user = request.user
    if not user.is_authenticated:
        return redirect(with_next(reverse("wagtailadmin_login"), request.get_full_path()))
    if must_use_two_factors(user) and not user.is_verified():
        return redirect(with_next(reverse("accounts:verify"), request.get_full_path()))
    context = {
        "required": required_by_role(user),
        "device": authenticator(user),
        "backup_codes_left": StaticToken.objects.filter(device__user=user).count(),
    }
    return render(request, TEMPLATES + "manage.html", context)


@require_POST
def backup_codes(request):
    """New backup codes, the old ones no longer work (verified users only)."""
    if not request.user.is_authenticated or not request.user.is_verified():
        return redirect(with_next(reverse("accounts:verify"), reverse("accounts:manage")))
    codes = new_backup_codes(request.user)
    return render(
        request,
        TEMPLATES + "backup_codes.html",
        {"codes": codes, "next": reverse("accounts:manage")},
    )


@require_POST
def turn_off(request):
    """Two-factor authentication off, for a user who opted in (not one whose role requires
    it), on a current code: a session left open is not enough to remove the second factor."""
    user = request.user
    if not user.is_authenticated or not user.is_verified():
        return redirect(with_next(reverse("accounts:verify"), reverse("accounts:manage")))
    if required_by_role(user):
        return HttpResponseForbidden(_("Your account must use two-factor authentication."))
    if verify_code(user, request.POST.get("code", "")) is None:
        messages.error(
            request,
            _("Two-factor authentication is still on: that code is not a current one."),
        )
    else:
        reset_two_factor(user)
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:manage")


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("accounts:manage"),
        "label": _("Two-factor authentication"),
        "help_text": _("Your authenticator app and backup codes."),
    }


app_name = "accounts"
urlpatterns = [
    path("", manage, name="manage"),
    path("verify/", verify, name="verify"),
    path("setup/", setup, name="setup"),
    path("backup-codes/", backup_codes, name="backup_codes"),
    path("turn-off/", turn_off, name="turn_off"),
]
