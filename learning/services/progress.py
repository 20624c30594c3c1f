"""Recording study from heartbeats: coverage, credited time, whole minutes in the ledger,
lesson completion. Course completion and certificates are the courses app's call: it
knows the outline (see `learning.selectors.course_progress_for`)."""

import datetime
import math
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from learning import crediting
from learning.models import LearnerClock, LedgerSource, LessonProgress
from learning.services.ledger import ledger_append, lock_learner
from learning.study import Measure, StudiedLesson

# What a beat changes in a lesson's progress row.
PROGRESS_FIELDS = (
    "watched",
    "position",
    "duration",
    "credited_seconds",
    "minutes_recorded",
    "tabs",
    "completed_at",
    "updated_at",
)
# Tabs remembered per lesson (a tab is one page load; older ones are long closed).
TABS_KEPT = 8
LEDGER_SOURCES = {
    Measure.VIDEO: LedgerSource.VIDEO,
    Measure.LIVE: LedgerSource.LIVE,
    Measure.READING: LedgerSource.READING,
}
# Ranges a client measured itself drift with its timers; the server measures reading.
CLIENT_MEASURED = (Measure.VIDEO, Measure.LIVE)


@dataclass(frozen=True)
class ProgressState:
    position: float
    coverage: float
    credited_seconds: float
    lesson_complete: bool
    completed_now: bool = False


def progress_state(progress: LessonProgress | None, *, completed_now=False) -> ProgressState:
    if progress is None:
        return ProgressState(
            position=0.0, coverage=0.0, credited_seconds=0.0, lesson_complete=False
        )
    return ProgressState(
        position=progress.position,
        coverage=(
            crediting.covered(progress.watched) / progress.duration if progress.duration else 0
        ),
        credited_seconds=progress.credited_seconds,
        lesson_complete=progress.completed_at is not None,
        completed_now=completed_now,
    )


# The busiest statements of the site (every studying learner, every 15 s) are written as
# SQL: building and compiling them with the ORM took more CPU than running them. Table and
# column names come from the models; values are prepared and read by the models' fields.


def _prepared(model, name: str, value):
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def _from_db(model, name: str, value):
    column = model._meta.get_field(name).get_col(model._meta.db_table)
    for convert in [
        *connection.ops.get_db_converters(column),
        *column.get_db_converters(connection),
    ]:
        value = convert(value, column, connection)
    return value


def _update(model, pk, **values) -> None:
    """UPDATE one row's columns, as `save(update_fields=…)` would, in one statement."""
    quote, meta = connection.ops.quote_name, model._meta
    columns = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in values)
    params = [_prepared(model, name, value) for name, value in values.items()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {quote(meta.pk.column)} = %s",
            [*params, pk],
        )


PROGRESS_READ = (
    "id", "watched", "position", "duration", "credited_seconds", "minutes_recorded", "tabs",
    "completed_at",
)  # fmt: skip


def _locked_clock_and_progress(learner, lesson: StudiedLesson):
    """The learner's clock, locked until the transaction ends, and their progress row for
    the lesson (a new one if none, saved by the caller). Two statements: the progress is
    read after the lock is held, so a beat that waited for another tab's reads what that
    tab committed (a row joined to the locked one would be the version seen before the
    wait on PostgreSQL, and the later beat would overwrite the earlier one's credit)."""
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT credited_until, slack_seconds"
            f" FROM {quote(LearnerClock._meta.db_table)} WHERE learner_id = %s{lock}",
            [learner.pk],
        )
        row = cursor.fetchone()
        if row is None:
            clock = lock_learner(learner)
        else:
            clock = LearnerClock(
                learner_id=learner.pk,
                credited_until=_from_db(LearnerClock, "credited_until", row[0]),
                slack_seconds=row[1],
            )
        cursor.execute(
            f"SELECT {', '.join(quote(name) for name in PROGRESS_READ)}"
            f" FROM {quote(LessonProgress._meta.db_table)}"
            " WHERE learner_id = %s AND lesson_key = %s",
            [learner.pk, _prepared(LessonProgress, "lesson_key", lesson.key)],
        )
        row = cursor.fetchone()
    progress = LessonProgress(learner=learner, lesson_key=lesson.key, course_id=lesson.course.pk)
    if row is not None:
        for name, value in zip(PROGRESS_READ, row, strict=True):
            setattr(progress, name, _from_db(LessonProgress, name, value))
        progress._state.adding = False
    return clock, progress


