"""A learner's clock under real concurrency: threads with their own database connections.

Beats sent at the same moment from many tabs, and adjustments made at the same moment by
two admins, wait for one another on the learner's clock row (SELECT … FOR UPDATE on
PostgreSQL, BEGIN IMMEDIATE on SQLite). The tests run in both passes of the suite."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from academies import demo as academies_demo
from courses.services import course_enrol, lesson_heartbeat
from learning.crediting import CLOCK_SLACK_SECONDS, Beat
from learning.models import LedgerEntry, LessonProgress
from learning.services import ledger_adjust, ledger_append, lock_learner
from tests.courses.factories import make_course, make_learner, studied, user, with_video_lesson
from tests.courses.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("site_tree"),
]
TABS = 12


def test_beats_from_many_tabs_at_once_share_one_clock():
    """Twelve tabs, on two lessons, each claiming the whole lecture at double speed at the
    same moment: together they cover what the wall clock allows once, not twelve times."""
    academies_demo.seed_headquarters()
    academy = academies_demo.seed_academy(academies_demo.ACADEMIES[0])
    courses = [
        with_video_lesson(make_course(academy, title, lessons=1), seconds=600)
        for title in ("光伏发电站设计", "储能电站运维")
    ]
    learner = make_learner("13900000001")
    lessons = []
    for course in courses:
        course_enrol(learner=learner, course=course)
        lessons.append(studied(course, course.lessons()[0]))

    def beat(number, ranges):
        lesson_heartbeat(
            learner=learner,
            lesson=lessons[number % 2],
            beat=Beat(position=0, ranges=ranges, rate=2.0, visible=True),
            tab=f"tab{number}",
        )

    for number in range(TABS):  # each tab starts playing: proves no time yet
        beat(number, [])
    started = time.monotonic()
    errors = run_together([lambda n=n: beat(n, [(0, 600)]) for n in range(TABS)])
    elapsed = time.monotonic() - started
    assert errors == []
    credited = LessonProgress.objects.aggregate(total=Sum("credited_seconds"))["total"]
    assert 0 < credited <= (elapsed + CLOCK_SLACK_SECONDS) * 2 + 0.01


def test_two_admins_cannot_together_take_hours_below_zero():
    academies_demo.seed_headquarters()
    academy = academies_demo.seed_academy(academies_demo.ACADEMIES[0])
    academies_demo.seed_users()
    learner = make_learner("13900000001")
    ledger_append(learner=learner, minutes=90, source="video", academy=academy)
    admins = [user("new_energy_admin"), user("hq_admin")]
    errors = run_together(
        [
            lambda admin=admin: ledger_adjust(
                learner=learner, minutes=-60, reason="重复计时", author=admin, academy=academy
            )
            for admin in admins
        ]
    )
    assert [type(error) for error in errors] == [ValidationError]
    total = LedgerEntry.objects.filter(learner=learner, academy_id=academy.pk).aggregate(
        total=Sum("minutes")
    )["total"]
    assert total == 30


def test_a_beat_waiting_for_the_clock_reads_the_progress_written_meanwhile():
    """A beat that waited on the learner's clock row builds on the progress the beat
    before it committed, not on what it saw before waiting (on PostgreSQL a joined row
    is not read again after a row lock waits): nothing credited is overwritten."""
    academies_demo.seed_headquarters()
    academy = academies_demo.seed_academy(academies_demo.ACADEMIES[0])
    course = with_video_lesson(make_course(academy, "光伏发电站设计", lessons=1), seconds=600)
    learner = make_learner("13900000001")
    course_enrol(learner=learner, course=course)
    lesson = studied(course, course.lessons()[0])
    lesson_heartbeat(
        learner=learner, lesson=lesson, beat=Beat(0, [], 1.0, True), tab="phone"
    )  # the progress row exists
    waiting = threading.Event()

    def earlier_beat():  # holds the clock while it writes 300 s, commits after a pause
        with transaction.atomic():
            lock_learner(learner)
            LessonProgress.objects.filter(learner=learner).update(
                watched=[[0.0, 300.0]], credited_seconds=300.0, position=300.0
            )
            waiting.wait(timeout=10)
            time.sleep(0.5)

    def later_beat():
        waiting.set()
        lesson_heartbeat(
            learner=learner, lesson=lesson, beat=Beat(300, [], 1.0, True), tab="laptop"
        )

    assert run_together([earlier_beat, later_beat]) == []
    progress = LessonProgress.objects.get(learner=learner)
    assert progress.credited_seconds == 300.0
    assert progress.watched == [[0.0, 300.0]]
    assert set(progress.tabs) == {"phone", "laptop"}
