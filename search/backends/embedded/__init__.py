"""The search backend inside the database, fed with the tokens of `search.text`
(character unigrams and bigrams, Latin words and their pieces, fuzzy pinyin syllables
and their pairs, pairs of initials), so Chinese works without any parser.

What the two databases share lives here: the tokens of a document, the rows beside
them, and the statement that runs a query plan — each term looked up on its own in
the full-text structure (one posting list each), the terms a course holds gathered
per course in SQL, the plan's conditions and score computed on them, then facets and
paging, one code path for both. What differs — how tokens are stored and looked up —
is in `sqlite.py` (an FTS5 table) and `postgresql.py` (a tsvector column)."""

from collections.abc import Callable, Iterable
from itertools import islice

from django.db import connection, transaction

from search import highlight, text, tokens
from search.backends import EMBEDDED, SearchBackend
from search.documents import FACETS, HOURS_RANGES, CourseDocument, hours_range
from search.models import SearchDocument, SearchEntry
from search.query import (
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
    plan_typed,
)

BATCH = 500
SUGGESTION_CANDIDATES = 200
# The columns of a document's tokens (`search.tokens`: FTS5 columns on SQLite, tags
# of lexemes on PostgreSQL).
COLUMNS = ("title", "spell", "initials", "body", "grams")
# Where a plan's terms are looked up.
FIELD_COLUMNS = {"text": "body", "spell": "spell", "initials": "initials", "grams": "grams"}


def embedded_backend() -> "EmbeddedBackend":
    """The embedded backend for the database in use."""
    if connection.vendor == "postgresql":
        from search.backends.embedded.postgresql import PostgresBackend

        return PostgresBackend()
    from search.backends.embedded.sqlite import SQLiteBackend

    return SQLiteBackend()


