"""The Elasticsearch backend: an index behind an alias (`ELASTICSEARCH_INDEX`), queries
built with elasticsearch-dsl from the shared query plan."""

import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

from django.conf import settings
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.helpers import BulkIndexError, bulk
from elasticsearch_dsl import A, Q, Search

from search import highlight, text
from search.backends import ELASTICSEARCH, SearchBackend, SearchUnavailable
from search.documents import (
    FACET_SEPARATOR,
    FACETS,
    HOURS_RANGES,
    CourseDocument,
    CourseIndexDocument,
    index_settings,
)
from search.query import (
    GRAMS,
    INITIALS,
    SPELL,
    TEXT,
    TITLE_WEIGHT,
    All,
    Coverage,
    FacetValue,
    Hit,
    Lookup,
    QueryPlan,
    SearchQuery,
    SearchResults,
    Suggestion,
    Term,
    phrase_points,
    plan_typed,
)

logger = logging.getLogger(__name__)

BULK_CHUNK = 500
SEARCH_TIMEOUT = 3  # seconds: a slow cluster must not hold up the page
REBUILD_TIMEOUT = 600  # refreshing a new index of 100,000 courses takes a while
REBUILD_SENDERS = 2  # bulk requests in flight during a rebuild
# Index settings while a rebuild fills a new index, and once it serves searches.
_FILLING = {
    "refresh_interval": "-1",
    "auto_expand_replicas": False,
    "number_of_replicas": 0,
    "translog.durability": "async",
}
_SERVING = {
    "refresh_interval": "1s",
    "auto_expand_replicas": "0-1",
    "translog.durability": "request",
}
SUGGESTION_CANDIDATES = 50  # ranked again like the embedded backend's (TypedPlan.rank)
_FILTER_FIELDS = {
    "academy": "academy_id",
    "category": "category_id",
    "level": "level",
    "mode": "mode",
}
_clients: dict[tuple[str, float], Elasticsearch] = {}


def client(url: str, timeout: float = 30) -> Elasticsearch:
    """One client (and connection pool) per node URL and timeout, for the process."""
    if (url, timeout) not in _clients:
        if (url, 30) not in _clients:
            _clients[url, 30] = Elasticsearch(url, request_timeout=30, max_retries=1)
        _clients[url, timeout] = _clients[url, 30].options(request_timeout=timeout)
    return _clients[url, timeout]


@contextlib.contextmanager
def _reachable():
    """Connection problems and refusals become SearchUnavailable."""
    try:
        yield
    except BulkIndexError as error:
        raise SearchUnavailable(f"Elasticsearch refused documents: {error.errors[:1]}") from error
    except (ApiError, TransportError) as error:
        raise SearchUnavailable(f"Elasticsearch: {error}") from error


def _filter(name: str, value: str) -> Q:
    if name == "hours":
        _key, low, high, _label = next(r for r in HOURS_RANGES if r[0] == value)
        bounds = {"gte": low} if high is None else {"gte": low, "lt": high}
        return Q("range", hours=bounds)
    return Q("term", **{_FILTER_FIELDS[name]: value})


_FIELDS = {TEXT: "body", SPELL: "spell", INITIALS: "initials", GRAMS: "grams"}
_TYPED_FIELDS = {"title": "title_tokens", "spell": "spell", "initials": "initials"}
STRICT_BOOST = 100_000.0  # strict matches before partial ones, whatever their score
CLOSE_BOOST = 10_000.0  # and closer partial matches before loose ones (`QueryPlan.close`)


def _condition(condition) -> Q:
    """A plan's condition as a query that only filters."""
    if isinstance(condition, Term):
        return Q("term", **{_FIELDS[condition.field]: condition.token})
    if isinstance(condition, Coverage):
        # A weighted share of terms, without scripts (a stock node has none):
        # function_score's min_score applies to the sum of constant scores.
        weighed = [
            Q("constant_score", filter=_condition(part), boost=weight)
            for part, weight in condition.weights
        ]
        return Q(
            "function_score",
            query=Q("bool", should=weighed),
            min_score=condition.need - 1e-6,
        )
    parts = [_condition(part) for part in condition.parts]
    if isinstance(condition, All):
        return Q("bool", filter=parts)
    return Q("bool", should=parts, minimum_should_match=1)


def _weighed(term: Term, weight: float, field: str | None = None) -> Q:
    found = Q("term", **{field or _FIELDS[term.field]: term.token})
    return Q("constant_score", filter=found, boost=weight)


def _typed(lookup: Lookup) -> Q:
    kind = "prefix" if lookup.prefix else "term"
    return Q(kind, **{_TYPED_FIELDS[lookup.column]: lookup.token})


