"""Heartbeats through the services: ledger minutes, completion, certificate, resume
position on another device, text lessons read honestly."""

import datetime

import pytest
from django.utils import timezone

from courses.models import CoursePage
from courses.services.enrolment import course_enrol
from learning.models import Certificate, LedgerEntry, LedgerSource, LessonProgress
from learning.selectors import resume_position
from tests.courses.factories import heartbeat, make_course, open_lesson, with_video_lesson

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 19, 0))


@pytest.fixture
def course(new_energy):
    """The first lesson is a 5-minute video lesson; the second stays text-only, without
    a stated study time."""
    return with_video_lesson(make_course(new_energy, "光伏发电站设计", lessons=2), seconds=300)


def watch(learner, course, lesson, start, end, *, at, **kwargs):
    return heartbeat(learner, course, lesson, start, end, at=at, **kwargs).lesson


def seconds(n):
    return T0 + datetime.timedelta(seconds=n)


def minutes_of(learner, **filters):
    return sum(
        LedgerEntry.objects.filter(learner=learner, **filters).values_list("minutes", flat=True)
    )


def test_watching_a_whole_video_completes_it_and_writes_minutes(course, learner):
    video_lesson, text_lesson = course.lessons()
    watch(learner, course, video_lesson, 0, 0, at=seconds(0))  # the player starts
    for step in range(1, 11):
        state = watch(
            learner, course, video_lesson, (step - 1) * 30, step * 30, at=seconds(step * 30)
        )
    assert state.lesson_complete and state.credited_seconds == pytest.approx(300)
    assert minutes_of(learner, source=LedgerSource.VIDEO) == 5

    # A text lesson with nothing to measure is done once opened, and earns nothing.
    assert open_lesson(learner, course, text_lesson).course_complete
    assert minutes_of(learner) == 5
    certificate = Certificate.objects.with_hours().get(learner=learner, course_id=course.pk)
    # The certificate states the hours in the ledger, not the 8 typed on the course.
    assert certificate.learner_name == "王小明" and str(certificate.hours) == "0.1"


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
    key = video_lesson.key
    watch(learner, course, video_lesson, 0, 0, at=seconds(0), tab="phone")
    watch(learner, course, video_lesson, 0, 95, at=seconds(95), tab="phone")
    assert resume_position(learner=learner, lesson_key=key) == 95
    # The office computer picks up at 95 s and goes on.
    watch(learner, course, video_lesson, 95, 95, at=seconds(100), tab="office")
    watch(learner, course, video_lesson, 95, 125, at=seconds(130), tab="office")
    assert resume_position(learner=learner, lesson_key=key) == 125
    # Played to the end: the next visit starts from the beginning, not on the last frame.
    watch(learner, course, video_lesson, 125, 299.5, at=seconds(310), tab="office")
    assert resume_position(learner=learner, lesson_key=key) == 0


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


@pytest.fixture
def reading_course(new_energy):
    """One required text lesson whose stated study time is 25 minutes."""
    page = make_course(new_energy, "班组安全管理", lessons=1)
    lesson = page.lessons()[0]
    lesson.study_minutes = 25
    lesson.save()
    return CoursePage.objects.get(pk=page.pk)


def test_a_text_lesson_is_read_not_just_opened(reading_course, learner):
    """Opened, a 25-minute text earns nothing; read in a visible page for 22.5 minutes
    (90 %), it is complete and its minutes are in the ledger; hidden, it earns nothing."""
    lesson = reading_course.lessons()[0]
    opened = open_lesson(learner, reading_course, lesson, at=seconds(0))
    assert not opened.lesson.lesson_complete and not opened.course_complete
    assert not LedgerEntry.objects.exists()

    read = lambda n, **kw: heartbeat(learner, reading_course, lesson, 0, 0, at=seconds(n), **kw)  # noqa: E731
    read(0)  # the page starts its clock
    for n in range(15, 10 * 60 + 1, 15):  # ten minutes of reading, a beat every 15 s
        state = read(n).lesson
    assert state.credited_seconds == pytest.approx(10 * 60)
    for n in range(10 * 60 + 15, 20 * 60 + 1, 15):  # ten minutes with the page hidden
        state = read(n, visible=False).lesson
    assert state.credited_seconds == pytest.approx(10 * 60)
    for n in range(20 * 60 + 15, 33 * 60, 15):
        result = read(n)
        if result.lesson.lesson_complete:
            break
    assert result.lesson.credited_seconds >= 0.9 * 25 * 60
    assert n - 10 * 60 >= 0.9 * 25 * 60  # it took that much visible time
    assert result.course_complete
    assert minutes_of(learner, source=LedgerSource.READING) == 22
    assert str(Certificate.objects.with_hours().get(learner=learner).hours) == "0.4"


def test_reading_and_watching_at_once_share_one_clock(course, reading_course, learner):
    """A video playing in one tab and a text read in another: wall time counts once."""
    video_lesson, text = course.lessons()[0], reading_course.lessons()[0]
    heartbeat(learner, course, video_lesson, 0, 0, at=seconds(0), tab="video")
    heartbeat(learner, reading_course, text, 0, 0, at=seconds(1), tab="text")
    for n in range(15, 121, 15):
        heartbeat(learner, course, video_lesson, n - 15, n, at=seconds(n), tab="video")
        heartbeat(learner, reading_course, text, 0, 0, at=seconds(n + 1), tab="text")
    total = sum(LessonProgress.objects.values_list("credited_seconds", flat=True))
    assert total <= 121 + 2


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