def _entry(doc: CourseDocument) -> SearchEntry:
    spelling = doc.spelling()
    return SearchEntry(
        id=doc.id,
        title_key=tokens.key(doc.title),
        people_key="".join(f"|{tokens.key(name)}" for name in doc.lecturers) + "|",
        title_pinyin=f" {spelling.title_pinyin} ",
        people_pinyin="".join(f" {reading} |" for reading in spelling.lecturer_pinyin),
        title_fuzzy=f" {spelling.title_fuzzy} ",
        people_fuzzy="|" + "".join(f"{reading}|" for reading in spelling.lecturer_fuzzy),
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


class EmbeddedBackend(SearchBackend):
    name = EMBEDDED
    materialized = ""  # how a dialect keeps the term lookups from being inlined

    # What a dialect provides
    def write_tokens(self, cursor, rows: list[tuple[int, dict[str, str]]]) -> None:
        raise NotImplementedError

    def delete_tokens(self, cursor, ids: list[int]) -> None:
        """Tokens of these courses (PostgreSQL keeps them in the entry row itself)."""

    def drop_orphans(self) -> None:
        """Tokens whose entry is gone (after a rebuild)."""

    def lookup(self, number: int, lookup: Lookup) -> tuple[str, str]:
        """SQL listing the courses holding a term (tagged with its number), and the
        parameter it takes."""
        raise NotImplementedError

    def by_index(self):
        """A context in which search statements run."""
        raise NotImplementedError

    def contains(self, column: str) -> str:
        """SQL: 1 when `column` contains the parameter, else 0."""
        raise NotImplementedError

    def starts(self, column: str) -> str:
        """SQL: 1 when `column` starts with the parameter, else 0."""
        raise NotImplementedError

    def equals(self, column: str) -> str:
        """SQL: 1 when `column` is the parameter, else 0."""
        raise NotImplementedError

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
        with connection.cursor() as cursor:
            self.write_tokens(cursor, [(doc.id, tokens.columns(doc)) for doc in docs])

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with transaction.atomic():
                SearchEntry.objects.filter(id__in=batch).delete()
                SearchDocument.objects.filter(id__in=batch).delete()
                with connection.cursor() as cursor:
                    self.delete_tokens(cursor, batch)

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
        self.drop_orphans()
        return len(seen)

    # Reading
    def _found(self, lookups: list[Lookup]) -> tuple[str, list]:
        """SQL of (course id, number of the term) for every course holding a term."""
        parts, params = [], []
        for number, lookup in enumerate(lookups):
            sql, param = self.lookup(number, lookup)
            parts.append(sql)
            params.append(param)
        return " UNION ALL ".join(parts), params

    def _held(self, lookups: list[Lookup]) -> tuple[str, list]:
        """A `held` table: per course, p<n> = 1 when it holds term n."""
        found, params = self._found(lookups)
        flags = ", ".join(
            f"max(CASE WHEN t = {n} THEN 1 ELSE 0 END) AS p{n}" for n in range(len(lookups))
        )
        # On PostgreSQL, each lookup planned on its own: a bitmap scan of the GIN index.
        return (
            f"WITH found(id, t) AS{self.materialized} ({found}),"
            f" held AS (SELECT id, {flags} FROM found GROUP BY id)"
        ), params

    def _condition(self, condition, numbers: dict[Term, int]) -> str:
        if isinstance(condition, Term):
            return f"h.p{numbers[condition]} = 1"
        if isinstance(condition, Coverage):
            total = " + ".join(
                f"{w!r} * h.p{numbers[part]}"
                if isinstance(part, Term)
                else f"{w!r} * (CASE WHEN {self._condition(part, numbers)} THEN 1 ELSE 0 END)"
                for part, w in condition.weights
            )
            return f"({total}) >= {condition.need!r}"
        joiner = " AND " if isinstance(condition, All) else " OR "
        return "(" + joiner.join(self._condition(p, numbers) for p in condition.parts) + ")"

    def _score(self, query_plan: QueryPlan, numbers: dict[Term, int], partial: bool):
        """The plan's score in SQL: the weight of the terms held, twice more in the
        title; the query as (the start of) a title or a lecturer's name; its spelling."""
        parts = [f"{w!r} * h.p{numbers[t]}" for t, w in query_plan.scored(partial)]
        params = []

        def signal(sql: str, points: float, *values) -> None:
            parts.append(f"{points!r} * ({sql})")
            params.extend(values)

        for token, weight in query_plan.title_terms:
            signal(self.contains("e.title_key"), TITLE_WEIGHT * weight, token)
        for phrase, weight in query_plan.phrases:
            signal(self.contains("e.title_key"), 10 * weight, phrase)
            signal(self.starts("e.title_key"), 4 * weight, phrase)
            signal(self.equals("e.title_key"), 10 * weight, phrase)
            signal(self.contains("e.people_key"), 12 * weight, f"|{phrase}|")
        for reading in query_plan.readings:
            exact = f" {' '.join(reading)} "
            fuzzy = " ".join(text.fuzzy(s) for s in reading)
            signal(self.contains("e.title_fuzzy"), 8, f" {fuzzy} ")
            signal(self.contains("e.title_pinyin"), 2, exact)
            signal(self.contains("e.people_fuzzy"), 10, f"|{fuzzy}|")
        if query_plan.initials:
            letters = "".join(query_plan.initials)
            signal(self.contains("e.title_initials"), 6, letters)
            signal(self.contains("e.people_initials"), 4, letters)
        return " + ".join(parts) or "0", params

    def _candidates(self, query: SearchQuery, query_plan: QueryPlan, partial: bool):
        """A `candidates` table: the courses found, each with `strict` (1 or 0), its
        score, facet values (f0…f4, in the order of FACETS) and labels (l0…l3), date and
        popularity. Only courses missing at most one chosen filter are kept."""
        columns_sql = (
            "e.academy_id AS f0, e.category_id AS f1, e.level AS f2, e.mode AS f3,"
            " e.hours_range AS f4, e.academy AS l0, e.category AS l1, e.level_label AS l2,"
            " e.mode_label AS l3, e.published_at AS published, e.popularity AS popularity,"
            " length(e.title_key) AS tlen"
        )
        where, params, cte = [], [], "WITH"
        if query_plan.empty:
            source, strict, score = "search_searchentry e", "1", "0"
        else:
            terms = query_plan.terms(partial)
            numbers = {term: n for n, term in enumerate(terms)}
            lookups = [Lookup(t.token, FIELD_COLUMNS[t.field]) for t in terms]
            held, params = self._held(lookups)
            cte = f"{held},"
            source = "held h JOIN search_searchentry e ON e.id = h.id"
            accept = []
            strict = "0"
            if query_plan.strict is not None:
                accept.append(self._condition(query_plan.strict, numbers))
                strict = f"CASE WHEN {accept[0]} THEN 1 ELSE 0 END"
            if partial and query_plan.partial is not None:
                accept.append(self._condition(query_plan.partial, numbers))
            where.append("(" + " OR ".join(accept) + ")")
            score, score_params = self._score(query_plan, numbers, partial)
            params = [*params, *score_params]
        where_params = []
        chosen = [(_FILTER_COLUMNS[n], v) for n, v in query.filters.items() if v]
        if chosen:
            misses = " + ".join(
                f"(CASE WHEN {column} <> %s THEN 1 ELSE 0 END)" for column, _v in chosen
            )
            where.append(f"({misses}) <= 1")
            where_params.extend(value for _column, value in chosen)
        if query.only_ids is not None:
            where.append(f"e.id IN ({', '.join(['%s'] * len(query.only_ids)) or 'NULL'})")
            where_params.extend(query.only_ids)
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        # `scored` is folded into `candidates` (one pass over the rows, not two).
        sql = (
            f"{cte} scored AS NOT MATERIALIZED"
            f" (SELECT e.id, {strict} AS strict, {score} AS score, {columns_sql}"
            f" FROM {source}{condition}),"
            " candidates AS MATERIALIZED (SELECT id, strict, score,"
            " f0, f1, f2, f3, f4, l0, l1, l2, l3, published, popularity, tlen FROM scored)"
        )
        return sql, [*params, *where_params]

    def run(self, query: SearchQuery, query_plan: QueryPlan, *, partial: bool) -> SearchResults:
        candidates, params = self._candidates(query, query_plan, partial)
        chosen = {FACETS.index(n): v for n, v in query.filters.items() if v}

        def passing(*, but: int | None = None) -> tuple[str, list]:
            tests = [
                (f"f{position}", value) for position, value in chosen.items() if position != but
            ]
            sql = " AND ".join(f"{column} = %s" for column, _value in tests) or "1 = 1"
            return sql, [value for _column, value in tests]

        order = {
            "relevance": "strict DESC, score DESC, tlen, popularity DESC,"
            " published DESC NULLS LAST, id",
            "newest": "strict DESC, published DESC NULLS LAST, score DESC, id",
            "popular": "strict DESC, popularity DESC, score DESC, id",
        }[query.sort]
        everything, everything_params = passing()
        parts = [
            # The page is cut first (a top-n sort), then numbered: numbering every
            # candidate would sort them all.
            "SELECT 'hit' AS kind, id, CAST(NULL AS TEXT) AS facet_key,"
            " CAST(NULL AS TEXT) AS label, position AS n FROM ("
            f" SELECT id, row_number() OVER (ORDER BY {order}) AS position FROM ("
            " SELECT id, strict, score, tlen, popularity, published FROM candidates"
            f" WHERE {everything} ORDER BY {order} LIMIT {query.page_size} OFFSET {query.offset}"
            ") cut) page",
            "SELECT 'total', CAST(NULL AS BIGINT), CAST(strict AS TEXT), CAST(NULL AS TEXT),"
            f" count(*) FROM candidates WHERE {everything} GROUP BY strict",
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
        statement = f"{candidates} {' UNION ALL '.join(parts)}"
        with self.by_index(not query_plan.empty), connection.cursor() as cursor:
            cursor.execute(statement, [*params, *part_params])
            rows = cursor.fetchall()
        page = sorted((n, id_) for kind, id_, _key, _label, n in rows if kind == "hit")
        facets = {name: [] for name in FACETS}
        total = partial_count = 0
        for kind, _id, key, label, count in rows:
            if kind == "total":
                total += count
                partial_count += count if str(key) == "0" else 0
            elif kind != "hit" and key:
                facets[kind].append((key, label, count))
        return SearchResults(
            hits=self._hits([id_ for _n, id_ in page], query_plan, total - partial_count, query),
            total=total,
            facets=_facets(facets, query.filters),
            page=query.page,
            page_size=query.page_size,
            partial=partial_count,
        )

    def _hits(self, ids: list[int], query_plan: QueryPlan, strict: int, query) -> list[Hit]:
        documents = dict(SearchDocument.objects.filter(id__in=ids).values_list("id", "document"))
        hits = []
        for position, id_ in enumerate(ids, start=query.offset):
            doc = CourseDocument.from_dict(documents[id_])
            hits.append(hit_of(doc, query_plan, partial=position >= strict))
        return hits

    def frequencies(self, terms: list[Term]) -> tuple[dict[Term, int], int]:
        raise NotImplementedError

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        typed = plan_typed(prefix)
        alternatives = typed.lookups()
        if not alternatives:
            return []
        lookups = list(dict.fromkeys(lookup for group in alternatives for lookup in group))
        held, params = self._held(lookups)
        numbers = {lookup: n for n, lookup in enumerate(lookups)}
        holds = " OR ".join(
            "(" + " AND ".join(f"h.p{numbers[lookup]} = 1" for lookup in group) + ")"
            for group in alternatives
        )
        with self.by_index(True), connection.cursor() as cursor:
            cursor.execute(
                f"{held} SELECT e.id, e.title_key, e.title_pinyin, e.title_initials, e.popularity"
                f" FROM held h JOIN search_searchentry e ON e.id = h.id WHERE {holds}"
                f" ORDER BY e.popularity DESC LIMIT {SUGGESTION_CANDIDATES}",
                params,
            )
            rows = cursor.fetchall()
        rows.sort(key=lambda row: typed.rank(*row[1:]))
        ids = [row[0] for row in rows[:limit]]
        documents = dict(SearchDocument.objects.filter(id__in=ids).values_list("id", "document"))
        return [Suggestion(title=documents[i]["title"], url=documents[i]["url"]) for i in ids]


def hit_of(doc: CourseDocument, query_plan: QueryPlan, *, partial: bool) -> Hit:
    texts = [doc.summary, doc.description, *doc.lessons, *doc.lecturers]
    return Hit(
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
        partial=partial,
    )


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
