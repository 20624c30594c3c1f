"""The search backend inside the database: SQLite FTS5 or PostgreSQL full-text search,
fed with the tokens of `search.text` (character unigrams and bigrams, pinyin
syllables and their pairs, pairs of initials), so Chinese works without any parser.

Each query term is looked up on its own in the full-text structure (one posting list
each); the courses are counted per term in SQL, which gives "most of the bigrams"
exactly without spelling out combinations. Titles, names, pinyin and initials are
compared in the same statement; ranking, facets and paging are done here on the
candidates, one code path for both databases."""

import contextlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice, pairwise

from django.db import connection, transaction

from search import highlight, text
from search.backends import EMBEDDED, SearchBackend
from search.documents import FACETS, HOURS_RANGES, CourseDocument, hours_range
from search.models import SearchDocument, SearchEntry
from search.query import (
    FacetValue,
    Hit,
    QueryPlan,
    SearchQuery,
    SearchResults,
    Suggestion,
    TypedPlan,
    plan,
    plan_typed,
)

FTS_TABLE = "search_entry_fts"
BATCH = 500
SUGGESTION_CANDIDATES = 200
_TOKEN = re.compile(rf"[a-z0-9{text.HAN}]+")

# Where each kind of token goes: FTS5 columns on SQLite; on PostgreSQL, one tsvector of
# lexemes tagged with their column (`t:光伏`, `s:guangfu`). Not tsvector weights: a
# query restricted to weights makes PostgreSQL read every matching row's tsvector
# again to check them (a GIN index holds no weights), slow for common bigrams.
TEXT, SPELL, INITIALS = ("title", "body"), ("spell",), ("initials",)
_TAGS = {"title": "t", "spell": "s", "initials": "i", "body": "b"}


def _lexemes(columns: dict[str, str]) -> list[str]:
    """The tagged lexemes of the PostgreSQL tsvector of a document's columns."""
    return list(
        dict.fromkeys(
            f"{_TAGS[name]}:{token}" for name, text_ in columns.items() for token in text_.split()
        )
    )


# How PostgreSQL plans a search. Its planner does not see what reading a tsvector
# stored out of line costs: it would rather scan the table and read every course's
# tsvector (20 times slower) than look the terms up in the GIN index. Parallel workers
# and JIT compilation take longer to start than a search lasts.
_PLANNING = {"enable_seqscan": "off", "max_parallel_workers_per_gather": "0", "jit": "off"}


@contextlib.contextmanager
def _by_index(postgres: bool):
    """On PostgreSQL, a statement planned as _PLANNING says, in a transaction of its own."""
    if not postgres:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for name, value in _PLANNING.items():
            cursor.execute(f"SET LOCAL {name} = {value}")
        yield
        for name in _PLANNING:
            cursor.execute(f"SET LOCAL {name} TO DEFAULT")


@dataclass(frozen=True)
class Term:
    token: str
    columns: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Group:
    """At least `need` of `terms` must be in a course."""

    terms: tuple[Term, ...]
    need: int


# An alternative is a tuple of groups that must all hold; a course is found when one
# of the alternatives holds (the query, a synonym variant, a pinyin reading, initials).
Alternative = tuple[Group, ...]


def _terms(tokens, columns, prefix_last=False) -> tuple[Term, ...]:
    tokens = [token for token in tokens if _TOKEN.fullmatch(token)]
    return tuple(
        Term(token, columns, prefix=prefix_last and i == len(tokens) - 1)
        for i, token in enumerate(tokens)
    )


def _all(terms: tuple[Term, ...]) -> Group:
    return Group(terms, len(terms))


def _syllable_tokens(syllables) -> list[str]:
    """A reading is matched by its pairs of neighbouring syllables (han+jie → hanjie),
    one syllable by itself."""
    if len(syllables) == 1:
        return list(syllables)
    return [a + b for a, b in pairwise(syllables)]


def _alternatives(query_plan: QueryPlan) -> list[Alternative]:
    relaxed, alternatives = query_plan.relaxed, []
    for variant in query_plan.variants:
        han = _terms(variant.terms.han, TEXT)
        words = _terms(variant.terms.words, TEXT)
        if relaxed:
            alternatives.append((Group(han + words, 1),))
            continue
        groups = (Group(han, text.required_matches(len(han))),) if han else ()
        alternatives.append(groups + ((_all(words),) if words else ()))
    for reading in query_plan.pinyin:
        alternatives.append((_all(_terms(_syllable_tokens(reading), SPELL)),))
    pairs = _terms(query_plan.initial_bigrams, INITIALS)
    if pairs:
        alternatives.append((Group(pairs, text.required_matches(len(pairs))),))
    return [alternative for alternative in alternatives if alternative]


