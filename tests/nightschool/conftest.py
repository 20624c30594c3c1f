import datetime
import time
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from academies import demo as academies_demo
from academies.models import HeadquartersPage
from courses.messaging import MemoryBackend
from lms.models import HomePage
from nightschool import tokens
from nightschool.models import ClassSession, NightSchoolPage
from tests.nightschool.factories import (
    at,
    make_course,
    make_lecturer,
    make_session,
    make_site,
    make_user,
)


@dataclass
class School:
    site: NightSchoolPage
    branch: NightSchoolPage
    course: object
    lecturer: object
    admin: AbstractUser
    lecturer_user: AbstractUser
    branch_admin: AbstractUser
    academy_admin: AbstractUser


@pytest.fixture
def school(db) -> School:
    """The provincial night school in 长春市 with a 辽源市 branch, a calligraphy course,
    its lecturer (with an account), and the admins of the school, the branch and the
    headquarters (an academy admin, not a night-school one)."""
    academies_demo.seed_headquarters()
    headquarters = HeadquartersPage.objects.get()
    site = make_site(HomePage.objects.get(), "吉林省青年职工夜校", "长春市")
    branch = make_site(site, "辽源市青年职工夜校", "辽源市")
    lecturer_user = make_user("calligraphy_teacher", site.lecturer_group, first_name="孙海峰")
    return School(
        site=site,
        branch=branch,
        course=make_course(site, "书法(楷书)"),
        lecturer=make_lecturer(headquarters, "孙海峰", user=lecturer_user),
        admin=make_user("yexiao_admin", site.admin_group),
        lecturer_user=lecturer_user,
        branch_admin=make_user("liaoyuan_admin", branch.admin_group),
        academy_admin=make_user("hq_admin", headquarters.admin_group),
    )


@pytest.fixture
def session(school) -> ClassSession:
    """An evening calligraphy class two days from now with 10 seats."""
    return make_session(school.site, school.course, lecturer=school.lecturer, title="间架结构")


@pytest.fixture
def outbox(settings):
    """Text messages sent, as (phone, text)."""
    settings.LEARNER_MESSAGE_BACKEND = "courses.messaging.MemoryBackend"
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
