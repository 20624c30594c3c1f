import datetime
import time

import pytest
from django.utils import timezone

from accounts.sms import MemoryBackend
from nightschool import tokens
from nightschool.models import ClassSession
from tests.nightschool.factories import School, at, make_school, make_session


@pytest.fixture
def school(db) -> School:
    """See `make_school`."""
    return make_school()


@pytest.fixture
def session(school) -> ClassSession:
    """An evening calligraphy class two days from now with 10 seats."""
    return make_session(school.site, school.course, lecturer=school.lecturer, title="间架结构")


@pytest.fixture
def outbox(settings):
    """Text messages sent, as (phone, text)."""
    settings.LEARNER_MESSAGE_BACKEND = "accounts.sms.MemoryBackend"
    MemoryBackend.outbox = []
    return MemoryBackend.outbox


@pytest.fixture
def before():
    """A moment well before the class of the `session` fixture (booking is open)."""
    return at(days=0, hour=9)


def minutes(n: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def early_in_a_window() -> datetime.datetime:
    """Now, a moment after the check-in code changed, so that a test's scans (made with
    this window's code or the one before) are not cut by the next change."""
    left = tokens.seconds_left_in_window(timezone.now())
    if left < 5:
        time.sleep(left + 0.1)
    return timezone.now()
