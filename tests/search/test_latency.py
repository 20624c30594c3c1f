"""What keeps embedded searches fast without changing what they find: the courses and the
posting lists of the terms searched kept in the process as bit sets per index version,
read again after any index write (`search.backends.embedded.memory`)."""

import datetime

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from search.backends import EMBEDDED, get_backend
from search.backends.embedded import memory, new_version
from search.query import All, Any, Coverage, SearchQuery, Term
from tests.courses.test_concurrency import run_together
from tests.search.conftest import make_doc

pytestmark = pytest.mark.django_db

A, B, C, D = (Term("text", token) for token in ("甲乙", "丙丁", "戊己", "庚辛"))


def test_bit_sets_round_trip_and_hold_what_the_conditions_say():
    assert memory.ordinals(memory.bitset([0, 3, 64, 9_999], 10_000)) == [0, 3, 64, 9_999]
    assert memory.ordinals(0) == []
    snapshot = memory.Snapshot.of(("k",), [])
    postings = {
        memory.lookup_of(A): 0b01111,
        memory.lookup_of(B): 0b00110,
        memory.lookup_of(C): 0b10100,
        memory.lookup_of(D): 0b00000,
    }
    assert snapshot.held(All((A, B)), postings) == 0b00110
    assert snapshot.held(Any((All((B, C)), D)), postings) == 0b00100
    # Weights summed per course: exactly `need` qualifies, just under does not.
    coverage = Coverage(((A, 0.5), (B, 0.25), (C, 0.25), (D, 5.0)), 0.75)
    assert memory.ordinals(snapshot.held(coverage, postings)) == [1, 2]
    assert memory.ordinals(snapshot.held(Coverage(((A, 0.5), (C, 0.5)), 1.0), postings)) == [2]


COURSES = [
    *(
        make_doc(n, f"大国工匠讲堂{n}", honours=("大国工匠",), hours=4 + n % 20)
        for n in range(1, 9)
    ),
    *(
        make_doc(
            n,
            f"首席技师工作室{n}",
            academy_id="2",
            academy="吉林省新装备工匠学院",
            level="advanced",
            level_label="高级",
        )
        for n in range(9, 14)
    ),
    *(
        make_doc(
            n, f"工匠学院通识课{n}", summary="吉林工匠的故事", mode="in_person", mode_label="线下"
        )
        for n in range(14, 40)
    ),
]
SYNONYMS = (("大国工匠", "首席技师"),)


def _answer(results):
    return (
        [(hit.id, hit.partial) for hit in results.hits],
        results.total,
        results.partial,
        {
            name: [(v.value, v.label, v.count) for v in values]
            for name, values in results.facets.items()
        },
    )


def _looked_up(captured) -> bool:
    """A posting list was read from the full-text index."""
    return any(
        "tokens @@" in q["sql"] or "search_entry_fts MATCH" in q["sql"]
        for q in captured.captured_queries
    )


QUERIES = [
    SearchQuery(text="大国工匠", synonyms=SYNONYMS),
    SearchQuery(text="大国工匠", synonyms=SYNONYMS, filters={"level": "advanced"}),
    SearchQuery(text="大国工匠", synonyms=SYNONYMS, filters={"level": "advanced", "academy": "1"}),
    SearchQuery(text="工匠讲堂", page=2, page_size=3),
    SearchQuery(text="工匠", sort="newest"),
    SearchQuery(text="工匠", sort="popular", page=3, page_size=7),
    SearchQuery(text="大国工匠的故事在哪里看"),  # partial matches
    SearchQuery(text="daguogongjiang"),
    SearchQuery(text=""),
    SearchQuery(text="", filters={"mode": "in_person"}),
]


@pytest.mark.postgres
@override_settings(ELASTICSEARCH_URL="")
def test_searches_answered_from_memory_are_exact():
    backend = get_backend(EMBEDDED)
    backend.index(COURSES)
    with CaptureQueriesContext(connection) as captured:
        first = [_answer(backend.search(query)) for query in QUERIES]
    assert _looked_up(captured)
    with CaptureQueriesContext(connection) as captured:
        again = [_answer(backend.search(query)) for query in QUERIES]
    # Again: the version and the page's documents only, nothing looked up or counted.
    assert not _looked_up(captured)
    assert again == first
    # The counts are those of the courses themselves: 8 大国工匠 and 5 首席技师 courses.
    pages, totals = [a[0] for a in first], [a[1] for a in first]
    assert totals[:3] == [13, 5, 0] and first[2][0] == []
    assert first[1][3]["academy"] == [("2", "吉林省新装备工匠学院", 5)]
    # A facet's own filter does not narrow its counts: every academy stays listed.
    assert {value for value, _l, _n in first[2][3]["academy"]} == {"1", "2"}
    assert {value: n for value, _l, n in first[0][3]["level"]} == {"advanced": 5, "beginner": 8}
    assert totals[8] == len(COURSES) and totals[9] == 26
    assert len(pages[3]) == 3 and len(pages[5]) == 7 and first[6][2] > 0


