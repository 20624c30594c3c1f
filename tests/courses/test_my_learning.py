"""我的学习: each course with its progress and where to continue, this year's hours against
the target, the certificates; in a fixed number of queries however many courses."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.services import course_enrol
from learning.models import LedgerSource
from learning.services import ledger_append, yearly_target_set
from tests.courses.factories import make_course, make_learner, open_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(units):
    return make_learner("13900000001", name="王小明")


def lesson_url(course, lesson):
    return course.url + course.reverse_subpage("lesson", args=(lesson.key,))


def test_courses_progress_hours_and_certificates(client, hq, new_energy, learner):
    started = make_course(new_energy, "光伏发电站设计", lessons=3)
    finished = make_course(new_energy, "风电场升压站设备巡视及维护", lessons=1)
    for course in (started, finished):
        course_enrol(learner=learner, course=course)
    open_lesson(learner, started, started.lessons()[0])
    open_lesson(learner, finished, finished.lessons()[0])
    yearly_target_set(academy=hq, year=timezone.localdate().year, hours=24)
    ledger_append(learner=learner, minutes=90, source=LedgerSource.CLASS, academy=hq)
    client.force_login(learner)

    html = client.get(reverse("courses:profile")).content.decode()
    assert "本年度 <strong>1.5</strong> / 24 学时" in html
    assert "已完成必修课: 1 / 3" in html and 'value="33"' in html
    continue_at = lesson_url(started, started.lessons()[1])
    assert f'href="{continue_at}">继续学习</a>' in html
    assert "✓ 已学完" in html and 'value="100"' in html
    certificate = learner.certificates.get()
    assert certificate.course_title == "风电场升压站设备巡视及维护"
    assert reverse("learning:certificate_download", args=(certificate.code,)) in html


def test_the_page_takes_as_many_queries_for_many_courses_as_for_one(
    client, new_energy, learner, django_assert_max_num_queries
):
    courses = [make_course(new_energy, f"课程{n}", lessons=2) for n in range(4)]
    course_enrol(learner=learner, course=courses[0])
    open_lesson(learner, courses[0], courses[0].lessons()[0])
    client.force_login(learner)
    client.get(reverse("courses:profile"))  # warm the per-process caches
    with CaptureQueriesContext(connection) as one_course:
        client.get(reverse("courses:profile"))

    for course in courses[1:]:
        course_enrol(learner=learner, course=course)
        open_lesson(learner, course, course.lessons()[1])
    with django_assert_max_num_queries(len(one_course)):
        html = client.get(reverse("courses:profile")).content.decode()
    assert html.count("继续学习") == 4
