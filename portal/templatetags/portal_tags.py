"""Template helpers of the public portal."""

import json

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from wagtail.models import Site

register = template.Library()

# What must not appear raw inside a <script> element.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data) -> str:
    """A dict as a JSON-LD <script> element, safe to embed."""
    text = json.dumps(data, ensure_ascii=False, default=str).translate(SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def portal_home(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page.specific if site else None


@register.simple_tag(takes_context=True)
def menu_pages(context):
    """The home page's live children shown in menus (the catalogue, tours, exhibitions)."""
    home = portal_home(context)
    if home is None:
        return []
    return home.get_children().live().public().in_menu()


@register.simple_tag
def museum_name() -> str:
    return settings.CARTEL_MUSEUM["NAME"]


@register.simple_tag
def work_cards(works):
    """Cards (title, makers, date, public image) for published works."""
    from portal.views import work_cards as cards

    return cards(works)