def _typed_alternatives(typed: TypedPlan) -> list[Alternative]:
    """What is being typed: the characters in titles, the last word or syllable unfinished."""
    alternatives = []
    if typed.terms:
        words = _terms(typed.terms.words, ("title",), prefix_last=True)
        alternatives.append((_all(_terms(typed.terms.han, ("title",)) + words),))
    if typed.spelled:
        # Whole syllables typed so far and the start of the next:
        # `hanj` → hanj*, `guangfufad` → guangfu fufa fad*.
        syllables, partial = typed.syllables, typed.partial
        if partial:
            tokens = [a + b for a, b in pairwise(syllables)]
            tokens.append((syllables[-1] if syllables else "") + partial)
            alternatives.append((_all(_terms(tokens, SPELL, prefix_last=True)),))
        else:
            alternatives.append((_all(_terms(_syllable_tokens(syllables), SPELL)),))
    if typed.initials:
        pairs = [a + b for a, b in pairwise(typed.initials)]
        alternatives.append((_all(_terms(pairs, INITIALS)),))
    return alternatives


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
    )


_ENTRY_FIELDS = [f.name for f in SearchEntry._meta.concrete_fields if f.name != "id"]
_FILTER_COLUMNS = {
    "academy": "e.academy_id",
    "category": "e.category_id",
    "level": "e.level",
    "mode": "e.mode",
    "hours": "e.hours_range",
}


