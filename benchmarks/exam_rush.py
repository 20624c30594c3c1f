"""Competition-preliminary rush benchmark (a measurement, not a test).

2,000 registered candidates open the same competition preliminary within 60 s; each
loads the taking page, claims the attempt for their device, saves 50 answers one by one
(with a think time between them) and hands in. Printed: opens and saves per second,
p50/p90/p99 latency per kind of request, errors, the machine's load average; then it
verifies in the database that every acknowledged answer is stored exactly once (the
client's answer id on the one row of its question) and that every candidate's paper was
drawn once (one attempt, 50 distinct questions, one "opened" event).

    .venv/bin/python benchmarks/exam_rush.py
    .venv/bin/python benchmarks/exam_rush.py --candidates 200 --think 2   # a quick look
    .venv/bin/python benchmarks/exam_rush.py --draw-on-open   # no papers drawn beforehand

How. A throw-away PostgreSQL (scripts/postgres.sh, port 8510 under /tmp, fsync off like the
test suite's) is migrated and seeded with the "1+6+N" units (academies.demo), a bank of
the new-energy academy with 400 questions (single, multiple, true/false, fill-in), a
rule-based paper of 50 questions (30 + 10 + 5 + 5, options shuffled), a published
preliminary (60 minutes, one attempt) and the candidates on its registration list, logged
in with stored sessions (as learning_benchmark.py does). Their papers are drawn before the
preliminary opens, as the registrations page offers organisers (--draw-on-open: each is
drawn when its candidate opens it). gunicorn serves lms.wsgi with
lms.settings.production on 127.0.0.1:8520 (4 sync workers). The load generator is a
separate process: an open-loop schedule (candidate i opens at i × 60 s / N; each next
request is due a think time after the previous answer), served by a pool of connections;
latency counts from the time a request was due, so a server falling behind shows.
Everything it started is stopped at the end, also on error or Ctrl-C.
"""

import argparse
import collections
import contextlib
import heapq
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import learning_benchmark as shared  # noqa: E402
import loopback  # noqa: E402

QUESTIONS_PER_TYPE = {"single": 200, "multiple": 100, "true_false": 50, "fill": 50}
RULES = [("single", 30, 2), ("multiple", 10, 2), ("true_false", 5, 2), ("fill", 5, 2)]
POINTS = ["光伏发电", "风电运维", "储能安全", "新能源锂电保护", "电工基础"]
SECTION = re.compile(rb'data-question="(\d+)" data-type="(\w+)"')


# --- seeding ---------------------------------------------------------------------------


