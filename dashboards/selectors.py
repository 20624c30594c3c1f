"""What a dashboard shows, read from the roll-up tables: a fixed handful of queries on
small tables, whatever the size of the ledger."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from academies.selectors import managed_unit_ids
from dashboards.models import (
    CourseDay,
    CourseMonth,
    CourseSnapshot,
    LessonRetention,
    RefreshState,
    UnitDay,
    UnitSnapshot,
)
from dashboards.services import Tree
from lms.figures import Figure, figure_providers
from lms.models import AuditEntry

PERIOD_FIGURES = ("minutes", "enrolments", "completions", "certificates")
UNIT_FIGURES = (*PERIOD_FIGURES, "plays", "bookings", "attended", "no_shows")
TOP_COURSES = 10
TOP_VIDEOS = 10


def visible_unit_ids(*, user, tree: Tree) -> set[int]:
    ids = managed_unit_ids(user=user)
    return set(tree.by_id) if ids is None else ids & set(tree.by_id)


def top_units(*, tree: Tree, visible: set[int]) -> list[dict]:
    """The highest of the units a user may see: where their dashboards start."""
    ids = visible
    return [
        tree.by_id[pk]
        for pk in sorted(ids, key=lambda pk: tree.by_id[pk]["path"])
        if not any(above in ids for above in tree.chain(pk)[1:])
    ]


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def split_range(start: datetime.date, end: datetime.date):
    """The whole calendar months within [start, end] (first and last month, or None) and
    the ranges of days left at either end."""
    first = start if start.day == 1 else _next_month(start)
    after = end + datetime.timedelta(days=1)
    last = _month(end) if after.day == 1 else _month(_month(end) - datetime.timedelta(days=1))
    if first > last:
        return None, [(start, end)]
    days = []
    if start < first:
        days.append((start, first - datetime.timedelta(days=1)))
    if _next_month(last) <= end:
        days.append((_next_month(last), end))
    return (first, last), days


def _sums(rows, key: str, figures) -> dict:
    totals: dict = defaultdict(lambda: dict.fromkeys(figures, 0))
    for row in rows:
        for name in figures:
            totals[row[key]][name] += row[name] or 0
    return totals


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


@dataclass
class Totals:
    enrolled: int = 0
    enrolments_taking_part: int = 0
    completed_taking_part: int = 0
    active_7: int = 0
    active_30: int = 0
    minutes: int = 0
    enrolments: int = 0
    completions: int = 0
    certificates: int = 0
    plays: int = 0
    bookings: int = 0
    attended: int = 0
    no_shows: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.completed_taking_part, self.enrolments_taking_part)

    @property
    def no_show_rate(self) -> float | None:
        return _rate(self.no_shows, self.attended + self.no_shows)


@dataclass
class UnitRow:
    unit: dict
    figures: Totals


@dataclass
class CourseRow:
    course_id: int
    title: str
    unit_title: str
    minutes: int
    enrolments: int
    completions: int
    certificates: int
    enrolled: int
    completed: int
    active_30: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.completed, self.enrolled)


@dataclass
class Dashboard:
    unit: dict
    trail: list[dict]
    start: datetime.date
    end: datetime.date
    totals: Totals
    months: list[dict]
    units: list[UnitRow]
    courses: list[CourseRow]
    videos: list[LessonRetention]
    provided: list[Figure] = field(default_factory=list)
    refreshed_at: datetime.datetime | None = None


def subtree_ids(tree: Tree, unit_id: int) -> list[int]:
    path = tree.by_id[unit_id]["path"]
    return [pk for pk, unit in tree.by_id.items() if unit["path"].startswith(path)]


def _unit_days(ids, start, end):
    return UnitDay.objects.filter(unit_id__in=ids, day__gte=start, day__lte=end).order_by()


def course_figures(*, unit_ids, start, end) -> dict[int, dict]:
    """Period figures of every course in the units, from whole months where it can."""
    months, days = split_range(start, end)
    parts = []
    if months:
        parts.append(
            CourseMonth.objects.filter(unit_id__in=unit_ids, month__range=months)
            .order_by()
            .values("course_id")
            .annotate(**{name: Sum(name) for name in PERIOD_FIGURES})
        )
    day_q = Q()
    for first, last in days:
        day_q |= Q(day__range=(first, last))
    if days:
        parts.append(
            CourseDay.objects.filter(day_q, unit_id__in=unit_ids)
            .order_by()
            .values("course_id")
            .annotate(**{name: Sum(name) for name in PERIOD_FIGURES})
        )
    return _sums((row for part in parts for row in part), "course_id", PERIOD_FIGURES)


def course_rows(*, tree: Tree, unit_ids, start, end, limit: int | None) -> list[CourseRow]:
    """The most studied courses (by minutes in the period), with their snapshot."""
    figures = course_figures(unit_ids=unit_ids, start=start, end=end)
    ranked = sorted(figures, key=lambda pk: (-figures[pk]["minutes"], pk))
    snapshots = CourseSnapshot.objects.filter(unit_id__in=unit_ids)
    if limit is not None:
        ranked = ranked[:limit]
        snapshots = snapshots.filter(course_id__in=ranked)
    else:
        ranked += [pk for pk in snapshots.values_list("course_id", flat=True) if pk not in figures]
    snaps = {snap.course_id: snap for snap in snapshots}
    rows = []
    for pk in ranked:
        snap = snaps.get(pk)
        if snap is None and pk not in figures:
            continue
        period = figures.get(pk, dict.fromkeys(PERIOD_FIGURES, 0))
        rows.append(
            CourseRow(
                course_id=pk,
                title=snap.title if snap else str(pk),
                unit_title=tree.by_id.get(snap.unit_id, {}).get("title", "") if snap else "",
                enrolled=snap.enrolled if snap else 0,
                completed=snap.completed if snap else 0,
                active_30=snap.active_30 if snap else 0,
                **period,
            )
        )
    return rows


def _totals(snapshot: UnitSnapshot | None, period: dict) -> Totals:
    totals = Totals(**period)
    if snapshot is not None:
        totals.enrolled = snapshot.enrolled
        totals.enrolments_taking_part = snapshot.enrolments
        totals.completed_taking_part = snapshot.completed
        totals.active_7 = snapshot.active_7
        totals.active_30 = snapshot.active_30
    return totals


def month_rows(*, unit_ids, start, end) -> list[dict]:
    rows = (
        _unit_days(unit_ids, start, end)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(**{name: Sum(name) for name in UNIT_FIGURES})
    )
    by_month = _sums(rows, "month", UNIT_FIGURES)
    months, month = [], _month(start)
    while month <= end:
        figures = by_month.get(month, dict.fromkeys(UNIT_FIGURES, 0))
        months.append({"month": month, "hours": round(figures["minutes"] / 60, 1), **figures})
        month = _next_month(month)
    return months


def unit_rows(*, tree: Tree, unit_id: int, unit_ids, start, end) -> list[UnitRow]:
    """Each unit directly below `unit_id`, with everything below it added up."""
    path = tree.by_id[unit_id]["path"]
    children = sorted(
        (
            unit
            for unit in tree.by_id.values()
            if unit["path"].startswith(path) and tree.chain(unit["pk"])[1:2] == [unit_id]
        ),
        key=lambda unit: unit["path"],
    )
    rows = (
        _unit_days(unit_ids, start, end)
        .values("unit_id")
        .annotate(**{name: Sum(name) for name in UNIT_FIGURES})
    )
    per_unit = _sums(rows, "unit_id", UNIT_FIGURES)
    snapshots = {
        snap.unit_id: snap
        for snap in UnitSnapshot.objects.filter(unit_id__in=[u["pk"] for u in children])
    }
    result = []
    for child in children:
        period = dict.fromkeys(UNIT_FIGURES, 0)
        for pk, figures in per_unit.items():
            if tree.by_id[pk]["path"].startswith(child["path"]):
                for name in UNIT_FIGURES:
                    period[name] += figures[name]
        result.append(UnitRow(unit=child, figures=_totals(snapshots.get(child["pk"]), period)))
    return result


def video_rows(*, unit_ids, limit: int | None) -> list[LessonRetention]:
    rows = LessonRetention.objects.filter(unit_id__in=unit_ids).order_by("-viewers", "title")
    return list(rows[:limit] if limit else rows)


def dashboard(*, tree: Tree, unit_id: int, visible: set[int], start, end) -> Dashboard:
    """Everything the dashboard of one unit (and all below it) shows for a period."""
    ids = subtree_ids(tree, unit_id)
    period = dict.fromkeys(UNIT_FIGURES, 0)
    for row in _unit_days(ids, start, end).values(*UNIT_FIGURES):
        for name in UNIT_FIGURES:
            period[name] += row[name]
    state = RefreshState.objects.filter(pk=1).first()
    provided = [
        figure
        for provider in figure_providers()
        for figure in provider(unit_ids=ids, start=start, end=end)
    ]
    return Dashboard(
        unit=tree.by_id[unit_id],
        trail=[tree.by_id[pk] for pk in reversed(tree.chain(unit_id)) if pk in visible],
        start=start,
        end=end,
        totals=_totals(UnitSnapshot.objects.filter(unit_id=unit_id).first(), period),
        months=month_rows(unit_ids=ids, start=start, end=end),
        units=unit_rows(tree=tree, unit_id=unit_id, unit_ids=ids, start=start, end=end),
        courses=course_rows(tree=tree, unit_ids=ids, start=start, end=end, limit=TOP_COURSES),
        videos=video_rows(unit_ids=ids, limit=TOP_VIDEOS),
        provided=provided,
        refreshed_at=state.finished_at if state else None,
    )


def audit_entries(*, user, action: str = "", start=None, end=None) -> QuerySet:
    """Back-office log entries of the units `user` manages (and their own actions);
    everything for superusers. Newest first."""
    entries = AuditEntry.objects.all()
    ids = managed_unit_ids(user=user)
    if ids is not None:
        entries = entries.filter(Q(unit_id__in=ids) | Q(actor=user))
    if action:
        entries = entries.filter(action=action)
    tz = timezone.get_current_timezone()
    if start:
        entries = entries.filter(at__gte=datetime.datetime.combine(start, datetime.time(), tz))
    if end:
        after = end + datetime.timedelta(days=1)
        entries = entries.filter(at__lt=datetime.datetime.combine(after, datetime.time(), tz))
    return entries.order_by("-at", "-pk")