def _timestamp(value: datetime.datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _clock_save(row: LearnerClock, clock: crediting.Clock) -> None:
    credited_until = (
        datetime.datetime.fromtimestamp(clock.credited_until, tz=datetime.UTC)
        if clock.credited_until is not None
        else None
    )
    if (row.credited_until, row.slack_seconds) != (credited_until, clock.slack):
        row.credited_until, row.slack_seconds = credited_until, clock.slack
        _update(LearnerClock, row.pk, credited_until=credited_until, slack_seconds=clock.slack)


def _tabs_after(tabs: dict, tab: str, now: float) -> dict:
    recent = sorted({**tabs, tab: now}.items(), key=lambda item: item[1])[-TABS_KEPT:]
    return dict(recent)


@transaction.atomic(savepoint=False)
def progress_record(
    *, learner, lesson: StudiedLesson, beat: crediting.Beat, tab: str, now=None
) -> ProgressState:
    """Apply one heartbeat: a player's (what was played) or a text page's (open and
    visible). Locks the learner's clock row, so beats from several tabs are applied one
    after another and wall time is counted once; credits the new coverage, writes each
    whole minute to the ledger, and marks the lesson complete at 90 % coverage.

    Every studying learner sends a beat each 15 s: this runs a fixed handful of queries.
    """
    now = now or timezone.now()
    clock, progress = _locked_clock_and_progress(learner, lesson)
    watched = [tuple(interval) for interval in progress.watched]
    duration = lesson.duration if lesson.measure != Measure.NONE else 0.0
    if lesson.measure == Measure.READING:
        beat = crediting.reading_beat(watched=watched, duration=duration, visible=beat.visible)
    stamp = now.timestamp()
    result = crediting.credit(
        beat=beat,
        watched=watched,
        duration=duration,
        now=stamp,
        tab_beat_at=progress.tabs.get(tab),
        clock=crediting.Clock(_timestamp(clock.credited_until), clock.slack_seconds),
        slack=lesson.measure in CLIENT_MEASURED,
    )
    _clock_save(clock, result.clock)

    progress.tabs = _tabs_after(progress.tabs, tab, stamp)
    progress.watched = [list(interval) for interval in result.intervals]
    if lesson.measure == Measure.READING:
        progress.position = crediting.covered(result.intervals)
    else:
        progress.position = max(0.0, min(beat.position, duration or beat.position))
    progress.duration = duration
    progress.credited_seconds += result.seconds
    whole_minutes = math.floor(progress.credited_seconds / 60)
    minutes_before, progress.minutes_recorded = progress.minutes_recorded, whole_minutes
    completed_now = progress.completed_at is None and crediting.is_complete(
        result.intervals, duration
    )
    if completed_now:
        progress.completed_at = now
    if progress.pk is None:
        progress.save()
    else:
        progress.updated_at = timezone.now()  # as auto_now would
        _update(
            LessonProgress,
            progress.pk,
            **{name: getattr(progress, name) for name in PROGRESS_FIELDS},
        )
    if whole_minutes > minutes_before:
        source = LEDGER_SOURCES[lesson.measure]
        ledger_append(
            learner=learner,
            minutes=whole_minutes - minutes_before,
            source=source,
            academy=lesson.unit,
            course=lesson.course,
            reference=f"lesson:{lesson.key}",
            key=f"{source}:{progress.pk}:{whole_minutes}",
        )
    return progress_state(progress, completed_now=completed_now)


def lesson_opened(*, learner, lesson: StudiedLesson, now=None) -> ProgressState:
    """A learner opened the lesson's page. A lesson with nothing to measure (no video, no
    stated study time) is complete from then on, and earns no hours; the others report
    where the learner is."""
    if lesson.measure != Measure.NONE:
        progress = LessonProgress.objects.filter(learner=learner, lesson_key=lesson.key).first()
        return progress_state(progress)
    with transaction.atomic(savepoint=False):
        _clock, progress = _locked_clock_and_progress(learner, lesson)
        completed_now = progress.completed_at is None
        if completed_now:
            progress.completed_at = now or timezone.now()
            progress.save()
        return progress_state(progress, completed_now=completed_now)