def seed(args) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    import academies.demo
    from academies.models import IndustryAcademyPage
    from exams.models import Exam, ExamKind, Paper, PaperRule, Question, QuestionBank, Registration

    timings = {}

    def step(label, function):
        started = time.perf_counter()
        result = function()
        timings[label] = time.perf_counter() - started
        print(f"  seeded {label:<36} {timings[label]:7.1f} s", flush=True)
        return result

    step("migrate", lambda: call_command("migrate", verbosity=0, interactive=False))

    def tree():
        for _label, unit in academies.demo.steps():
            with transaction.atomic():
                unit()

    step("1+6+N units", tree)
    academy = IndustryAcademyPage.objects.get(slug="new-energy")

    def bank():
        bank = QuestionBank.objects.create(unit=academy, name="新能源锂电保护 初赛题库")
        rng = random.Random(args.seed)
        rows = []
        for qtype, count in QUESTIONS_PER_TYPE.items():
            for n in range(count):
                options = [f"选项{letter}{n}" for letter in "ABCD"]
                answer = {
                    "single": [rng.randrange(4)],
                    "multiple": sorted(rng.sample(range(4), 2)),
                    "true_false": [rng.random() < 0.5],
                    "fill": [["电压", "电势差"], [str(n)]],
                }[qtype]
                rows.append(
                    Question(
                        bank=bank, type=qtype, stem=f"<p>{qtype} 第 {n} 题:锂电池保护……</p>",
                        options=options if qtype in ("single", "multiple") else [],
                        answer=answer, explanation="解析", difficulty=1 + n % 5,
                    )
                )  # fmt: skip
        Question.objects.bulk_create(rows, batch_size=500)
        for question in Question.objects.filter(bank=bank):
            question.knowledge_points.add(POINTS[question.pk % len(POINTS)])
        paper = Paper.objects.create(unit=academy, title="初赛试卷", shuffle_options=True)
        for order, (qtype, count, score) in enumerate(RULES):
            rule = PaperRule(paper=paper, sort_order=order, type=qtype, count=count, score=score)
            rule.save()
            rule.banks.set([bank])
            rule.save()
        return Exam.objects.create(
            unit=academy, title="新能源锂电保护 初赛", kind=ExamKind.COMPETITION, paper=paper,
            time_limit_minutes=60, max_attempts=1, pass_mark=60, published=True,
        )  # fmt: skip

    exam = step("bank, paper and preliminary", bank)
    password_hash = make_password(secrets.token_urlsafe(12))
    learners = step(
        f"{args.candidates:,} candidates",
        lambda: shared.seed_learners(args.candidates, password_hash),
    )
    players = [{"learner": pk, "username": name} for pk, name in learners]
    step("registrations", lambda: Registration.objects.bulk_create(
        [Registration(exam=exam, learner_id=p["learner"]) for p in players], batch_size=2000
    ))  # fmt: skip
    step("sessions", lambda: shared.seed_sessions(players, password_hash))
    if args.pregenerate:
        from exams.services import papers_pregenerate

        step("papers drawn before opening", lambda: papers_pregenerate(exam=exam))

    def analyze():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    step("VACUUM ANALYZE", analyze)
    step("collectstatic", lambda: call_command(
        "collectstatic", interactive=False, verbosity=0, ignore_patterns=["vendor"]
    ))  # fmt: skip
    return {"exam": exam.pk, "players": players, "timings": timings}


# --- the load generator (its own process) ---------------------------------------------


class Candidate:
    __slots__ = ("answers", "attempt", "device", "headers", "next", "sections", "start")

    def __init__(self, player: dict, origin: str, start: float):
        self.start = start
        self.device = "bench-" + uuid.uuid4().hex[:12]
        self.headers = {
            "Cookie": f"sessionid={player['session']}; csrftoken={player['csrf']}",
            "X-CSRFToken": player["csrf"],
            "Origin": origin,
            "Referer": origin + "/",
        }
        self.attempt = None
        self.sections = []
        self.answers = []  # (position, client id) acknowledged
        self.next = "open"


def response_for(qtype: str, blanks: int, rng: random.Random) -> list:
    if qtype == "single":
        return [rng.randrange(4)]
    if qtype == "multiple":
        return sorted(rng.sample(range(4), 2))
    if qtype == "true_false":
        return [rng.random() < 0.5]
    return ["电压", str(rng.randrange(50))][:blanks]


def request_for(candidate: Candidate, exam: int, rng: random.Random):
    """(kind, method, path, body, headers) of the candidate's next request."""
    json_headers = {**candidate.headers, "Content-Type": "application/json"}
    step = candidate.next
    if step == "open":
        body = f"device={candidate.device}".encode()
        headers = {**candidate.headers, "Content-Type": "application/x-www-form-urlencoded"}
        return "open", "POST", f"/exams/{exam}/start/", body, headers
    base = f"/exams/attempts/{candidate.attempt}/"
    if step == "page":
        return "page", "GET", base, None, candidate.headers
    if step == "claim":
        return (
            "claim",
            "POST",
            base + "claim/",
            json.dumps({"device": candidate.device}).encode(),
            json_headers,
        )
    if step == "submit":
        body = json.dumps({"device": candidate.device}).encode()
        return "submit", "POST", base + "submit/", body, json_headers
    position = int(step)
    qtype, blanks = candidate.sections[position]
    save = {
        "device": candidate.device,
        "position": position,
        "response": response_for(qtype, blanks, rng),
        "client_id": f"{candidate.device}-{position}-{uuid.uuid4().hex[:8]}",
        "revision": position + 1,
    }
    return "save", "POST", base + "answers/", json.dumps(save).encode(), json_headers


