"""Recording lesson progress from player heartbeats, and what follows from it: learning
minutes in the ledger, lesson and course completion, the course certificate."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from academies.selectors import unit_of
from accounts.selectors import display_name
from learning import crediting
from learning.models import LearnerClock, LedgerSource, LessonProgress, PlayerTab
from learning.selectors import course_progress_for
from learning.services import certificate_issue, ledger_append

# A player stopped this close to the end had played the video to its end.
ENDED_MARGIN_SECONDS = 1.0
# What a beat changes in a lesson's progress row (completion is saved on its own).
PROGRESS_FIELDS = (
    "watched",
    "position",
    "duration",
    "credited_seconds",
    "minutes_recorded",
    "updated_at",
)


@dataclass(frozen=True)
class ProgressState:
    position: float
    coverage: float
    credited_seconds: float
    lesson_complete: bool
    course_complete: bool


def _complete(progress: LessonProgress, *, learner, course, now) -> bool:
    """Mark the lesson complete; issue the certificate when it completes the course."""
    progress.completed_at = now
    progress.save(update_fields=["completed_at"])
    return certificate_issue_if_complete(learner=learner, course=course)


def certificate_issue_if_complete(*, learner, course) -> bool:
    """Issue the course's certificate if the learner has completed it: every required
    lesson, and whatever a registered requirement asks (a passed final exam)."""
    if not course_progress_for(learner=learner, courses=[course])[course.pk].completed:
        return False
    certificate_issue(
        learner=learner,
        learner_name=display_name(learner),
        course=course,
        academy=unit_of(course),
        hours=Decimal(course.learning_hours or 0),
    )
    return True


def _state(progress: LessonProgress, course_complete: bool) -> ProgressState:
    return ProgressState(
        position=progress.position,
        coverage=crediting.covered(progress.watched) / progress.duration
        if progress.duration
        else 0,
        credited_seconds=progress.credited_seconds,
        lesson_complete=progress.completed_at is not None,
        course_complete=course_complete,
    )


@transaction.atomic
def progress_record(
    *,
    learner,
    course,
    lesson,
    beat: crediting.Beat,
    tab: str,
    now=None,
    source: str = LedgerSource.VIDEO,
):
    """Apply one heartbeat from a player. Locks the learner's clock row so beats from
    several tabs are applied one after another and wall time is counted once.

    ``lesson`` needs a ``key`` and ``duration_seconds``: a live lecture passes its own
    key and the length streamed so far, with ``source`` 直播课 (LedgerSource.LIVE).

    Every playing learner sends a beat each 15 s: this runs a fixed handful of queries.
    """
    now = now or timezone.now()
    clock, _ = LearnerClock.objects.select_for_update().get_or_create(learner=learner)
    # The tab's previous beat is read along with the progress row. Only beats write tab
    # rows, and the learner's beats wait for one another on the clock's lock.
    tab_rows = PlayerTab.objects.filter(learner=learner, lesson_key=lesson.key, tab=tab)
    progress, created = (
        LessonProgress.objects.select_for_update()
        .annotate(tab_beat_at=Subquery(tab_rows.values("last_beat_at")[:1]))
        .get_or_create(learner=learner, lesson_key=lesson.key, defaults={"course": course})
    )
    if created:
        last_beat_at = tab_rows.values_list("last_beat_at", flat=True).first()
    else:
        last_beat_at = progress.tab_beat_at
    duration = float(lesson.duration_seconds or 0)
    result = crediting.credit(
        beat=beat,
        watched=[tuple(interval) for interval in progress.watched],
        duration=duration,
        now=now.timestamp(),
        last_beat_at=last_beat_at.timestamp() if last_beat_at else None,
        learner_clock=clock.credited_until.timestamp() if clock.credited_until else None,
    )
    if last_beat_at is None:
        PlayerTab.objects.create(learner=learner, lesson_key=lesson.key, tab=tab, last_beat_at=now)
    else:
        tab_rows.update(last_beat_at=now)
    if beat.visible and (clock.credited_until is None or clock.credited_until < now):
        clock.credited_until = now
        clock.save(update_fields=["credited_until"])

    progress.watched = [list(interval) for interval in result.intervals]
    progress.position = max(0.0, min(beat.position, duration or beat.position))
    progress.duration = duration
    progress.credited_seconds += result.seconds
    whole_minutes = math.floor(progress.credited_seconds / 60)
    if whole_minutes > progress.minutes_recorded:
        ledger_append(
            learner=learner,
            minutes=whole_minutes - progress.minutes_recorded,
            source=source,
            academy=unit_of(course),
            course=course,
            reference=f"lesson:{lesson.key}",
            key=f"video:{progress.pk}:{whole_minutes}",
        )
        progress.minutes_recorded = whole_minutes
    progress.save(update_fields=PROGRESS_FIELDS)

    course_complete = False
    if progress.completed_at is None and crediting.is_complete(result.intervals, duration):
        course_complete = _complete(progress, learner=learner, course=course, now=now)
    return _state(progress, course_complete)


@transaction.atomic
def lesson_opened(*, learner, course, lesson, now=None) -> ProgressState:
    """A lesson without a video is complete once the learner has opened it."""
    now = now or timezone.now()
    progress, _ = LessonProgress.objects.select_for_update().get_or_create(
        learner=learner, lesson_key=lesson.key, defaults={"course": course}
    )
    course_complete = False
    if lesson.video_id is None and progress.completed_at is None:
        course_complete = _complete(progress, learner=learner, course=course, now=now)
    return _state(progress, course_complete)


def resume_position(*, learner, lesson) -> float:
    """Where the learner stopped; the beginning again once they had watched to the end."""
    progress = LessonProgress.objects.filter(learner=learner, lesson_key=lesson.key).first()
    if progress is None:
        return 0.0
    ended = progress.duration > 0 and progress.position >= progress.duration - ENDED_MARGIN_SECONDS
    return 0.0 if ended else progress.position
