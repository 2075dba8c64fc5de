from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Public portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from museum_collections.models import CartelImage, CurrentLocation, Work

        from . import page_cache
        from .search import tasks

        page_cache.connect()

        post_save.connect(tasks.work_saved, sender=Work, dispatch_uid="catalogue-work")
        post_save.connect(
            tasks.location_saved, sender=CurrentLocation, dispatch_uid="catalogue-location"
        )
        post_save.connect(tasks.image_saved, sender=CartelImage, dispatch_uid="catalogue-image")