def advance(candidate: Candidate, kind: str, status: int, headers, payload: bytes) -> bool:
    """Move the candidate on after an answer; False when they are done (or stuck)."""
    if kind == "open":
        location = dict((k.lower(), v) for k, v in headers).get("location", "")
        found = re.search(r"/exams/attempts/(\d+)/", location)
        if status != 302 or not found:
            return False
        candidate.attempt = int(found.group(1))
        candidate.next = "page"
        return True
    if not 200 <= status < 300:
        return False
    if kind == "page":
        chunks = payload.split(b'<section class="card exam-question"')[1:]
        for chunk in chunks:
            match = SECTION.search(chunk)
            candidate.sections.append((match.group(2).decode(), chunk.count(b'class="exam-blank"')))
        candidate.next = "claim"
        return bool(candidate.sections)
    if kind == "claim":
        candidate.next = "0"
        return True
    if kind == "save":
        body = json.loads(payload)
        candidate.answers.append((body["position"], body["client_id"]))
        following = body["position"] + 1
        candidate.next = str(following) if following < len(candidate.sections) else "submit"
        return True
    return False  # handed in


def load_generator(spec_path: str) -> int:
    from tqdm import tqdm

    spec = json.loads(Path(spec_path).read_text())
    origin = f"http://127.0.0.1:{spec['port']}"
    rng = random.Random(spec["seed"])
    started = time.perf_counter() + 1.0
    candidates = [
        Candidate(player, origin, started + i * spec["window"] / len(spec["players"]))
        for i, player in enumerate(spec["players"])
    ]
    due = [(c.start, i) for i, c in enumerate(candidates)]
    heapq.heapify(due)
    lock = threading.Condition()
    records = []  # (kind, latency s, status, finished)
    examples = {}
    active = [len(candidates)]
    total_requests = len(candidates) * (4 + spec["questions"])

    def worker():
        connection = None
        local_rng = random.Random(rng.random())
        while True:
            with lock:
                while not due and active[0]:
                    lock.wait(0.5)
                if not due:
                    return
                at, index = heapq.heappop(due)
            pause = at - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            candidate = candidates[index]
            kind, method, path, body, headers = request_for(candidate, spec["exam"], local_rng)
            try:
                connection = connection or http.client.HTTPConnection(
                    "127.0.0.1", spec["port"], timeout=60
                )
                connection.request(method, path, body, headers)
                response = connection.getresponse()
                payload, status, answer_headers = (
                    response.read(),
                    response.status,
                    response.getheaders(),
                )
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                if connection:
                    connection.close()
                connection, status, payload, answer_headers = None, 0, repr(error).encode(), []
            finished = time.perf_counter()
            going_on = advance(candidate, kind, status, answer_headers, payload)
            with lock:
                records.append((kind, finished - at, status, finished))
                if status != 302 if kind == "open" else not 200 <= status < 300:
                    examples.setdefault(f"{kind} {status}", payload[:300].decode(errors="replace"))
                if going_on:
                    think = (
                        0.0
                        if kind in ("open", "page")
                        else spec["think"] * local_rng.uniform(0.5, 1.5)
                    )
                    heapq.heappush(due, (finished + think, index))
                else:
                    active[0] -= 1
                lock.notify_all()

    before = shared.cpu_snapshot(spec["cpu_roots"])
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(spec["connections"])]
    for thread in pool:
        thread.start()
    with tqdm(total=total_requests, desc="rush", unit="req", file=sys.stderr) as bar:
        while any(thread.is_alive() for thread in pool):
            time.sleep(1)
            bar.n = len(records)
            elapsed = max(0.001, time.perf_counter() - started)
            bar.set_postfix_str(f"{len(records) / elapsed:,.0f} req/s, {active[0]} candidates")
            bar.refresh()
    cpu = shared.cpu_delta(before, shared.cpu_snapshot(spec["cpu_roots"]))
    by_kind = collections.defaultdict(list)
    for kind, latency, status, finished in records:
        by_kind[kind].append((latency, status, finished))
    figures = {}
    for kind, rows in by_kind.items():
        ok = [r for r in rows if (200 <= r[1] < 300) or (kind == "open" and r[1] == 302)]
        first = min(r[2] - r[0] for r in rows)
        last = max(r[2] for r in rows)
        figures[kind] = {
            "requests": len(rows),
            "ok": len(ok),
            "errors": len(rows) - len(ok),
            "seconds": last - first,
            "rate": len(ok) / max(0.001, last - first),
            **shared.latency_figures([r[0] for r in rows]),
        }
    # The busiest minute of saves: the rate the rush produced.
    saves = sorted(r[2] for r in by_kind.get("save", []))
    peak, first = 0, 0
    for last, moment in enumerate(saves):
        while saves[first] < moment - 60:
            first += 1
        peak = max(peak, last - first + 1)
    acknowledged = [
        [c.attempt, position, client] for c in candidates for position, client in c.answers
    ]
    json.dump(
        {
            "figures": figures,
            "peak_saves_per_minute": peak,
            "errors": examples,
            "acknowledged": acknowledged,
            "finished_candidates": sum(
                1 for c in candidates if len(c.answers) == spec["questions"]
            ),
            "cpu": cpu,
            "wall": max((r[3] for r in records), default=started) - started,
            "load_average": os.getloadavg(),
        },
        sys.stdout,
    )
    return 0


