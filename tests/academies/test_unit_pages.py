"""Academy and training-base pages lead somewhere: their newest and most studied courses
with a link to all of them, their lecturers and classes; a base without courses of its
own shows those of the academy above it, never an empty box."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academies.models import IndustryAcademyPage, TrainingBasePage
from courses.models import CourseLecturer
from courses.services import course_enrol
from tests.academies.factories import make_unit
from tests.courses.factories import make_course, make_learner, make_listing
from tests.nightschool.factories import make_lecturer

pytestmark = pytest.mark.django_db


@pytest.fixture
def academy(demo):
    academy = IndustryAcademyPage.objects.get(slug="new-energy")
    make_listing(academy)
    wang = make_lecturer(academy, "王建国")
    make_course(academy, "光伏发电站设计")
    studied = make_course(academy, "新能源前沿技术",
                          course_lecturers=[CourseLecturer(lecturer=wang)])  # fmt: skip
    for number in range(2):
        course_enrol(learner=make_learner(f"1390000000{number}"), course=studied)
    for number in range(4):
        make_course(academy, f"新课{number}")
    return academy


def test_an_academy_page_shows_its_courses_lecturers_and_a_link_to_all(client, academy):
    html = client.get(academy.url).content.decode()
    newest, studied = html.index(">最新<"), html.index(">学的人最多<")
    assert newest < html.index("新课3", newest) < studied  # the four newest
    assert "新能源前沿技术" in html[studied:]  # two learners: the most studied
    assert f'href="{academy.url}courses/">全部 6 门课程' in html
    assert ">讲师</h2>" in html and ">王建国</a>" in html
    assert "登录后关注" in html  # follow, for a visitor: log in first
    assert html.index(">课程</h2>") < html.index(">简介</h2>")  # courses before the about


def test_a_base_without_courses_shows_its_academys(client, academy):
    base = make_unit(academy, TrainingBasePage, "吉林省新能源实训基地")
    html = client.get(base.url).content.decode()
    assert "本单位还没有自己的课程,以下是吉林省新能源工匠学院的课程。" in html
    assert "光伏发电站设计" in html
    make_course(base, "光伏组件安装实训")
    html = client.get(base.url).content.decode()
    assert "光伏组件安装实训" in html and "以下是" not in html


def test_the_query_count_does_not_grow_with_the_courses(client, academy):
    from lms.sections import sections_changed

    def count() -> int:
        sections_changed()
        with CaptureQueriesContext(connection) as queries:
            client.get(academy.url)
        return len(queries.captured_queries)

    client.get(academy.url)
    before = count()
    for number in range(5):
        course = make_course(academy, f"更多课程{number}")
        course_enrol(learner=make_learner(f"1380000000{number}"), course=course)
    assert count() == before
