"""The public JSON API of the catalogue: `GET /api/works/?q=TEXT&page=N` with the facet
filters of the search page (`domain=…&maker=…&from=1800&to=1900&sort=title`), and
`GET /api/works/autocomplete?q=PREFIX`. Published works and public fields only: what the
catalogue search holds."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from museum_collections.publication import work_path

from .search import Query, catalogue_index

PAGE_SIZE = 20


def work_url(request, ref: str) -> str:
    return request.build_absolute_uri(work_path(ref))


@require_GET
def works(request):
    query = Query.from_params(request.GET, page_size=PAGE_SIZE)
    result = catalogue_index().search(query)
    body = {
        "count": result.count,
        "page": result.page,
        "page_size": result.page_size,
        "results": [
            {
                "ref": hit.ref,
                "title": hit.title,
                "inventory_number": hit.inventory_number,
                "makers": list(hit.makers),
                "date": hit.date,
                "url": work_url(request, hit.ref),
                "iiif_manifest": request.build_absolute_uri(f"/iiif/{hit.ref}/manifest.json"),
                "image": request.build_absolute_uri(f"/iiif/image/{hit.image_id}/info.json")
                if hit.image_id
                else None,
            }
            for hit in result.hits
        ],
        "facets": {
            facet: [{"value": value, "count": count} for value, count in values]
            for facet, values in result.facets.items()
        },
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def autocomplete(request):
    suggestions = catalogue_index().autocomplete(request.GET.get("q", "")[:100])
    response = JsonResponse({"suggestions": suggestions}, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
