"""The demo night school that `seed_demo` builds."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from wagtail.models import Page, Revision

from lms.demo import DEMO_LEARNER_PHONE
from nightschool import selectors
from nightschool.models import Booking, BookingStatus, ClassSession, NightSchoolPage
from tests.conftest import run_demo_steps

pytestmark = pytest.mark.django_db


def seed():
    for module in ("academies.demo", "courses.demo", "nightschool.demo"):
        run_demo_steps(module)


def snapshot():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        ClassSession.objects.count(),
        list(Booking.objects.order_by("pk").values_list("pk", "status")),
        get_user_model().objects.count(),
    )


def test_the_provincial_night_school_with_classes_in_all_of_4_plus_n():
    seed()
    school = NightSchoolPage.objects.get(slug="night-school")
    assert (
        school.title == "吉林省青年职工夜校"
        and school.get_parent().specific_class.__name__ == "HomePage"
    )
    assert school.host_institution == "吉林省工人文化宫"
    branch = NightSchoolPage.objects.get(slug="liaoyuan")
    assert branch.get_parent().pk == school.pk and branch.city == "辽源市"

    upcoming = ClassSession.objects.filter(starts_at__gt=timezone.now()).select_related(
        "course__category"
    )
    categories = {session.course.category for session in upcoming}
    assert {c.name for c in categories if c.is_fixed} == {
        "思政引领",
        "文化艺术",
        "职业发展",
        "社会融入",
    }
    assert {(c.name, c.city) for c in categories if not c.is_fixed} >= {
        ("冰雪运动", "长春市"),
        ("直播电商", "辽源市"),
    }

    # The evening calligraphy class has its last two seats free.
    calligraphy = ClassSession.objects.get(title="第 3 讲 · 间架结构")
    detail = selectors.class_detail(session=calligraphy, user=AnonymousUser())
    assert detail["seats_left"] == 2
    lecturer = get_user_model().objects.get(username="yexiao_lecturer")
    assert selectors.may_show_code(user=lecturer, session=calligraphy)
    # A class under way, for trying the check-in, with the demo learner booked.
    under_way = ClassSession.objects.get(title="第 2 讲 · 基本笔画")
    assert under_way.starts_at < timezone.now() < under_way.ends_at
    learner = get_user_model().objects.get(username=DEMO_LEARNER_PHONE)
    assert Booking.objects.get(session=under_way, learner=learner).status == BookingStatus.CONFIRMED
    assert Booking.objects.filter(learner=learner, status=BookingStatus.WAITLISTED).exists()


def test_a_second_run_changes_nothing():
    seed()
    first = snapshot()
    run_demo_steps("nightschool.demo")
    assert snapshot() == first
