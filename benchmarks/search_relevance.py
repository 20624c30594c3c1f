"""Search relevance benchmark (a measurement, not a test).

Indexes the catalogue written for it (`benchmarks/relevance/courses.py`, not the
demo) and runs a set of queries with graded judgments through the search the site
runs — the vocabulary the migrations load, query planning, partial matches — on
each backend. Three sets: `tuning` (`relevance/judgments.py`, written before the
engine was tuned, and tuned on), `heldout` (`relevance/heldout.py`, written later
without running the engine; not to be tuned on) and `fresh` (`relevance/fresh.py`,
written later still from the catalogue alone, without the engine or the other sets;
not to be tuned on either). `--queries` picks one or `all` (the default), each
reported on its own:

- the embedded index on SQLite (this process),
- the embedded index on PostgreSQL (a child process with DATABASE_URL),
- Elasticsearch,
- and, on the same node and data, a stock Elasticsearch baseline: the `standard`
  analyzer and a plain `multi_match` over the course's texts.

It prints hit@1, hit@3, MRR, nDCG@10 and the share of answerable queries that found
nothing, overall and per kind of query; for queries that should find nothing, the
share answered with nothing or only with results marked as partial matches.
Relevant = grade 2 or 3; nDCG gains are 2^grade − 1.

    .venv/bin/python benchmarks/search_relevance.py
    .venv/bin/python benchmarks/search_relevance.py --queries heldout \
        --postgres-url postgres://…/db --verbose

Elasticsearch: ELASTICSEARCH_URL, or a node started here (scripts/elasticsearch.sh).
PostgreSQL: --postgres-url (a `test_…` database is made next to it and dropped), or a
throw-away server started here (scripts/postgres.sh). --skip-postgres and
--skip-elasticsearch leave them out.
Targets: hit@3 ≥ 0.90, nDCG@10 ≥ 0.80, nothing found for ≤ 5 % of answerable
queries, and at least the baseline's nDCG@10 on every kind.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("LMS_TEST_DATA_DIR", tempfile.mkdtemp(prefix="lms-relevance-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from loopback import elasticsearch, load_average, loopback_service  # noqa: E402
from relevance import fresh, heldout, judgments  # noqa: E402
from relevance.courses import ACADEMIES, COURSES, LECTURERS  # noqa: E402
from relevance.judgments import KINDS  # noqa: E402

from search.backends import ELASTICSEARCH, EMBEDDED, get_backend  # noqa: E402
from search.backends.elasticsearch import client  # noqa: E402
from search.documents import CourseDocument  # noqa: E402

QUERY_SETS = {"tuning": judgments.QUERIES, "heldout": heldout.QUERIES, "fresh": fresh.QUERIES}
TARGETS = {"hit@3": 0.90, "ndcg@10": 0.80, "zero": 0.05}
METRICS = ("hit@1", "hit@3", "mrr", "ndcg@10", "zero")
BASELINE_FIELDS = [
    "title", "summary", "lessons", "lecturers", "honours", "tags", "category", "academy",
]  # fmt: skip


def documents() -> list[CourseDocument]:
    academy_ids = {code: str(number) for number, code in enumerate(ACADEMIES, 1)}
    categories = sorted({course["category"] for course in COURSES})
    return [
        CourseDocument(
            id=course["id"],
            url=f"/courses/{course['id']}/",
            title=course["title"],
            summary=course["summary"],
            lessons=course["lessons"],
            lecturers=course["lecturers"],
            honours=tuple(
                dict.fromkeys(h for name in course["lecturers"] for h in LECTURERS[name])
            ),
            academy_id=academy_ids[course["academy"]],
            academy=ACADEMIES[course["academy"]],
            category_id=str(categories.index(course["category"]) + 1),
            category=course["category"],
            tags=course["tags"],
            level="beginner",
            level_label="初级",
            hours=8.0,
            mode="online",
            mode_label="线上",
            openness="open",
        )
        for course in COURSES
    ]


def all_queries() -> list[str]:
    return list(
        dict.fromkeys(query for queries in QUERY_SETS.values() for _k, query, _j in queries)
    )


def engine_answers() -> dict[str, list[tuple[int, bool]]]:
    """(course id, partial) of the first page of each query, as the site shows it."""
    from search.selectors import course_search

    answers = {}
    for query in all_queries():
        found = course_search(query_text=query, filters={})
        answers[query] = [(hit.id, bool(getattr(hit, "partial", False))) for hit in found.hits]
    return answers


def embedded_answers() -> dict:
    test_database = connection.creation.create_test_db(verbosity=0)
    try:
        with override_settings(ELASTICSEARCH_URL=""):
            get_backend(EMBEDDED).rebuild(documents())
            return engine_answers()
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)


def elasticsearch_answers(url: str) -> tuple[dict, dict]:
    """The engine on Elasticsearch, and the stock baseline on the same node."""
    alias = f"lms-relevance-{os.getpid()}"
    test_database = connection.creation.create_test_db(verbosity=0)
    try:
        with override_settings(ELASTICSEARCH_URL=url, ELASTICSEARCH_INDEX=alias):
            backend = get_backend(ELASTICSEARCH)
            backend.rebuild(documents())
            try:
                engine = engine_answers()
            finally:
                backend.client.indices.delete(index=",".join(backend.indices()))
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)
    return engine, baseline_answers(url)


def baseline_answers(url: str) -> dict:
    """A stock index: every text field with the standard analyzer, a plain multi_match."""
    es, index = client(url), f"lms-relevance-baseline-{os.getpid()}"
    es.indices.create(
        index=index,
        settings={"number_of_shards": 1, "number_of_replicas": 0},
        mappings={"properties": {name: {"type": "text"} for name in BASELINE_FIELDS}},
    )
    try:
        for doc in documents():
            values = doc.as_dict()
            es.index(index=index, id=str(doc.id), document={n: values[n] for n in BASELINE_FIELDS})
        es.indices.refresh(index=index)
        answers = {}
        for query in all_queries():
            response = es.search(
                index=index,
                query={"multi_match": {"query": query, "fields": BASELINE_FIELDS}},
                size=10,
            )
            answers[query] = [(int(hit["_id"]), False) for hit in response["hits"]["hits"]]
        return answers
    finally:
        es.indices.delete(index=index)


def postgres_answers(url: str | None) -> dict:
    """The embedded index on PostgreSQL, in a child process (one database a process)."""

    def child(database_url: str) -> dict:
        env = {**os.environ, "DATABASE_URL": database_url}
        done = subprocess.run(
            [sys.executable, __file__, "--child-embedded"],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        return json.loads(done.stdout.splitlines()[-1])

    if url:
        return child(url)
    run_dir = Path(tempfile.mkdtemp(prefix="lms-relevance-pg-", dir="/tmp"))
    with loopback_service("postgres", run_dir / "pg", 8300 + os.getpid() % 90) as started:
        return child(started)


# Scoring
def scores(answer: list[tuple[int, bool]], judged: dict[int, int]) -> dict[str, float]:
    ranked = [course_id for course_id, _partial in answer[:10]]
    if not judged:  # nothing fits: right when nothing, or only partial matches, is shown
        right = float(not any(not partial for _id, partial in answer))
        return {"hit@1": right, "hit@3": right, "mrr": right, "ndcg@10": right, "zero": 0.0}
    relevant = [i for i, course_id in enumerate(ranked) if judged.get(course_id, 0) >= 2]
    dcg = sum((2 ** judged.get(c, 0) - 1) / math.log2(i + 2) for i, c in enumerate(ranked))
    ideal = sorted(judged.values(), reverse=True)[:10]
    idcg = sum((2**grade - 1) / math.log2(i + 2) for i, grade in enumerate(ideal))
    return {
        "hit@1": float(bool(relevant) and relevant[0] == 0),
        "hit@3": float(bool(relevant) and relevant[0] < 3),
        "mrr": 1 / (relevant[0] + 1) if relevant else 0.0,
        "ndcg@10": dcg / idcg,
        "zero": float(not answer),
    }


def mean(rows: list[dict], metric: str) -> float:
    return sum(row[metric] for row in rows) / len(rows) if rows else 0.0


def report(systems: dict[str, dict], name: str, queries: list, verbose: bool) -> bool:
    per_query = {
        system: {query: scores(answers[query], judged) for _k, query, judged in queries}
        for system, answers in systems.items()
    }
    answerable = [query for kind, query, _j in queries if kind != "none"]
    width = max(map(len, systems)) + 2
    print(f"\n=== {name} set: {len(COURSES)} courses, {len(queries)} queries", end=" ")
    print(f"({len(answerable)} answerable)")
    print("\nAnswerable queries".ljust(width + 1) + "".join(f"{m:>9}" for m in METRICS))
    for system, rows in per_query.items():
        chosen = [rows[q] for q in answerable]
        print(system.ljust(width) + "".join(f"{mean(chosen, m):9.3f}" for m in METRICS))
    none = [query for kind, query, _j in queries if kind == "none"]
    print("\nShould find nothing: answered with nothing or only partial matches")
    for system, rows in per_query.items():
        print(f"{system.ljust(width)}{mean([rows[q] for q in none], 'hit@1'):9.3f}")
    print("\nnDCG@10 by kind (hit@3 in brackets; zero = share that found nothing)")
    print("kind".ljust(14) + "".join(s[: width + 8].rjust(width + 10) for s in systems))
    engine_names = [system for system in systems if system != "baseline"]
    below = []
    for kind in KINDS:
        of_kind = [query for k, query, _j in queries if k == kind]
        if not of_kind:
            continue
        cells = []
        for rows in per_query.values():
            chosen = [rows[q] for q in of_kind]
            ndcg, hit, zero = (mean(chosen, m) for m in ("ndcg@10", "hit@3", "zero"))
            cell = f"{ndcg:.2f} ({hit:.2f}) z{zero:.1f}"
            cells.append(cell.rjust(width + 10))
        print(f"{kind:<14}" + "".join(cells))
        if "baseline" in per_query:
            floor = mean([per_query["baseline"][q] for q in of_kind], "ndcg@10")
            for system in engine_names:
                got = mean([per_query[system][q] for q in of_kind], "ndcg@10")
                if got + 1e-9 < floor:
                    below.append(f"{system}: {kind} {got:.2f} < baseline {floor:.2f}")
    met = True
    print()
    for system in engine_names:
        chosen = [per_query[system][q] for q in answerable]
        ok = (
            mean(chosen, "hit@3") >= TARGETS["hit@3"]
            and mean(chosen, "ndcg@10") >= TARGETS["ndcg@10"]
            and mean(chosen, "zero") <= TARGETS["zero"]
        )
        misses = [line for line in below if line.startswith(f"{system}:")]
        met &= ok and not misses
        print(f"{name} set, {system}: {'MET' if ok and not misses else 'MISSED'} the targets" +
              (f" (below the baseline: {'; '.join(misses)})" if misses else ""))  # fmt: skip
    if verbose:
        print("\nPer query (nDCG@10 per system; the first results of the first system)")
        judged_by_query = {query: judged for _k, query, judged in queries}
        for kind, query, _j in queries:
            values = " ".join(f"{per_query[n][query]['ndcg@10']:.2f}" for n in systems)
            first = next(iter(systems))
            shown = [
                f"{cid}{'~' if partial else ''}:{judged_by_query[query].get(cid, 0)}"
                for cid, partial in systems[first][query][:5]
            ]
            print(f"  {kind:<13} {query:<24} {values}  {' '.join(shown)}")
    return met


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", choices=[*QUERY_SETS, "all"], default="all")
    parser.add_argument("--postgres-url")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-elasticsearch", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="scores of every query")
    parser.add_argument("--child-embedded", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_embedded:
        print(json.dumps(embedded_answers()))
        return 0
    print(f"{os.cpu_count()} CPUs, load average {load_average()}")
    systems = {f"embedded ({connection.vendor})": embedded_answers()}
    if not args.skip_postgres:
        systems["embedded (postgresql)"] = postgres_answers(args.postgres_url)
    if not args.skip_elasticsearch:
        with elasticsearch(8300 + os.getpid() % 90 + 5) as url:
            systems["elasticsearch"], systems["baseline"] = elasticsearch_answers(url)
    chosen = QUERY_SETS if args.queries == "all" else [args.queries]
    met = True
    for name in chosen:
        met &= report(systems, name, QUERY_SETS[name], args.verbose)
    print(f"\nload average {load_average()}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
