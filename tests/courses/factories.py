"""Building courses and learners the way the editor and the registration form do."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from wagtail.models import Collection
from wagtail.rich_text import RichText

from academies.selectors import unit_of
from accounts import services as account_services
from courses import selectors, services
from courses.models import Category, Chapter, CourseIndexPage, CoursePage, EnrolmentPolicy, Lesson
from learning.crediting import Beat
from lms.demo import DEMO_PASSWORD
from video.models import Video, VideoStatus


def make_course(parent, title, *, category=None, lessons=2, publish=True, **fields):
    """A published course with one chapter of `lessons` text lessons."""
    fields.setdefault("summary", f"{title}的简介")
    fields.setdefault("learning_hours", Decimal("8"))
    page = CoursePage(
        title=title,
        live=publish,
        category=category or Category.objects.get(name="职业发展"),
        chapters=[
            Chapter(
                title="第一章",
                lessons=[
                    Lesson(title=f"第{n}课", body=[("text", RichText(f"<p>第{n}课讲义</p>"))])
                    for n in range(1, lessons + 1)
                ],
            )
        ],
        **fields,
    )
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return CoursePage.objects.get(pk=page.pk)


def with_video_lesson(course, *, seconds: int, lesson: int = 0) -> CoursePage:
    """The course with its `lesson`-th lesson made a lesson of a ready video `seconds` long."""
    video = Video.objects.create(
        title="第一讲",
        collection=Collection.get_first_root_node(),
        status=VideoStatus.READY,
        duration=seconds,
        source_name="lesson.mp4",
    )
    target = course.lessons()[lesson]
    target.video = video
    target.save()
    return CoursePage.objects.get(pk=course.pk)


def make_limited(parent, title, seats):
    return make_course(parent, title, enrolment_policy=EnrolmentPolicy.LIMITED, seat_limit=seats)


def make_learner(phone, name="张三", work_unit="长春某汽车零部件有限公司"):
    return account_services.learner_register(
        phone=phone, password=DEMO_PASSWORD, real_name=name, work_unit=work_unit
    )


def make_listing(parent, title="课程", slug="courses"):
    page = CourseIndexPage(title=title, slug=slug)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return CourseIndexPage.objects.get(pk=page.pk)


def user(username):
    return get_user_model().objects.get(username=username)


def studied(course, lesson):
    """What the learning app is told of the lesson, as the lesson page tells it."""
    return selectors.studied_lesson(lesson=lesson, course=course, unit=unit_of(course))


def open_lesson(learner, course, lesson, *, at=None):
    """The learner opens the lesson's page (text lessons without a study time: done)."""
    return services.lesson_open(learner=learner, lesson=studied(course, lesson), now=at)


def heartbeat(learner, course, lesson, start, end, *, at, tab="phone", rate=1.0, visible=True):
    """A beat of the lesson's player (or reading page) reporting [start, end] played."""
    beat = Beat(position=end, ranges=[(start, end)] if end > start else [], rate=rate,
                visible=visible)  # fmt: skip
    return services.lesson_heartbeat(
        learner=learner, lesson=studied(course, lesson), beat=beat, tab=tab, now=at
    )
