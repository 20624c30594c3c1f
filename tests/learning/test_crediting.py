"""The crediting rules, beat by beat (pure functions: no database, no clock)."""

import pytest

from learning.crediting import Beat, covered, credit, is_complete, merge

DURATION = 600.0


def play(watched, ranges, *, now, last, clock=None, rate=1.0, visible=True):
    beat = Beat(position=ranges[-1][1] if ranges else 0, ranges=ranges, rate=rate, visible=visible)
    return credit(
        beat=beat,
        watched=watched,
        duration=DURATION,
        now=now,
        last_beat_at=last,
        learner_clock=clock,
    )


def test_normal_playback_credits_the_time_watched():
    result = play([], [(0, 30)], now=130, last=100)
    assert result.seconds == pytest.approx(30)
    assert result.intervals == [(0, 30)]


def test_the_first_beat_of_a_tab_proves_no_time():
    assert play([], [(0, 30)], now=30, last=None).seconds == 0


def test_a_forward_jump_earns_only_what_is_played_after_it():
    watched = [(0, 60)]
    # Dragged the scrubber from 60 s to 540 s, then played 30 s.
    result = play(watched, [(540, 570)], now=230, last=200)
    assert result.seconds == pytest.approx(30)
    assert covered(result.intervals) == pytest.approx(90)
    assert not is_complete(result.intervals, DURATION)


def test_a_faked_long_range_is_cut_to_what_the_clock_allows():
    result = play([], [(0, 600)], now=130, last=100)
    assert result.seconds == pytest.approx(30)
    assert covered(result.intervals) <= 32 + 0.01  # 30 s plus the clock slack


@pytest.mark.parametrize(("rate", "credited"), [(1.5, 45), (2.0, 60), (3.0, 60), (16.0, 60)])
def test_speed_above_two_is_credited_as_two(rate, credited):
    result = play([], [(0, 30 * rate)], now=130, last=100, rate=rate)
    assert result.seconds == pytest.approx(credited)


def test_a_hidden_tab_earns_nothing():
    result = play([], [(0, 30)], now=130, last=100, visible=False)
    assert result.seconds == 0 and result.intervals == []


def test_two_tabs_at_once_count_once():
    # Tab A credited the learner's wall clock up to t=130; tab B's beat covers 100–130 too.
    first = play([], [(0, 30)], now=130, last=100)
    second = play([], [(0, 30)], now=130, last=100, clock=130)
    assert first.seconds == pytest.approx(30)
    assert second.seconds == 0


def test_rewatching_earns_nothing_new():
    result = play([(0, 120)], [(30, 60)], now=130, last=100)
    assert result.seconds == 0


def test_a_long_gap_between_beats_is_not_credited_as_watching():
    # The phone slept for an hour; only the last minute can be vouched for.
    result = play([], [(0, 3600)], now=3700, last=100)
    assert result.seconds <= 60


def test_completion_needs_ninety_percent_coverage():
    assert not is_complete([(0, 539)], DURATION)
    assert is_complete([(0, 300), (300, 540)], DURATION)


def test_merge_joins_touching_and_overlapping_ranges():
    assert merge([(10, 20), (0, 5), (19, 30), (5.2, 8)]) == [(0, 8), (10, 30)]
