"""Learning API and course-listing benchmark (a measurement, not a test).

Measures, with PostgreSQL behind gunicorn and DEBUG off, on this machine:

- heartbeats per second that ``POST /api/v1/lessons/<key>/progress/`` sustains — the real
  view, crediting and ledger code, with session login and CSRF — and their p50/p90/p99
  latency: at saturation (closed loop: a fixed number of connections, each sending its next
  beat as soon as the last one is answered) and at a fixed rate below it (open loop, latency
  counted from the scheduled send time, so falling behind shows as latency);
- the latency (p50/p99) of the course listing with 10,000 courses — the whole province's
  first page, a deep page, a category filter, one academy's listing — and the SQL queries
  each page runs.

    .venv/bin/python benchmarks/learning_benchmark.py
    .venv/bin/python benchmarks/learning_benchmark.py --seconds 60 --json /tmp/learning.json
    .venv/bin/python benchmarks/learning_benchmark.py --learners 10000 --ledger 100000 \\
        --courses 1000 --seconds 15   # a quick look

How. A throw-away PostgreSQL (scripts/postgres.sh on port 54342, under /tmp; like the test
suite's it runs with fsync and synchronous_commit off, so commits cost no disk flush) is
migrated and seeded. The "1+6+N" tree and the demo courses come from academies.demo and
courses.demo; 20 video courses (2 chapters x 4 lessons) are built and published the
ordinary way (Wagtail add_child, revision, publish) with READY videos created directly, not
transcoded (a heartbeat reads only the video's duration). The volume goes straight into the
real tables with INSERT ... SELECT generate_series and COPY, for speed: 100,000 learners
(auth_user + courses_learnerprofile, one precomputed PBKDF2 hash), 3 enrolments each, one
lesson progress (with its player tab) and learner clock each, 1,000,000 ledger entries (keys
``seed:<n>``, never a real heartbeat's), and the 10,000 listing courses as Wagtail pages
(treebeard paths computed here, wagtailcore_page rows bulk-created, courses_coursepage rows
copied, tags and lecturers attached; the tree is checked as treebeard's find_problems does; they
are not in the search index, which the listing does not read). Then VACUUM ANALYZE and
collectstatic, and gunicorn serves lms.wsgi with lms.settings.production (a random
LMS_SECRET_KEY, plain HTTP on 127.0.0.1 so LMS_SSL_REDIRECT=false, local-memory cache and
the ORM queue: REDIS_URL and ELASTICSEARCH_URL are ignored).

Learners are logged in: one through the real login form (a check), the others with sessions
stored as django.contrib.auth.login stores them (django_session rows) and a CSRF cookie,
sent as the player sends them (Cookie, X-CSRFToken, Origin). The load generator is a
separate process (this file with --load-generator): threads with http.client connections
(kept alive where the server allows; sync workers close each); each learner's beat reports
the next 15 s of its lesson (HEARTBEAT_MS in static/js/video-player.js) in the body
``{"position", "rate", "ranges", "visible", "tab"}``.
Non-2xx answers count as errors. CPU seconds of gunicorn, PostgreSQL and the load generator
are read from /proc, so the server's CPU per heartbeat can be compared across runs on a
shared machine; the load average is printed with the figures. PostgreSQL and gunicorn are
stopped at the end, also on error or Ctrl-C.
"""

import argparse
import collections
import contextlib
import datetime
import http.client
import itertools
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import loopback  # noqa: E402

HEARTBEAT_SECONDS = 15.0  # HEARTBEAT_MS in static/js/video-player.js
PASSWORD = "gongjiang2026"
VIDEO_COURSES = 20
CHAPTERS, LESSONS_PER_CHAPTER = 2, 4
COURSES_PER_PAGE = 12  # courses.selectors.COURSES_PER_PAGE
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RATES = [1.0] * 6 + [1.25, 1.5, 2.0]  # playback speeds learners choose

SKILLS = [
    "光伏发电站设计", "风电场升压站设备巡视", "储能电站运维", "新能源锂电保护", "焊接工艺",
    "数控机床装调维修", "工业机器人操作", "人工智能训练", "大数据分析", "网络与信息安全",
    "新能源汽车维修", "无人机智能巡检", "激光三维建模", "智能热力管道运行", "电工基础",
    "安全生产", "班组管理", "直播带货", "全媒体运营", "人参种植", "中医药膳", "冰雪旅游服务",
    "农机维修", "新材料检测", "书法", "摄影", "太极拳", "心理健康", "劳模工匠精神", "党史教育",
]  # fmt: skip
KINDS = ["入门", "实操", "强化训练", "技能提升", "竞赛辅导", "理论讲解", "案例分析", "精讲"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
            "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"]  # fmt: skip
GIVEN = ["建国", "秀梅", "志强", "洋", "静", "晓东", "丽华", "海峰", "明", "伟",
         "芳", "军", "红", "玉兰", "春生", "雪", "鹏", "桂芝", "宏伟", "淑珍"]  # fmt: skip
WORK_UNITS = [
    "国网吉林省电力有限公司", "中国第一汽车集团有限公司", "吉林化纤集团",
    "长春轨道客车股份有限公司", "吉林省某风力发电有限公司", "通化钢铁集团", "吉林石化公司",
    "长春市公交集团", "延边某人参种植合作社", "辽源某电子商务有限公司",
]  # fmt: skip


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency_figures(latencies_s: list[float]) -> dict:
    ms = [value * 1000 for value in latencies_s] or [math.nan]
    return {
        "p50_ms": statistics.median(ms),
        "p90_ms": percentile(ms, 0.90),
        "p99_ms": percentile(ms, 0.99),
        "max_ms": max(ms),
    }


# --- CPU accounting from /proc ---------------------------------------------------------


def _process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks of the process and its reaped children)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        table[int(entry)] = (int(fields[1]), sum(int(value) for value in fields[11:15]))
    return table