@pytest.mark.postgres
@override_settings(ELASTICSEARCH_URL="")
def test_the_kept_posting_lists_are_bounded(monkeypatch):
    backend = get_backend(EMBEDDED)
    backend.index(COURSES)
    expected = [_answer(backend.search(query)) for query in QUERIES]
    kept = len(backend.snapshot().postings)
    monkeypatch.setattr(memory, "KEPT_BYTES", 3 * (len(COURSES) // 8 + 1))  # 3 terms
    new_version()  # as after an index write: everything read again
    assert [_answer(backend.search(query)) for query in QUERIES] == expected
    assert len(backend.snapshot().postings) < kept


@pytest.mark.postgres
@override_settings(ELASTICSEARCH_URL="")
def test_what_is_kept_is_read_again_after_every_index_write():
    backend = get_backend(EMBEDDED)
    backend.index(COURSES[:3])
    backend.search(SearchQuery(text="储能电站"))
    with CaptureQueriesContext(connection) as captured:
        assert backend.search(SearchQuery(text="储能电站")).total == 0
    assert not _looked_up(captured)  # one read of the version, nothing looked up
    # A write inside a transaction that is rolled back: what a search read in it is
    # never taken for the index after a later write (a new version, never a reused one).
    with transaction.atomic():
        backend.index([make_doc(90, "书法")])
        assert backend.search(SearchQuery(text="书法")).total == 1
        transaction.set_rollback(True)
    assert backend.search(SearchQuery(text="书法")).total == 0
    backend.index([make_doc(91, "储能电站运维")])
    with CaptureQueriesContext(connection) as captured:
        assert [hit.id for hit in backend.search(SearchQuery(text="储能电站")).hits] == [91]
    assert _looked_up(captured)
    assert [s.title for s in backend.suggest("储能")] == ["储能电站运维"]
    backend.delete([91])
    assert backend.search(SearchQuery(text="储能电站")).total == 0
    assert backend.suggest("储能") == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(ELASTICSEARCH_URL="")
def test_threads_searching_at_once_share_what_is_kept(monkeypatch):
    """gunicorn's threads share the snapshot: one letting the kept posting lists go (past
    KEPT_BYTES) never takes away what another is reading."""
    backend = get_backend(EMBEDDED)
    backend.index(COURSES)
    expected = [_answer(backend.search(query)) for query in QUERIES]
    monkeypatch.setattr(memory, "KEPT_BYTES", 2 * (len(COURSES) // 8 + 1))  # 2 terms
    answers = []

    def search_all():
        for _round in range(3):
            answers.append([_answer(get_backend(EMBEDDED).search(q)) for q in QUERIES])

    assert run_together([search_all] * 6) == []
    assert answers == [expected] * 18


@pytest.mark.postgres
@override_settings(ELASTICSEARCH_URL="")
def test_ties_are_broken_as_documented_with_and_without_a_publication_date():
    """Equal scores: relevance by shorter title, more popular, newer (none last), id;
    newest first by date (none last), then score, then id — on both databases, whose
    dates the snapshot compares as text."""
    day = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)
    docs = [
        make_doc(1, "焊接甲", published_at=None),
        make_doc(2, "焊接乙", published_at=day),
        make_doc(3, "焊接丙", published_at=day + datetime.timedelta(microseconds=500)),
        make_doc(4, "焊接丁丁", published_at=day + datetime.timedelta(days=1)),
        make_doc(5, "焊接戊", published_at=day),
    ]
    backend = get_backend(EMBEDDED)
    backend.index(docs)

    def ids(sort):
        return [hit.id for hit in backend.search(SearchQuery(text="焊接", sort=sort)).hits]

    assert ids("relevance") == [3, 2, 5, 1, 4]
    assert ids("newest") == [4, 3, 2, 5, 1]
