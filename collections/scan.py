"""Scan codes: what a label's QR code or barcode names, and the `/scan/<code>` page it opens.

A work's label carries its Joconde REF, a location's label its code; an inventory number typed
by hand finds its work too. Location codes never look like a REF (see validate_location_code).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from .models import Location, Work
from .models.locations import REF_PATTERN

SEE_LOCATIONS = "collections.view_location"


def resolve_code(code: str) -> Work | Location | None:
    """The work or location a scanned or typed code names, else None.

    A REF names a work; then a location code (any case), so that a printed label always finds
    what it labels; then an inventory number, as typed.
    """
    code = (code or "").strip()
    if not code:
        return None
    if REF_PATTERN.match(code):
        work = Work.objects.filter(joconde_ref=code).first()
        if work is not None:
            return work
    location = Location.objects.filter(code=code.upper()).first()
    if location is not None:
        return location
    return Work.objects.filter(inventory_number=code).first()


def scan_code_of(obj: Work | Location) -> str:
    """The code printed on the object's label: the REF of a work, the code of a location."""
    return obj.joconde_ref if isinstance(obj, Work) else obj.code


def scan_url(obj: Work | Location, request=None) -> str:
    """Absolute URL of the object's `/scan/<code>` page (what its QR code holds)."""
    path = reverse("scan", args=[scan_code_of(obj)])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def admin_url(obj: Work | Location) -> str | None:
    """The admin page of the object: its edit view, else the locations' list; None if neither."""
    if isinstance(obj, Work):
        return reverse("wagtailsnippets_collections_work:edit", args=[obj.pk])
    try:
        return reverse("wagtailsnippets_collections_location:edit", args=[obj.pk])
    except NoReverseMatch:
        pass
    try:
        return reverse("wagtailsnippets_collections_location:list") + f"?q={obj.code}"
    except NoReverseMatch:
        return None


@login_required
def scan_view(request, code: str | None = None):
    """Open the admin page of what a label names; `/scan/?code=…` for a code typed by hand."""
    if not request.user.has_perm(SEE_LOCATIONS):
        raise PermissionDenied
    code = (code if code is not None else request.GET.get("code", "")).strip().rstrip("/")
    obj = resolve_code(code)
    if obj is None:
        return render(
            request, "collections/scan_not_found.html", {"code": code}, status=404 if code else 200
        )
    url = admin_url(obj)
    if url is not None:
        return redirect(url)
    from .registrar_api import location_data  # no admin page for locations yet

    return JsonResponse(location_data(obj, request))
