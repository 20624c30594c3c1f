"""Studying a course's lessons: the lesson page and the heartbeats are recorded by the
learning app; completing the course's required lessons earns its certificate."""

from dataclasses import dataclass

from django.db import transaction

from academies.selectors import unit_of
from accounts.selectors import display_name
from courses.models import CoursePage
from courses.selectors import course_outlines
from learning import services as learning
from learning.crediting import Beat
from learning.selectors import course_progress_for
from learning.study import StudiedLesson, Titled


@dataclass(frozen=True)
class StudyState:
    lesson: learning.ProgressState
    course_complete: bool  # the course was completed just now


def _course_complete(*, learner, course: Titled, unit: Titled | None) -> bool:
    """Whether the learner has now completed the course — every required lesson, and
    whatever a registered requirement asks (a passed final exam); if so, their certificate
    is issued."""
    outlines = course_outlines(course_ids=[course.pk])
    if not course_progress_for(learner=learner, outlines=outlines)[course.pk].completed:
        return False
    learning.certificate_issue(
        learner=learner, learner_name=display_name(learner), course=course, academy=unit
    )
    return True


@transaction.atomic
def certificate_issue_if_complete(*, learner, course: CoursePage) -> bool:
    """Issue the course's certificate if the learner has completed it (for what completes
    a course outside its lessons: a final exam passed)."""
    unit = unit_of(course)
    return _course_complete(
        learner=learner,
        course=Titled(course.pk, course.title),
        unit=Titled(unit.pk, unit.title) if unit else None,
    )


@transaction.atomic
def lesson_heartbeat(
    *, learner, lesson: StudiedLesson, beat: Beat, tab: str, now=None
) -> StudyState:
    """Record a heartbeat of a lesson the learner may study (see
    `courses.selectors.lesson_for_study`)."""
    state = learning.progress_record(learner=learner, lesson=lesson, beat=beat, tab=tab, now=now)
    completed = state.completed_now and _course_complete(
        learner=learner, course=lesson.course, unit=lesson.unit
    )
    return StudyState(lesson=state, course_complete=completed)


@transaction.atomic
def lesson_open(*, learner, lesson: StudiedLesson, now=None) -> StudyState:
    """A learner who may study the lesson opened it."""
    state = learning.lesson_opened(learner=learner, lesson=lesson, now=now)
    completed = state.completed_now and _course_complete(
        learner=learner, course=lesson.course, unit=lesson.unit
    )
    return StudyState(lesson=state, course_complete=completed)