def tree_cpu_seconds(root: int, table: dict) -> float:
    children = collections.defaultdict(list)
    for pid, (parent, _ticks) in table.items():
        children[parent].append(pid)
    ticks, stack = 0, [root]
    while stack:
        pid = stack.pop()
        ticks += table.get(pid, (0, 0))[1]
        stack.extend(children[pid])
    return ticks / CLOCK_TICKS


def system_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:9]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def cpu_snapshot(roots: dict[str, int]) -> dict[str, float]:
    table = _process_table()
    snapshot = {name: tree_cpu_seconds(pid, table) for name, pid in roots.items()}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    snapshot["client"] = usage.ru_utime + usage.ru_stime
    snapshot["busy"], snapshot["total"] = system_cpu_seconds()
    snapshot["wall"] = time.perf_counter()
    return snapshot


def cpu_delta(before: dict, after: dict) -> dict:
    delta = {name: after[name] - before[name] for name in before}
    ours = sum(delta[name] for name in delta if name not in ("busy", "total", "wall"))
    delta["machine_busy_share"] = delta["busy"] / delta["total"] if delta["total"] else 0.0
    delta["others_cpu"] = max(0.0, delta["busy"] - ours)
    return delta


# --- the load generator (a separate process, standard library only) ------------------


class VirtualLearner:
    """A logged-in learner watching one lesson, one beat every 15 s of media."""

    __slots__ = ("duration", "headers", "path", "position", "rate", "tab")

    def __init__(self, spec: dict, origin: str):
        self.path = spec["path"]
        self.duration = spec["duration"]
        self.position = spec["position"]
        self.rate = spec["rate"]
        self.tab = spec["tab"]
        self.headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Cookie": f"sessionid={spec['session']}; csrftoken={spec['csrf']}",
            "X-CSRFToken": spec["csrf"],
            "Origin": origin,
        }

    def next_beat(self) -> bytes:
        start = self.position
        end = min(start + HEARTBEAT_SECONDS * self.rate, self.duration)
        self.position = 0.0 if end >= self.duration - 0.5 else end  # watches it again
        beat = {
            "position": round(end, 1),
            "rate": self.rate,
            "ranges": [[round(start, 1), round(end, 1)]],
            "visible": True,
            "tab": self.tab,
        }
        return json.dumps(beat).encode()


