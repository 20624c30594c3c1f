"""The search backend inside the database: SQLite FTS5 or PostgreSQL full-text search,
fed with the tokens of `search.text` (character unigrams and bigrams, pinyin
syllables and their pairs, pairs of initials), so Chinese works without any parser.

The full-text structure finds the candidates and gives a text rank; titles, pinyin and
initials are compared in the same query; ranking, facets and paging are done here on
the candidates, which keeps one code path for both databases."""

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations, islice, pairwise
from typing import NamedTuple

from django.db import connection, transaction

from search import highlight, text
from search.backends import EMBEDDED, SearchBackend
from search.documents import FACETS, HOURS_RANGES, CourseDocument, hours_range
from search.models import SearchEntry
from search.query import (
    FacetValue,
    Hit,
    QueryPlan,
    SearchQuery,
    SearchResults,
    Suggestion,
    plan,
    plan_typed,
)

FTS_TABLE = "search_entry_fts"
BATCH = 500
MAX_TERMS = 8  # "most of n terms" is written out as combinations; cap n
_TOKEN = re.compile(rf"[a-z0-9{text.HAN}]+")

# Where each kind of token goes: FTS5 columns on SQLite, tsvector weights on PostgreSQL.
TEXT, SPELL, INITIALS = ("title", "body"), ("spell",), ("initials",)
_WEIGHTS = {"title": "A", "spell": "B", "initials": "C", "body": "D"}


# A small boolean query language, written out as FTS5 MATCH or as a tsquery.
@dataclass(frozen=True)
class Term:
    token: str
    columns: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class All:
    parts: tuple


@dataclass(frozen=True)
class Any:
    parts: tuple


def _all(parts) -> All | Any | Term:
    parts = tuple(parts)
    return parts[0] if len(parts) == 1 else All(parts)


def _any(parts) -> All | Any | Term:
    parts = tuple(dict.fromkeys(parts))
    return parts[0] if len(parts) == 1 else Any(parts)


def _at_least(count: int, terms: list[Term]):
    terms = terms[:MAX_TERMS]
    count = min(count, len(terms))
    if count <= 1:
        return _any(terms)
    return _any(_all(combo) for combo in combinations(terms, count))


def _fts5(node) -> str:
    if isinstance(node, Term):
        columns = " ".join(node.columns)
        star = " *" if node.prefix else ""
        return f'{{{columns}}} : "{node.token}"{star}'
    joiner = " AND " if isinstance(node, All) else " OR "
    return "(" + joiner.join(_fts5(part) for part in node.parts) + ")"


def _tsquery(node) -> str:
    if isinstance(node, Term):
        weights = "".join(_WEIGHTS[column] for column in node.columns)
        return f"'{node.token}':{'*' if node.prefix else ''}{weights}"
    joiner = " & " if isinstance(node, All) else " | "
    return "(" + joiner.join(_tsquery(part) for part in node.parts) + ")"


def _terms(tokens, columns, prefix_last=False) -> list[Term]:
    tokens = [token for token in tokens if _TOKEN.fullmatch(token)]
    return [
        Term(token, columns, prefix=prefix_last and i == len(tokens) - 1)
        for i, token in enumerate(tokens)
    ]


def _syllable_tokens(syllables) -> list[str]:
    """A reading is matched by its pairs of neighbouring syllables (han+jie → hanjie),
    one syllable by itself."""
    if len(syllables) == 1:
        return list(syllables)
    return [a + b for a, b in pairwise(syllables)]


def _typed_pinyin(syllables: tuple[str, ...], partial: str) -> list[Term]:
    """Whole syllables typed so far and the start of the next: `hanj` → hanj*,
    `guangfufad` → guangfu fufa fad*."""
    if not partial:
        return _terms(_syllable_tokens(syllables), SPELL)
    pairs = [a + b for a, b in pairwise(syllables)]
    last = (syllables[-1] if syllables else "") + partial
    return _terms([*pairs, last], SPELL, prefix_last=True)


