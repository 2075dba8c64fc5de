from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionsConfig(AppConfig):
    """The museum itself: works, people, vocabularies, media (import name museum_collections)."""

    name = "museum_collections"
    label = "collections"
    verbose_name = _("Collections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles, sender=self)


def _sync_roles(sender, app_config=None, using="default", **kwargs):
    """Give every database the staff roles, once every app's permissions exist."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    from .roles import sync_roles

    sync_roles()
