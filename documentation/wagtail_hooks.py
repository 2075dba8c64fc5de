from wagtail.snippets.models import register_snippet

from .viewsets import DocumentationViewSetGroup

register_snippet(DocumentationViewSetGroup)
