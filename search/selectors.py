"""Reads of the search app: searching with synonyms, picks and a fallback, the
courses a change concerns, and the query statistics admins see."""

import datetime
import logging
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from operator import or_

from django.conf import settings
from django.db.models import F, Q, Sum
from django.utils import timezone, translation
from wagtail.models import Page

from courses.models import CourseLecturer, CoursePage, LecturerPage, Level, Mode
from search import text
from search.backends import EMBEDDED, SearchUnavailable, backend_names, get_backend
from search.documents import FACET_TITLES, course_popularity
from search.models import (
    EditorsPick,
    IndexOperation,
    QueryCount,
    SearchEntry,
    Synonym,
    split_terms,
)
from search.query import Hit, SearchQuery, SearchResults, Suggestion

logger = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(seconds=30)
SUGGESTIONS = 5


@dataclass(frozen=True)
class LecturerCard:
    """A lecturer whose name (or honour) was searched, shown above the courses."""

    name: str
    url: str
    honours: tuple[str, ...]
    specialty: str


@dataclass
class SearchPage:
    """What the search page and the API show for one request."""

    query: SearchQuery
    results: SearchResults
    picks: list[Hit] = field(default_factory=list)
    lecturers: list[LecturerCard] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    popular: list[str] = field(default_factory=list)
    stale: bool = False

    @property
    def facet_groups(self) -> list[tuple[str, str, list]]:
        """(name, title, values) of each facet with something to choose."""
        return [
            (name, FACET_TITLES[name], values)
            for name, values in self.results.facets.items()
            if values
        ]

    @property
    def only_partial(self) -> bool:
        """Nothing matches the whole query; what is shown matches part of it."""
        return bool(self.results.total) and self.results.partial == self.results.total

    @property
    def strict_total(self) -> int:
        return self.results.total - self.results.partial

    @property
    def counted(self) -> int:
        """What the page's heading counts: the strict matches, or the partial ones
        when there are only those."""
        return self.strict_total or self.results.total

    @property
    def hits(self) -> list[Hit]:
        """Editors' picks first, then the results without them."""
        picked = {hit.id for hit in self.picks}
        return [*self.picks, *(hit for hit in self.results.hits if hit.id not in picked)]


def _synonyms() -> tuple[tuple[str, ...], ...]:
    """The vocabulary's groups of terms; read from the database on every search (an
    admin may have just edited them), split and normalised only when they changed."""
    return _groups(tuple(Synonym.objects.order_by("id").values_list("terms", flat=True)))


@lru_cache(maxsize=4)
def _groups(stored: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(split_terms(terms)) for terms in stored)


LECTURER_CARDS = 3


def lecturers_matching(*, query_text: str, limit: int = LECTURER_CARDS) -> list[LecturerCard]:
    """Published lecturers whose name is the query (as characters, or as pinyin typed
    with or without spaces, fuzzy), or who hold the honour it names (大国工匠)."""
    query = text.normalize(query_text)
    phrase = "".join(text.runs(query))
    if not phrase or len(phrase) < 2:
        return []
    lecturers = LecturerPage.objects.live().public().prefetch_related("honours")
    if text.is_han(phrase[0]):
        chosen = lecturers.filter(Q(title=phrase) | Q(honours__name=phrase)).distinct()
        if not chosen.exists() and len(phrase) >= 3:
            chosen = lecturers.filter(title__in=[phrase[:2], phrase[:3]])
    else:
        spelled = {" ".join(map(text.fuzzy, r)) for r in text.segment_pinyin(query)}
        if not spelled:
            return []
        ids = [
            id_
            for id_, name in lecturers.values_list("id", "title")
            if " ".join(map(text.fuzzy, text.pinyin(name))) in spelled
        ]
        chosen = lecturers.filter(id__in=ids)
    return [
        LecturerCard(
            name=lecturer.title,
            url=lecturer.url or "",
            honours=tuple(honour.name for honour in lecturer.honours.all()),
            specialty=lecturer.specialty,
        )
        for lecturer in chosen.order_by("title")[:limit]
    ]


def _picks(query_text: str) -> tuple[int, ...]:
    query = text.normalize(query_text)
    if not query:
        return ()
    return tuple(EditorsPick.objects.filter(query=query).values_list("page_id", flat=True))


def index_is_stale(*, backend_name: str) -> bool:
    """Changes have waited too long to reach this backend (it was down, or the queue)."""
    since = timezone.now() - STALE_AFTER
    return IndexOperation.objects.filter(backend=backend_name, created_at__lt=since).exists()


class _Backends:
    """Asks the backend serving searches; once it has failed, the embedded one, and
    the answer is then marked as possibly out of date."""

    def __init__(self):
        self.name = backend_names()[0]
        self.stale = index_is_stale(backend_name=self.name)

    def search(self, query: SearchQuery) -> SearchResults:
        try:
            return get_backend(self.name).search(query)
        except SearchUnavailable as error:
            logger.warning("search backend %s unavailable, answering from %s: %s",
                           self.name, EMBEDDED, error)  # fmt: skip
            self.name, self.stale = EMBEDDED, True
            return get_backend(self.name).search(query)

    def suggest(self, prefix: str, limit: int) -> list[Suggestion]:
        try:
            return get_backend(self.name).suggest(prefix, limit)
        except SearchUnavailable:
            self.name, self.stale = EMBEDDED, True
            return get_backend(self.name).suggest(prefix, limit)


