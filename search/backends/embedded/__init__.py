"""The search backend inside the database, fed with the tokens of `search.text`
(character unigrams and bigrams, Latin words and their pieces, fuzzy pinyin syllables
and their pairs, pairs of initials), so Chinese works without any parser.

What the two databases share lives here: the tokens of a document and the rows beside
them, and searching — each term's posting list read once from the full-text structure
and kept in this process until the index changes, the plan's conditions, facets, score
and page computed on them (`memory`), one code path for both. What differs — how tokens
are stored and looked up — is in `sqlite.py` (an FTS5 table) and `postgresql.py` (a
tsvector column)."""

import heapq
import secrets
from abc import abstractmethod
from collections.abc import Callable, Iterable
from itertools import islice

from django.db import connection, transaction

from search import highlight, tokens
from search.backends import EMBEDDED, SearchBackend
from search.backends.embedded import memory
from search.documents import FACETS, HOURS_RANGES, CourseDocument, hours_range
from search.models import IndexVersion, SearchDocument, SearchEntry
from search.query import (
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
COLUMNS = ("title", "spell", "initials", "body", "grams", "repeats")


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


# The index as searching reads it, kept in this process for one database and index
# version (its `key`; see `memory`).
_kept: memory.Snapshot | None = None


def new_version() -> None:
    """A new index version, in the transaction of the write (last in it: the row is
    locked only until the commit)."""
    IndexVersion.objects.bulk_create(
        [IndexVersion(id=1, token=secrets.randbits(62))],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["token"],
    )


_ENTRY_FIELDS = [f.name for f in SearchEntry._meta.concrete_fields if f.name != "id"]


class EmbeddedBackend(SearchBackend):
    name = EMBEDDED

    # What a dialect provides
    @abstractmethod
    def write_tokens(self, cursor, rows: list[tuple[int, dict[str, str]]]) -> None:
        """Store the token columns of these (id, columns) documents."""

    def delete_tokens(self, cursor, ids: list[int]) -> None:
        """Tokens of these courses (PostgreSQL keeps them in the entry row itself)."""

    def drop_orphans(self) -> None:
        """Tokens whose entry is gone (after a rebuild)."""

    @abstractmethod
    def lookup(self, columns: str, lookup: Lookup) -> tuple[str, str]:
        """SQL listing the courses holding a term (`id`, then `columns`), and the
        parameter it takes."""

    id_list: str  # SQL: the aggregate of a group's ids as text, joined by commas

    @abstractmethod
    def by_index(self):
        """A context in which the statements reading posting lists run."""

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
    _pinned: memory.Snapshot | None = None

    def search(self, query: SearchQuery) -> SearchResults:
        """One snapshot for the whole search: its planning and every run of it."""
        self._pinned = self.snapshot()
        try:
            return super().search(query)
        finally:
            self._pinned = None

    def _current(self) -> memory.Snapshot:
        return self._pinned or self.snapshot()

    def snapshot(self) -> memory.Snapshot:
        """The index as this process keeps it for the current version (`IndexVersion`),
        read again when an index write made a new one. The version is read first, so
        courses read after a newer write are kept under the older version, which is
        then already gone."""
        global _kept
        version = IndexVersion.objects.filter(id=1).values_list("token", flat=True).first()
        key = (connection.alias, connection.settings_dict["NAME"], version)
        if version is None or _kept is None or _kept.key != key:
            with connection.cursor() as cursor:
                cursor.execute(memory.ENTRIES)
                snapshot = memory.Snapshot.of(key, cursor.fetchall())
            if version is None:  # an index never written to: nothing worth keeping
                return snapshot
            _kept = snapshot
        return _kept

    def postings(self, snapshot: memory.Snapshot, lookups: Iterable[Lookup]) -> dict[Lookup, int]:
        """The posting lists of `lookups`: those `snapshot` keeps, the others read in one
        statement (each as one row: its ids joined by commas) and kept."""
        wanted = list(dict.fromkeys(lookups))
        found = snapshot.kept(wanted)
        missing = [lookup for lookup in wanted if lookup not in found]
        if not missing:
            return found
        parts, params = zip(
            *(self.lookup(f"{n} AS t", x) for n, x in enumerate(missing)), strict=True
        )
        with self.by_index(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t, {self.id_list} FROM ({' UNION ALL '.join(parts)}) found GROUP BY t",
                params,
            )
            rows = dict(cursor.fetchall())
        found.update(
            snapshot.keep(
                {
                    lookup: [int(id_) for id_ in rows[n].split(",")] if n in rows else []
                    for n, lookup in enumerate(missing)
                }
            )
        )
        return found

    def frequencies(self, terms: list[Term]) -> tuple[dict[Term, int], int]:
        """Counted from the terms' posting lists, kept in this process until the index
        changes (`snapshot`)."""
        if not terms:
            return {}, 0
        snapshot = self._current()
        postings = self.postings(snapshot, map(memory.lookup_of, terms))
        counts = {term: postings[memory.lookup_of(term)].bit_count() for term in terms}
        return {term: n for term, n in counts.items() if n}, snapshot.size

    def run(self, query: SearchQuery, query_plan: QueryPlan, *, partial: bool) -> SearchResults:
        snapshot = self._current()
        postings = self.postings(snapshot, memory.lookups_of(query_plan, partial))
        if query_plan.empty:
            found = strict = close = snapshot.every
        else:
            strict = 0
            if query_plan.strict is not None:
                strict = snapshot.held(query_plan.strict, postings)
            found = close = strict
            if partial and query_plan.partial is not None:
                found |= snapshot.held(query_plan.partial, postings)
            if partial and query_plan.close is not None:
                close |= snapshot.held(query_plan.close, postings)
        if query.only_ids is not None:
            position = snapshot.position
            only = (position[i] for i in query.only_ids if i in position)
            found &= memory.bitset(only, snapshot.size)
        chosen = {FACETS.index(n): v for n, v in query.filters.items() if v}
        passed, strict_count, counts = snapshot.counted(found, strict, chosen)
        courses = memory.ordinals(passed)
        score = (
            dict.fromkeys(courses, 0.0)
            if query_plan.empty
            else snapshot.scores(query_plan, partial, courses, postings)
        )
        end = query.offset + query.page_size
        page = snapshot.page(courses, (strict, close), score, query.sort, end)
        page = page[query.offset : end]
        facets = {
            name: [
                (key, snapshot.labels.get((p, key), ""), n) for key, n in counts[p].items() if key
            ]
            for p, name in enumerate(FACETS)
        }
        total = len(courses)
        return SearchResults(
            hits=self._hits([snapshot.ids[i] for i in page], query_plan, strict_count, query),
            total=total,
            facets=_facets(facets, query.filters),
            page=query.page,
            page_size=query.page_size,
            partial=total - strict_count,
        )

    def _hits(self, ids: list[int], query_plan: QueryPlan, strict: int, query) -> list[Hit]:
        documents = dict(SearchDocument.objects.filter(id__in=ids).values_list("id", "document"))
        hits = []
        for position, id_ in enumerate(ids, start=query.offset):
            doc = CourseDocument.from_dict(documents[id_])
            hits.append(hit_of(doc, query_plan, partial=position >= strict))
        return hits

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        typed = plan_typed(prefix)
        alternatives = typed.lookups()
        if not alternatives:
            return []
        snapshot = self.snapshot()
        postings = self.postings(snapshot, (lookup for group in alternatives for lookup in group))
        found = 0
        for group in alternatives:
            bits = snapshot.every
            for lookup in group:
                bits &= postings[lookup]
            found |= bits
        popularity, strings = snapshot.popularity, snapshot.strings
        candidates = heapq.nsmallest(
            SUGGESTION_CANDIDATES,
            memory.ordinals(found),
            key=lambda i: (-popularity[i], snapshot.ids[i]),
        )
        title, pinyin, initials = (
            strings[name] for name in ("title_key", "title_pinyin", "title_initials")
        )
        candidates.sort(key=lambda i: typed.rank(title[i], pinyin[i], initials[i], popularity[i]))
        ids = [snapshot.ids[i] for i in candidates[:limit]]
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
