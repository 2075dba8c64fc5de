from django.conf import settings
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from museum_collections import accounts, registrar_api, tablet_api, tablet_views
from museum_collections.scan import scan_view
from portal import api
from portal.health import health
from portal.oai import oai_view

urlpatterns = [
    path("admin/two-factor/", include(accounts)),
    path("admin/", include(wagtailadmin_urls)),
    # The portal's language buttons carry no CSRF token, so that its pages are the same for
    # every visitor and can be cached (portal.page_cache): a forged request could only switch
    # a visitor's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("documents/", include(wagtaildocs_urls)),
    path("scan/", scan_view, name="scan_form"),
    path("oai", oai_view, name="oai"),
    path("health", health, name="health"),
    path("api/works/", api.works, name="api_works"),
    path("api/works/autocomplete", api.autocomplete, name="api_autocomplete"),
    path("iiif/", include("portal.iiif")),
    path("scan/<path:code>", scan_view, name="scan"),
    path("tablet/", include(tablet_views)),
    path("api/registrar/", include(registrar_api)),
    path("api/registrar/", include(tablet_api)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