def _match_tree(query_plan: QueryPlan):
    relaxed = query_plan.relaxed
    alternatives = []
    for variant in query_plan.variants:
        parts = []
        han = _terms(variant.terms.han, TEXT)
        if han:
            need = 1 if relaxed else text.required_matches(len(han))
            parts.append(_at_least(need, han))
        words = _terms(variant.terms.words, TEXT)
        if words:
            parts.append(_any(words) if relaxed else _all(words))
        if parts:
            alternatives.append(_any(parts) if relaxed else _all(parts))
    for reading in query_plan.pinyin:
        alternatives.append(_all(_terms(_syllable_tokens(reading), SPELL)))
    pairs = _terms(query_plan.initial_bigrams, INITIALS)
    if pairs:
        alternatives.append(_at_least(text.required_matches(len(pairs)), pairs))
    return _any(alternatives) if alternatives else None


# Tokens per column of one document.
def _syllables(texts: Iterable[str]) -> list[str]:
    tokens = []
    for value in texts:
        syllables = text.pinyin(value)
        tokens.extend(syllables)
        tokens.extend(a + b for a, b in pairwise(syllables))
    return tokens


def _initial_pairs(names: Iterable[str]) -> list[str]:
    return [a + b for name in names for a, b in pairwise(text.initials(name))]


def _columns(doc: CourseDocument) -> dict[str, str]:
    spell = _syllables([doc.title, *doc.lecturers, doc.summary, *doc.tags, *doc.lessons])
    pairs = _initial_pairs([doc.title, *doc.lecturers])
    body = [
        doc.summary,
        doc.description,
        *doc.lessons,
        *doc.lecturers,
        *doc.honours,
        doc.academy,
        doc.training_base,
        doc.category,
        *doc.tags,
    ]
    return {
        "title": " ".join(text.index_tokens(doc.title)),
        "spell": " ".join(spell),
        "initials": " ".join(pairs),
        "body": " ".join(token for part in body for token in text.index_tokens(part)),
    }


def _key(value: str) -> str:
    return "".join(text.runs(value))


def _entry(doc: CourseDocument) -> SearchEntry:
    spelling = doc.spelling()
    return SearchEntry(
        id=doc.id,
        title_key=_key(doc.title),
        people_key="|".join(_key(name) for name in doc.lecturers),
        title_pinyin=f" {spelling.title_pinyin} ",
        people_pinyin="".join(f" {reading} |" for reading in spelling.lecturer_pinyin),
        title_initials=spelling.title_initials.replace(" ", ""),
        people_initials="|".join(s.replace(" ", "") for s in spelling.lecturer_initials),
        academy_id=doc.academy_id,
        academy=doc.academy,
        category_id=doc.category_id,
        category=doc.category,
        level=doc.level,
        level_label=doc.level_label,
        mode=doc.mode,
        mode_label=doc.mode_label,
        hours=doc.hours,
        hours_range=hours_range(doc.hours),
        published_at=doc.published_at,
        popularity=doc.popularity,
        document=doc.as_dict(),
    )


_ENTRY_FIELDS = [
    f.name for f in SearchEntry._meta.concrete_fields if f.name not in ("id", "indexed_at")
] + ["indexed_at"]


@dataclass(frozen=True)
class _Signal:
    """A comparison made in SQL (1 or 0, or how many of `out_of` terms were found) and
    the points it is worth; fewer than `need` terms found earn a quarter."""

    sql: str
    params: tuple
    points: float
    out_of: int = 1
    need: int = 0

    def score(self, value) -> float:
        return self.points * value / self.out_of * (1 if value >= self.need else 0.25)


class _Candidate(NamedTuple):
    id: int
    score: float
    keys: tuple  # the facet values, in the order of FACETS
    labels: tuple  # their labels (hours' come from HOURS_RANGES)
    published: tuple  # sortable: (has a date, the date)
    popularity: int


