"""Building night-school sites, classes and learners the way the admin and the
registration form do."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from academies import demo as academies_demo
from academies.models import HeadquartersPage
from accounts.models import LearnerProfile
from courses.models import Category, CoursePage, LecturerIndexPage, LecturerPage
from lms.demo import DEMO_PASSWORD, ensure_user
from lms.models import HomePage
from nightschool.models import ClassSession, NightSchoolPage, Term, Venue


def at(days=0, hour=19, minute=0) -> datetime.datetime:
    """A local time `days` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def make_site(parent, title, city, **fields):
    site = publish(parent, NightSchoolPage(title=title, short_name=title[:10], city=city, **fields))
    Venue.objects.create(
        site=site, name=f"{city}工人文化宫 书画教室", address=f"{city}人民大街 1 号", seats=40
    )
    today = timezone.localdate()
    Term.objects.create(
        site=site,
        name="2026 年秋季学期",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=120),
    )
    return site


def make_course(site, title, category="文化艺术"):
    return publish(
        site,
        CoursePage(
            title=title,
            summary=f"{title}的简介",
            category=Category.objects.get(name=category),
            learning_hours=Decimal("1.5"),
        ),
    )


def make_lecturer(unit, name, user=None):
    faculty = LecturerIndexPage.objects.child_of(unit).first() or publish(
        unit, LecturerIndexPage(title="师资库", slug="lecturers")
    )
    return publish(faculty, LecturerPage(title=name, user=user))


def make_session(
    site,
    course,
    *,
    starts_at=None,
    minutes=90,
    capacity=10,
    lecturer=None,
    booking_opens_at=None,
    **fields,
) -> ClassSession:
    starts_at = starts_at or at(days=2)
    session = ClassSession(
        site=site,
        term=site.terms.get(),
        course=course,
        venue=site.venues.get(),
        lecturer=lecturer,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        capacity=capacity,
        booking_opens_at=booking_opens_at or starts_at - datetime.timedelta(days=7),
        **fields,
    )
    session.full_clean()
    session.save()
    return session


def make_learner(phone, name="张三"):
    user = get_user_model().objects.create_user(username=phone, password=DEMO_PASSWORD)
    user.first_name = name
    user.save(update_fields=["first_name"])
    LearnerProfile.objects.create(user=user, real_name=name, work_unit="长春某汽车零部件有限公司")
    return user


def make_user(username, *groups, **fields):
    user = get_user_model().objects.create_user(username=username, password=DEMO_PASSWORD, **fields)
    user.groups.add(*groups)
    return user


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


def make_school() -> School:
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
        # The demo's headquarters admin, who may be there already with the hierarchy.
        academy_admin=ensure_user("hq_admin", groups=[headquarters.admin_group]),
    )
