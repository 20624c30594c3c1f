"""The back-office dashboards at scale: refresh time and page time on PostgreSQL.

Starts its own PostgreSQL on loopback (port 8750 by default), seeds the "1+6+N" tree and
demo courses, 10,000 listing courses, 100,000 learners with enrolments and lesson
progress, 1,000,000 ledger entries spread over every course for two years and two years
of daily plays (the seeding of benchmarks/learning_benchmark.py, reused), then:

- times `dashboards.services.figures_refresh` (the queue's job), twice;
- opens every unit's dashboard as a headquarters admin, in-process through Django's test
  client with production settings (DEBUG off), for the default period (twelve months)
  and for two years, several rounds, and prints p50 / p95 / max per period.

Targets (issue 16): p95 under 300 ms for any unit's dashboard, refresh under a minute.
The load average is printed with the figures: other work on the machine slows them.

    .venv/bin/python benchmarks/dashboard.py                 # about 5 minutes
    .venv/bin/python benchmarks/dashboard.py --learners 5000 --ledger 50000 --courses 500
"""

import argparse
import contextlib
import datetime
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import learning_benchmark as lb
import loopback


def seed(args, rng: random.Random) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from tqdm import tqdm

    from courses.models import CoursePage
    from dashboards.forms import default_period
    from dashboards.services import Tree

    def period_of(query: dict) -> tuple[datetime.date, datetime.date]:
        """The period the page shows for these filters (the page's own default)."""
        default_start, default_end = default_period(datetime.date.today())
        start = query.get("start")
        return (datetime.date.fromisoformat(start) if start else default_start), default_end

    from video.models import DailyPlays, Video

    state, timings = {}, {}

    def video_courses():
        state["video_courses"] = lb.seed_video_course_rows(rng)

    def learners():
        state["learners"] = lb.seed_learners(args.learners, make_password(lb.PASSWORD))

    def learning():
        listing = list(
            CoursePage.objects.exclude(pk__in=[c["id"] for c in state["video_courses"]])
            .values_list("pk", flat=True)
            .order_by("pk")
        )
        lb.seed_learning(state["learners"], state["video_courses"], listing, rng)

    def ledger():
        # Every course, video or listing, with the unit that owns it.
        tree = Tree()
        units = {unit["pk"]: unit["title"] for unit in tree.by_id.values()}
        courses = []
        for pk, path, title in CoursePage.objects.values_list("pk", "path", "title"):
            owner = tree.owner(path)
            courses.append(
                {"id": pk, "title": title, "academy_id": owner, "academy_title": units[owner]}
            )
        admin = get_user_model().objects.get(username="admin")
        lb.seed_ledger(args.ledger, state["learners"], courses, admin.pk)

    def plays():
        today = datetime.date.today()
        DailyPlays.objects.bulk_create(
            (
                DailyPlays(video=video, day=today - datetime.timedelta(days=n), plays=1 + n % 40)
                for video in Video.objects.all()
                for n in range(730)
            ),
            batch_size=5000,
        )

    def analyze():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    steps = [
        ("migrate", lambda: call_command("migrate", verbosity=0, interactive=False)),
        ("1+6+N tree and demo courses", lb.seed_tree),
        (f"{lb.VIDEO_COURSES} video courses", video_courses),
        (f"{args.courses:,} listing courses", lambda: lb.seed_listing_courses(args.courses, rng)),
        (f"{args.learners:,} learners", learners),
        ("enrolments and lesson progress", learning),
        (f"{args.ledger:,} ledger entries", ledger),
        ("two years of daily plays", plays),
        ("VACUUM ANALYZE", analyze),
    ]
    with tqdm(steps, desc="seeding", unit="step", file=sys.stderr) as bar:
        for label, step in bar:
            bar.set_postfix_str(label[:32])
            started = time.perf_counter()
            step()
            timings[label] = time.perf_counter() - started
    state["timings"] = timings
    return state


def refresh_figures(runs: int) -> list[float]:
    from dashboards.models import RefreshState
    from dashboards.services import figures_refresh

    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        assert figures_refresh(), "another refresh was running"
        seconds.append(time.perf_counter() - started)
    assert RefreshState.objects.get().percent == 100
    return seconds


