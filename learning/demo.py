"""Demo learning records, for `manage.py seed_demo` (after the courses demo): yearly
hours targets, and the demo learner's progress, hours and a certificate — made by the
same services the player, the reading page and the admin use, so they are what a real
learner would have."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page

from academies.selectors import unit_of
from courses import services as courses_services
from courses.models import CoursePage
from courses.selectors import studied_lesson
from learning.crediting import Beat
from learning.models import Certificate, LedgerEntry, LedgerSource, LessonProgress
from learning.services import ledger_adjust, ledger_append, yearly_target_set
from learning.study import Measure
from lms.demo import DEMO_LEARNER_PHONE

YEARLY_TARGETS = [("academies", 48), ("new-energy", 60)]  # unit slug, hours this year
COMPLETED_COURSE = "new-energy-frontiers"
STARTED_COURSE = "pv-station-design"
LIVE_LECTURE = ("吉林省劳模工匠精神直播宣讲", 90)  # reference, minutes
ADJUSTMENT = (
    "new_energy_admin",
    240,
    "补录2026年4月风电场线下安全生产培训(4学时),依据培训签到表",
)
BEAT_SECONDS = 15  # HEARTBEAT_MS of the player and the reading page


def steps():
    yield "yearly hours targets", seed_targets
    yield "demo learner's progress and certificate", seed_progress
    yield "demo learner's other hours", seed_other_hours


def _learner():
    return get_user_model().objects.get(username=DEMO_LEARNER_PHONE)


def seed_targets() -> None:
    year = timezone.localdate().year
    for slug, hours in YEARLY_TARGETS:
        yearly_target_set(academy=Page.objects.get(slug=slug), year=year, hours=hours)


def _study(learner, course, lesson, *, until: float, started) -> None:
    """Heartbeats as the player (or the reading page) sends them: one when the lesson
    starts, then one every 15 s, each reporting what was played in real time."""
    studied = studied_lesson(lesson=lesson, course=course, unit=unit_of(course))
    courses_services.lesson_open(learner=learner, lesson=studied, now=started)
    if studied.measure == Measure.NONE:
        return
    position, at = 0.0, started
    while True:
        end = min(position + BEAT_SECONDS, until) if at > started else 0.0
        ranges = [(position, end)] if end > position else []
        courses_services.lesson_heartbeat(
            learner=learner,
            lesson=studied,
            beat=Beat(position=end, ranges=ranges, rate=1.0, visible=True),
            tab="demo",
            now=at,
        )
        if end >= until:
            return
        position = end
        at += datetime.timedelta(seconds=BEAT_SECONDS)


def seed_progress() -> None:
    learner = _learner()
    started = timezone.now() - datetime.timedelta(days=3)
    completed = CoursePage.objects.get(slug=COMPLETED_COURSE)
    if not Certificate.objects.filter(learner=learner, course_id=completed.pk).exists():
        for number, lesson in enumerate(completed.lessons()):
            if lesson.required:
                at = started + datetime.timedelta(hours=number)
                _study(learner, completed, lesson, until=lesson.duration_seconds or 0, started=at)
    begun = CoursePage.objects.get(slug=STARTED_COURSE)
    first_video = next((lesson for lesson in begun.lessons() if lesson.video_id), None)
    if first_video is None:  # the video demo made no videos: nothing to half-watch
        return
    if not LessonProgress.objects.filter(learner=learner, lesson_key=first_video.key).exists():
        _study(
            learner,
            begun,
            first_video,
            until=round(first_video.duration_seconds / 2, 1),
            started=timezone.now() - datetime.timedelta(hours=5),
        )


def seed_other_hours() -> None:
    learner = _learner()
    reference, minutes = LIVE_LECTURE
    ledger_append(
        learner=learner,
        minutes=minutes,
        source=LedgerSource.LIVE,
        academy=Page.objects.get(slug="academies"),
        reference=reference,
        key=f"demo:live:{reference}",
    )
    author, minutes, reason = ADJUSTMENT
    if not LedgerEntry.objects.filter(learner=learner, reason=reason).exists():
        ledger_adjust(
            learner=learner,
            minutes=minutes,
            reason=reason,
            author=get_user_model().objects.get(username=author),
            academy=Page.objects.get(slug="new-energy"),
        )
