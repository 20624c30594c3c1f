"""The heartbeat address, the busiest of the site (every playing learner, every 15 s):
what it costs in queries, and who may send one (view restrictions, aliases)."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.models import CoursePage
from courses.selectors import may_see_course
from courses.services.enrolment import course_enrol
from learning.models import LearnerClock, LedgerEntry, LessonProgress, PlayerTab
from tests.courses.factories import make_course, with_video_lesson

pytestmark = pytest.mark.django_db

# One beat through the API, logged in with the session: the session and the user; the
# lesson with its course and the learner's enrolment; whether a view restriction or an
# alias is above the course; then, in a transaction (2 statements), the learner's clock,
# the lesson's progress with the tab's last beat, the tab, the clock and the progress.
PLAIN_BEAT_QUERIES = 11
# Crossing a whole minute adds the course's unit and the ledger entry (in a savepoint).
LEDGER_BEAT_QUERIES = PLAIN_BEAT_QUERIES + 4


@pytest.fixture
def course(new_energy):
    return with_video_lesson(make_course(new_energy, "光伏发电站设计", lessons=2), seconds=600)


@pytest.fixture
def player(client, course, learner):
    """A logged-in, enrolled learner's player: `beat(start, end)` reports that range."""
    course_enrol(learner=learner, course=course)
    client.force_login(learner)
    url = f"/api/v1/lessons/{course.lessons()[0].key}/progress/"

    def beat(start, end, *, visible=True):
        body = {"position": end, "rate": 1, "ranges": [[start, end]], "visible": visible}
        return client.post(url, {**body, "tab": "t1"}, content_type="application/json")

    return beat


def fifteen_seconds_pass(learner):
    """Move the last beat and the learner's clock 15 s back, as if the player had played
    for 15 s since (the beats of a test come milliseconds apart)."""
    earlier = timezone.now() - datetime.timedelta(seconds=15)
    PlayerTab.objects.filter(learner=learner).update(last_beat_at=earlier)
    LearnerClock.objects.filter(learner=learner).update(credited_until=earlier)


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
    assert (entry.minutes, entry.academy_title, entry.course_title) == (
        1,
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
