"""Building night-school sites, classes and learners the way the admin and the
registration form do."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import Category, CoursePage, LearnerProfile, LecturerIndexPage, LecturerPage
from lms.demo import DEMO_PASSWORD
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