class EmbeddedBackend(SearchBackend):
    name = EMBEDDED

    @property
    def postgres(self) -> bool:
        return connection.vendor == "postgresql"

    # Writing
    def index(self, docs: Iterable[CourseDocument]) -> None:
        docs = list({doc.id: doc for doc in docs}.values())
        for start in range(0, len(docs), BATCH):
            self._write(docs[start : start + BATCH])

    @transaction.atomic
    def _write(self, docs: list[CourseDocument]) -> None:
        SearchEntry.objects.bulk_create(
            [_entry(doc) for doc in docs],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=_ENTRY_FIELDS,
        )
        rows = [(doc.id, _columns(doc)) for doc in docs]
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.executemany(
                    "UPDATE search_searchentry SET tokens ="
                    " setweight(to_tsvector('simple', %s), 'A')"
                    " || setweight(to_tsvector('simple', %s), 'B')"
                    " || setweight(to_tsvector('simple', %s), 'C')"
                    " || setweight(to_tsvector('simple', %s), 'D') WHERE id = %s",
                    [(c["title"], c["spell"], c["initials"], c["body"], id_) for id_, c in rows],
                )
            else:
                self._fts_delete(cursor, [doc.id for doc in docs])
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, title, spell, initials, body)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [(id_, c["title"], c["spell"], c["initials"], c["body"]) for id_, c in rows],
                )

    def _fts_delete(self, cursor, ids: list[int]) -> None:
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with transaction.atomic():
                SearchEntry.objects.filter(id__in=batch).delete()
                if not self.postgres:
                    with connection.cursor() as cursor:
                        self._fts_delete(cursor, batch)

    def rebuild(
        self, docs: Iterable[CourseDocument], *, progress: Callable[[int], None] | None = None
    ) -> int:
        # Batch by batch, each in its own short transaction, so searches keep finding
        # every course and publishing is never blocked; what is no longer there goes last.
        seen: set[int] = set()
        docs = iter(docs)
        while batch := list(islice(docs, BATCH)):
            self._write(batch)
            seen.update(doc.id for doc in batch)
            if progress:
                progress(len(batch))
        gone = set(SearchEntry.objects.values_list("id", flat=True)) - seen
        self.delete(sorted(gone))
        if not self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {FTS_TABLE}"
                    " WHERE rowid NOT IN (SELECT id FROM search_searchentry)"
                )
        return len(seen)

    # Reading
    def _contains(self, column: str) -> str:
        if self.postgres:
            return f"(strpos({column}, %s) > 0)::int"
        return f"(instr({column}, %s) > 0)"

    def _share_of_title(self) -> str:
        found, share = ("strpos", "%s::float8") if self.postgres else ("instr", "%s * 1.0")
        return (
            f"CASE WHEN {found}(e.title_key, %s) > 0 THEN {share} / length(e.title_key) ELSE 0 END"
        )

    def _signals(self, query_plan: QueryPlan) -> list["_Signal"]:
        """Comparisons of the query with titles, names and their spelling, made in SQL
        on every candidate: a title phrase first, then most of the title's terms, then
        the lecturers; pinyin and initials for a Latin query."""
        contains = self._contains
        signals = []
        for variant in query_plan.variants:
            w = variant.weight
            terms = (*variant.terms.han, *variant.terms.words)
            signals += [
                _Signal(contains("e.title_key"), (variant.phrase,), 10 * w),
                # How much of the title the phrase is: 职工心理健康 before 职工心理健康:压力…
                _Signal(self._share_of_title(), (variant.phrase, len(variant.phrase)), 2 * w),
                _Signal(
                    " + ".join([contains("e.title_key")] * len(terms)),
                    terms,
                    4 * w,
                    out_of=len(terms),
                    need=text.required_matches(len(terms)),
                ),
                _Signal(contains("e.people_key"), (variant.phrase,), 3 * w),
            ]
        for reading in query_plan.pinyin:
            spelled = f" {' '.join(reading)} "
            signals += [
                _Signal(contains("e.title_pinyin"), (spelled,), 6),
                _Signal(contains("e.people_pinyin"), (spelled,), 3),
            ]
        if query_plan.initials:
            letters, pairs = "".join(query_plan.initials), query_plan.initial_bigrams
            signals += [
                _Signal(contains("e.title_initials"), (letters,), 4),
                _Signal(
                    " + ".join([contains("e.title_initials")] * len(pairs)),
                    pairs,
                    1.5,
                    out_of=len(pairs),
                ),
                _Signal(contains("e.people_initials"), (letters,), 2),
            ]
        return signals

    def _candidates(self, query: SearchQuery, query_plan: QueryPlan) -> list[_Candidate]:
        facet_columns = (
            "e.academy_id, e.category_id, e.level, e.mode, e.hours_range,"
            " e.academy, e.category, e.level_label, e.mode_label, e.published_at, e.popularity"
        )
        signals = self._signals(query_plan)
        signal_sql = "".join(f", ({signal.sql})" for signal in signals)
        params = [param for signal in signals for param in signal.params]
        where, where_params = [], []
        if query_plan.empty:
            sql = f"SELECT e.id, 0{signal_sql}, {facet_columns} FROM search_searchentry e"
        else:
            tree = _match_tree(query_plan)
            if tree is None:
                return []
            if self.postgres:
                sql = (
                    f"SELECT e.id, ts_rank('{{0.1, 0.3, 0.5, 1.0}}', e.tokens, q){signal_sql},"
                    f" {facet_columns} FROM search_searchentry e,"
                    " to_tsquery('simple', %s) q"
                )
                params = [*params, _tsquery(tree)]
                where.append("e.tokens @@ q")
            else:
                sql = (
                    f"SELECT e.id, bm25({FTS_TABLE}, 10.0, 5.0, 3.0, 1.0){signal_sql},"
                    f" {facet_columns} FROM {FTS_TABLE}"
                    f" JOIN search_searchentry e ON e.id = {FTS_TABLE}.rowid"
                )
                where.append(f"{FTS_TABLE} MATCH %s")
                where_params.append(_fts5(tree))
        if query.only_ids is not None:
            where.append(f"e.id IN ({', '.join(['%s'] * len(query.only_ids)) or 'NULL'})")
            where_params.extend(query.only_ids)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *where_params])
            rows = cursor.fetchall()
        best_rank = max((abs(row[1]) for row in rows), default=0) or 1
        first = 2 + len(signals)
        candidates = []
        for row in rows:
            score = 2 * abs(row[1]) / best_rank + math.log10(1 + row[-1]) / 100
            score += sum(s.score(v) for s, v in zip(signals, row[2:first], strict=True))
            published = row[-2]
            candidates.append(
                _Candidate(
                    id=row[0],
                    score=score,
                    keys=row[first : first + 5],
                    labels=(*row[first + 5 : first + 9], ""),
                    published=(published is not None, published or 0),
                    popularity=row[-1],
                )
            )
        return candidates

    def search(self, query: SearchQuery) -> SearchResults:
        query_plan = plan(query)
        chosen = [(FACETS.index(name), value) for name, value in query.filters.items() if value]
        counts = [Counter() for _name in FACETS]
        labels: dict[tuple[int, str], str] = {}
        matching = []
        for candidate in self._candidates(query, query_plan):
            keys = candidate.keys
            missed = [position for position, value in chosen if keys[position] != value]
            if len(missed) > 1:
                continue
            # A facet counts the courses that pass every filter but its own.
            for position in missed or range(len(FACETS)):
                counts[position][keys[position]] += 1
                if counts[position][keys[position]] == 1:
                    labels[position, keys[position]] = candidate.labels[position]
            if not missed:
                matching.append(candidate)
        order = {
            "relevance": lambda c: (c.score, c.popularity, c.published),
            "newest": lambda c: (c.published, c.score),
            "popular": lambda c: (c.popularity, c.score),
        }[query.sort]
        matching.sort(key=order, reverse=True)
        page = matching[query.offset : query.offset + query.page_size]
        return SearchResults(
            hits=self._hits([c.id for c in page], query_plan),
            total=len(matching),
            facets=_facets(counts, labels, dict(chosen)),
            page=query.page,
            page_size=query.page_size,
        )

    def _hits(self, ids: list[int], query_plan: QueryPlan) -> list[Hit]:
        documents = dict(SearchEntry.objects.filter(id__in=ids).values_list("id", "document"))
        hits = []
        for id_ in ids:
            doc = CourseDocument.from_dict(documents[id_])
            texts = [doc.summary, doc.description, *doc.lessons, *doc.lecturers]
            hits.append(
                Hit(
                    id=doc.id,
                    url=doc.url,
                    title=doc.title,
                    summary=doc.summary,
                    academy=doc.academy,
                    category=doc.category,
                    hours=doc.hours,
                    level_label=doc.level_label,
                    mode_label=doc.mode_label,
                    highlight={
                        "title": highlight.highlight_title(doc.title, query_plan),
                        "text": highlight.highlight_text(texts, query_plan),
                    },
                )
            )
        return hits

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        typed = plan_typed(prefix)
        alternatives = []
        if typed.terms:
            words = _terms(typed.terms.words, ("title",), prefix_last=True)
            alternatives.append(_all([*_terms(typed.terms.han, ("title",)), *words]))
        if typed.spelled:
            alternatives.append(_all(_typed_pinyin(typed.syllables, typed.partial)))
        if typed.initials:
            pairs = [a + b for a, b in pairwise(typed.initials)]
            alternatives.append(_all(_terms(pairs, INITIALS)))
        if not alternatives:
            return []
        tree = _any(alternatives)
        if self.postgres:
            sql = (
                "SELECT e.id, e.title_key, e.popularity FROM search_searchentry e"
                " WHERE e.tokens @@ to_tsquery('simple', %s)"
            )
            params = [_tsquery(tree)]
        else:
            sql = (
                f"SELECT e.id, e.title_key, e.popularity FROM {FTS_TABLE}"
                f" JOIN search_searchentry e ON e.id = {FTS_TABLE}.rowid"
                f" WHERE {FTS_TABLE} MATCH %s"
            )
            params = [_fts5(tree)]
        with connection.cursor() as cursor:
            cursor.execute(sql + " ORDER BY e.popularity DESC LIMIT 200", params)
            rows = cursor.fetchall()
        key = _key(typed.text)
        rows.sort(key=lambda r: (not r[1].startswith(key), key not in r[1], -r[2]))
        ids = [row[0] for row in rows[:limit]]
        documents = dict(SearchEntry.objects.filter(id__in=ids).values_list("id", "document"))
        return [Suggestion(title=documents[i]["title"], url=documents[i]["url"]) for i in ids]


def _facets(counts, labels, chosen: dict[int, str]) -> dict[str, list[FacetValue]]:
    facets = {}
    for position, name in enumerate(FACETS):
        selected = chosen.get(position)
        if name == "hours":
            values = [
                FacetValue(key, str(label), counts[position][key], selected == key)
                for key, _low, _high, label in HOURS_RANGES
                if counts[position][key] or selected == key
            ]
        else:
            values = [
                FacetValue(key, labels[position, key] or key, count, selected == key)
                for key, count in counts[position].items()
                if key
            ]
            if selected and selected not in counts[position]:
                values.append(FacetValue(selected, selected, 0, True))
            values.sort(key=lambda v: (-v.count, v.label))
        facets[name] = values
    return facets
