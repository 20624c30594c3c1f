"""What keeps embedded searches fast without changing what they find: posting lists read
only in courses that can be accepted, document frequencies kept per index version."""

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from search.backends import EMBEDDED, get_backend
from search.query import All, Any, Coverage, QueryPlan, SearchQuery, Term, _drivers
from tests.search.conftest import make_doc

pytestmark = pytest.mark.django_db

A, B, C, D = (Term("text", token) for token in ("甲乙", "丙丁", "戊己", "庚辛"))


def test_drivers_all_cheapest_part_any_every_part():
    counts = {A: 100, B: 5, C: 40}
    assert _drivers(All((A, B)), counts) == ({B}, 5)
    assert _drivers(Any((All((A, B)), C)), counts) == ({B, C}, 45)


def test_drivers_of_a_coverage_leave_out_the_commonest_terms_below_need():
    counts = {A: 900, B: 500, C: 40, D: 3}
    # A and B together weigh 1.0 < 1.2: a course holding neither C nor D cannot reach it.
    coverage = Coverage(((A, 0.5), (B, 0.5), (C, 1.0), (D, 2.0)), 1.2)
    assert _drivers(coverage, counts)[0] == {C, D}
    # Without A, B and C (1.5 >= 1.2) a course can still qualify: C is a driver too.
    assert _drivers(Coverage(((A, 0.5), (B, 0.5), (C, 0.5), (D, 2.0)), 1.2), counts)[0] == {
        C,
        D,
    }
    # Nothing can be left out when every course may qualify.
    assert _drivers(Coverage(((A, 0.5),), 0), counts) is None


def test_a_plan_is_driven_by_its_strict_and_partial_conditions():
    query_plan = QueryPlan(
        "q", All((A, B)), Coverage(((C, 1.0), (D, 1.0)), 0.8), (), (), (), counts=((A, 9), (B, 2))
    )
    assert query_plan.drivers() == {B}
    assert query_plan.drivers(partial=True) == {B, C, D}


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


@pytest.mark.postgres
@override_settings(ELASTICSEARCH_URL="")
def test_posting_lists_are_read_only_in_courses_holding_a_driver(monkeypatch):
    backend = get_backend(EMBEDDED)
    backend.index(COURSES)
    queries = [
        SearchQuery(text="大国工匠", synonyms=SYNONYMS),
        SearchQuery(text="大国工匠", synonyms=SYNONYMS, filters={"level": "advanced"}),
        SearchQuery(text="工匠讲堂", page=2, page_size=3),
        SearchQuery(text="大国工匠的故事在哪里看"),  # partial matches
        SearchQuery(text="daguogongjiang"),
    ]
    with CaptureQueriesContext(connection) as captured:
        restricted = [_answer(backend.search(query)) for query in queries]
    # 工匠 is in every course (the academies' names): it is looked up only among the
    # courses holding 大国 or 首席 (the drivers), the index intersecting them.
    searched = " ".join(q["sql"] for q in captured.captured_queries)
    if connection.vendor == "postgresql":
        assert "b:工匠'' & (" in searched  # the tsquery, quoted in the statement
    else:
        assert '{body} : "工匠" AND (' in searched
    # Exactly what reading every posting list whole finds: page, totals, facet counts.
    monkeypatch.setattr(QueryPlan, "drivers", lambda self, partial=False: None)
    assert [_answer(backend.search(query)) for query in queries] == restricted
    assert restricted[0][1] == 13 and restricted[3][2] > 0


def _counted(captured) -> bool:
    return any("count(*) FROM search_searchentry" in q["sql"] for q in captured.captured_queries)


@pytest.mark.postgres
@override_settings(ELASTICSEARCH_URL="")
def test_frequencies_are_kept_until_the_index_changes():
    backend = get_backend(EMBEDDED)
    backend.index(COURSES[:3])
    backend.search(SearchQuery(text="储能电站"))
    with CaptureQueriesContext(connection) as captured:
        assert backend.search(SearchQuery(text="储能电站")).total == 0
    assert not _counted(captured)  # one read of the version, no counting
    # A write inside a transaction that is rolled back: what a search counted in it is
    # never taken for the index after a later write (a new version, never a reused one).
    with transaction.atomic():
        backend.index([make_doc(90, "书法")])
        assert backend.search(SearchQuery(text="储能电站")).total == 0
        transaction.set_rollback(True)
    backend.index([make_doc(91, "储能电站运维")])
    with CaptureQueriesContext(connection) as captured:
        assert [hit.id for hit in backend.search(SearchQuery(text="储能电站")).hits] == [91]
    assert _counted(captured)
    backend.delete([91])
    assert backend.search(SearchQuery(text="储能电站")).total == 0