# --- verifying -------------------------------------------------------------------------


def verify(state: dict, result: dict, questions: int) -> list[str]:
    """What the database holds, against what the server acknowledged."""
    from django.db.models import Count

    from exams.models import Answer, Attempt, AttemptEvent, AttemptStatus

    problems = []
    candidates = len(state["players"])
    attempts = Attempt.objects.filter(exam_id=state["exam"])
    per_learner = attempts.values("learner_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    if attempts.count() != candidates or per_learner:
        problems.append(f"{attempts.count()} papers for {candidates} candidates "
                        f"({per_learner} with more than one)")  # fmt: skip
    short = [pk for pk, paper in attempts.values_list("pk", "questions")
             if len({entry["question"] for entry in paper}) != questions]  # fmt: skip
    if short:
        problems.append(f"{len(short)} papers without {questions} distinct questions")
    opened = (
        AttemptEvent.objects.filter(attempt__exam_id=state["exam"], kind="opened")
        .values("attempt_id").annotate(n=Count("pk"))
    )  # fmt: skip
    if sum(1 for row in opened if row["n"] == 1) != candidates:
        problems.append("not every paper was opened exactly once")
    stored = set(
        Answer.objects.filter(attempt__exam_id=state["exam"]).exclude(client_id="")
        .values_list("attempt_id", "position", "client_id")
    )  # fmt: skip
    acknowledged = {tuple(row) for row in result["acknowledged"]}
    expected = candidates * questions
    if len(acknowledged) != expected:
        problems.append(f"{len(acknowledged)} answers acknowledged, {expected} sent")
    lost = acknowledged - stored
    extra = stored - acknowledged
    if lost or extra:
        problems.append(f"{len(lost)} acknowledged answers not stored, {len(extra)} stored "
                        "that were not acknowledged")  # fmt: skip
    rows = Answer.objects.filter(attempt__exam_id=state["exam"]).count()
    if rows != expected:
        problems.append(f"{rows} answer rows for {expected} questions")
    open_left = attempts.exclude(status=AttemptStatus.DONE).count()
    if open_left:
        problems.append(f"{open_left} attempts not handed in and marked")
    return problems


def report(args, state: dict, result: dict, problems: list[str]) -> None:
    print(f"\nExam rush: {args.candidates:,} candidates open within {args.window:.0f} s "
          f"(papers drawn {'beforehand' if args.pregenerate else 'on opening'}), "
          f"{args.questions} answers each, think time {args.think:g} s (±50 %), "
          f"gunicorn {args.workers} × {args.worker_class}, "
          f"{args.connections} connections")  # fmt: skip
    print(f"  load average at the end: {', '.join(f'{v:.1f}' for v in result['load_average'])}")
    names = {"open": "open (draw the paper)", "page": "taking page", "claim": "claim device",
             "save": "answer save", "submit": "hand in"}  # fmt: skip
    print(f"  {'request':<24}{'count':>8}{'errors':>8}{'per s':>8}{'p50 ms':>9}{'p90 ms':>9}"
          f"{'p99 ms':>9}{'max ms':>9}")  # fmt: skip
    for kind in ("open", "page", "claim", "save", "submit"):
        f = result["figures"].get(kind)
        if f:
            print(f"  {names[kind]:<24}{f['requests']:>8,}{f['errors']:>8}{f['rate']:>8.1f}"
                  f"{f['p50_ms']:>9.1f}{f['p90_ms']:>9.1f}{f['p99_ms']:>9.1f}"
                  f"{f['max_ms']:>9.0f}")  # fmt: skip
    print(f"  busiest minute of saves: {result['peak_saves_per_minute'] / 60:.1f} saves/s")
    cpu = result["cpu"]
    print(f"  wall {result['wall']:.0f} s; CPU s: gunicorn {cpu['gunicorn']:.1f}, "
          f"PostgreSQL {cpu['postgres']:.1f}, load generator {cpu['client']:.1f}, "
          f"other processes {cpu['others_cpu']:.1f} (machine busy "
          f"{cpu['machine_busy_share']:.0%})")  # fmt: skip
    for key, text in result["errors"].items():
        print(f"  error {key}: {text[:200]}")
    print(f"  candidates who saved every answer: {result['finished_candidates']:,}")
    if problems:
        print("  VERIFICATION FAILED:")
        for problem in problems:
            print(f"    - {problem}")
    else:
        total = args.candidates * args.questions
        print(f"  verified: {total:,} answers each stored exactly once; "
              f"{args.candidates:,} papers, each drawn once with "
              f"{args.questions} questions")  # fmt: skip


def run(args, run_dir: Path, postmaster: int) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if settings.DEBUG:
        raise RuntimeError("DEBUG is on; the benchmark measures production settings")
    state = seed(args)
    with shared.gunicorn(args, run_dir) as server:
        spec = {
            "port": args.http_port,
            "exam": state["exam"],
            "players": state["players"],
            "window": args.window,
            "think": args.think,
            "questions": args.questions,
            "connections": args.connections,
            "seed": args.seed,
            "cpu_roots": {"gunicorn": server.pid, "postgres": postmaster},
        }
        spec_path = run_dir / "rush.json"
        spec_path.write_text(json.dumps(spec))
        connection.close()
        print(f"load average {loopback.load_average()} as the rush starts", flush=True)
        generated = subprocess.run(
            [sys.executable, __file__, "--load-generator", str(spec_path)],
            check=True, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        result = json.loads(generated.stdout)
    problems = verify(state, result, args.questions)
    report(args, state, result, problems)
    errors = sum(f["errors"] for f in result["figures"].values())
    if args.json:
        result.pop("acknowledged")
        Path(args.json).write_text(json.dumps(
            {"settings": vars(args), "seeding": state["timings"], **result,
             "problems": problems}, indent=2, ensure_ascii=False, default=str))  # fmt: skip
    return 1 if problems or errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--window", type=float, default=60, help="seconds over which all open")
    parser.add_argument("--think", type=float, default=24,
                        help="mean seconds between two answers of a candidate")  # fmt: skip
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="per gthread worker")
    parser.add_argument("--draw-on-open", dest="pregenerate", action="store_false",
                        help="draw each paper when its candidate opens the exam, rather "
                        "than before the preliminary opens (as organisers do)")  # fmt: skip
    parser.add_argument("--pg-port", type=int, default=8510)
    parser.add_argument("--http-port", type=int, default=8520)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--load-generator", metavar="SPEC", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.questions = sum(count for _type, count, _score in RULES)
    if args.load_generator:
        return load_generator(args.load_generator)
    for port in (args.pg_port, args.http_port):
        with contextlib.closing(socket.socket()) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                parser.error(f"port {port} is taken; choose another (--pg-port, --http-port)")
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    print(f"{os.cpu_count()} CPUs, load average {loopback.load_average()} before the run "
          "(other work on the machine slows every figure)", flush=True)  # fmt: skip
    run_dir = Path(tempfile.mkdtemp(prefix="lms-exam-rush-", dir="/tmp"))
    run_dir.chmod(0o755)
    try:
        with shared.postgres(run_dir, args.pg_port) as (database_url, postmaster):
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
            return run(args, run_dir, postmaster)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
