"""Rebuilding the dashboards' roll-up tables (see `dashboards.models`)."""

import datetime
import time
from collections import defaultdict
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django_q.tasks import async_task
from wagtail.models import Collection, Page

from academies.selectors import unit_page_models
from courses.models import CoursePage, Enrolment, EnrolmentStatus, Lesson
from dashboards.models import (
    CourseDay,
    CourseMonth,
    CourseSnapshot,
    LessonRetention,
    RefreshState,
    UnitDay,
    UnitSnapshot,
)
from learning.models import Certificate, LedgerEntry, LessonProgress
from nightschool.models import Attendance, Booking, BookingStatus
from video.models import DailyPlays, Video

# Points along a video at which the share of viewers still watching is kept.
RETENTION_POINTS = 20
# A refresh that has not finished after this long is taken for dead (its worker was
# killed) and another may start.
STALE_REFRESH = datetime.timedelta(minutes=15)


class Tree:
    """The units (any `AcademyUnitPage` kind) and which unit owns a page or collection."""

    def __init__(self):
        self.units = {
            page["path"]: page
            for model in unit_page_models()
            for page in model.objects.values("pk", "path", "title", "collection_id")
        }
        self.by_id = {unit["pk"]: unit for unit in self.units.values()}
        self.collections = {
            unit["collection_id"]: unit["pk"]
            for unit in self.units.values()
            if unit["collection_id"]
        }
        self._chains: dict[int, list[int]] = {}

    def owner(self, path: str) -> int | None:
        """The nearest unit at or above the page with this tree path."""
        for end in range(len(path), 0, -Page.steplen):
            unit = self.units.get(path[:end])
            if unit is not None:
                return unit["pk"]
        return None

    def chain(self, unit_id: int) -> list[int]:
        """The unit and every unit above it."""
        if unit_id not in self._chains:
            path = self.by_id[unit_id]["path"]
            self._chains[unit_id] = [
                self.units[path[:end]]["pk"]
                for end in range(len(path), 0, -Page.steplen)
                if path[:end] in self.units
            ]
        return self._chains[unit_id]


def _insert_select(model, fields: list[str], queryset: QuerySet) -> None:
    """INSERT INTO model's table (fields) SELECT …: the database adds up the rows itself
    rather than sending them here and back. The queryset selects exactly `fields`, in
    that order (plain fields first, then annotations, as Django writes them)."""
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}", params)


def _local_day(field: str):
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _ledger_course_days() -> QuerySet:
    return (
        LedgerEntry.objects.order_by()
        .filter(academy_id__isnull=False, course_id__isnull=False)
        .annotate(day=_local_day("created_at"))
        .values("course_id", "day")
        .annotate(unit=Max("academy_id"), total=Sum("minutes"))
    )


def _ledger_unit_days() -> QuerySet:
    return (
        LedgerEntry.objects.order_by()
        .filter(academy_id__isnull=False)
        .annotate(day=_local_day("created_at"))
        .values("academy_id", "day")
        .annotate(total=Sum("minutes"))
    )


def _course_months() -> QuerySet:
    return (
        CourseDay.objects.order_by()
        .annotate(in_month=TruncMonth("day"))
        .values("course_id", "unit_id", "in_month")
        .annotate(
            m=Sum("minutes"), e=Sum("enrolments"), c=Sum("completions"), k=Sum("certificates")
        )
    )


def _completions(course_units: dict[int, int]) -> dict[tuple[int, int], datetime.datetime]:
    """When each learner completed each course: all its required lessons complete (as
    `learning.selectors.course_progress_for` says), at the last of them."""
    required = dict(
        Lesson.objects.filter(required=True)
        .order_by()
        .values("chapter__course_id")
        .annotate(n=Count("pk"))
        .values_list("chapter__course_id", "n")
    )
    done = (
        LessonProgress.objects.order_by()
        .filter(
            completed_at__isnull=False,
            lesson_key__in=Lesson.objects.filter(required=True).values("key"),
        )
        .values("course_id", "learner_id")
        .annotate(n=Count("pk"), last=Max("completed_at"))
        .values_list("course_id", "learner_id", "n", "last")
    )
    return {
        (course_id, learner_id): last
        for course_id, learner_id, n, last in done.iterator(chunk_size=5000)
        if course_id in course_units and n >= required.get(course_id, 0) > 0
    }


def _covered_at(watched: list, point: float) -> bool:
    return any(start <= point <= end for start, end in watched)