@dataclass(frozen=True)
class _Signal:
    """A comparison made in SQL (1 or 0, or how many of `out_of` terms were found) and
    the points it is worth; fewer than `need` terms found earn a quarter."""

    sql: str
    params: tuple
    points: float
    out_of: int = 1
    need: int = 0

    def score(self, column: str) -> str:
        value = f"{self.points / self.out_of!r} * {column}"
        if self.need:
            return f"{value} * (CASE WHEN {column} >= {self.need} THEN 1 ELSE 0.25 END)"
        return value


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
        SearchDocument.objects.bulk_create(
            [SearchDocument(id=doc.id, document=doc.as_dict()) for doc in docs],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["document"],
        )
        rows = [(doc.id, _columns(doc)) for doc in docs]
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.executemany(
                    "UPDATE search_searchentry SET tokens = array_to_tsvector(%s::text[])"
                    " WHERE id = %s",
                    [(_lexemes(columns), id_) for id_, columns in rows],
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
                SearchDocument.objects.filter(id__in=batch).delete()
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
    def _term_lookup(self, number: int, term: Term) -> tuple[str, str]:
        """SQL listing the courses holding one term (tagged with its number), and its
        query string for the full-text structure."""
        star = "*" if term.prefix else ""
        if self.postgres:
            lexemes = (
                f"'{_TAGS[column]}:{term.token}'{':*' if star else ''}" for column in term.columns
            )
            return (
                f"SELECT id, {number} AS t FROM search_searchentry WHERE tokens @@ %s::tsquery",
                " | ".join(lexemes),
            )
        columns = " ".join(term.columns)
        return (
            f"SELECT rowid AS id, {number} AS t FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            f'{{{columns}}} : "{term.token}"{" *" if star else ""}',
        )

    def _matching(self, alternatives: list[Alternative]) -> tuple[str, list, str, int]:
        """A `counted` table of the courses holding any of the terms (with how many
        they hold, `found`), and the condition that one of the alternatives holds."""
        groups = list(dict.fromkeys(group for alternative in alternatives for group in alternative))
        terms = dict.fromkeys(term for group in groups for term in group.terms)
        numbers = {term: number for number, term in enumerate(terms)}
        lookups, params = [], []
        for term, number in numbers.items():
            sql, match = self._term_lookup(number, term)
            lookups.append(sql)
            params.append(match)
        # Each lookup lists a course once, so a sum counts the terms of a group it holds.
        counts = [
            f"sum(CASE WHEN t IN ({', '.join(str(numbers[t]) for t in group.terms)})"
            f" THEN 1 ELSE 0 END) AS g{index}"
            for index, group in enumerate(groups)
        ]
        # On PostgreSQL, each lookup planned on its own: a bitmap scan of the GIN index
        # (not the primary key walked in order for the GROUP BY, reading every tsvector).
        materialized = " MATERIALIZED" if self.postgres else ""
        cte = (
            f"WITH found(id, t) AS{materialized} ({' UNION ALL '.join(lookups)}),"
            f" counted AS (SELECT id, count(*) AS found, {', '.join(counts)}"
            " FROM found GROUP BY id)"
        )
        holds = " OR ".join(
            "(" + " AND ".join(f"c.g{groups.index(g)} >= {g.need}" for g in alternative) + ")"
            for alternative in alternatives
        )
        return cte, params, f"({holds})", len(numbers)

    def _contains(self, column: str) -> str:
        if self.postgres:
            return f"(strpos({column}, %s) > 0)::int"
        return f"(instr({column}, %s) > 0)"

    def _share_of(self, column: str) -> str:
        """How much of the title the phrase is, when it is in it: 职工心理健康 ranks
        before 职工心理健康:压力与情绪调适."""
        found, share = ("strpos", "%s::float8") if self.postgres else ("instr", "%s * 1.0")
        return f"CASE WHEN {found}({column}, %s) > 0 THEN {share} / length({column}) ELSE 0 END"

    def _signals(self, query_plan: QueryPlan) -> list[_Signal]:
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
                _Signal(
                    self._share_of("e.title_key"), (variant.phrase, len(variant.phrase)), 2 * w
                ),
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
                _Signal(self._share_of("e.title_pinyin"), (spelled, len(spelled)), 1),
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

    def _candidates(self, query: SearchQuery, query_plan: QueryPlan) -> tuple[str, list]:
        """A `candidates` table: the courses found, each with its score, facet values
        (f0…f4, in the order of FACETS) and labels (l0…l3), date and popularity. Only
        courses missing at most one chosen filter are kept: the others count nowhere."""
        signals = self._signals(query_plan)
        signal_sql = "".join(f", ({s.sql}) AS s{i}" for i, s in enumerate(signals))
        params = [param for signal in signals for param in signal.params]
        columns = (
            "e.academy_id AS f0, e.category_id AS f1, e.level AS f2, e.mode AS f3,"
            " e.hours_range AS f4, e.academy AS l0, e.category AS l1, e.level_label AS l2,"
            " e.mode_label AS l3, e.published_at AS published, e.popularity AS popularity"
        )
        where, where_params, terms, cte = [], [], 1, "WITH"
        if query_plan.empty:
            source = "search_searchentry e"
            found = "0"
        else:
            matching, cte_params, holds, terms = self._matching(_alternatives(query_plan))
            cte, params = f"{matching},", [*cte_params, *params]
            source = "counted c JOIN search_searchentry e ON e.id = c.id"
            found = "c.found"
            where.append(holds)
        chosen = [(_FILTER_COLUMNS[n], v) for n, v in query.filters.items() if v]
        if chosen:
            cast = "::int" if self.postgres else ""
            misses = " + ".join(f"({column} <> %s){cast}" for column, _v in chosen)
            where.append(f"({misses}) <= 1")
            where_params.extend(value for _column, value in chosen)
        if query.only_ids is not None:
            where.append(f"e.id IN ({', '.join(['%s'] * len(query.only_ids)) or 'NULL'})")
            where_params.extend(query.only_ids)
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        # How many of the query's terms the course holds anywhere, then the signals.
        score = " + ".join(
            [f"2.0 * found / {terms}"] + [s.score(f"s{i}") for i, s in enumerate(signals)]
        )
        # `scored` is folded into `candidates` (one pass over the rows, not two).
        sql = (
            f"{cte} scored AS NOT MATERIALIZED"
            f" (SELECT e.id, {found} AS found{signal_sql}, {columns} FROM {source}{condition}),"
            f" candidates AS MATERIALIZED (SELECT id, {score} AS score,"
            " f0, f1, f2, f3, f4, l0, l1, l2, l3, published, popularity FROM scored)"
        )
        return sql, [*params, *where_params]

    def search(self, query: SearchQuery) -> SearchResults:
        query_plan = plan(query)
        candidates, params = self._candidates(query, query_plan)
        chosen = {FACETS.index(n): v for n, v in query.filters.items() if v}

        def passing(*, but: int | None = None) -> tuple[str, list]:
            tests = [
                (f"f{position}", value) for position, value in chosen.items() if position != but
            ]
            sql = " AND ".join(f"{column} = %s" for column, _value in tests) or "1 = 1"
            return sql, [value for _column, value in tests]

        order = {
            "relevance": "score DESC, popularity DESC, published DESC NULLS LAST, id",
            "newest": "published DESC NULLS LAST, score DESC, id",
            "popular": "popularity DESC, score DESC, id",
        }[query.sort]
        everything, everything_params = passing()
        parts = [
            # The page is cut first (a top-n sort), then numbered: numbering every
            # candidate would sort them all.
            "SELECT 'hit' AS kind, id, CAST(NULL AS TEXT) AS facet_key,"
            " CAST(NULL AS TEXT) AS label, position AS n FROM ("
            f" SELECT id, row_number() OVER (ORDER BY {order}) AS position FROM ("
            " SELECT id, score, popularity, published FROM candidates"
            f" WHERE {everything} ORDER BY {order} LIMIT {query.page_size} OFFSET {query.offset}"
            ") cut) page",
            "SELECT 'total', CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT),"
            f" count(*) FROM candidates WHERE {everything}",
        ]
        part_params = [*everything_params, *everything_params]
        for position, name in enumerate(FACETS):
            others, others_params = passing(but=position)
            label = f"min(l{position})" if position < 4 else "CAST(NULL AS TEXT)"
            parts.append(
                f"SELECT '{name}', CAST(NULL AS BIGINT), f{position}, {label}, count(*)"
                f" FROM candidates WHERE {others} GROUP BY f{position}"
            )
            part_params.extend(others_params)
        with _by_index(self.postgres and not query_plan.empty), connection.cursor() as cursor:
            cursor.execute(f"{candidates} {' UNION ALL '.join(parts)}", [*params, *part_params])
            rows = cursor.fetchall()
        page = sorted((n, id_) for kind, id_, _key, _label, n in rows if kind == "hit")
        facets = {name: [] for name in FACETS}
        total = 0
        for kind, _id, key, label, count in rows:
            if kind == "total":
                total = count
            elif kind != "hit" and key:
                facets[kind].append((key, label, count))
        return SearchResults(
            hits=self._hits([id_ for _n, id_ in page], query_plan),
            total=total,
            facets=_facets(facets, query.filters),
            page=query.page,
            page_size=query.page_size,
        )

    def _hits(self, ids: list[int], query_plan: QueryPlan) -> list[Hit]:
        documents = dict(SearchDocument.objects.filter(id__in=ids).values_list("id", "document"))
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
        alternatives = _typed_alternatives(typed)
        if not alternatives:
            return []
        cte, params, holds, _terms_count = self._matching(alternatives)
        with _by_index(self.postgres), connection.cursor() as cursor:
            cursor.execute(
                f"{cte} SELECT e.id, e.title_key, e.title_pinyin, e.title_initials, e.popularity"
                f" FROM counted c JOIN search_searchentry e ON e.id = c.id WHERE {holds}"
                f" ORDER BY e.popularity DESC LIMIT {SUGGESTION_CANDIDATES}",
                params,
            )
            rows = cursor.fetchall()
        rows.sort(key=lambda row: typed.rank(*row[1:]))
        ids = [row[0] for row in rows[:limit]]
        documents = dict(SearchDocument.objects.filter(id__in=ids).values_list("id", "document"))
        return [Suggestion(title=documents[i]["title"], url=documents[i]["url"]) for i in ids]


def _facets(counted: dict[str, list], chosen: dict[str, str]) -> dict[str, list[FacetValue]]:
    facets = {}
    for name in FACETS:
        selected = chosen.get(name)
        values = {key: (label or key, count) for key, label, count in counted[name]}
        if name == "hours":
            facets[name] = [
                FacetValue(key, str(label), values[key][1] if key in values else 0, selected == key)
                for key, _low, _high, label in HOURS_RANGES
                if key in values or selected == key
            ]
            continue
        if selected and selected not in values:
            values[selected] = (selected, 0)
        facets[name] = sorted(
            (FacetValue(k, label, count, selected == k) for k, (label, count) in values.items()),
            key=lambda v: (-v.count, v.label),
        )
    return facets
