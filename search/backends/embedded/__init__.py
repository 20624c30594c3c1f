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
from itertools import islice, pairwise

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


BITS = 62  # terms a mask word holds (a signed 64-bit integer)
_FACET_VALUES: dict[tuple[str, str], dict[int, list[tuple[str, str]]]] = {}
# Facet columns with a label beside them, in the order of FACETS (hours has none).
_LABELLED_FACETS = [
    ("academy_id", "academy"),
    ("category_id", "category"),
    ("level", "level_label"),
    ("mode", "mode_label"),
]


def _words(terms: int) -> int:
    return max(1, -(-terms // BITS))


def has(number: int) -> str:
    """SQL: the course (`h`) holds term `number`."""
    word, bit = divmod(number, BITS)
    return f"(h.m{word} & {1 << bit}) <> 0"


def held(number: int) -> str:
    """SQL: 1 when the course (`h`) holds term `number`, else 0."""
    word, bit = divmod(number, BITS)
    return f"((h.m{word} >> {bit}) & 1)"


def _title_tokens(phrase: str) -> list[str]:
    """The title-column terms a title containing `phrase` holds: the pairs of its
    Chinese characters (a lone character itself)."""
    tokens = []
    for run in text.runs(phrase):
        if text.is_han(run):
            tokens += [run] if len(run) == 1 else [a + b for a, b in pairwise(run)]
    return tokens


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

    bits_aggregate = "sum"  # of the bits of the terms a course holds (each once)

    def lookup(self, columns: str, lookup: Lookup) -> tuple[str, str]:
        """SQL listing the courses holding a term (`id`, then `columns`), and the
        parameter it takes."""
        raise NotImplementedError

    def list_aggregate(self, value: str) -> str:
        """SQL: the values of a group joined with commas."""
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
        """SQL of (id, b0, b1 …) for every course holding a term: the term's bit in a
        mask word (BITS terms a word), so that what a course holds is one aggregate."""
        words = _words(len(lookups))
        parts, params = [], []
        for number, lookup in enumerate(lookups):
            word, bit = divmod(number, BITS)
            bits = ", ".join(
                f"CAST({1 << bit if w == word else 0} AS BIGINT) AS b{w}" for w in range(words)
            )
            sql, param = self.lookup(bits, lookup)
            parts.append(sql)
            params.append(param)
        return " UNION ALL ".join(parts), params

    def _held(self, lookups: list[Lookup]) -> tuple[str, list]:
        """A `held` table: per course, the masks m0, m1 … of the terms it holds (see
        `has`). One aggregate of a word a course, not one per term: the cost of a
        search is the rows of the posting lists, read once."""
        found, params = self._found(lookups)
        words = _words(len(lookups))
        columns = ", ".join(f"b{w}" for w in range(words))
        masks = ", ".join(f"{self.bits_aggregate}(b{w}) AS m{w}" for w in range(words))
        # On PostgreSQL, each lookup planned on its own: a bitmap scan of the GIN index.
        return (
            f"WITH found(id, {columns}) AS{self.materialized} ({found}),"
            f" held AS (SELECT id, {masks} FROM found GROUP BY id)"
        ), params

    def _condition(self, condition, numbers: dict[Term, int]) -> str:
        if isinstance(condition, Term):
            return has(numbers[condition])
        if isinstance(condition, Coverage):
            total = " + ".join(
                f"{w!r} * {held(numbers[part])}"
                if isinstance(part, Term)
                else f"{w!r} * (CASE WHEN {self._condition(part, numbers)} THEN 1 ELSE 0 END)"
                for part, w in condition.weights
            )
            return f"({total}) >= {condition.need!r}"
        joiner = " AND " if isinstance(condition, All) else " OR "
        return "(" + joiner.join(self._condition(p, numbers) for p in condition.parts) + ")"

    def _score(self, query_plan: QueryPlan, numbers: dict, partial: bool):
        """The plan's score in SQL: the weight of the terms held, twice more in the
        title; the query as (the start of) a title or a lecturer's name; its spelling.
        Titles are compared only in courses whose title holds the query's characters
        (a term of the title column), not row by row."""
        parts = [f"{w!r} * {held(numbers[t])}" for t, w in query_plan.scored(partial)]
        params = []

        def signal(sql: str, points: float, *values) -> None:
            parts.append(f"{points!r} * ({sql})")
            params.extend(values)

        for token, weight in query_plan.title_terms:
            if (token, "title") in numbers:
                parts.append(f"{TITLE_WEIGHT * weight!r} * {held(numbers[token, 'title'])}")
            else:
                signal(self.contains("e.title_key"), TITLE_WEIGHT * weight, token)
        for phrase, weight in query_plan.phrases:
            gate = [has(numbers[token, "title"]) for token in _title_tokens(phrase)]
            compared = [
                (self.contains("e.title_key"), 10 * weight),
                (self.starts("e.title_key"), 4 * weight),
                (self.equals("e.title_key"), 10 * weight),
            ]
            sums = " + ".join(f"{points!r} * ({sql})" for sql, points in compared)
            if gate:
                parts.append(f"(CASE WHEN {' AND '.join(gate)} THEN {sums} ELSE 0 END)")
            else:
                parts.append(f"({sums})")
            params.extend([phrase] * len(compared))
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
            numbers: dict = {term: n for n, term in enumerate(terms)}
            lookups = [Lookup(t.token, FIELD_COLUMNS[t.field]) for t in terms]
            # The title's characters, as terms of the title column (see _score).
            titled = [token for token, _w in query_plan.title_terms if text.is_han(token)]
            for phrase, _weight in query_plan.phrases:
                titled += _title_tokens(phrase)
            for token in dict.fromkeys(titled):
                numbers[token, "title"] = len(lookups)
                lookups.append(Lookup(token, "title"))
            held_sql, params = self._held(lookups)
            cte = f"{held_sql},"
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
        sql = (
            f"{cte} candidates AS MATERIALIZED"
            f" (SELECT e.id, {strict} AS strict, {score} AS score, {columns_sql}"
            f" FROM {source}{condition})"
        )
        return sql, [*params, *where_params]

    def _facet_values(self, *, refresh: bool = False) -> dict[int, list[tuple[str, str]]]:
        """The values (and labels) each facet has in the index, by facet position: what
        a search counts in one pass over its candidates. Kept per process and database,
        and read again when a search meets a value or a label not known here (a new
        academy, a renamed category: see `run`)."""
        database = (connection.alias, connection.settings_dict["NAME"])
        if database in _FACET_VALUES and not refresh:
            return _FACET_VALUES[database]
        sql = " UNION ALL ".join(
            f"SELECT {position}, {column}, min({label}) FROM search_searchentry GROUP BY {column}"
            for position, (column, label) in enumerate(_LABELLED_FACETS)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        values: dict[int, list[tuple[str, str]]] = {p: [] for p in range(len(_LABELLED_FACETS))}
        for position, key, label in rows:
            values[position].append((key, label))
        values[FACETS.index("hours")] = [(key, "") for key, _low, _high, _l in HOURS_RANGES]
        _FACET_VALUES[database] = values
        return values

    def _statement(self, query, query_plan, partial, values) -> tuple[str, list]:
        """One statement: the candidates, then one row holding the page (position:id,
        …), the totals and every facet value's count — one pass over the candidates
        rather than a grouping per facet — and, per facet, how many candidates have a
        value (or label) `values` does not know."""
        candidates, params = self._candidates(query, query_plan, partial)
        chosen = {FACETS.index(n): v for n, v in query.filters.items() if v}

        def passing(but: int | None = None) -> tuple[str, list]:
            tests = [(p, v) for p, v in chosen.items() if p != but]
            sql = " AND ".join(f"f{p} = %s" for p, _v in tests) or "1 = 1"
            return sql, [v for _p, v in tests]

        order = {
            "relevance": "strict DESC, score DESC, tlen, popularity DESC,"
            " published DESC NULLS LAST, id",
            "newest": "strict DESC, published DESC NULLS LAST, score DESC, id",
            "popular": "strict DESC, popularity DESC, score DESC, id",
        }[query.sort]
        everything, everything_params = passing()
        listed = self.list_aggregate("position || ':' || id")
        columns = [
            # The page is cut first (a top-n sort), then numbered: numbering every
            # candidate would sort them all.
            f"(SELECT {listed} FROM (SELECT id, row_number() OVER (ORDER BY {order})"
            " AS position FROM (SELECT id, strict, score, tlen, popularity, published"
            f" FROM candidates WHERE {everything} ORDER BY {order}"
            f" LIMIT {query.page_size} OFFSET {query.offset}) cut) page)",
            f"sum(CASE WHEN {everything} THEN 1 ELSE 0 END)",
            f"sum(CASE WHEN {everything} AND strict = 1 THEN 1 ELSE 0 END)",
        ]
        params = [*params, *everything_params, *everything_params, *everything_params]
        for position in range(len(FACETS)):
            others, others_params = passing(but=position)
            for key, _label in values[position]:
                columns.append(f"sum(CASE WHEN {others} AND f{position} = %s THEN 1 ELSE 0 END)")
                params.extend([*others_params, key])
            if position < len(_LABELLED_FACETS):
                cases = " ".join(
                    f"WHEN %s THEN (CASE WHEN l{position} = %s THEN 0 ELSE 1 END)"
                    for _key in values[position]
                )
                columns.append(f"sum(CASE f{position} {cases} ELSE 1 END)" if cases else "count(*)")
                params.extend(item for pair in values[position] for item in pair)
        return f"{candidates} SELECT {', '.join(columns)} FROM candidates", params

    def run(self, query: SearchQuery, query_plan: QueryPlan, *, partial: bool) -> SearchResults:
        values, refreshed = self._facet_values(), False
        while True:
            statement, params = self._statement(query, query_plan, partial, values)
            with self.by_index(not query_plan.empty), connection.cursor() as cursor:
                cursor.execute(statement, params)
                listed, total, strict, *counts = cursor.fetchone()
            labelled = range(len(_LABELLED_FACETS))
            # Per labelled facet: its values' counts, then how many were not known.
            unknown = [counts.pop(sum(len(values[q]) + 1 for q in range(p + 1)) - 1)
                       for p in reversed(labelled)]  # fmt: skip
            if not any(unknown) or refreshed:
                break  # (labels that differ within the index itself: counted as they are)
            values, refreshed = self._facet_values(refresh=True), True
        facets = {name: [] for name in FACETS}
        counted = iter(counts)
        for position, name in enumerate(FACETS):
            for key, label in values[position]:
                count = next(counted) or 0
                if count and key:
                    facets[name].append((key, label or key, count))
        page = sorted(
            tuple(map(int, item.split(":"))) for item in (listed or "").split(",") if item
        )
        total, strict = total or 0, strict or 0
        return SearchResults(
            hits=self._hits([id_ for _n, id_ in page], query_plan, strict, query),
            total=total,
            facets=_facets(facets, query.filters),
            page=query.page,
            page_size=query.page_size,
            partial=total - strict,
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
            "(" + " AND ".join(has(numbers[lookup]) for lookup in group) + ")"
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
