"""Full search rebuild, end to end (a measurement, not a test).

`benchmarks/search_benchmark.py` times the index side of a rebuild with generated
documents. This times what an operator runs, `manage.py rebuild_search_index`, over
real course pages in PostgreSQL: reading each course (page, category, tags, lecturers,
academy) into its document, pinyin, bulk indexing into a new Elasticsearch index and
swapping the alias; and the same for the embedded index (a tsvector table on PostgreSQL).

    .venv/bin/python benchmarks/search_rebuild.py                    # 100,000 courses
    .venv/bin/python benchmarks/search_rebuild.py --courses 10000    # a quick look

How. A throw-away PostgreSQL is migrated and seeded as `learning_benchmark.py` seeds it
(its functions are called): the "1+6+N" tree and the demo courses, then `--courses`
listing courses inserted in bulk as live Wagtail pages with a summary, a description,
a category, two tags and a lecturer each (the notes the demo's publishing left are
applied first, as the queue would have). Elasticsearch is ELASTICSEARCH_URL, or a node
started here with scripts/elasticsearch.sh and 2 GB of heap. The command runs in this
process with lms.settings.production; wall time, this process's CPU time and the load
average are printed. Target (issue #5): a rebuild of 100,000 courses under 2 minutes.
"""

import argparse
import os
import random
import resource
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import learning_benchmark  # noqa: E402
import loopback  # noqa: E402


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_rebuild(backend: str) -> dict:
    from django.core.management import call_command

    load_before, cpu, started = loopback.load_average(), cpu_seconds(), time.perf_counter()
    call_command("rebuild_search_index", backend=backend)
    wall = time.perf_counter() - started
    load = f"{load_before} → {loopback.load_average()}"
    return {"wall": wall, "cpu": cpu_seconds() - cpu, "load": load}


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from search import services
    from search.backends import get_backend
    from search.documents import visible_course_ids
    from search.query import SearchQuery

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    learning_benchmark.seed_tree()
    # What the queue does seconds after publishing; the bulk-inserted courses below
    # leave no notes, so the rebuilds time the rebuild alone.
    services.index_drain()
    learning_benchmark.seed_listing_courses(args.courses, random.Random(args.seed))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    courses = sum(1 for _ in visible_course_ids())
    print(f"seeded {courses:,} live courses in {time.perf_counter() - started:.0f} s")

    figures = {}
    for backend in ("elasticsearch", "embedded"):
        figures[backend] = timed_rebuild(backend)
        # Every course is found afterwards (a search with no words lists them all).
        figures[backend]["found"] = get_backend(backend).search(SearchQuery()).total

    print(f"\nrebuild_search_index over {courses:,} courses (PostgreSQL, 2 CPUs)")
    for backend, figure in figures.items():
        print(
            f"  {backend:<14} {figure['wall']:6.1f} s wall"
            f"  {courses / figure['wall']:7,.0f} courses/s"
            f"  this process's CPU {figure['cpu']:6.1f} s  load {figure['load']}"
            f"  then found {figure['found']:,}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--courses", type=int, default=100_000)
    parser.add_argument("--pg-port", type=int, default=54343)
    parser.add_argument("--es-port", type=int, default=59203)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    print(f"{os.cpu_count()} CPUs, load average {loopback.load_average()} before the run")
    run_dir = Path(tempfile.mkdtemp(prefix="lms-rebuild-bench-", dir="/tmp"))
    run_dir.chmod(0o755)  # PostgreSQL and Elasticsearch run as their own users
    try:
        with (
            learning_benchmark.postgres(run_dir, args.pg_port) as (database_url, _pid),
            loopback.elasticsearch(args.es_port) as elasticsearch_url,
        ):
            os.environ.pop("REDIS_URL", None)
            os.environ.update(
                DJANGO_SETTINGS_MODULE="lms.settings.production",
                DATABASE_URL=database_url,
                ELASTICSEARCH_URL=elasticsearch_url,
                ELASTICSEARCH_INDEX="lms-rebuild-bench",
                LMS_DATA_DIR=str(run_dir / "data"),
                LMS_SECRET_KEY=secrets.token_urlsafe(48),
                LMS_ALLOWED_HOSTS="127.0.0.1,localhost",
                LMS_LOG_LEVEL="WARNING",
            )
            run(args)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