def run_phase(spec: dict, learners: collections.deque, phase: dict) -> dict:
    from tqdm import tqdm

    host, port = "127.0.0.1", spec["port"]
    rate, seconds = phase.get("rate"), phase["seconds"]
    threads = phase["connections"]
    slots, slot_lock, done_lock = itertools.count(), threading.Lock(), threading.Lock()
    records: list[tuple[float, int, float]] = []
    examples: dict[int, str] = {}
    completed = [0]
    started = time.perf_counter()
    ends = started + seconds

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=60)
        local = []
        while True:
            if rate:
                with slot_lock:
                    slot = next(slots)
                due = started + slot / rate
                if due >= ends:
                    break
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                sent = due  # late sends count their delay: no coordinated omission
            else:
                sent = time.perf_counter()
                if sent >= ends:
                    break
            learner = learners.popleft()
            body = learner.next_beat()
            try:
                connection.request("POST", learner.path, body, learner.headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                status, payload = 0, repr(error).encode()
            finished = time.perf_counter()
            learners.append(learner)
            local.append((finished - sent, status, finished))
            completed[0] += 1
            if not 200 <= status < 300 and status not in examples:
                examples[status] = payload[:300].decode(errors="replace")
        connection.close()
        with done_lock:
            records.extend(local)

    before = cpu_snapshot(spec["cpu_roots"])
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    with tqdm(total=int(seconds), desc=phase["name"], unit="s", file=sys.stderr) as bar:
        while any(thread.is_alive() for thread in pool):
            time.sleep(1)
            elapsed = time.perf_counter() - started
            bar.n = min(int(seconds), int(elapsed))
            bar.set_postfix_str(f"{completed[0] / elapsed:,.0f} req/s")
    cpu = cpu_delta(before, cpu_snapshot(spec["cpu_roots"]))
    elapsed = max(finished for _l, _s, finished in records) - started if records else seconds
    ok = [latency for latency, status, _f in records if 200 <= status < 300]
    errors = collections.Counter(status for _l, status, _f in records if not 200 <= status < 300)
    return {
        "name": phase["name"],
        "mode": "open loop" if rate else "closed loop",
        "connections": threads,
        "target_rate": rate,
        "seconds": elapsed,
        "requests": len(records),
        "ok": len(ok),
        "rate": len(ok) / elapsed,
        "errors": {str(status): count for status, count in errors.items()},
        "error_examples": {str(status): text for status, text in examples.items()},
        "load_average": os.getloadavg(),
        "cpu": cpu,
        **latency_figures([latency for latency, _s, _f in records]),
    }


def load_generator(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    origin = f"http://127.0.0.1:{spec['port']}"
    learners = collections.deque(VirtualLearner(item, origin) for item in spec["learners"])
    results = []
    for phase in spec["phases"]:
        phase = dict(phase)
        if phase.get("rate_share"):  # a share of the closed loop's rate just measured
            saturated = next(r for r in results if r["name"] == phase["of"])
            phase["rate"] = max(1.0, round(saturated["rate"] * phase["rate_share"]))
        results.append(run_phase(spec, learners, phase))
    json.dump(results, sys.stdout)
    return 0


# --- PostgreSQL and gunicorn -----------------------------------------------------------


@contextlib.contextmanager
def postgres(run_dir: Path, port: int):
    directory = run_dir / "pg"
    with loopback.loopback_service("postgres", directory, port) as url:
        import psycopg

        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute("CREATE DATABASE lms")
        pid = int((directory / "data" / "postmaster.pid").read_text().split()[0])
        yield url, pid


@contextlib.contextmanager
def gunicorn(args, run_dir: Path):
    log = run_dir / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "lms.wsgi:application",
        "--bind", f"127.0.0.1:{args.http_port}",
        "--workers", str(args.workers),
        "--worker-class", args.worker_class,
        "--threads", str(args.threads),
        "--timeout", "120",
        "--error-logfile", str(log),
    ]  # fmt: skip
    with open(log, "ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180  # workers boot slowly on a busy machine
        while True:
            with contextlib.suppress(OSError):
                status, _headers, _body = http_request(args.http_port, "GET", "/accounts/login/")
                if status == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def http_request(port, method, path, body=None, headers=None, connection=None):
    """(status, headers, body) of one request, on `connection` or a new one."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        payload = response.read()
        if response.will_close:
            connection.close()
        return response.status, response.getheaders(), payload
    finally:
        if own:
            connection.close()


def cookies_from(headers) -> dict[str, str]:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _sep, rest = value.partition("=")
            found[key.strip()] = rest.split(";", 1)[0]
    return found


# --- seeding ---------------------------------------------------------------------------


def copy_rows(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def seed_tree() -> None:
    """The "1+6+N" units, course listings and demo courses, as `seed_demo` makes them;
    the demo's ready videos are created here instead of transcoded."""
    from django.db import transaction

    import academies.demo
    import courses.demo

    for _label, step in academies.demo.steps():
        with transaction.atomic():
            step()
    make_videos(8)
    for _label, step in courses.demo.steps():
        with transaction.atomic():
            step()


def make_videos(count: int, rng: random.Random | None = None) -> list:
    from django.utils import timezone

    from academies.models import IndustryAcademyPage
    from video.models import Video, VideoStatus

    rng = rng or random.Random(7)
    academies = list(IndustryAcademyPage.objects.order_by("path"))
    videos = []
    for number in range(count):
        academy = academies[number % len(academies)]
        videos.append(
            Video.objects.create(
                title=f"{rng.choice(SKILLS)}{rng.choice(KINDS)} · 第{number + 1}讲",
                collection=academy.collection,
                visibility="restricted",
                source_name="lecture.mp4",
                status=VideoStatus.READY,
                progress=100,
                duration=float(rng.randrange(1200, 2700)),
                width=1280,
                height=720,
                has_video=True,
                has_audio=True,
                ready_at=timezone.now(),
            )
        )
    return videos


def units() -> list:
    from wagtail.models import Page

    from academies.selectors import unit_page_models

    types = [model._meta.model_name for model in unit_page_models()]
    return list(Page.objects.filter(content_type__model__in=types).order_by("path"))


def seed_video_courses(rng: random.Random) -> list:
    """Courses whose every lesson has a ready video, built and published as an editor would."""
    from django.db import transaction
    from wagtail.rich_text import RichText

    from courses.models import Category, Chapter, CoursePage, Lesson

    videos = make_videos(VIDEO_COURSES * 2, rng)
    categories = list(Category.objects.all())
    parents = [unit.specific for unit in units()]
    created = []
    for number in range(VIDEO_COURSES):
        skill = SKILLS[number % len(SKILLS)]
        chapters = [
            Chapter(
                title=f"第{c + 1}章 {skill}{KINDS[c]}",
                lessons=[
                    Lesson(
                        title=f"{skill} {c + 1}.{n + 1}",
                        video=videos[(number * 8 + c * 4 + n) % len(videos)],
                        body=[("text", RichText(f"<p>{skill}:理论讲解与实操要点。</p>"))],
                    )
                    for n in range(LESSONS_PER_CHAPTER)
                ],
            )
            for c in range(CHAPTERS)
        ]
        page = CoursePage(
            slug=f"video-course-{number + 1}",
            title=f"{skill}(视频课)",
            summary=f"{skill}的视频课程,线上学习,记录学时。",
            category=categories[number % len(categories)],
            learning_hours=8,
            description=[("paragraph", RichText(f"<p>{skill}视频课程。</p>"))],
            chapters=chapters,
        )
        page.tags.set([skill[:4]])
        with transaction.atomic():
            parents[number % len(parents)].add_child(instance=page)
            page.save_revision().publish()
        created.append(CoursePage.objects.get(pk=page.pk))
    return created


def seed_listing_courses(count: int, rng: random.Random) -> int:
    """`count` live course pages spread over all units, inserted in bulk: treebeard paths
    computed here like add_child would (after each parent's last child), wagtailcore_page
    rows bulk-created, the CoursePage table's rows copied, parents' numchild updated."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone
    from taggit.models import Tag
    from tqdm import tqdm
    from wagtail.models import Page

    from courses.models import Category, CourseLecturer, CoursePage, CourseTag, LecturerPage

    content_type = ContentType.objects.get_for_model(CoursePage)
    parents = units()
    categories = [category.pk for category in Category.objects.all()]
    lecturers = [lecturer.pk for lecturer in LecturerPage.objects.all()]
    tags = [Tag.objects.get_or_create(name=skill[:4])[0].pk for skill in SKILLS]
    now = timezone.now()
    next_step = {}
    for parent in parents:
        last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        last = last.order_by("-path").first()
        next_step[parent.pk] = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    per_parent = collections.Counter()
    batch = 2000
    with tqdm(total=count, desc="listing courses", unit="page", file=sys.stderr) as bar:
        for first in range(0, count, batch):
            pages, extra = [], []
            for number in range(first, min(count, first + batch)):
                parent = parents[number % len(parents)]
                step = next_step[parent.pk]
                next_step[parent.pk] += 1
                per_parent[parent.pk] += 1
                skill, other = rng.sample(SKILLS, 2)
                title = f"{skill}{rng.choice(KINDS)}(第{number % 40 + 1}期)"
                slug = f"course-{number + 1}"
                published = now - datetime.timedelta(minutes=7 * (count - number))
                pages.append(
                    Page(
                        path=Page._get_path(parent.path, parent.depth + 1, step),
                        depth=parent.depth + 1,
                        numchild=0,
                        title=title,
                        draft_title=title,
                        slug=slug,
                        url_path=f"{parent.url_path}{slug}/",
                        content_type=content_type,
                        locale_id=parent.locale_id,
                        translation_key=uuid.uuid4(),
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                    )
                )
                summary = f"面向一线职工的{skill}课程,兼顾{other}。"
                paragraph = f"<p>{summary}理论讲解与实操训练相结合。</p>"
                # How a StreamField stores a rich-text block.
                block = {"type": "paragraph", "value": paragraph, "id": str(uuid.uuid4())}
                description = json.dumps([block], ensure_ascii=False)
                extra.append(
                    (
                        summary,
                        description,
                        rng.choice(categories),
                        rng.choice(["beginner", "intermediate", "advanced"]),
                        rng.choice([2, 4, 6, 8, 12, 16, 24, 32]),
                        rng.choice(["online", "in_person", "blended"]),
                    )
                )
            with transaction.atomic():
                Page.objects.bulk_create(pages)
                copy_rows(
                    "courses_coursepage",
                    ["page_ptr_id", "summary", "description", "category_id", "level",
                     "learning_hours", "mode", "enrolment_policy"],
                    (
                        (page.pk, summary, description, category, level, hours, mode, "open")
                        for page, (summary, description, category, level, hours, mode)
                        in zip(pages, extra, strict=True)
                    ),
                )  # fmt: skip
                CourseTag.objects.bulk_create(
                    CourseTag(content_object_id=page.pk, tag_id=tag)
                    for page in pages
                    for tag in rng.sample(tags, 2)
                )
                CourseLecturer.objects.bulk_create(
                    CourseLecturer(course_id=page.pk, lecturer_id=lecturer, sort_order=0)
                    for page in pages
                    for lecturer in rng.sample(lecturers, min(1, len(lecturers)))
                )
            bar.update(len(pages))
    for parent_pk, added in per_parent.items():
        Page.objects.filter(pk=parent_pk).update(numchild=F("numchild") + added)
    problems = tree_problems()
    if problems:
        raise RuntimeError(f"the page tree is broken after the bulk insert: {problems}")
    return count


def tree_problems() -> dict[str, int]:
    """What treebeard's Page.find_problems() looks for, in three set-based queries (it
    runs two queries per page: minutes at 100,000): pages without a parent, depths that
    do not match the path, and parents whose numchild is not their number of children."""
    from django.db import connection
    from wagtail.models import Page

    step = Page.steplen
    checks = {
        "orphans": f"""SELECT count(*) FROM wagtailcore_page child WHERE child.depth > 1
            AND NOT EXISTS (SELECT 1 FROM wagtailcore_page parent
                            WHERE parent.path = left(child.path, -{step}))""",
        "wrong depth": f"""SELECT count(*) FROM wagtailcore_page
            WHERE depth * {step} <> length(path)""",
        "wrong numchild": f"""SELECT count(*) FROM wagtailcore_page parent
            LEFT JOIN (SELECT left(path, -{step}) AS parent_path, count(*) AS children
                       FROM wagtailcore_page WHERE depth > 1 GROUP BY 1) counted
              ON counted.parent_path = parent.path
            WHERE parent.numchild <> coalesce(counted.children, 0)""",
    }
    found = {}
    with connection.cursor() as cursor:
        for name, query in checks.items():
            cursor.execute(query)
            found[name] = cursor.fetchone()[0]
    return {name: number for name, number in found.items() if number}


def seed_video_course_rows(rng: random.Random) -> list[dict]:
    """`seed_video_courses`, each course as the heartbeat and ledger seeding need it: its
    id, title, academy and lessons (key, duration)."""
    from academies.selectors import unit_of

    rows = []
    for course in seed_video_courses(rng):
        academy = unit_of(course)
        rows.append(
            {
                "id": course.pk,
                "title": course.title,
                "academy_id": academy.pk,
                "academy_title": academy.title,
                "lessons": [
                    {"key": str(lesson.key), "duration": float(lesson.duration_seconds)}
                    for lesson in course.lessons()
                ],
            }
        )
    return rows


def seed_learners(count: int, password_hash: str) -> list[tuple[int, str]]:
    """Learner accounts as accounts.services.learner_register makes them: a user named by
    the mobile number, first_name the real name, and a LearnerProfile."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM auth_user")
        (before,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,
                                   email, is_staff, is_active, date_joined)
            SELECT %(password)s, false, '139' || lpad(g::text, 8, '0'),
                   (%(surnames)s::text[])[1 + mod(g, 20)]
                       || (%(given)s::text[])[1 + mod(g / 20, 20)],
                   '', '', false, true, now() - mod(g, 1000) * interval '1 day'
            FROM generate_series(1, %(count)s) AS g
            """,
            {"password": password_hash, "surnames": SURNAMES, "given": GIVEN, "count": count},
        )  # fmt: skip
        cursor.execute(
            """
            INSERT INTO courses_learnerprofile (user_id, real_name, work_unit, union_card_number,
                                                phone_verified, created_at)
            SELECT id, first_name, (%(units)s::text[])[1 + mod(id, %(n_units)s)],
                   CASE WHEN mod(id, 3) = 0 THEN '' ELSE 'JL' || lpad(id::text, 10, '0') END,
                   mod(id, 4) = 0, date_joined
            FROM auth_user WHERE id > %(before)s
            """,
            {"units": WORK_UNITS, "n_units": len(WORK_UNITS), "before": before},
        )  # fmt: skip
        cursor.execute("SELECT id, username FROM auth_user WHERE id > %s ORDER BY id", [before])
        return cursor.fetchall()


def lesson_of(number: int, video_courses: list) -> tuple:
    course = video_courses[number % len(video_courses)]
    lessons = course["lessons"]
    return course, lessons[(number // len(video_courses)) % len(lessons)]


def seed_learning(learners, video_courses, listing_courses, rng: random.Random) -> list[dict]:
    """Enrolments (two video courses and one listing course each), and where each learner
    stands in one lesson: progress (with the player tab it last beat from), the clock.
    Returns, per learner, what its player needs."""
    from django.utils import timezone

    now = timezone.now()
    players = []
    enrolments, progress, clocks = [], [], []
    for number, (learner_id, _username) in enumerate(learners):
        course, lesson = lesson_of(number, video_courses)
        second = video_courses[(number + 1) % len(video_courses)]
        joined = now - datetime.timedelta(days=rng.randrange(1, 700))
        for course_id, status in (
            (course["id"], "active"),
            (second["id"], "active"),
            (listing_courses[(number * 37) % len(listing_courses)], rng.choice(
                ["active", "active", "active", "pending", "withdrawn"])),
        ):  # fmt: skip
            enrolled = joined if status == "active" else None
            enrolments.append((learner_id, course_id, status, "self", joined, joined, enrolled, ""))
        duration = lesson["duration"]
        position = rng.uniform(0, 0.9 * duration - 1)  # completes at 90 % coverage
        watched = json.dumps([[0.0, round(position, 1)]])
        tab = secrets.token_hex(4)
        last_beat = now - datetime.timedelta(seconds=HEARTBEAT_SECONDS)
        progress.append(
            (learner_id, course["id"], lesson["key"], watched, position, duration, position,
             math.floor(position / 60), json.dumps({tab: last_beat.timestamp()}), now)
        )  # fmt: skip
        clocks.append((learner_id, last_beat, 0.0))
        players.append(
            {
                "learner": learner_id,
                "path": f"/api/v1/lessons/{lesson['key']}/progress/",
                "duration": duration,
                "position": round(position, 1),
                "rate": rng.choice(RATES),
                "tab": tab,
            }
        )
    copy_rows(
        "courses_enrolment",
        [
            "learner_id",
            "course_id",
            "status",
            "source",
            "created_at",
            "updated_at",
            "enrolled_at",
            "note",
        ],
        enrolments,
    )
    copy_rows(
        "learning_lessonprogress",
        ["learner_id", "course_id", "lesson_key", "watched", "position", "duration",
         "credited_seconds", "minutes_recorded", "tabs", "updated_at"],
        progress,
    )  # fmt: skip
    copy_rows("learning_learnerclock", ["learner_id", "credited_until", "slack_seconds"], clocks)
    return players


def seed_ledger(count: int, learners, video_courses, author_id: int) -> None:
    """Entries over the last two years: 85 % video, 10 % class, 4 % live, 1 % manual."""
    from django.db import connection
    from tqdm import tqdm

    ids = [learner_id for learner_id, _username in learners]
    params = {
        "learners": ids,
        "n": len(ids),
        "courses": [course["id"] for course in video_courses],
        "course_titles": [course["title"] for course in video_courses],
        "academies": [course["academy_id"] for course in video_courses],
        "academy_titles": [course["academy_title"] for course in video_courses],
        "n_courses": len(video_courses),
        "author": author_id,
    }
    statement = """
        INSERT INTO learning_ledgerentry (learner_id, minutes, source, academy_id, academy_title,
            course_id, course_title, reference, reason, author_id, key, created_at)
        SELECT (%(learners)s::bigint[])[(1 + mod(g * 7919, %(n)s))::int], 1 + mod(g, 45), source,
            (%(academies)s::bigint[])[c], (%(academy_titles)s::text[])[c],
            (%(courses)s::bigint[])[c], (%(course_titles)s::text[])[c],
            CASE source WHEN 'video' THEN 'lesson:seed-' || mod(g, 160)
                        WHEN 'manual' THEN '' ELSE 'session:' || mod(g, 5000) END,
            CASE source WHEN 'manual' THEN '补录线下培训学时' ELSE '' END,
            CASE source WHEN 'manual' THEN %(author)s END,
            CASE source WHEN 'manual' THEN NULL ELSE 'seed:' || g END,
            now() - mod(g * 7919, 63072000) * interval '1 second'
        FROM (
            SELECT g, (1 + mod(g, %(n_courses)s))::int AS c,
                   CASE WHEN mod(g, 100) < 85 THEN 'video' WHEN mod(g, 100) < 95 THEN 'class'
                        WHEN mod(g, 100) < 99 THEN 'live' ELSE 'manual' END AS source
            FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
        ) AS generated
    """  # fmt: skip
    chunk = 100_000
    with (
        connection.cursor() as cursor,
        tqdm(
            total=count, desc="ledger entries", unit="row", unit_scale=True, file=sys.stderr
        ) as bar,
    ):
        for first in range(1, count + 1, chunk):
            last = min(count, first + chunk - 1)
            cursor.execute(statement, {**params, "first": first, "last": last})
            bar.update(last - first + 1)


def seed_sessions(players: list[dict], password_hash: str) -> None:
    """Sessions as django.contrib.auth.login stores them, and a CSRF secret per player."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    auth_hash = get_user_model()(password=password_hash).get_session_auth_hash()
    expires = timezone.now() + datetime.timedelta(days=14)
    store = SessionStore()
    alphabet = string.ascii_lowercase + string.digits
    sessions = []
    for player in players:
        player["session"] = "".join(secrets.choice(alphabet) for _ in range(32))
        player["csrf"] = "".join(
            secrets.choice(string.ascii_letters + string.digits) for _ in range(32)
        )
        data = {
            "_auth_user_id": str(player["learner"]),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": auth_hash,
        }
        sessions.append(
            Session(session_key=player["session"], session_data=store.encode(data),
                    expire_date=expires)
        )  # fmt: skip
    Session.objects.bulk_create(sessions, batch_size=5000)