def _score(query_plan: QueryPlan, partial: bool) -> list[Q]:
    """The plan's score (as the embedded backend computes it, `memory.Snapshot.scores`)."""
    should = [_weighed(term, weight) for term, weight in query_plan.scored(partial)]
    should += [
        _weighed(Term(TEXT, token), weight, "repeats") for token, weight in query_plan.repeats()
    ]
    should += [
        _weighed(Term(TEXT, token), TITLE_WEIGHT * weight, "title_tokens")
        for token, weight in query_plan.titled(partial)
    ]

    def signal(query: Q, points: float) -> None:
        if points:
            should.append(Q("constant_score", filter=query, boost=points))

    for phrase, weight in query_plan.phrases:
        within, start, whole = phrase_points(phrase, weight)
        signal(Q("match_phrase", title_terms=phrase), within)
        signal(Q("prefix", title_key=phrase), start)
        signal(Q("term", title_key=phrase), whole)
        signal(Q("term", lecturer_keys=phrase), 12 * weight)
    for reading in query_plan.readings:
        fuzzy = " ".join(text.fuzzy(s) for s in reading)
        signal(Q("match_phrase", title_fuzzy=fuzzy), 8)
        signal(Q("match_phrase", title_pinyin=" ".join(reading)), 2)
        signal(Q("term", lecturer_fuzzy=fuzzy), 10)
    if query_plan.initials:
        letters = " ".join(query_plan.initials)
        signal(Q("match_phrase", title_initials=letters), 6)
        signal(Q("match_phrase", lecturer_initials=letters), 4)
    return should


def _query(query: SearchQuery, query_plan: QueryPlan, partial: bool) -> Q:
    ids = [Q("ids", values=[str(i) for i in query.only_ids])] if query.only_ids is not None else []
    if query_plan.empty:
        return Q("bool", filter=ids) if ids else Q("match_all")
    accept, ranked = [], query.sort == "relevance"
    should = _score(query_plan, partial) if ranked else []
    strict = []
    if query_plan.strict is not None:
        strict = [_condition(query_plan.strict)]
        accept += strict
        boost = STRICT_BOOST if ranked else 1.0
        should.append(Q("constant_score", filter=strict[0], boost=boost, _name="strict"))
    if partial and query_plan.partial is not None:
        accept.append(_condition(query_plan.partial))
    if partial and query_plan.close is not None:
        # Strict matches too, so that it adds the same to every one of them.
        close = Q("bool", should=[*strict, _condition(query_plan.close)])
        boost = CLOSE_BOOST if ranked else 0.5
        should.append(Q("constant_score", filter=close, boost=boost))
    found = Q("bool", should=accept, minimum_should_match=1)
    return Q("bool", filter=[found, *ids], should=should)


# Strict matches first in every order, then the closer partial ones: with another
# order than relevance, the score is 1.5 for a strict match, 0.5 for a closer partial
# one and 0 for a loose one.
_SORTS = {
    "relevance": [
        "_score",
        {"title_length": "asc"},
        {"popularity": "desc"},
        {"published_at": "desc"},
        {"course": "asc"},
    ],
    "newest": ["_score", {"published_at": {"order": "desc", "missing": "_last"}}],
    "popular": ["_score", {"popularity": "desc"}],
}
# What a result shows (the rest of the source — spelling, facet keys — stays there).
_SHOWN = (
    "url",
    "title",
    "summary",
    "description",
    "lessons",
    "lecturers",
    "academy",
    "category",
    "hours",
    "level_label",
    "mode_label",
)