def dashboard_times(rounds: int) -> dict:
    """Seconds per dashboard page, for each unit and two periods, as headquarters: the
    whole admin page (with Wagtail's menu and chrome) and the figures alone (the
    selector the page calls)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from academies.demo import headquarters
    from dashboards import selectors
    from dashboards.forms import default_period
    from dashboards.services import Tree

    def period_of(query: dict) -> tuple[datetime.date, datetime.date]:
        """The period the page shows for these filters (the page's own default)."""
        default_start, default_end = default_period(datetime.date.today())
        start = query.get("start")
        return (datetime.date.fromisoformat(start) if start else default_start), default_end

    tree = Tree()
    hq_admin = get_user_model().objects.get(username="hq_admin")
    client = Client()
    client.force_login(hq_admin)
    today = datetime.date.today()
    periods = {
        "12 months (default)": {},
        "two years": {"start": (today - datetime.timedelta(days=730)).isoformat()},
    }
    units = sorted(tree.by_id.values(), key=lambda unit: unit["path"])
    hq = headquarters().pk
    times = {name: [] for name in periods}
    figures = {name: [] for name in periods}
    slowest = {name: (0.0, "") for name in periods}
    for _ in range(rounds):
        for name, query in periods.items():
            for unit in units:
                if not unit["path"].startswith(tree.by_id[hq]["path"]):
                    continue
                started = time.perf_counter()
                response = client.get(
                    "/admin/dashboards/", {**query, "unit": unit["pk"]}, secure=True
                )
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, (response.status_code, unit["title"])
                times[name].append(elapsed)
                if elapsed > slowest[name][0]:
                    slowest[name] = (elapsed, unit["title"])
                start, end = period_of(query)
                started = time.perf_counter()
                selectors.dashboard(
                    tree=Tree(), unit_id=unit["pk"], visible=set(tree.by_id), start=start, end=end
                )
                figures[name].append(time.perf_counter() - started)
    return {
        "times": times,
        "figures": figures,
        "slowest": slowest,
        "units": len(times["two years"]) // rounds,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(args) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # Static files are not served here; their compressed, hashed copies (collectstatic
    # takes minutes) would not change a page's time.
    # override_settings, not an assignment: it also resets the storages already made.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    if settings.DEBUG:
        raise RuntimeError("DEBUG is on; the benchmark measures production settings")
    state = seed(args, random.Random(args.seed))
    for label, seconds in state["timings"].items():
        print(f"  seeded {label:<36} {seconds:7.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM learning_ledgerentry")
        (entries,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM courses_enrolment")
        (enrolments,) = cursor.fetchone()
    print(f"ledger entries {entries:,}, enrolments {enrolments:,}, learners {args.learners:,}")

    print(f"load average before the refresh: {loopback.load_average()}")
    refresh = refresh_figures(args.refreshes)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM dashboards_unitday), "
            "(SELECT count(*) FROM dashboards_courseday), "
            "(SELECT count(*) FROM dashboards_coursemonth), "
            "(SELECT count(*) FROM dashboards_lessonretention)"
        )
        unit_days, course_days, course_months, retention = cursor.fetchone()
    print(
        "refresh: " + ", ".join(f"{seconds:.1f} s" for seconds in refresh)
        + f" (target < 60 s); load average {loopback.load_average()}"
    )  # fmt: skip
    print(
        f"  roll-up rows: unit days {unit_days:,}, course days {course_days:,}, "
        f"course months {course_months:,}, lessons with retention {retention:,}"
    )
    pages = dashboard_times(args.rounds)
    print(f"dashboards: {pages['units']} units × {args.rounds} rounds per period, "
          f"load average {loopback.load_average()}")  # fmt: skip
    for name, values in pages["times"].items():
        ms = [value * 1000 for value in values]
        _slowest_seconds, slow_unit = pages["slowest"][name]
        own = [value * 1000 for value in pages["figures"][name]]
        print(
            f"  {name:<20} page p50 {statistics.median(ms):6.1f} ms  p95 "
            f"{percentile(ms, 0.95):6.1f} ms  max {max(ms):6.1f} ms ({slow_unit}) — target "
            f"p95 < 300 ms; figures alone p50 {statistics.median(own):5.1f} ms  p95 "
            f"{percentile(own, 0.95):5.1f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--ledger", type=int, default=1_000_000, help="ledger entries")
    parser.add_argument("--courses", type=int, default=10_000, help="listing courses")
    parser.add_argument("--refreshes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=10, help="rounds over every unit")
    parser.add_argument("--pg-port", type=int, default=8750)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    # Stop cleanly (PostgreSQL too) on Ctrl-C or kill.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    with contextlib.closing(socket.socket()) as probe:
        if probe.connect_ex(("127.0.0.1", args.pg_port)) == 0:
            parser.error(f"port {args.pg_port} is taken; choose another (--pg-port)")
    print(f"{os.cpu_count()} CPUs, load average {loopback.load_average()} before the run")
    run_dir = Path(tempfile.mkdtemp(prefix="lms-dashboard-bench-", dir="/tmp"))
    run_dir.chmod(0o755)  # PostgreSQL runs as its own user when we are root
    try:
        with lb.postgres(run_dir, args.pg_port) as (database_url, _postmaster):
            for name in ("REDIS_URL", "ELASTICSEARCH_URL", "LMS_DEBUG"):
                os.environ.pop(name, None)
            os.environ.update(
                DJANGO_SETTINGS_MODULE="lms.settings.production",
                DATABASE_URL=database_url,
                LMS_DATA_DIR=str(run_dir / "data"),
                LMS_SECRET_KEY=secrets.token_urlsafe(48),
                LMS_ALLOWED_HOSTS="testserver,127.0.0.1",
                LMS_SSL_REDIRECT="false",
                LMS_LOG_LEVEL="WARNING",
            )
            run(args)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
