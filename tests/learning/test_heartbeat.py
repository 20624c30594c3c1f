"""The heartbeat address, the busiest of the site (every studying learner, every 15 s):
what it refuses, what it costs in queries, and who may send one (view restrictions,
aliases)."""

import datetime
import json
import time

import pytest
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.models import CoursePage
from courses.selectors import may_see_course
from courses.services.enrolment import course_enrol
from learning.crediting import CLOCK_SLACK_SECONDS
from learning.models import Certificate, LearnerClock, LedgerEntry, LessonProgress
from tests.courses.factories import make_course, with_video_lesson

pytestmark = pytest.mark.django_db

# One beat through the API, logged in with the session: the session and the user; the
# lesson with its course, unit, enrolment and whether a view restriction or an alias is
# above the course; then, in a transaction (a savepoint in a test: 2 statements), the
# learner's clock (locked), then the lesson's progress (read once the lock is held, so it is
# what the beat before committed), the clock and the progress written.
PLAIN_BEAT_QUERIES = 9
# Crossing a whole minute adds the ledger entry (in a savepoint).
LEDGER_BEAT_QUERIES = PLAIN_BEAT_QUERIES + 3


@pytest.fixture
def course(new_energy):
    """Worth 10 学时 by what its admin typed; one ten-minute video lesson."""
    return with_video_lesson(
        make_course(new_energy, "光伏发电站设计", lessons=1, learning_hours=10), seconds=600
    )


@pytest.fixture
def url(course):
    return f"/api/v1/lessons/{course.lessons()[0].key}/progress/"


@pytest.fixture
def post(client, course, learner, url):
    """A logged-in, enrolled learner's player: posts a beat's body."""
    course_enrol(learner=learner, course=course)
    client.force_login(learner)

    def send(body, **extra):
        data = body if isinstance(body, str) else json.dumps({"tab": "t1", **body, **extra})
        return client.post(url, data, content_type="application/json")

    return send


@pytest.fixture
def player(post):
    """`beat(start, end)` reports that range played at normal speed."""

    def beat(start, end, *, visible=True):
        return post({"position": end, "rate": 1, "ranges": [[start, end]], "visible": visible})

    return beat


def fifteen_seconds_pass(learner):
    """Move the tab's last beat and the learner's clock 15 s back, as if the player had
    played for 15 s since (the beats of a test come milliseconds apart)."""
    earlier = timezone.now() - datetime.timedelta(seconds=15)
    for progress in LessonProgress.objects.filter(learner=learner):
        progress.tabs = {tab: earlier.timestamp() for tab in progress.tabs}
        progress.save(update_fields=["tabs"])
    LearnerClock.objects.filter(learner=learner).update(credited_until=earlier)


def nothing_was_credited(learner):
    progress = LessonProgress.objects.filter(learner=learner).first()
    return (
        not LedgerEntry.objects.filter(learner=learner).exists()
        and not Certificate.objects.filter(learner=learner).exists()
        and (progress is None or (progress.credited_seconds == 0 and progress.watched == []))
    )


@pytest.mark.parametrize(
    ("attack", "reason"),
    [
        # Every comparison with NaN is false: it once passed both caps and credited an hour.
        ({"rate": "nan"}, None),
        ({"rate": float("nan")}, None),
        ({"rate": "inf"}, None),
        ({"position": 1e999}, None),
        ({"position": "inf"}, None),
        ({"ranges": [[0, 1e999]]}, None),
        ({"ranges": [[0, "nan"]]}, None),
        ({"rate": -2}, None),
        ({"ranges": [[n, n + 1] for n in range(51)]}, None),
        ({"tab": "t\x00x"}, None),  # PostgreSQL cannot store a NUL: once a 500
        ({"tab": "<script>alert(1)</script>"}, None),
        # Numbers a player sends, but not for this lesson: checked against it.
        ({"position": 3600}, "播放位置"),  # beyond the end of the ten-minute lesson
        ({"ranges": [[0, 3600]]}, "观看片段"),
        ({"ranges": [[600, 0]]}, "终点不能早于起点"),
    ],
)
def test_a_beat_no_player_sends_is_refused_with_a_clear_400(post, learner, attack, reason):
    assert post({"position": 0, "rate": 1, "ranges": []}).status_code == 200
    time.sleep(0.01)
    fifteen_seconds_pass(learner)  # as if 15 s had passed: the caps would allow 15-30 s
    body = {"position": 599, "rate": 1, "ranges": [[0, 600]], "visible": True, **attack}
    answer = post(json.dumps({"tab": "t1", **body}))
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid" and not error["message"].isascii()  # said in Chinese
    if reason:
        assert "未被接受,本次未记录任何学时" in error["message"] and reason in error["message"]
    assert nothing_was_credited(learner)


