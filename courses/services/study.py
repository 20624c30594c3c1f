"""Studying a course's lessons: the lesson page and the heartbeats are recorded by the
learning app; completing the course's required lessons earns its certificate."""

from dataclasses import dataclass

from django.db import transaction

from accounts.selectors import display_name
from courses.selectors import course_outlines
from learning import services as learning
from learning.crediting import Beat
from learning.selectors import course_progress_for
from learning.study import StudiedLesson


@dataclass(frozen=True)
class StudyState:
    lesson: learning.ProgressState
    course_complete: bool  # the course was completed just now


def _course_complete(*, learner, lesson: StudiedLesson) -> bool:
    """Whether the learner has now completed every required lesson of the lesson's course;
    if so, their certificate is issued."""
    outlines = course_outlines(course_ids=[lesson.course.pk])
    if not course_progress_for(learner=learner, outlines=outlines)[lesson.course.pk].completed:
        return False
    learning.certificate_issue(
        learner=learner,
        learner_name=display_name(learner),
        course=lesson.course,
        academy=lesson.unit,
    )
    return True


@transaction.atomic
def lesson_heartbeat(
    *, learner, lesson: StudiedLesson, beat: Beat, tab: str, now=None
) -> StudyState:
    """Record a heartbeat of a lesson the learner may study (see
    `courses.selectors.lesson_for_study`)."""
    state = learning.progress_record(learner=learner, lesson=lesson, beat=beat, tab=tab, now=now)
    completed = state.completed_now and _course_complete(learner=learner, lesson=lesson)
    return StudyState(lesson=state, course_complete=completed)


@transaction.atomic
def lesson_open(*, learner, lesson: StudiedLesson, now=None) -> StudyState:
    """A learner who may study the lesson opened it."""
    state = learning.lesson_opened(learner=learner, lesson=lesson, now=now)
    completed = state.completed_now and _course_complete(learner=learner, lesson=lesson)
    return StudyState(lesson=state, course_complete=completed)