def course_search(
    *, query_text: str, filters: dict[str, str], sort: str = "relevance", page: int = 1
) -> SearchPage:
    """Search the courses, editors' picks for the query first, lecturers named by it
    above them. When Elasticsearch cannot answer, the embedded index does and the page
    says results may be out of date; a search without any result comes with titles
    that start like the query and with what others searched."""
    backends = _Backends()
    synonyms = _synonyms()
    query = SearchQuery(text=query_text, filters=filters, sort=sort, page=page, synonyms=synonyms)
    found = SearchPage(query=query, results=backends.search(query))
    pick_ids = _picks(query_text)
    if pick_ids and page == 1:
        picked = backends.search(
            SearchQuery(filters=filters, only_ids=pick_ids, page_size=len(pick_ids))
        )
        by_id = {hit.id: hit for hit in picked.hits}
        found.picks = [by_id[i] for i in pick_ids if i in by_id]
    if page == 1 and not filters:
        found.lecturers = lecturers_matching(query_text=query_text)
    if found.results.total == 0 and not found.picks and text.normalize(query_text):
        found.suggestions = backends.suggest(query_text, SUGGESTIONS)
        found.popular = popular_queries(limit=SUGGESTIONS)
    found.stale = backends.stale
    _relabel(found)
    return found


# Level and mode are stored with their labels in the language of the indexing process.
CHOICE_FIELDS = {"level": Level, "mode": Mode}


def _relabel(found: SearchPage) -> None:
    """Level and mode in the visitor's language, whichever language they were indexed in."""
    keys = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for field_name, choices in CHOICE_FIELDS.items():
                for key, label in choices.choices:
                    keys[(field_name, str(label))] = key
    for hit in [*found.picks, *found.results.hits]:
        for field_name, choices in CHOICE_FIELDS.items():
            attribute = f"{field_name}_label"
            key = keys.get((field_name, getattr(hit, attribute)))
            if key is not None:
                setattr(hit, attribute, str(choices(key).label))
    for field_name, choices in CHOICE_FIELDS.items():
        for value in found.results.facets.get(field_name, []):
            if value.value in choices.values:
                value.label = str(choices(value.value).label)


def course_suggest(*, prefix: str, limit: int = 8) -> list[Suggestion]:
    """Titles for the search box while a person types (Chinese, pinyin, initials):
    titles starting like what is typed first; when they are fewer than `limit`, the
    best results of searching it (vocabulary, fuzzy pinyin …), partial matches only
    when nothing matches whole (not the loose ones, which only fill a page of
    results): a short list is better than a loose one."""
    backends = _Backends()
    suggestions = backends.suggest(prefix, limit)
    if len(suggestions) < limit and len(text.normalize(prefix)) >= 2:
        query = SearchQuery(text=prefix, synonyms=_synonyms(), page_size=limit, fill=False)
        shown = {s.url for s in suggestions}
        for hit in backends.search(query).hits:
            if hit.url not in shown and len(suggestions) < limit:
                suggestions.append(Suggestion(hit.title, hit.url))
                shown.add(hit.url)
    return suggestions


def courses_affected(*, page_ids) -> set[int]:
    """Courses whose documents a change of these pages may alter: the pages themselves
    (if courses, or once courses that are gone), the courses below them, and the
    courses the lecturers among them teach."""
    page_ids = set(page_ids)
    paths = Page.objects.filter(id__in=page_ids, numchild__gt=0).values_list("path", flat=True)
    below = set()
    if paths:
        within = reduce(or_, (Q(path__startswith=path) for path in paths))
        below = set(CoursePage.objects.filter(within).values_list("id", flat=True))
    taught = set(
        CourseLecturer.objects.filter(lecturer_id__in=page_ids).values_list("course_id", flat=True)
    )
    return page_ids | below | taught


def courses_with_changed_popularity() -> list[int]:
    """Indexed courses whose enrolments plus plays differ from what was indexed."""
    indexed = dict(SearchEntry.objects.values_list("id", "popularity"))
    enrolments, plays = course_popularity(indexed)
    return [
        course_id
        for course_id, value in indexed.items()
        if enrolments.get(course_id, 0) + plays.get(course_id, 0) != value
    ]


def popular_queries(*, limit: int, days: int = 30) -> list[str]:
    """What people searched most lately, among searches that found something."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    rows = (
        QueryCount.objects.filter(day__gte=since)
        .values("query")
        .annotate(searches=Sum("searches"), zero=Sum("zero_results"))
        .filter(searches__gt=F("zero"))
        .order_by("-searches", "query")[:limit]
    )
    return [row["query"] for row in rows]


@dataclass
class QueryStat:
    query: str
    searches: int
    zero_results: int


def query_report(*, days: int = 30, limit: int = 50) -> dict[str, list[QueryStat]]:
    """The most searched queries and those most often without results, for admins to
    add synonyms or editors' picks."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    totals = (
        QueryCount.objects.filter(day__gte=since)
        .values("query")
        .annotate(searches=Sum("searches"), zero=Sum("zero_results"))
    )
    top = totals.order_by("-searches", "query")[:limit]
    empty = totals.filter(zero__gt=0).order_by("-zero", "query")[:limit]
    return {
        "top": [QueryStat(row["query"], row["searches"], row["zero"]) for row in top],
        "zero": [QueryStat(row["query"], row["searches"], row["zero"]) for row in empty],
    }


def courses_filed_under(*, category) -> list[int]:
    return list(CoursePage.objects.filter(category=category).values_list("id", flat=True))


def courses_taught_by(*, page) -> list[int]:
    """Courses a lecturer page teaches (none for other pages)."""
    links = CourseLecturer.objects.filter(lecturer_id=page.pk)
    return list(links.values_list("course_id", flat=True))


def courses_taught_with(*, honour) -> list[int]:
    """Courses of the lecturers holding an honour (its name is in their documents)."""
    links = CourseLecturer.objects.filter(lecturer__honours=honour)
    return list(links.values_list("course_id", flat=True).distinct())
