"""JSON for the search box and for apps: GET only, no identity needed."""

from typing import Literal

from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router

from lms.api import PUBLIC, In, Out, errors, form_error
from search import selectors, services
from search.forms import MAX_PAGE, SearchForm

router = Router(tags=["search"])


class Highlight(Out):
    title: str | None = None
    text: str | None = None


class SearchHit(Out):
    title: str
    url: str
    summary: str
    highlight: Highlight
    academy: str
    category: str
    hours: float
    pick: bool = Field(description="Chosen by the editors for this query.")
    partial: bool = Field(
        description="A partial match: holds part of the query only (shown as 部分匹配)."
    )


class FacetValueOut(Out):
    value: str
    label: str
    count: int
    selected: bool


class SuggestionOut(Out):
    title: str
    url: str


class LecturerOut(Out):
    name: str
    url: str
    honours: list[str]
    specialty: str


class SearchResultsOut(Out):
    total: int = Field(description="Matches, partial ones included.")
    partial: int = Field(description="How many of `total` are partial matches (listed last).")
    page: int
    pages: int
    results: list[SearchHit]
    lecturers: list[LecturerOut] = Field(
        description="Lecturers whose name or honour was searched, shown above the courses."
    )
    facets: dict[str, list[FacetValueOut]]
    suggestions: list[SuggestionOut]
    stale: bool = Field(description="Recent changes may not be searchable yet.")
    corrected: str = Field(
        description="When nothing matches pinyin as typed: the pinyin, one letter off, "
        "whose courses are listed instead (all partial matches); empty otherwise."
    )


class SearchQuery(In):
    q: str = Field("", max_length=100, description="What to look for.")
    academy: str = Field("", max_length=40, description="Facet value.")
    category: str = Field("", max_length=40, description="Facet value.")
    level: str = Field("", max_length=40, description="Facet value.")
    mode: str = Field("", max_length=40, description="Facet value.")
    hours: Literal["", "0-4", "4-16", "16-40", "40-"] = Field("", description="Hours range.")
    sort: Literal["", "relevance", "newest", "popular"] = ""
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")


class SuggestQuery(In):
    q: str = Field("", max_length=100, description="What has been typed.")


@router.get(
    "search/",
    response={200: SearchResultsOut, **errors(400)},
    url_name="search",
    summary=gettext_lazy("Search the courses"),
    **PUBLIC,
)
def search(request, params: Query[SearchQuery]):
    form = SearchForm(params.dict())
    if not form.is_valid():
        raise form_error(form)
    found = selectors.course_search(**form.search_arguments())
    if form.counts_as_search:
        services.query_record(query=form.cleaned_data["q"], total=found.strict_total)
    picked = {hit.id for hit in found.picks}
    return {
        "total": found.results.total,
        "partial": found.results.partial,
        "page": found.results.page,
        "pages": found.results.page_count,
        "results": [{**hit.as_json(), "pick": hit.id in picked} for hit in found.hits],
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in found.results.facets.items()
        },
        "lecturers": [
            {"name": c.name, "url": c.url, "honours": list(c.honours), "specialty": c.specialty}
            for c in found.lecturers
        ],
        "suggestions": [{"title": s.title, "url": s.url} for s in found.suggestions],
        "stale": found.stale,
        "corrected": found.results.corrected,
    }


@router.get(
    "search/suggest/",
    response={200: list[SuggestionOut], **errors(400)},
    url_name="suggest",
    summary=gettext_lazy("Suggestions while typing (also by pinyin)"),
    **PUBLIC,
)
def suggest(request, params: Query[SuggestQuery]):
    prefix = params.q
    suggestions = selectors.course_suggest(prefix=prefix) if prefix.strip() else []
    return [{"title": s.title, "url": s.url} for s in suggestions]
