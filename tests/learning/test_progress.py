"""Heartbeats through the progress service: ledger minutes, completion, certificate,
resume position on another device."""

import datetime

import pytest
from django.utils import timezone

from courses.services.enrolment import course_enrol
from learning.crediting import Beat
from learning.models import Certificate, LedgerEntry, LessonProgress
from learning.progress import lesson_opened, progress_record, resume_position
from tests.courses.factories import make_course, with_video_lesson

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 19, 0))


@pytest.fixture
def course(new_energy):
    """The first lesson is a 5-minute video lesson; the second stays text-only."""
    return with_video_lesson(make_course(new_energy, "光伏发电站设计", lessons=2), seconds=300)


def watch(learner, course, lesson, start, end, *, at, tab="phone", rate=1.0, visible=True):
    beat = Beat(position=end, ranges=[(start, end)], rate=rate, visible=visible)
    return progress_record(
        learner=learner, course=course, lesson=lesson, beat=beat, tab=tab, now=at
    )


def seconds(n):
    return T0 + datetime.timedelta(seconds=n)


def test_watching_a_whole_video_completes_it_and_writes_minutes(course, learner):
    video_lesson, text_lesson = course.lessons()
    watch(learner, course, video_lesson, 0, 0, at=seconds(0))  # the player starts
    for step in range(1, 11):
        state = watch(
            learner, course, video_lesson, (step - 1) * 30, step * 30, at=seconds(step * 30)
        )
    assert state.lesson_complete and not state.course_complete
    assert sum(LedgerEntry.objects.filter(learner=learner).values_list("minutes", flat=True)) == 5

    state = lesson_opened(learner=learner, course=course, lesson=text_lesson)
    assert state.course_complete
    certificate = Certificate.objects.get(learner=learner, course_id=course.pk)
    assert certificate.learner_name == "王小明" and certificate.hours == 8


def test_scrubbing_to_the_end_does_not_complete_the_lesson(course, learner):
    video_lesson = course.lessons()[0]
    watch(learner, course, video_lesson, 0, 0, at=seconds(0))
    watch(learner, course, video_lesson, 0, 20, at=seconds(20))
    state = watch(learner, course, video_lesson, 280, 300, at=seconds(40))
    assert not state.lesson_complete
    assert state.coverage == pytest.approx(40 / 300, abs=0.01)
    assert not LedgerEntry.objects.filter(learner=learner).exists()  # under a minute


def test_resume_follows_the_learner_to_another_device(course, learner):
    video_lesson = course.lessons()[0]
    watch(learner, course, video_lesson, 0, 0, at=seconds(0), tab="phone")
    watch(learner, course, video_lesson, 0, 95, at=seconds(95), tab="phone")
    assert resume_position(learner=learner, lesson=video_lesson) == 95
    # The office computer picks up at 95 s and goes on.
    watch(learner, course, video_lesson, 95, 95, at=seconds(100), tab="office")
    watch(learner, course, video_lesson, 95, 125, at=seconds(130), tab="office")
    assert resume_position(learner=learner, lesson=video_lesson) == 125
    # Played to the end: the next visit starts from the beginning, not on the last frame.
    watch(learner, course, video_lesson, 125, 299.5, at=seconds(310), tab="office")
    assert resume_position(learner=learner, lesson=video_lesson) == 0


def test_two_tabs_playing_at_once_are_credited_once(course, learner):
    video_lesson = course.lessons()[0]
    for tab in ("a", "b"):
        watch(learner, course, video_lesson, 0, 0, at=seconds(0), tab=tab)
    watch(learner, course, video_lesson, 0, 60, at=seconds(60), tab="a")
    watch(learner, course, video_lesson, 60, 120, at=seconds(60), tab="b")
    progress = LessonProgress.objects.get(learner=learner)
    assert progress.credited_seconds == pytest.approx(60)


def test_repeated_delivery_of_the_same_minute_never_double_credits(course, learner):
    video_lesson = course.lessons()[0]
    watch(learner, course, video_lesson, 0, 0, at=seconds(0))
    watch(learner, course, video_lesson, 0, 61, at=seconds(61))
    watch(learner, course, video_lesson, 0, 61, at=seconds(61))
    assert list(LedgerEntry.objects.values_list("minutes", flat=True)) == [1]


def test_the_progress_api_serves_enrolled_learners_only(client, course, learner):
    video_lesson = course.lessons()[0]
    url = f"/api/v1/lessons/{video_lesson.key}/progress/"
    beat = {"position": 10, "rate": 1, "ranges": [[0, 10]], "visible": True, "tab": "t1"}

    assert client.get(url).status_code == 401
    client.force_login(learner)
    refused = client.post(url, beat, content_type="application/json")
    assert refused.status_code == 403
    assert "报名" in refused.json()["error"]["message"]

    course_enrol(learner=learner, course=course)
    assert client.post(url, beat, content_type="application/json").status_code == 200
    assert client.get(url).json() == {"position": 10.0}
    bad = client.post(url, "{not json", content_type="application/json")
    assert bad.status_code == 400
