from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentationConfig(AppConfig):
    """Library catalogue, documentary files and archives (see the documentation issue)."""

    name = "documentation"
    verbose_name = _("Documentation")