class ElasticsearchBackend(SearchBackend):
    name = ELASTICSEARCH

    def __init__(self):
        self.url = settings.ELASTICSEARCH_URL
        self.client = client(self.url)
        self.alias = settings.ELASTICSEARCH_INDEX
        self.settings = index_settings()

    # Indices and the alias
    def _create_index(self, name: str, **overrides) -> None:
        body = {"settings": {**self.settings, **overrides}}
        body["mappings"] = CourseIndexDocument._doc_type.mapping.to_dict()
        self.client.indices.create(index=name, **body)

    def ensure_index(self) -> None:
        """The first write to a cluster creates the index and points the alias at it."""
        with _reachable():
            if self.client.indices.exists_alias(name=self.alias):
                return
            first = f"{self.alias}-0"
            with contextlib.suppress(ApiError):  # another process was first
                self._create_index(first)
            self.client.indices.put_alias(index=first, name=self.alias)

    def indices(self) -> list[str]:
        with _reachable():
            try:
                return sorted(self.client.indices.get_alias(name=self.alias))
            except NotFoundError:
                return []

    # Writing
    def _actions(self, docs: Iterable[CourseDocument], index: str):
        for doc in docs:
            yield {"_index": index, "_id": str(doc.id), "_source": CourseIndexDocument.source(doc)}

    def index(self, docs: Iterable[CourseDocument]) -> None:
        docs = list(docs)
        if not docs:
            return
        self.ensure_index()
        with _reachable():
            bulk(
                self.client,
                self._actions(docs, self.alias),
                chunk_size=BULK_CHUNK,
                require_alias=True,
            )

    def delete(self, ids: Iterable[int]) -> None:
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": str(i)} for i in ids]
        if not actions or not self.indices():
            return
        with _reachable():
            _ok, errors = bulk(self.client, actions, raise_on_error=False, require_alias=True)
        refused = [e for e in errors if e.get("delete", {}).get("status") != 404]
        if refused:
            raise SearchUnavailable(f"Elasticsearch refused deletions: {refused[:1]}")

    def rebuild(
        self, docs: Iterable[CourseDocument], *, progress: Callable[[int], None] | None = None
    ) -> int:
        """Fill a new index, then move the alias to it in one step and drop the old.

        While it fills, the new index is not refreshed, has no replica and syncs its
        translog in the background; documents are read and prepared here (the database
        is used from this thread only) while REBUILD_SENDERS threads each have a batch
        in flight, so the cluster indexes on all its cores meanwhile."""
        name = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        old = self.indices()
        count, swapped = 0, False
        with _reachable():
            self._create_index(name, **_FILLING)
            try:
                with ThreadPoolExecutor(max_workers=REBUILD_SENDERS) as senders:
                    sending: deque = deque()
                    actions = self._actions(docs, name)
                    while batch := list(islice(actions, BULK_CHUNK)):
                        if len(sending) == REBUILD_SENDERS:
                            count += self._sent(sending.popleft(), progress)
                        sending.append(
                            senders.submit(bulk, self.client, batch, chunk_size=BULK_CHUNK)
                        )
                    while sending:
                        count += self._sent(sending.popleft(), progress)
                slow = client(self.url, REBUILD_TIMEOUT)
                slow.indices.refresh(index=name)
                self.client.indices.put_settings(index=name, settings=_SERVING)
                swap = [{"remove": {"index": index, "alias": self.alias}} for index in old]
                swap.append({"add": {"index": name, "alias": self.alias}})
                self.client.indices.update_aliases(actions=swap)
                swapped = True
            finally:
                if not swapped:
                    self.client.indices.delete(index=name, ignore_unavailable=True)
            if old:
                self.client.indices.delete(index=",".join(old), ignore_unavailable=True)
        return count

    @staticmethod
    def _sent(sending, progress) -> int:
        indexed, _errors = sending.result()
        if progress:
            progress(indexed)
        return indexed

    # Reading
    def _search(self) -> Search:
        """A search of the alias. Its answer is kept in the shard request cache, which
        Elasticsearch empties when the index changes: people search the same words
        again and again (光伏, 焊工), and a repeated search costs next to nothing."""
        search = Search(using=client(self.url, SEARCH_TIMEOUT), index=self.alias)
        return search.params(request_cache=True)

    def frequencies(self, terms: list[Term]) -> tuple[dict[Term, int], int]:
        """From the index's term dictionary (an artificial document's term vectors):
        no posting list is read."""
        if not terms:
            return {}, 0
        by_field: dict[str, list[str]] = {}
        for term in terms:
            by_field.setdefault(_FIELDS[term.field], []).append(term.token)
        try:
            with _reachable():
                vectors = client(self.url, SEARCH_TIMEOUT).termvectors(
                    index=self.alias, doc=by_field, term_statistics=True, field_statistics=True,
                    positions=False, offsets=False,
                )["term_vectors"]  # fmt: skip
        except SearchUnavailable as error:
            if isinstance(error.__cause__, NotFoundError):  # nothing indexed yet
                return {}, 0
            raise
        found, count = {}, 0
        for term in terms:
            field = vectors.get(_FIELDS[term.field], {})
            count = max(count, field.get("field_statistics", {}).get("doc_count", 0))
            found[term] = field.get("terms", {}).get(term.token, {}).get("doc_freq", 0)
        return found, count

    def run(self, query: SearchQuery, query_plan: QueryPlan, *, partial: bool) -> SearchResults:
        chosen = {name: value for name, value in query.filters.items() if value}
        search = self._search().query(_query(query, query_plan, partial))
        search = search.sort(*_SORTS[query.sort]).extra(track_total_hits=True)
        search = search.source(list(_SHOWN))
        if chosen:
            search = search.post_filter("bool", filter=[_filter(n, v) for n, v in chosen.items()])
        if partial and query_plan.strict is not None:
            found = [_filter(n, v) for n, v in chosen.items()] + [_condition(query_plan.strict)]
            search.aggs.bucket("strict", "filter", Q("bool", filter=found))
        for name in FACETS:
            # Each facet counts with the other facets' filters (and without its own,
            # which is a post_filter); with none to apply, no filter aggregation.
            if name == "hours":
                ranges = [
                    {"key": key, "from": low, **({} if high is None else {"to": high})}
                    for key, low, high, _label in HOURS_RANGES
                ]
                values = A("range", field="hours", ranges=ranges, keyed=False)
            else:
                values = A("terms", field=f"{name}_facet", size=50)
            others = [_filter(n, v) for n, v in chosen.items() if n != name]
            if others:
                search.aggs.bucket(name, "filter", Q("bool", filter=others)).bucket(
                    "values", values
                )
            else:
                search.aggs.bucket(name, values)
        search = search[query.offset : query.offset + query.page_size]
        try:
            with _reachable():
                response = search.execute()
        except SearchUnavailable as error:
            if isinstance(error.__cause__, NotFoundError):  # nothing indexed yet
                return self.nothing(query)
            raise
        aggregations = response.aggregations.to_dict()
        total = response.hits.total.value
        strict = aggregations["strict"]["doc_count"] if "strict" in aggregations else total
        if partial and query_plan.strict is None:
            strict = 0
        return SearchResults(
            hits=[self._hit(hit, query_plan) for hit in response.hits],
            total=total,
            facets=self._facets(aggregations, chosen),
            page=query.page,
            page_size=query.page_size,
            partial=total - strict,
        )

    def _hit(self, hit, query_plan: QueryPlan) -> Hit:
        """A result, its matches marked here as the embedded backend marks them (cheaper
        than Elasticsearch's highlighter, and pinyin marked on the characters)."""
        doc = hit.to_dict()
        texts = [doc.get("summary"), doc.get("description"), *doc.get("lessons", [])]
        matched = getattr(hit.meta, "matched_queries", ())
        return Hit(
            id=int(hit.meta.id),
            url=doc.get("url", ""),
            title=doc["title"],
            summary=doc.get("summary", ""),
            academy=doc.get("academy", ""),
            category=doc.get("category", ""),
            hours=doc.get("hours", 0),
            level_label=doc.get("level_label", ""),
            mode_label=doc.get("mode_label", ""),
            highlight={
                "title": highlight.highlight_title(doc["title"], query_plan),
                "text": highlight.highlight_text([*texts, *doc.get("lecturers", [])], query_plan),
            },
            partial=not query_plan.empty and "strict" not in matched,
        )

    def _facets(self, aggregations, chosen) -> dict[str, list[FacetValue]]:
        facets = {}
        labels = {key: str(label) for key, _low, _high, label in HOURS_RANGES}
        for name in FACETS:
            values = []
            counted = aggregations[name]
            for bucket in counted.get("values", counted)["buckets"]:
                if name == "hours":
                    key, label = bucket["key"], labels[bucket["key"]]
                else:
                    key, label = bucket["key"].split(FACET_SEPARATOR, 1)
                if not bucket["doc_count"] and chosen.get(name) != key:
                    continue
                values.append(FacetValue(key, label, bucket["doc_count"], chosen.get(name) == key))
            if chosen.get(name) and not any(v.selected for v in values):
                values.append(FacetValue(chosen[name], chosen[name], 0, True))
            facets[name] = values
        return facets

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        typed = plan_typed(prefix)
        clauses = [
            Q("bool", filter=[_typed(lookup) for lookup in alternative])
            for alternative in typed.lookups()
        ]
        if not clauses:
            return []
        search = self._search().query(Q("bool", should=clauses, minimum_should_match=1))
        search = search.sort("_score", {"popularity": "desc"})[:SUGGESTION_CANDIDATES]
        search = search.source(["title", "url", "title_pinyin", "title_initials", "popularity"])
        try:
            with _reachable():
                response = search.execute()
        except SearchUnavailable as error:
            if isinstance(error.__cause__, NotFoundError):
                return []
            raise
        hits = sorted(
            response.hits,
            key=lambda hit: typed.rank(
                hit.title, hit.title_pinyin, hit.title_initials, hit.popularity
            ),
        )
        return [Suggestion(title=hit.title, url=hit.url) for hit in hits[:limit]]
