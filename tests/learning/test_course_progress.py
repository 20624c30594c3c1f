"""A learner's progress through courses: what "我的学习" and the API show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CoursePage
from courses.selectors import course_progress
from tests.courses.factories import make_course, make_learner, open_lesson
from tests.learning.test_progress import course, seconds, watch  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(units):
    return make_learner("13900000002", name="李四")


def test_a_course_not_started_resumes_at_its_first_lesson(course, learner):  # noqa: F811
    progress = course_progress(learner=learner, courses=[course])[course.pk]
    assert (progress.lessons_done, progress.lessons_required, progress.percent) == (0, 2, 0)
    assert not progress.completed
    assert progress.resume_lesson == course.lessons()[0]


def test_progress_counts_required_lessons_and_resumes_where_the_learner_was(
    course,  # noqa: F811
    learner,
):
    video_lesson, text_lesson = course.lessons()
    watch(learner, course, video_lesson, 0, 0, at=seconds(0))
    watch(learner, course, video_lesson, 0, 30, at=seconds(30))
    progress = course_progress(learner=learner, courses=[course])[course.pk]
    assert progress.lessons_done == 0 and progress.resume_lesson == video_lesson

    # Opening the text lesson completes it; the unfinished video is still where to go on.
    open_lesson(learner, course, text_lesson)
    progress = course_progress(learner=learner, courses=[course])[course.pk]
    assert (progress.lessons_done, progress.percent) == (1, 50)
    assert progress.resume_lesson == video_lesson

    for step in range(2, 11):
        watch(learner, course, video_lesson, (step - 1) * 30, step * 30, at=seconds(step * 30))
    progress = course_progress(learner=learner, courses=[course])[course.pk]
    assert (progress.lessons_done, progress.percent, progress.completed) == (2, 100, True)
    assert progress.resume_lesson == video_lesson  # the last one watched


def test_optional_lessons_do_not_count(course, learner):  # noqa: F811
    video_lesson, text_lesson = course.lessons()
    video_lesson.required = False
    video_lesson.save()
    course = CoursePage.objects.get(pk=course.pk)
    open_lesson(learner, course, text_lesson)
    progress = course_progress(learner=learner, courses=[course])[course.pk]
    assert (progress.lessons_done, progress.lessons_required, progress.completed) == (1, 1, True)


def test_two_queries_however_many_courses(course, learner, new_energy):  # noqa: F811
    courses = [course] + [make_course(new_energy, f"课程{n}", lessons=3) for n in range(3)]
    open_lesson(learner, courses[1], courses[1].lessons()[0])
    with CaptureQueriesContext(connection) as queries:
        progress = course_progress(learner=learner, courses=courses)
    # Two, and one for the final-exam requirement that the exams app registers.
    assert len(queries) == 3
    assert [progress[c.pk].lessons_done for c in courses] == [0, 1, 0, 0]
    assert progress[courses[1].pk].resume_lesson == courses[1].lessons()[1]
