"""JSON for the search box and for apps: GET only, no identity needed."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from search import selectors, services
from search.forms import SearchForm


def _facets(results) -> dict:
    return {
        name: [
            {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
            for v in values
        ]
        for name, values in results.facets.items()
    }


@require_GET
def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    found = selectors.course_search(**form.search_arguments())
    if form.counts_as_search:
        services.query_record(query=form.cleaned_data["q"], total=found.strict_total)
    picked = {hit.id for hit in found.picks}
    return JsonResponse(
        {
            "total": found.results.total,
            "page": found.results.page,
            "pages": found.results.page_count,
            "results": [{**hit.as_json(), "pick": hit.id in picked} for hit in found.hits],
            "facets": _facets(found.results),
            "partial": found.results.partial,
            "lecturers": [
                {"name": c.name, "url": c.url, "honours": list(c.honours), "specialty": c.specialty}
                for c in found.lecturers
            ],
            "suggestions": [{"title": s.title, "url": s.url} for s in found.suggestions],
            "stale": found.stale,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def suggest(request):
    prefix = request.GET.get("q", "")[:50]
    suggestions = selectors.course_suggest(prefix=prefix) if prefix.strip() else []
    return JsonResponse(
        [{"title": s.title, "url": s.url} for s in suggestions],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