def seed(args, rng: random.Random) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from tqdm import tqdm

    from courses.models import CoursePage

    state, timings = {}, {}

    def video_courses():
        state["video_courses"] = seed_video_course_rows(rng)

    def learners():
        state["password_hash"] = make_password(PASSWORD)
        state["learners"] = seed_learners(args.learners, state["password_hash"])

    def learning():
        listing = list(
            CoursePage.objects.exclude(pk__in=[c["id"] for c in state["video_courses"]])
            .values_list("pk", flat=True)
            .order_by("pk")
        )
        state["players"] = seed_learning(state["learners"], state["video_courses"], listing, rng)

    def ledger():
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.get(username="admin")
        seed_ledger(args.ledger, state["learners"], state["video_courses"], admin.pk)

    def sessions():
        active = state["players"][: args.active_learners]
        seed_sessions(active, state["password_hash"])

    def analyze():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def collectstatic():
        # static/vendor/hls.min.js names a source map that scripts/setup.sh does not copy,
        # so the manifest storage refuses the whole collection; the pages measured here use
        # no vendor file.
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["vendor"])

    steps = [
        ("migrate", lambda: call_command("migrate", verbosity=0, interactive=False)),
        ("1+6+N tree and demo courses", seed_tree),
        (f"{VIDEO_COURSES} video courses", video_courses),
        (f"{args.courses:,} listing courses", lambda: seed_listing_courses(args.courses, rng)),
        (f"{args.learners:,} learners", learners),
        ("enrolments, progress, clocks", learning),
        (f"{args.ledger:,} ledger entries", ledger),
        (f"{args.active_learners:,} sessions", sessions),
        ("VACUUM ANALYZE", analyze),
        ("collectstatic", collectstatic),
    ]
    with tqdm(steps, desc="seeding", unit="step", file=sys.stderr) as bar:
        for label, step in bar:
            bar.set_postfix_str(label[:32])
            started = time.perf_counter()
            step()
            timings[label] = time.perf_counter() - started
    state["timings"] = timings
    return state


