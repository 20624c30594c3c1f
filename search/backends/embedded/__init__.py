"""The search backend inside the database, fed with the tokens of `search.text`
(character unigrams and bigrams, Latin words and their pieces, fuzzy pinyin syllables
and their pairs, pairs of initials), so Chinese works without any parser.

What the two databases share lives here: the tokens of a document, the rows beside
them, and the statement that runs a query plan — each term looked up on its own in
the full-text structure (one posting list each), the terms a course holds gathered
per course in SQL, the plan's conditions and score computed on them, then facets and
paging, one code path for both. What differs — how tokens are stored and looked up —
is in `sqlite.py` (an FTS5 table) and `postgresql.py` (a tsvector column)."""

import secrets
from abc import abstractmethod
from collections.abc import Callable, Iterable
from itertools import islice, pairwise

from django.db import connection, transaction

from search import highlight, text, tokens
from search.backends import EMBEDDED, SearchBackend
from search.documents import FACETS, HOURS_RANGES, CourseDocument, hours_range
from search.models import IndexVersion, SearchDocument, SearchEntry
from search.query import (
    INITIALS,
    SPELL,
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


# Document frequencies counted in this process: (database, index version), by term,
# and how many courses there are (see EmbeddedBackend.frequencies).
_kept: tuple = (None, {}, None)
KEPT_TERMS = 100_000

BITS = 62  # terms a mask word holds (a signed 64-bit integer)
# The facets' key columns, in the order of FACETS, and the label beside each (hours has none).
_FACET_KEYS = ("academy_id", "category_id", "level", "mode", "hours_range")
_FACET_LABELS = ("academy", "category", "level_label", "mode_label")


def _words(terms: int) -> int:
    return max(1, -(-terms // BITS))


def has(number: int) -> str:
    """SQL: the course (`h`) holds term `number`."""
    word, bit = divmod(number, BITS)
    return f"(h.m{word} & {1 << bit}) <> 0"


def real(value: float) -> str:
    """SQL: a weight as a floating-point number (PostgreSQL reads a literal with a
    decimal point as `numeric`, whose arithmetic is many times slower, row by row)."""
    return f"CAST({value!r} AS DOUBLE PRECISION)"


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


def _spelling_gates(query_plan: QueryPlan) -> list[Term]:
    """The spell and initials terms a course holds when the query's pinyin or initials
    are in its title or a lecturer's name (see `EmbeddedBackend._score`)."""
    return [
        term for gate in (*map(_reading_gate, query_plan.readings), _initials_gate(query_plan))
        for term in gate
    ]  # fmt: skip


def _reading_gate(reading: tuple[str, ...]) -> list[Term]:
    """A title or name spelled with `reading` holds the pairs of its fuzzy syllables
    (`text.fuzzy_pairs`); a lone syllable is too common to be worth a gate."""
    keys = [text.fuzzy(s) for s in reading]
    return [Term(SPELL, a + b) for a, b in pairwise(keys)]


def _initials_gate(query_plan: QueryPlan) -> list[Term]:
    """Titles and names whose initials hold the query's hold its pairs of initials."""
    return [Term(INITIALS, pair) for pair in query_plan.initial_bigrams]


def new_version() -> None:
    """A new index version, in the transaction of the write (last in it: the row is
    locked only until the commit)."""
    IndexVersion.objects.bulk_create(
        [IndexVersion(id=1, token=secrets.randbits(62))],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["token"],
    )


def _key(term: Term) -> tuple[str, str]:
    return term.field, term.token


def _within_drivers(lookups: list[Lookup], query_plan: QueryPlan, partial: bool) -> list[Lookup]:
    """The lookups, each but the drivers' (`QueryPlan.drivers`) only in courses holding
    a driver: a course holding none cannot be accepted, so its rows are not read (the
    full-text index intersects the posting lists), and what a course accepted holds
    is still known exactly."""
    drivers = query_plan.drivers(partial)
    if drivers is None:
        return lookups
    within = tuple(Lookup(t.token, FIELD_COLUMNS[t.field]) for t in sorted(drivers, key=_key))
    return [
        lookup if lookup in within else Lookup(lookup.token, lookup.column, within=within)
        for lookup in lookups
    ]


def _counted(combinations, filters: dict[str, str]) -> tuple[int, int, list[dict[str, int]]]:
    """The total, the strict matches and each facet's counts by key from the
    combinations of facet values found, as (keys…, strict, count): a facet's values
    are counted among the courses meeting every chosen filter but its own.
    (Positions in a row are spelled out: this runs for each of up to a few thousand.)"""
    chosen = [(FACETS.index(name), value) for name, value in filters.items() if value]
    total = strict = 0
    counts: list[dict[str, int]] = [{} for _facet in FACETS]
    every = range(len(FACETS))
    for row in combinations:
        misses = [p for p, value in chosen if row[p] != value]
        if not misses:
            total += row[6]
            strict += row[6] if row[5] else 0
            misses = every
        elif len(misses) > 1:
            continue
        for p in misses:
            counts[p][row[p]] = counts[p].get(row[p], 0) + row[6]
    return total, strict, counts


_ENTRY_FIELDS = [f.name for f in SearchEntry._meta.concrete_fields if f.name != "id"]


class EmbeddedBackend(SearchBackend):
    name = EMBEDDED
    materialized = ""  # how a dialect keeps the term lookups from being inlined

    # What a dialect provides
    @abstractmethod
    def write_tokens(self, cursor, rows: list[tuple[int, dict[str, str]]]) -> None:
        """Store the token columns of these (id, columns) documents."""

    def delete_tokens(self, cursor, ids: list[int]) -> None:
        """Tokens of these courses (PostgreSQL keeps them in the entry row itself)."""

    def drop_orphans(self) -> None:
        """Tokens whose entry is gone (after a rebuild)."""

    bits_aggregate = "sum"  # of the bits of the terms a course holds (each once)

    @abstractmethod
    def lookup(self, columns: str, lookup: Lookup) -> tuple[str, str]:
        """SQL listing the courses holding a term (`id`, then `columns`), and the
        parameter it takes."""

    @abstractmethod
    def by_index(self, searching: bool = True):
        """A context in which search statements run (`searching`: the full-text index
        is used)."""

    @abstractmethod
    def contains(self, column: str) -> str:
        """SQL: 1 when `column` contains the parameter, else 0."""

    @abstractmethod
    def starts(self, column: str) -> str:
        """SQL: 1 when `column` starts with the parameter, else 0."""

    @abstractmethod
    def equals(self, column: str) -> str:
        """SQL: 1 when `column` is the parameter, else 0."""

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
        new_version()

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with transaction.atomic():
                SearchEntry.objects.filter(id__in=batch).delete()
                SearchDocument.objects.filter(id__in=batch).delete()
                with connection.cursor() as cursor:
                    self.delete_tokens(cursor, batch)
                new_version()

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
        with transaction.atomic():
            self.drop_orphans()
            new_version()
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
                f"{real(w)} * {held(numbers[part])}"
                if isinstance(part, Term)
                else f"{real(w)} * (CASE WHEN {self._condition(part, numbers)} THEN 1 ELSE 0 END)"
                for part, w in condition.weights
            )
            return f"({total}) >= {real(condition.need)}"
        joiner = " AND " if isinstance(condition, All) else " OR "
        return "(" + joiner.join(self._condition(p, numbers) for p in condition.parts) + ")"

    def _score(self, query_plan: QueryPlan, numbers: dict, partial: bool):
        """The plan's score in SQL: the weight of the terms held, twice more in the
        title; the query as (the start of) a title or a lecturer's name; its spelling.
        Titles are compared only in courses whose title holds the query's characters
        (a term of the title column), not row by row."""
        parts = [f"{real(w)} * {held(numbers[t])}" for t, w in query_plan.scored(partial)]
        params = []

        def signal(sql: str, points: float, *values, gate: list[Term] = ()) -> None:
            if gate:  # compared only in courses holding what a match needs
                held_all = " AND ".join(has(numbers[term]) for term in gate)
                sql = f"CASE WHEN {held_all} THEN {sql} ELSE 0 END"
            parts.append(f"{real(points)} * ({sql})")
            params.extend(values)

        for token, weight in query_plan.title_terms:
            if (token, "title") in numbers:
                parts.append(f"{real(TITLE_WEIGHT * weight)} * {held(numbers[token, 'title'])}")
            else:
                signal(self.contains("e.title_key"), TITLE_WEIGHT * weight, token)
        for phrase, weight in query_plan.phrases:
            gate = [has(numbers[token, "title"]) for token in _title_tokens(phrase)]
            compared = [
                (self.contains("e.title_key"), 10 * weight),
                (self.starts("e.title_key"), 4 * weight),
                (self.equals("e.title_key"), 10 * weight),
            ]
            sums = " + ".join(f"{real(points)} * ({sql})" for sql, points in compared)
            if gate:
                parts.append(f"(CASE WHEN {' AND '.join(gate)} THEN {sums} ELSE 0 END)")
            else:
                parts.append(f"({sums})")
            params.extend([phrase] * len(compared))
            signal(self.contains("e.people_key"), 12 * weight, f"|{phrase}|")
        for reading in query_plan.readings:
            exact = f" {' '.join(reading)} "
            fuzzy = " ".join(text.fuzzy(s) for s in reading)
            gate = _reading_gate(reading)
            signal(self.contains("e.title_fuzzy"), 8, f" {fuzzy} ", gate=gate)
            signal(self.contains("e.title_pinyin"), 2, exact, gate=gate)
            signal(self.contains("e.people_fuzzy"), 10, f"|{fuzzy}|", gate=gate)
        if query_plan.initials:
            letters = "".join(query_plan.initials)
            gate = _initials_gate(query_plan)
            signal(self.contains("e.title_initials"), 6, letters, gate=gate)
            signal(self.contains("e.people_initials"), 4, letters, gate=gate)
        return " + ".join(parts) or "0", params

    def _candidates(self, query: SearchQuery, query_plan: QueryPlan, partial: bool):
        """A `candidates` table: the courses found, each with `strict` (1 or 0), its
        score, facet keys (f0…f4, in the order of FACETS), title length, date and
        popularity. Only courses missing at most one chosen filter are kept."""
        keys = ", ".join(f"e.{column} AS f{p}" for p, column in enumerate(_FACET_KEYS))
        columns_sql = (
            f"{keys}, e.published_at AS published, e.popularity AS popularity,"
            " length(e.title_key) AS tlen"
        )
        where, params, cte = [], [], "WITH"
        if query_plan.empty:
            source, strict, score = "search_searchentry e", "1", "0"
        else:
            terms = query_plan.terms(partial)
            numbers: dict = {term: n for n, term in enumerate(terms)}
            lookups = [Lookup(t.token, FIELD_COLUMNS[t.field]) for t in terms]

            def look_up(key, lookup: Lookup) -> None:
                if key not in numbers:
                    numbers[key] = len(lookups)
                    lookups.append(lookup)

            # The title's characters, as terms of the title column (see _score).
            titled = [token for token, _w in query_plan.title_terms if text.is_han(token)]
            for phrase, _weight in query_plan.phrases:
                titled += _title_tokens(phrase)
            for token in titled:
                look_up((token, "title"), Lookup(token, "title"))
            # The pairs a spelling signal needs (see _score).
            for term in _spelling_gates(query_plan):
                look_up(term, Lookup(term.token, FIELD_COLUMNS[term.field]))
            held_sql, params = self._held(_within_drivers(lookups, query_plan, partial))
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
        chosen = [(f"e.{_FACET_KEYS[FACETS.index(n)]}", v) for n, v in query.filters.items() if v]
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

    def _statement(self, query: SearchQuery, query_plan: QueryPlan, partial: bool):
        """One statement: rows (0, position, id) of the page, then a row (1, …) for
        each combination of facet values among the courses found, with strictness,
        count and labels — one grouping, not one count per facet value; the totals
        and every facet's counts are added up from them (`_counted`). Browsing the
        whole index without words groups the entries themselves: an index holds the
        combinations in order, so nothing is sorted."""
        chosen = {FACETS.index(n): v for n, v in query.filters.items() if v}
        passing = " AND ".join(f"f{p} = %s" for p in chosen) or "1 = 1"
        keys = [f"f{p}" for p in range(len(FACETS))]
        order = {
            "relevance": "strict DESC, score DESC, tlen, popularity DESC,"
            " published DESC NULLS LAST, id",
            "newest": "strict DESC, published DESC NULLS LAST, score DESC, id",
            "popular": "strict DESC, popularity DESC, score DESC, id",
        }[query.sort]
        if query_plan.empty and query.only_ids is None:
            named = ", ".join(f"{column} AS f{p}" for p, column in enumerate(_FACET_KEYS))
            cte, params = "", []
            rows = (
                f"(SELECT id, 1 AS strict, 0 AS score, {named}, published_at AS published,"
                " popularity, length(title_key) AS tlen FROM search_searchentry)"
            )
            grouped = (
                f"SELECT 1, NULL, NULL, {named}, 1, count(*)"
                f" FROM search_searchentry GROUP BY {', '.join(_FACET_KEYS)}"
            )
        else:
            cte, params = self._candidates(query, query_plan, partial)
            rows = "candidates"
            grouped = (
                f"SELECT 1, NULL, NULL, {', '.join(keys)}, strict, count(*)"
                f" FROM candidates GROUP BY {', '.join(keys)}, strict"
            )
        nothing = ", ".join(["NULL"] * (len(keys) + 2))
        # The page is cut first (a top-n sort), then numbered: numbering every
        # candidate would sort them all.
        page = (
            f"SELECT 0, row_number() OVER (ORDER BY {order}), id, {nothing} FROM"
            f" (SELECT id, strict, score, tlen, popularity, published FROM {rows} r"
            f" WHERE {passing} ORDER BY {order}"
            f" LIMIT {query.page_size} OFFSET {query.offset}) cut"
        )
        return f"{cte} {page} UNION ALL {grouped}", [*params, *chosen.values()]

    def _labels(self, counts: list[dict[str, int]]) -> dict[tuple[int, str], str]:
        """The label of each facet value counted, by (facet position, key): the least
        of the index's labels for that key, each read from an index (key, label)."""
        asked = [(p, key) for p in range(len(_FACET_LABELS)) for key in counts[p] if key]
        if not asked:
            return {}
        sql = " UNION ALL ".join(
            f"SELECT {p}, %s, (SELECT min({_FACET_LABELS[p]}) FROM search_searchentry"
            f" WHERE {_FACET_KEYS[p]} = %s)"
            for p, _key in asked
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for _p, key in asked for value in (key, key)])
            return {(p, key): label for p, key, label in cursor.fetchall()}

    def run(self, query: SearchQuery, query_plan: QueryPlan, *, partial: bool) -> SearchResults:
        statement, params = self._statement(query, query_plan, partial)
        with self.by_index(not query_plan.empty), connection.cursor() as cursor:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        page = sorted((row[1], row[2]) for row in rows if row[0] == 0)
        total, strict, counts = _counted([row[3:] for row in rows if row[0] == 1], query.filters)
        labels = self._labels(counts)
        facets = {
            name: [(key, labels.get((p, key), ""), n) for key, n in counts[p].items() if key]
            for p, name in enumerate(FACETS)
        }
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

    @abstractmethod
    def count_terms(self, terms: list[Term]) -> tuple[dict[Term, int], int]:
        """In how many courses each term occurs (those in some), and how many courses
        are indexed, counted in the index."""

    def frequencies(self, terms: list[Term]) -> tuple[dict[Term, int], int]:
        """Counted once per process and index version (`IndexVersion`): a version
        read by primary key, then only the terms not counted yet in that version. The
        version is read first, so counts that see a newer write are kept under the older
        version, which is then already gone."""
        global _kept
        if not terms:
            return {}, 0
        version = IndexVersion.objects.filter(id=1).values_list("token", flat=True).first()
        if version is None:  # an index never written to
            return self.count_terms(terms)
        key = (connection.alias, connection.settings_dict["NAME"], version)
        if _kept[0] != key or len(_kept[1]) > KEPT_TERMS:
            _kept = (key, {}, None)
        _key, known, count = _kept
        missing = [term for term in terms if term not in known]
        if missing:
            found, count = self.count_terms(missing)
            known.update({term: found.get(term, 0) for term in missing})
            _kept = (key, known, count)
        return {term: known[term] for term in terms if known[term]}, count

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
