"""The search backends behind one interface.

The embedded backend (in the database) is always kept up to date; Elasticsearch is
added when ELASTICSEARCH_URL is set and then answers searches, the embedded index
standing in while it is unreachable.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils.module_loading import import_string

from search.documents import CourseDocument
from search.query import SearchQuery, SearchResults, Suggestion

EMBEDDED = "embedded"
ELASTICSEARCH = "elasticsearch"
_CLASSES = {
    EMBEDDED: "search.backends.embedded.EmbeddedBackend",
    ELASTICSEARCH: "search.backends.elasticsearch.ElasticsearchBackend",
}


class SearchUnavailable(Exception):
    """The backend cannot be reached or refused the request; try again later."""


class SearchBackend(ABC):
    name: str

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResults: ...

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
