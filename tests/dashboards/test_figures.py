"""The roll-up tables and what a unit's dashboard reads from them."""

import datetime
import random

import pytest
from django.db.models import Sum

from dashboards import selectors
from dashboards.models import CourseDay, LessonRetention, RefreshState, UnitSnapshot
from dashboards.services import Tree, figures_refresh
from learning.models import Certificate, LedgerEntry

pytestmark = pytest.mark.django_db


def board(unit, start=datetime.date(2025, 12, 1), end=None):
    tree = Tree()
    return selectors.dashboard(
        tree=tree,
        unit_id=unit.pk,
        visible=set(tree.by_id),
        start=start,
        end=end or datetime.date.today(),
    )


def test_the_headquarters_adds_up_every_unit_below_it(scene):
    assert figures_refresh()
    hq = board(scene.hq)
    ledger_minutes = LedgerEntry.objects.aggregate(total=Sum("minutes"))["total"]
    assert hq.totals.minutes == ledger_minutes > 240
    # Distinct learners, though 李明 is in two courses of two units.
    assert hq.totals.enrolled == 3
    assert (hq.totals.enrolments_taking_part, hq.totals.completed_taking_part) == (4, 1)
    assert hq.totals.completion_rate == 25.0
    assert hq.totals.completions == 1
    assert hq.totals.certificates == Certificate.objects.count() == 1
    # 赵强 last studied in February: enrolled, but not active lately.
    assert (hq.totals.active_7, hq.totals.active_30) == (2, 2)

    by_unit = {row.unit["title"]: row.figures for row in hq.units}
    energy = by_unit["吉林省新能源工匠学院"]
    # The academy includes its base: 李明's class hours at the PV base are the academy's too.
    energy_minutes = LedgerEntry.objects.filter(
        academy_id__in=[scene.new_energy.pk, scene.pv_base.pk]
    ).aggregate(total=Sum("minutes"))["total"]
    assert energy.minutes == energy_minutes
    assert energy.enrolled == 2 and energy.completion_rate == pytest.approx(33.3)
    assert by_unit["吉林省新材料工匠学院"].minutes == 120
    assert by_unit["吉林省新材料工匠学院"].enrolled == 1


def test_hours_by_month_follow_the_local_calendar(scene):
    figures_refresh()
    months = {row["month"]: row for row in board(scene.hq).months}
    # 23:30 on 31 January in Changchun is still January, though it is 15:30 UTC.
    assert months[datetime.date(2026, 1, 1)]["minutes"] == 90
    assert months[datetime.date(2026, 2, 1)]["minutes"] == 150
    assert months[datetime.date(2025, 12, 1)]["minutes"] == 0


def test_drilling_down_to_the_academy_shows_its_bases_and_courses(scene):
    figures_refresh()
    academy = board(scene.new_energy)
    assert [row.unit["title"] for row in academy.units] == ["光伏发电实训基地"]
    assert academy.units[0].figures.minutes == 120
    assert [unit["title"] for unit in academy.trail] == [
        "吉林省工匠学院总部",
        "吉林省新能源工匠学院",
    ]
    titles = [row.title for row in academy.courses]
    assert set(titles) == {"光伏发电站设计", "风电场升压站设备巡视及维护"}
    assert "新材料检测技术" not in titles
    solar = next(row for row in academy.courses if row.title == "光伏发电站设计")
    assert (solar.enrolled, solar.completed, solar.completion_rate) == (2, 1, 50.0)
    assert solar.certificates == 1


def test_a_period_counts_only_its_days(scene):
    figures_refresh()
    february = board(scene.hq, datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert february.totals.minutes == 150
    assert {row.title: row.minutes for row in february.courses} == {
        "风电场升压站设备巡视及维护": 30,
        "新材料检测技术": 120,
    }


def test_periods_read_from_months_and_days_add_up_like_the_days(scene):
    """Courses' figures come from whole months plus the ragged ends from days; for any
    period they equal the sum over the days."""
    figures_refresh()
    tree = Tree()
    ids = list(tree.by_id)
    rng = random.Random(7)
    first = datetime.date(2025, 11, 1)
    for _ in range(40):
        start = first + datetime.timedelta(days=rng.randrange(500))
        end = start + datetime.timedelta(days=rng.randrange(400))
        figures = selectors.course_figures(unit_ids=ids, start=start, end=end)
        days = CourseDay.objects.filter(day__gte=start, day__lte=end)
        expected = dict(
            days.values("course_id").annotate(m=Sum("minutes")).values_list("course_id", "m")
        )
        assert {pk: f["minutes"] for pk, f in figures.items() if f["minutes"]} == {
            pk: m for pk, m in expected.items() if m
        }, (start, end)


def test_split_range_keeps_whole_months_apart():
    split = selectors.split_range
    d = datetime.date
    assert split(d(2026, 1, 1), d(2026, 3, 31)) == ((d(2026, 1, 1), d(2026, 3, 1)), [])
    assert split(d(2026, 1, 15), d(2026, 3, 10)) == (
        (d(2026, 2, 1), d(2026, 2, 1)),
        [(d(2026, 1, 15), d(2026, 1, 31)), (d(2026, 3, 1), d(2026, 3, 10))],
    )
    assert split(d(2026, 1, 5), d(2026, 1, 20)) == (None, [(d(2026, 1, 5), d(2026, 1, 20))])
    assert split(d(2025, 12, 2), d(2026, 1, 31)) == (
        (d(2026, 1, 1), d(2026, 1, 1)),
        [(d(2025, 12, 2), d(2025, 12, 31))],
    )


def test_video_retention_is_the_share_still_watching_along_the_video(scene):
    figures_refresh()
    [retention] = LessonRetention.objects.all()
    assert (retention.viewers, retention.completed) == (2, 1)
    half = len(retention.curve) // 2
    assert retention.curve[:half] == [100.0] * half
    assert retention.curve[half:] == [50.0] * half
    assert board(scene.new_materials).videos == []


def test_a_second_refresh_waits_for_the_running_one(scene):
    RefreshState.objects.create(pk=1, running=True, started_at=datetime.datetime.now(datetime.UTC))
    assert figures_refresh() is False
    assert not UnitSnapshot.objects.exists()
    # A refresh whose worker died long ago no longer blocks.
    RefreshState.objects.filter(pk=1).update(
        started_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    )
    assert figures_refresh() is True
    state = RefreshState.objects.get()
    assert (state.running, state.percent) == (False, 100) and state.seconds is not None
    assert UnitSnapshot.objects.exists()


def test_refreshing_again_gives_the_same_figures(scene):
    figures_refresh()
    first = board(scene.hq)
    figures_refresh()
    again = board(scene.hq)
    assert again.totals == first.totals
    assert [(r.course_id, r.minutes) for r in again.courses] == [
        (r.course_id, r.minutes) for r in first.courses
    ]