# --- measuring -------------------------------------------------------------------------


def check_login_and_beat(port: int, username: str, player: dict) -> dict:
    """Log one learner in through the real login form and send one heartbeat as them."""
    origin = f"http://127.0.0.1:{port}"
    status, headers, body = http_request(port, "GET", "/accounts/login/")
    cookies = cookies_from(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={token}"
    status, headers, _body = http_request(
        port,
        "POST",
        "/accounts/login/",
        form.encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Origin": origin,
        },
    )
    cookies.update(cookies_from(headers))
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"logging in through the form failed: {status}")
    beat = {"position": player["position"] + 15, "rate": 1, "visible": True, "tab": player["tab"],
            "ranges": [[player["position"], player["position"] + 15]]}  # fmt: skip
    status, _headers, body = http_request(
        port,
        "POST",
        player["path"],
        json.dumps(beat).encode(),
        {
            "Content-Type": "application/json",
            "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
            "X-CSRFToken": cookies["csrftoken"],
            "Origin": origin,
        },
    )
    if status != 200:
        raise RuntimeError(f"a heartbeat after a form login was refused: {status} {body[:300]}")
    return {"sessionid": cookies["sessionid"], "csrftoken": cookies["csrftoken"]}


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def captured(client, method: str, path: str, **kwargs) -> tuple[int, list[dict]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(path, **kwargs)
    return response.status_code, context.captured_queries


def query_log(queries: list[dict]) -> list[str]:
    return [f"{float(query['time']) * 1000:6.1f} ms  {query['sql'][:240]}" for query in queries]


def repeated(queries: list[dict], times: int = 3) -> dict[str, int]:
    """Query shapes (literals blanked) run `times` or more times in one request: N+1 suspects."""
    shapes = collections.Counter(
        re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"])[:200] for query in queries
    )
    return {
        shape: count
        for shape, count in shapes.items()
        if count >= times and not shape.startswith(("SAVEPOINT", "RELEASE"))
    }


def heartbeat_queries(state: dict, count: int = 24) -> dict:
    """SQL queries per heartbeat, in this process through Django's test client (same code,
    same database), for learners outside the load: about a quarter of the beats cross a
    whole minute and append to the ledger."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    counts, ledger_counts, slowest = collections.Counter(), collections.Counter(), None
    samples = {}
    from learning.models import LedgerEntry

    for player in state["players"][-count:]:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(
            users.get(pk=player["learner"]), backend="django.contrib.auth.backends.ModelBackend"
        )
        start = player["position"]
        beat = {"position": start + 15, "rate": 1, "visible": True, "tab": player["tab"],
                "ranges": [[start, start + 15]]}  # fmt: skip
        entries = LedgerEntry.objects.filter(learner_id=player["learner"]).count()
        status, queries = captured(
            client, "post", player["path"], data=beat, content_type="application/json"
        )
        if status != 200:
            raise RuntimeError(f"in-process heartbeat refused: {status}")
        appended = LedgerEntry.objects.filter(learner_id=player["learner"]).count() > entries
        (ledger_counts if appended else counts)[len(queries)] += 1
        samples.setdefault("with ledger append" if appended else "plain", query_log(queries))
        for query in queries:
            if slowest is None or float(query["time"]) > float(slowest["time"]):
                slowest = query
    return {
        "queries": dict(counts),
        "queries_with_ledger_append": dict(ledger_counts),
        "slowest_query_ms": float(slowest["time"]) * 1000,
        "slowest_query": slowest["sql"][:300],
        "query_logs": samples,
    }


def listing_urls(state: dict) -> dict[str, str]:
    from academies.models import HeadquartersPage, IndustryAcademyPage
    from courses.models import Category, CourseIndexPage, CoursePage

    headquarters = HeadquartersPage.objects.get()
    province = CourseIndexPage.objects.child_of(headquarters).get()
    academy = IndustryAcademyPage.objects.order_by("path").first()
    academy_listing = CourseIndexPage.objects.child_of(academy).get()
    total = CoursePage.objects.live().descendant_of(headquarters).count()
    state["listed_courses"] = total
    deep = max(1, math.ceil(total / COURSES_PER_PAGE) * 3 // 4)
    category = Category.objects.filter(name="职业发展").first() or Category.objects.first()
    return {
        "province, page 1": province.url,
        f"province, page {deep}": f"{province.url}?page={deep}",
        f"category {category.name}": f"{province.url}?category={category.pk}",
        f"{academy.title}, page 1": academy_listing.url,
    }


def listing_figures(port: int, urls: dict, cookie: str, requests: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.get(username="13900000001")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    figures = {}
    for label, url in urls.items():
        client.get(url)  # templates and caches warm, in this process
        status, queries = captured(client, "get", url)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        slowest = max(queries, key=lambda query: float(query["time"]))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies, errors = [], 0
        for attempt in range(requests + 3):
            started = time.perf_counter()
            status, _headers, _body = http_request(
                port, "GET", url, headers={"Cookie": cookie}, connection=connection
            )
            if attempt >= 3:
                latencies.append(time.perf_counter() - started)
                errors += not 200 <= status < 300
        connection.close()
        figures[label] = {
            "url": url,
            "queries": len(queries),
            "slowest_query_ms": float(slowest["time"]) * 1000,
            "slowest_query": slowest["sql"][:300],
            "slowest_query_plan": explain(slowest["sql"]),
            "repeated_queries": repeated(queries),
            "query_log": query_log(queries),
            "requests": len(latencies),
            "errors": errors,
            **latency_figures(latencies),
        }
    return figures


def load_phases(args) -> list[dict]:
    return [
        {"name": "warm-up", "connections": args.connections, "seconds": args.warmup},
        {"name": "saturation", "connections": args.connections, "seconds": args.seconds},
        {
            "name": "steady",
            "connections": args.open_connections,
            "seconds": args.open_seconds,
            "rate_share": args.open_share,
            "of": "saturation",
        },
    ]


def report(args, state: dict, phases: list[dict], queries: dict, listing: dict) -> list:
    rows = []
    print(f"\n== heartbeats: POST /api/v1/lessons/<key>/progress/ · {args.learners:,} learners, "
          f"{args.ledger:,} ledger entries, {args.active_learners:,} learners playing")  # fmt: skip
    print(f"   gunicorn {args.workers} × {args.worker_class}"
          + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
          + ", PostgreSQL 15 on the same machine, load generator a third process")  # fmt: skip
    for phase in phases:
        if phase["name"] == "warm-up":
            continue
        cpu = phase["cpu"]
        per_beat = (cpu["gunicorn"] + cpu["postgres"]) / max(phase["ok"], 1) * 1000
        label = (
            f"{phase['name']} ({phase['mode']}, {phase['connections']} connections"
            + (f", offered {phase['target_rate']:.0f}/s" if phase["target_rate"] else "")
            + f", {phase['seconds']:.0f} s)"
        )
        errors = sum(phase["errors"].values())
        print(f"  {label}")
        print(f"    {phase['rate']:8.1f} heartbeats/s   p50 {phase['p50_ms']:7.1f} ms   "
              f"p90 {phase['p90_ms']:7.1f} ms   p99 {phase['p99_ms']:7.1f} ms   "
              f"max {phase['max_ms']:7.1f} ms   errors {errors}"
              + (f" {phase['errors']}" if errors else ""))  # fmt: skip
        print(f"    CPU s: gunicorn {cpu['gunicorn']:.1f}, PostgreSQL {cpu['postgres']:.1f}, "
              f"load generator {cpu['client']:.1f}, other work on the machine "
              f"{cpu['others_cpu']:.1f}; machine busy {cpu['machine_busy_share'] * 100:.0f} %; "
              f"load average {', '.join(f'{v:.1f}' for v in phase['load_average'])}")  # fmt: skip
        print(f"    server CPU per heartbeat {per_beat:.1f} ms (gunicorn + PostgreSQL; "
              f"{2000 / per_beat:.0f}/s if they had both cores)")  # fmt: skip
        for status, text in phase["error_examples"].items():
            print(f"    e.g. {status}: {text[:200]}")
        rows.append((f"heartbeats/s, {phase['name']}", f"{phase['rate']:.0f}"))
        rows.append((f"  p50 / p99 ms, {phase['name']}",
                     f"{phase['p50_ms']:.0f} / {phase['p99_ms']:.0f}"))  # fmt: skip
        rows.append((f"  errors, {phase['name']}", f"{errors} of {phase['requests']:,}"))
        rows.append((f"  server CPU ms per beat, {phase['name']}", f"{per_beat:.1f}"))
    saturation = next(phase for phase in phases if phase["name"] == "saturation")
    print(f"  = {saturation['rate'] * HEARTBEAT_SECONDS:,.0f} learners watching at once "
          f"(one beat every {HEARTBEAT_SECONDS:.0f} s each); each playing learner beat every "
          f"{args.active_learners / saturation['rate']:.0f} s during saturation")  # fmt: skip
    plain = ", ".join(f"{n} queries ×{c}" for n, c in sorted(queries["queries"].items()))
    ledger = ", ".join(
        f"{n} queries ×{c}" for n, c in sorted(queries["queries_with_ledger_append"].items())
    )
    print(f"  SQL per heartbeat: {plain or '-'}; with a ledger append: {ledger or '-'}; "
          f"slowest {queries['slowest_query_ms']:.1f} ms")  # fmt: skip
    plain_counts = "/".join(map(str, sorted(queries["queries"])))
    ledger_counts = "/".join(map(str, sorted(queries["queries_with_ledger_append"])))
    rows.append(("SQL queries per heartbeat (plain / ledger)", f"{plain_counts} / {ledger_counts}"))

    print(f"\n== course listing: {state['listed_courses']:,} live courses below the headquarters"
          f", one client, logged in, {args.listing_requests} requests each")  # fmt: skip
    for label, figures in listing.items():
        print(f"  {label:<24} p50 {figures['p50_ms']:7.1f} ms   p99 {figures['p99_ms']:7.1f} ms"
              f"   {figures['queries']:3d} SQL queries (slowest {figures['slowest_query_ms']:.1f}"
              f" ms)   errors {figures['errors']}   {figures['url']}")  # fmt: skip
        value = f"{figures['p50_ms']:.0f} / {figures['p99_ms']:.0f}, {figures['queries']}"
        rows.append((f"listing {label}: p50 / p99 ms, queries", value))
    for label, figures in listing.items():
        for shape, count in figures["repeated_queries"].items():
            print(f"  {label}: {count} × {shape[:120]}…")
    slow = max(listing.values(), key=lambda figures: figures["slowest_query_ms"])
    if slow["slowest_query_ms"] > 20:
        print(f"  slowest listing query ({slow['slowest_query_ms']:.0f} ms): "
              f"{slow['slowest_query'][:160]}…")  # fmt: skip
        for line in slow["slowest_query_plan"][:12]:
            print(f"    {line}")
    print("\n== figures")
    width = max(len(name) for name, _value in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    return rows


def run(args, run_dir: Path, postmaster: int) -> dict:
    import django

    django.setup()
    from django.conf import settings

    if settings.DEBUG:
        raise RuntimeError("DEBUG is on; the benchmark measures production settings")
    rng = random.Random(args.seed)
    state = seed(args, rng)
    for label, seconds in state["timings"].items():
        print(f"  seeded {label:<36} {seconds:7.1f} s")
    from django.db import connection

    with gunicorn(args, run_dir) as server:
        login_player = state["players"][args.active_learners]
        username = dict(state["learners"])[login_player["learner"]]
        form_login = check_login_and_beat(args.http_port, username, login_player)
        spec = {
            "port": args.http_port,
            "cpu_roots": {"gunicorn": server.pid, "postgres": postmaster},
            "learners": state["players"][: args.active_learners],
            "phases": load_phases(args),
        }
        spec_path = run_dir / "load.json"
        spec_path.write_text(json.dumps(spec))
        connection.close()  # no idle transaction of ours during the load
        generated = subprocess.run(
            [sys.executable, __file__, "--load-generator", str(spec_path)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        phases = json.loads(generated.stdout)
        queries = heartbeat_queries(state)
        cookie = f"sessionid={form_login['sessionid']}; csrftoken={form_login['csrftoken']}"
        listing = listing_figures(
            args.http_port, listing_urls(state), cookie, args.listing_requests
        )
    rows = report(args, state, phases, queries, listing)
    return {
        "machine": {"cpus": os.cpu_count(), "load_average_end": os.getloadavg()},
        "settings": {name: value for name, value in vars(args).items() if name != "json"},
        "seeding_seconds": state["timings"],
        "heartbeats": phases,
        "heartbeat_queries": queries,
        "listed_courses": state["listed_courses"],
        "listing": listing,
        "table": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--ledger", type=int, default=1_000_000, help="ledger entries")
    parser.add_argument("--courses", type=int, default=10_000, help="courses for the listing")
    parser.add_argument("--active-learners", type=int, default=3000,
                        help="learners playing, each beating in turn (default 3,000)")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=45, help="saturation phase")
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8,
                        help="closed-loop connections (default 8: two per worker)")  # fmt: skip
    parser.add_argument("--open-share", type=float, default=0.6,
                        help="open-loop rate as a share of the saturation rate")  # fmt: skip
    parser.add_argument("--open-seconds", type=float, default=30)
    parser.add_argument("--open-connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="per gthread worker")
    parser.add_argument("--listing-requests", type=int, default=40)
    parser.add_argument("--pg-port", type=int, default=54342)
    parser.add_argument("--http-port", type=int, default=54352)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--load-generator", metavar="SPEC", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_generator:
        return load_generator(args.load_generator)
    if args.active_learners >= args.learners:
        parser.error("--active-learners must be below --learners")
    for port in (args.pg_port, args.http_port):
        with contextlib.closing(socket.socket()) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                parser.error(f"port {port} is taken; choose another (--pg-port, --http-port)")
    # Stop cleanly (PostgreSQL and gunicorn too) on Ctrl-C or kill, even when started in
    # the background, where a shell leaves SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))

    print(f"{os.cpu_count()} CPUs, load average {loopback.load_average()} before the run "
          "(other work on the machine slows every figure)")  # fmt: skip
    run_dir = Path(tempfile.mkdtemp(prefix="lms-learning-bench-", dir="/tmp"))
    run_dir.chmod(0o755)  # PostgreSQL runs as its own user when we are root
    try:
        with postgres(run_dir, args.pg_port) as (database_url, postmaster):
            for name in ("REDIS_URL", "ELASTICSEARCH_URL", "LMS_DEBUG"):
                os.environ.pop(name, None)
            os.environ.update(
                DJANGO_SETTINGS_MODULE="lms.settings.production",
                DATABASE_URL=database_url,
                LMS_DATA_DIR=str(run_dir / "data"),
                LMS_SECRET_KEY=secrets.token_urlsafe(48),
                LMS_ALLOWED_HOSTS="127.0.0.1,localhost",
                LMS_SSL_REDIRECT="false",
                LMS_LOG_LEVEL="WARNING",
            )
            figures = run(args, run_dir, postmaster)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