def _retention(course_units: dict[int, int], titles: dict[int, str]) -> list[LessonRetention]:
    lessons = {
        key: (title, course_id)
        for key, title, course_id in Lesson.objects.filter(video__isnull=False).values_list(
            "key", "title", "chapter__course_id"
        )
    }
    curves: dict = {}
    rows = (
        LessonProgress.objects.filter(duration__gt=0, lesson_key__in=list(lessons))
        .order_by()
        .values_list("lesson_key", "watched", "duration", "completed_at")
    )
    for key, watched, duration, completed_at in rows.iterator(chunk_size=5000):
        if not watched:
            continue
        entry = curves.setdefault(key, {"counts": [0] * RETENTION_POINTS, "n": 0, "done": 0})
        entry["n"] += 1
        entry["done"] += completed_at is not None
        entry["duration"] = duration
        for i in range(RETENTION_POINTS):
            if _covered_at(watched, (i + 0.5) * duration / RETENTION_POINTS):
                entry["counts"][i] += 1
    result = []
    for key, entry in curves.items():
        title, course_id = lessons[key]
        if course_id not in course_units:
            continue
        result.append(
            LessonRetention(
                lesson_key=key,
                course_id=course_id,
                unit_id=course_units[course_id],
                title=title[:255],
                course_title=titles[course_id][:255],
                duration=entry["duration"],
                viewers=entry["n"],
                completed=entry["done"],
                curve=[round(count * 100 / entry["n"], 1) for count in entry["counts"]],
            )
        )
    return result


class _Builder:
    """Reads everything first (outside any transaction, showing progress as it goes),
    then writes the tables in one short transaction."""

    def __init__(self, progress: Callable[[int], None]):
        self.progress = progress
        self.tree = Tree()
        self.today = timezone.localdate()
        self.now = timezone.now()

    def read(self) -> None:
        tree = self.tree
        courses = list(CoursePage.objects.values_list("pk", "path", "title"))
        self.course_units = {
            pk: unit for pk, path, _title in courses if (unit := tree.owner(path)) is not None
        }
        self.titles = {pk: title for pk, _path, title in courses}
        self.unit_days: dict[tuple[int, datetime.date], dict] = defaultdict(
            lambda: defaultdict(int)
        )
        self.course_days: dict[tuple[int, datetime.date], dict] = defaultdict(
            lambda: defaultdict(int)
        )
        self.progress(10)

        enrolments = Enrolment.objects.order_by().values_list(
            "learner_id", "course_id", "status", "enrolled_at"
        )
        self.course_sets = defaultdict(lambda: defaultdict(set))  # course → figure → learners
        self.course_counts = defaultdict(lambda: defaultdict(int))
        self.unit_sets = defaultdict(lambda: defaultdict(set))  # unit (subtree) → figure → …
        taking_part = []
        for learner_id, course_id, status, enrolled_at in enrolments.iterator(chunk_size=5000):
            unit = self.course_units.get(course_id)
            if unit is None:
                continue
            if enrolled_at is not None:
                self._count(unit, course_id, enrolled_at, "enrolments")
            self.course_counts[course_id][status] += 1
            if status == EnrolmentStatus.ACTIVE:
                taking_part.append((learner_id, course_id))
        self.progress(25)

        completions = _completions(self.course_units)
        for (course_id, _learner_id), at in completions.items():
            self._count(self.course_units[course_id], course_id, at, "completions")
        for learner_id, course_id in taking_part:
            unit = self.course_units[course_id]
            complete = (course_id, learner_id) in completions
            self.course_counts[course_id]["completed"] += complete
            for above in self.tree.chain(unit):
                self.unit_sets[above]["enrolled"].add(learner_id)
                self.unit_sets[above]["pairs"].add((learner_id, course_id))
                if complete:
                    self.unit_sets[above]["completed"].add((learner_id, course_id))
        self.progress(45)

        certificates = Certificate.objects.filter(revoked_at__isnull=True).values_list(
            "course_id", "academy_id", "issued_at"
        )
        for course_id, academy_id, issued_at in certificates.iterator(chunk_size=5000):
            unit = self.course_units.get(course_id, academy_id)
            if unit in tree.by_id:
                self._count(unit, course_id, issued_at, "certificates")
                self.course_counts[course_id]["certificates"] += 1
        self._activity()
        self.progress(60)

        self._plays()
        self._bookings()
        self.progress(70)
        self.retention = _retention(self.course_units, self.titles)
        self.progress(85)

    def _count(self, unit: int, course_id: int | None, at, figure: str, n: int = 1) -> None:
        day = timezone.localdate(at) if isinstance(at, datetime.datetime) else at
        self.unit_days[unit, day][figure] += n
        if course_id is not None:
            self.course_days[course_id, day][figure] += n

    def _activity(self) -> None:
        since = self.now - datetime.timedelta(days=30)
        week = self.now - datetime.timedelta(days=7)
        rows = [
            *LedgerEntry.objects.order_by()
            .filter(created_at__gte=since)
            .values_list("learner_id", "academy_id", "course_id", "created_at"),
            *(
                (learner_id, None, course_id, at)
                for learner_id, course_id, at in LessonProgress.objects.order_by()
                .filter(updated_at__gte=since)
                .values_list("learner_id", "course_id", "updated_at")
            ),
        ]
        for learner_id, academy_id, course_id, at in rows:
            unit = self.course_units.get(course_id, academy_id)
            if unit not in self.tree.by_id:
                continue
            windows = ("active_30", "active_7") if at >= week else ("active_30",)
            for window in windows:
                if course_id in self.course_units:
                    self.course_sets[course_id][window].add(learner_id)
                for above in self.tree.chain(unit):
                    self.unit_sets[above][window].add(learner_id)

    def _plays(self) -> None:
        """Plays of the videos in a unit's collection or in collections below it."""
        unit_collections = dict(
            Collection.objects.filter(pk__in=self.tree.collections).values_list("path", "pk")
        )
        owners = {}
        for video_id, path in Video.objects.values_list("pk", "collection__path"):
            for end in range(len(path or ""), 0, -Collection.steplen):
                if path[:end] in unit_collections:
                    owners[video_id] = self.tree.collections[unit_collections[path[:end]]]
                    break
        plays = DailyPlays.objects.order_by().values_list("video_id", "day", "plays")
        for video_id, day, count in plays.iterator(chunk_size=5000):
            if video_id in owners:
                self.unit_days[owners[video_id], day]["plays"] += count

    def _bookings(self) -> None:
        rows = (
            Booking.objects.order_by()
            .filter(Q(status=BookingStatus.CONFIRMED) | ~Q(attendance=""))
            .values_list("session__site_id", "session__starts_at", "attendance")
        )
        for site_id, starts_at, attendance in rows.iterator(chunk_size=5000):
            if site_id not in self.tree.by_id:
                continue
            self._count(site_id, None, starts_at, "bookings")
            if attendance == Attendance.ATTENDED:
                self._count(site_id, None, starts_at, "attended")
            elif attendance == Attendance.NO_SHOW:
                self._count(site_id, None, starts_at, "no_shows")

    def write(self) -> None:
        for model in (UnitDay, CourseDay, CourseMonth, UnitSnapshot, CourseSnapshot):
            model.objects.all().delete()
        LessonRetention.objects.all().delete()
        _insert_select(CourseDay, ["course_id", "day", "unit_id", "minutes"], _ledger_course_days())
        _insert_select(UnitDay, ["unit_id", "day", "minutes"], _ledger_unit_days())
        UnitDay.objects.bulk_create(
            (
                UnitDay(unit_id=unit, day=day, **figures)
                for (unit, day), figures in self.unit_days.items()
            ),
            batch_size=2000,
        )
        CourseDay.objects.bulk_create(
            (
                CourseDay(
                    course_id=course_id, unit_id=self.course_units[course_id], day=day, **figures
                )
                for (course_id, day), figures in self.course_days.items()
            ),
            batch_size=2000,
        )
        _insert_select(
            CourseMonth,
            [
                "course_id",
                "unit_id",
                "month",
                "minutes",
                "enrolments",
                "completions",
                "certificates",
            ],
            _course_months(),
        )
        self.progress(92)
        UnitSnapshot.objects.bulk_create(
            UnitSnapshot(
                unit_id=unit,
                enrolled=len(sets["enrolled"]),
                enrolments=len(sets["pairs"]),
                completed=len(sets["completed"]),
                active_7=len(sets["active_7"]),
                active_30=len(sets["active_30"]),
            )
            for unit, sets in self.unit_sets.items()
        )
        CourseSnapshot.objects.bulk_create(
            (
                CourseSnapshot(
                    course_id=course_id,
                    unit_id=unit,
                    title=self.titles[course_id][:255],
                    enrolled=counts[EnrolmentStatus.ACTIVE],
                    enrolments=counts[EnrolmentStatus.ACTIVE],
                    pending=counts[EnrolmentStatus.PENDING],
                    waitlisted=counts[EnrolmentStatus.WAITLISTED],
                    completed=counts["completed"],
                    certificates=counts["certificates"],
                    active_7=len(self.course_sets[course_id]["active_7"]),
                    active_30=len(self.course_sets[course_id]["active_30"]),
                )
                for course_id, unit in self.course_units.items()
                if (counts := self.course_counts[course_id]) or course_id in self.course_sets
            ),
            batch_size=2000,
        )
        LessonRetention.objects.bulk_create(self.retention, batch_size=2000)


