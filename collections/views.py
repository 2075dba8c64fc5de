"""Small admin views: suggestions from the vocabularies while a cataloguer types."""

from django.db.models import Case, Q, Value, When
from django.db.models.functions import Length
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .models import Concept
from .text import match_key

SUGGESTIONS = 15


@require_GET
def term_suggestions(request):
    """Preferred labels of a scheme that start like the text typed (alternative labels lead there too).

    GET ?scheme=DENO&q=tab → {"results": ["table", "tableau", ...]}; at least 2 characters.
    Concepts under the top-level concept named by `branch` (e.g. "matériau") come first.
    """
    key = match_key(request.GET.get("q", ""))
    scheme = request.GET.get("scheme", "")
    branch = match_key(request.GET.get("branch", ""))
    if len(key) < 2 or not scheme:
        return JsonResponse({"results": []})
    concepts = (
        Concept.objects.filter(scheme__code=scheme)
        .filter(Q(pref_key__startswith=key) | Q(alt_keys__contains=f"|{key}"))
        .annotate(length=Length("pref_label"))
    )
    ordering = ["length", "pref_key"]
    if branch:
        concepts = concepts.annotate(
            elsewhere=Case(When(branch_key__startswith=branch, then=Value(0)), default=Value(1))
        )
        ordering.insert(0, "elsewhere")
    labels = concepts.order_by(*ordering).values_list("pref_label", flat=True)[: SUGGESTIONS * 2]
    return JsonResponse({"results": list(dict.fromkeys(labels))[:SUGGESTIONS]})
