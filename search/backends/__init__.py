"""The search backends behind one interface.

The embedded backend (in the database) is always kept up to date; Elasticsearch is
added when ELASTICSEARCH_URL is set and then answers searches, the embedded index
standing in while it is unreachable.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils.module_loading import import_string

from search.documents import FACETS, CourseDocument
from search.query import (
    PARTIAL_BELOW,
    FacetValue,
    QueryPlan,
    SearchQuery,
    SearchResults,
    Suggestion,
    Term,
    corrected,
    plan,
)

EMBEDDED = "embedded"
ELASTICSEARCH = "elasticsearch"
_CLASSES = {
    EMBEDDED: "search.backends.embedded.embedded_backend",
    ELASTICSEARCH: "search.backends.elasticsearch.ElasticsearchBackend",
}


class SearchUnavailable(Exception):
    """The backend cannot be reached or refused the request; try again later."""


class SearchBackend(ABC):
    name: str

    def search(self, query: SearchQuery) -> SearchResults:
        """The strict matches of the query; when they are fewer than a page, the
        partial matches after them (marked); when these are still fewer, the loose
        partial matches after those (`SearchQuery.fill`). When nothing matches pinyin
        as typed, the matches of the pinyin one letter off instead (marked partial,
        `corrected`)."""
        query_plan = plan(query, self.frequencies)
        if query_plan.empty:
            return self.run(query, query_plan, partial=False)
        results = None
        if query_plan.strict is not None:
            results = self.run(query, query_plan, partial=False)
        if not (results and results.total) and query_plan.slips:
            fixed = corrected(query_plan, self.frequencies)
            found = self.run(query, fixed, partial=False) if fixed else None
            if found and found.total:
                return found.corrected_to(" ".join(fixed.readings[0]))
        below = PARTIAL_BELOW if query.fill else 1
        tiers = [query_plan, query_plan.loosened()] if query.fill else [query_plan]
        for tier in tiers:
            if tier.partial is not None and (results is None or results.total < below):
                results = self.run(query, tier, partial=True)
        return results or self.nothing(query)

    @abstractmethod
    def frequencies(self, terms: list[Term]) -> tuple[dict[Term, int], int]:
        """In how many courses each term occurs, and how many courses are indexed."""

    @abstractmethod
    def run(self, query: SearchQuery, query_plan: QueryPlan, *, partial: bool) -> SearchResults:
        """The courses holding the plan's strict condition (and, with `partial`, its
        partial one after them): a page of hits, the total and the facets."""

    def nothing(self, query: SearchQuery) -> SearchResults:
        """No course fits (a chosen filter value is still listed, with 0)."""
        facets = {
            name: [FacetValue(value, value, 0, True)] if (value := query.filters.get(name)) else []
            for name in FACETS
        }
        return SearchResults([], 0, facets, query.page, query.page_size)

    @abstractmethod
    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]: ...

    @abstractmethod
    def index(self, docs: Iterable[CourseDocument]) -> None: ...

    @abstractmethod
    def delete(self, ids: Iterable[int]) -> None: ...

    @abstractmethod
    def rebuild(
        self, docs: Iterable[CourseDocument], *, progress: Callable[[int], None] | None = None
    ) -> int:
        """Replace the whole index by `docs` without a moment of empty results;
        return how many were indexed."""


def backend_names() -> list[str]:
    """Every backend that must be kept up to date, the one answering searches first."""
    return [ELASTICSEARCH, EMBEDDED] if settings.ELASTICSEARCH_URL else [EMBEDDED]


def get_backend(name: str | None = None) -> SearchBackend:
    name = name or backend_names()[0]
    return import_string(_CLASSES[name])()