def _claim(now) -> bool:
    """Mark a refresh as running unless one is (and is not stale): one at a time."""
    RefreshState.objects.get_or_create(pk=1)
    claimed = (
        RefreshState.objects.filter(pk=1)
        .filter(Q(running=False) | Q(started_at__lt=now - STALE_REFRESH))
        .update(running=True, started_at=now, percent=0)
    )
    return claimed == 1


def figures_refresh() -> bool:
    """Rebuild every roll-up table from the records. Readers see the old figures until
    the new ones are committed, all at once. Returns False when another refresh was
    already running (and this one did nothing)."""
    started = time.monotonic()
    if not _claim(timezone.now()):
        return False

    def progress(percent: int) -> None:
        RefreshState.objects.filter(pk=1).update(percent=percent)

    try:
        builder = _Builder(progress)
        builder.read()
        with transaction.atomic():
            builder.write()
    finally:
        RefreshState.objects.filter(pk=1).update(running=False)
    RefreshState.objects.filter(pk=1).update(
        percent=100, finished_at=timezone.now(), seconds=time.monotonic() - started
    )
    return True


def refresh_request() -> None:
    """Queue a refresh once the current transaction commits (the admin's button)."""
    RefreshState.objects.get_or_create(pk=1)
    RefreshState.objects.filter(pk=1).update(requested_at=timezone.now())
    transaction.on_commit(lambda: async_task("dashboards.tasks.refresh_figures"))
