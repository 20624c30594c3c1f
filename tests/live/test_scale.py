"""A famous lecturer's lecture: a hundred thousand followers reminded with a bounded
number of queries and queued tasks, and a watching-now count that is not recounted on
every poll."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.sms import MemoryBackend
from courses.models import Follow
from learning.crediting import Beat
from live import selectors, services
from live.models import LiveViewer
from lms.models import Notification
from lms.services import NOTIFY_BATCH

from .conftest import World

FOLLOWERS = 100_000


@pytest.fixture
def world(db):
    return World()


def add_followers(page, count: int) -> None:
    """``count`` learners following ``page``, written by the database itself (the ORM
    would take half a minute to make them)."""
    users, follows = get_user_model()._meta.db_table, Follow._meta.db_table
    numbers = f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {count})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {users} (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined) "
            f"{numbers} SELECT '!', %s, CAST(13800000000 + x AS TEXT), '', '', '', %s, %s, %s"
            " FROM n",
            [False, False, True, timezone.now()],
        )
        cursor.execute(
            f"INSERT INTO {follows} (user_id, page_id, created_at) SELECT id, %s, %s FROM {users}"
            " WHERE username LIKE '138%%'",
            [page.pk, timezone.now()],
        )


def test_a_hundred_thousand_followers_are_reminded_in_batches(
    world, settings, django_capture_on_commit_callbacks
):
    settings.LEARNER_MESSAGE_BACKEND = "accounts.sms.MemoryBackend"
    MemoryBackend.outbox = []
    add_followers(world.lecturer, FOLLOWERS)
    lecture = world.lecture(starts_in=datetime.timedelta(hours=20))

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks() as queued,
    ):
        sent = services.reminders_send()
    # The enrolled learner and every follower, each once, in one INSERT per thousand.
    assert sent == FOLLOWERS + 1
    texts = Notification.objects.filter(url=reverse("live:lecture", args=(lecture.pk,)))
    assert texts.count() == texts.values("user").distinct().count() == FOLLOWERS + 1
    # (SQLite splits an INSERT at its limit of variables: some hundreds in all.)
    assert len(queries) < FOLLOWERS // 100, len(queries)
    assert len(queued) == -(-sent // NOTIFY_BATCH)  # one SMS task per thousand messages

    queued[0]()  # the queue runs synchronously in the tests
    assert len(MemoryBackend.outbox) == NOTIFY_BATCH
    assert Notification.objects.exclude(sms_sent_at=None).count() == NOTIFY_BATCH
    queued[0]()  # a repeated delivery texts no one twice
    assert len(MemoryBackend.outbox) == NOTIFY_BATCH
    assert services.reminders_send() == 0


def test_watching_now_is_counted_once_per_interval_not_per_poll(world):
    lecture = world.lecture(starts_in=-datetime.timedelta(minutes=1))
    other = get_user_model().objects.create_user("13900139003")
    beat = Beat(position=1.0, ranges=[], rate=1.0, visible=True)
    for learner in (world.learner, other):
        services.watch_record(lecture=lecture, learner=learner, beat=beat, tab="a", live_seconds=60)
        if learner == world.learner:
            assert selectors.viewers_now(lecture=lecture) == 1
    with CaptureQueriesContext(connection) as queries:
        for _poll in range(100):  # every viewer's page, every few seconds
            assert selectors.viewers_now(lecture=lecture) == 1  # the count of a moment ago
    assert not queries
    cache.delete(f"live:viewers:{lecture.key}")  # VIEWERS_CACHE_SECONDS later
    assert selectors.viewers_now(lecture=lecture) == 2
    assert LiveViewer.objects.filter(lecture=lecture).count() == 2
