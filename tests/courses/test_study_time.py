"""The course editor shows the study time of the required lessons beside the learning
hours typed on the course: learners are credited the first, never the second."""

import pytest

from courses.models import CoursePage
from courses.selectors import course_study_time
from tests.courses.factories import make_course, user, with_video_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(new_energy):
    """Typed: 8 学时. Lessons: a 10-minute video, a text to read in 25 minutes, a text
    without a study time, and an optional 40-minute text."""
    page = with_video_lesson(make_course(new_energy, "光伏发电站设计", lessons=4), seconds=600)
    _video, text, _bare, optional = page.lessons()
    text.study_minutes = 25
    text.save()
    optional.study_minutes, optional.required = 40, False
    optional.save()
    return CoursePage.objects.get(pk=page.pk)


def test_the_study_time_counts_required_lessons_by_their_length(course):
    study = course_study_time(course=course)
    assert (study.video_seconds, study.reading_seconds, study.unmeasured) == (600, 1500, 1)
    assert (study.minutes, str(study.hours), str(study.difference)) == (35, "0.6", "7.4")


def test_the_editor_shows_the_difference_to_the_typed_hours(client, course):
    client.force_login(user("new_energy_admin"))
    html = client.get(f"/admin/pages/{course.pk}/edit/").content.decode()
    assert "必修课时合计 <strong>0.6 学时</strong>(35 分钟)" in html
    assert "本课程公布 8.0 学时,比课时实际时长多 7.4 学时。" in html
    assert "有 1 节必修课时既没有视频也没有学习时长" in html

    course.learning_hours = "0.6"
    course.save_revision().publish()
    html = client.get(f"/admin/pages/{course.pk}/edit/").content.decode()
    assert "必修课时合计 <strong>0.6 学时</strong>" in html and "本课程公布" not in html
