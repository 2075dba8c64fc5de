"""`manage.py reset_two_factor USERNAME`: a lost phone; the user sets up a new authenticator."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...accounts import must_use_two_factors, reset_two_factor


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Remove the authenticator app and backup codes of a user who lost them. Their next "
            "login asks them to set up a new authenticator (if their role requires one)."
        )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        model = get_user_model()
        try:
            user = model.objects.get(**{model.USERNAME_FIELD: username})
        except model.DoesNotExist:
            raise CommandError(
                _("No user named %(username)s: check the spelling (usernames are case-sensitive).")
                % {"username": username}
            ) from None
        authenticators, codes = reset_two_factor(user)
        self.stdout.write(
            _(
                "%(username)s: removed %(authenticators)d authenticator app(s) and "
                "%(codes)d unused backup code(s)."
            )
            % {"username": username, "authenticators": authenticators, "codes": codes}
        )
        if must_use_two_factors(user):
            self.stdout.write(
                _(
                    "Their next login in the admin leads to the setup page: they scan a new QR "
                    "code. Tablets already logged in keep working; end their sessions in the "
                    "admin if the phone was stolen with them."
                )
            )
        else:
            self.stdout.write(_("Two-factor authentication is now off for this account."))