def test_a_burst_of_beats_covers_no_more_than_the_clock_allows(post, learner, course):
    """129 beats back to back at double speed, each claiming 4.2 s more: once they covered
    90 % of the lesson in 1.9 s, completed the course and issued a certificate for 10 学时."""
    started = time.monotonic()
    for number in range(129):
        answer = post(
            {"position": (number + 1) * 4.2, "rate": 2,
             "ranges": [[number * 4.2, (number + 1) * 4.2]]}
        )  # fmt: skip
        assert answer.status_code == 200
    elapsed = time.monotonic() - started
    progress = LessonProgress.objects.get(learner=learner)
    assert progress.credited_seconds <= (elapsed + CLOCK_SLACK_SECONDS) * 2 + 0.01
    assert progress.credited_seconds == pytest.approx(answer.json()["coverage"] * 600, abs=1)
    assert progress.completed_at is None
    assert not Certificate.objects.filter(learner=learner).exists()


def test_a_heartbeat_runs_a_fixed_handful_of_queries(
    player, learner, django_assert_max_num_queries
):
    assert player(0, 0).status_code == 200  # the first beat creates the rows
    fifteen_seconds_pass(learner)
    with django_assert_max_num_queries(PLAIN_BEAT_QUERIES):
        answer = player(0, 15)
    assert answer.json()["credited_seconds"] == 15
    assert not LedgerEntry.objects.exists()

    # Crossing the first whole minute writes it to the ledger.
    LessonProgress.objects.filter(learner=learner).update(credited_seconds=50)
    fifteen_seconds_pass(learner)
    with django_assert_max_num_queries(LEDGER_BEAT_QUERIES):
        answer = player(15, 30)
    assert answer.json()["credited_seconds"] == 65
    entry = LedgerEntry.objects.get()
    assert (entry.minutes, entry.source, entry.academy_title, entry.course_title) == (
        1,
        "video",
        "吉林省新能源工匠学院",
        "光伏发电站设计",
    )
    assert entry.key == f"video:{LessonProgress.objects.get().pk}:1"


def test_a_hidden_tab_earns_nothing_but_keeps_its_place(player, learner):
    player(0, 0)
    fifteen_seconds_pass(learner)
    hidden = player(0, 15, visible=False).json()
    assert (hidden["position"], hidden["credited_seconds"]) == (15, 0)
    clock = LearnerClock.objects.get(learner=learner)
    assert clock.credited_until < timezone.now() - datetime.timedelta(seconds=10)


@pytest.mark.parametrize(
    ("restriction_type", "in_group", "status"),
    [("login", False, 200), ("groups", False, 404), ("groups", True, 200)],
)
def test_a_view_restriction_above_the_course_applies_to_heartbeats(
    player, learner, new_energy, restriction_type, in_group, status
):
    restriction = PageViewRestriction.objects.create(
        page=new_energy, restriction_type=restriction_type
    )
    if restriction_type == "groups":
        restriction.groups.add(new_energy.lecturer_group)
    if in_group:
        learner.groups.add(new_energy.lecturer_group)
    assert player(0, 0).status_code == status


def test_an_unpublished_course_takes_no_heartbeats(player, course):
    course.unpublish()
    assert player(0, 0).status_code == 404


def test_an_alias_is_restricted_as_its_source_is(course, learner, new_energy):
    """Wagtail applies the source page's restrictions to an alias; so does the check."""
    alias = CoursePage.objects.get(pk=course.create_alias(update_slug="alias").pk)
    restriction = PageViewRestriction.objects.create(page=course, restriction_type="groups")
    restriction.groups.add(new_energy.lecturer_group)
    request = RequestFactory().get("/")
    request.user, request.session = learner, {}
    assert list(alias.get_view_restrictions()) == [restriction]
    assert not may_see_course(request=request, course=alias)
    learner.groups.add(new_energy.lecturer_group)
    request.user = type(learner).objects.get(pk=learner.pk)  # groups are not cached
    assert may_see_course(request=request, course=alias)
