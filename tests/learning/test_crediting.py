"""The crediting rules, beat by beat (pure functions: no database, no clock)."""

import json
import math

import pytest

from learning.crediting import (
    CLOCK_SLACK_SECONDS,
    MAX_RANGES,
    Beat,
    BeatError,
    Clock,
    covered,
    credit,
    is_complete,
    merge,
    read_beat,
    read_tab,
    reading_beat,
)

DURATION = 600.0


def play(watched, ranges, *, now, last, clock=None, rate=1.0, visible=True):
    beat = Beat(position=ranges[-1][1] if ranges else 0, ranges=ranges, rate=rate, visible=visible)
    return credit(
        beat=beat,
        watched=watched,
        duration=DURATION,
        now=now,
        tab_beat_at=last,
        clock=clock or Clock(),
    )


def test_normal_playback_credits_the_time_watched():
    result = play([], [(0, 30)], now=130, last=100)
    assert result.seconds == pytest.approx(30)
    assert result.intervals == [(0, 30)]
    assert result.clock.credited_until == 130


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
    # 30 s, and the stretch's one slack; credited time is the coverage added.
    assert result.seconds == pytest.approx(30 + CLOCK_SLACK_SECONDS)
    assert covered(result.intervals) == pytest.approx(result.seconds)


@pytest.mark.parametrize(("rate", "credited"), [(1.5, 45), (2.0, 60), (3.0, 60), (16.0, 60)])
def test_speed_above_two_is_credited_as_two(rate, credited):
    stretch = Clock(credited_until=100, slack=0)  # the stretch's slack was used before
    result = play([], [(0, 30 * rate)], now=130, last=100, rate=rate, clock=stretch)
    assert result.seconds == pytest.approx(credited)


def test_a_hidden_tab_earns_nothing_and_leaves_the_clock():
    result = play([], [(0, 30)], now=130, last=100, visible=False, clock=Clock(100, 1.0))
    assert result.seconds == 0 and result.intervals == []
    assert result.clock == Clock(100, 1.0)


def test_two_tabs_at_once_count_once():
    # Tab A credited the learner's wall clock up to t=130; tab B's beat covers 100–130 too.
    first = play([], [(0, 30)], now=130, last=100)
    second = play([], [(0, 30)], now=130, last=100, clock=first.clock)
    assert first.seconds == pytest.approx(30)
    assert second.seconds == 0


def test_rewatching_earns_nothing_new():
    result = play([(0, 120)], [(30, 60)], now=130, last=100)
    assert result.seconds == 0


def test_a_long_gap_between_beats_is_not_credited_as_watching():
    # The phone slept for an hour; only the last minute can be vouched for.
    result = play([], [(0, 3600)], now=3700, last=100)
    assert result.seconds <= 60 + CLOCK_SLACK_SECONDS


def test_a_burst_of_beats_gets_the_slack_once_not_each_time():
    """129 beats sent back to back in 1.9 s, each claiming 4.2 s at double speed: together
    they may cover no more than (1.9 s + the slack once) × 2."""
    watched, clock, last, now, credited = [], Clock(), None, 1000.0, 0.0
    for number in range(129):
        result = credit(
            beat=Beat(
                position=(number + 1) * 4.2,
                ranges=[(number * 4.2, (number + 1) * 4.2)],
                rate=2.0,
                visible=True,
            ),
            watched=watched,
            duration=DURATION,
            now=now,
            tab_beat_at=last,
            clock=clock,
        )
        watched, clock, last = result.intervals, result.clock, now
        credited += result.seconds
        now += 1.9 / 128
    assert covered(watched) <= (1.9 + CLOCK_SLACK_SECONDS) * 2 + 1e-6
    assert credited == pytest.approx(covered(watched))
    assert not is_complete(watched, DURATION)


def test_the_slack_comes_back_only_with_a_new_stretch():
    first = play([], [(0, 20)], now=115, last=100)  # 15 s of wall time, the slack makes 17
    assert first.seconds == pytest.approx(17) and first.clock.slack == 0
    same_stretch = play(first.intervals, [(17, 37)], now=130, last=115, clock=first.clock)
    assert same_stretch.seconds == pytest.approx(15)
    # Paused for more than a minute: playing again starts a new stretch, with the slack.
    resumed = play(same_stretch.intervals, [], now=229, last=130, clock=same_stretch.clock)
    assert resumed.clock == Clock(credited_until=229, slack=CLOCK_SLACK_SECONDS)
    later = play(resumed.intervals, [(32, 52)], now=230, last=229, clock=resumed.clock)
    assert later.seconds == pytest.approx(1 + CLOCK_SLACK_SECONDS)
    assert later.clock.slack == 0


def test_tiny_ranges_with_gaps_cover_only_themselves():
    """Ranges 0.01 s long, 0.5 s apart, once counted as if the gaps had been watched."""
    ranges = [(n * 0.5, n * 0.5 + 0.01) for n in range(MAX_RANGES)]
    result = play([], ranges, now=130, last=100)
    assert covered(result.intervals) == pytest.approx(MAX_RANGES * 0.01)


def test_reading_counts_the_wall_clock_while_visible():
    """A text lesson of 10 minutes: each visible beat covers the time since the last."""
    watched, clock = [], Clock()
    for now, last in ((100.0, None), (115.0, 100.0), (130.0, 115.0)):
        beat = reading_beat(watched=watched, duration=DURATION, visible=True)
        result = credit(
            beat=beat,
            watched=watched,
            duration=DURATION,
            now=now,
            tab_beat_at=last,
            clock=clock,
            slack=False,
        )
        watched, clock = result.intervals, result.clock
    assert covered(watched) == pytest.approx(30)  # no slack: the server's clock measured it
    hidden = reading_beat(watched=watched, duration=DURATION, visible=False)
    result = credit(
        beat=hidden, watched=watched, duration=DURATION, now=400.0, tab_beat_at=130.0, clock=clock
    )
    assert result.seconds == 0


def test_completion_needs_ninety_percent_coverage():
    assert not is_complete([(0, 539)], DURATION)
    assert is_complete([(0, 300), (300, 540)], DURATION)


def test_merge_joins_touching_and_overlapping_ranges_only():
    assert merge([(10, 20), (0, 5), (19, 30), (5, 8)]) == [(0, 8), (10, 30)]
    assert merge([(0, 5), (5.2, 8)]) == [(0, 5), (5.2, 8)]


# What a beat may say ------------------------------------------------------------------


def test_a_players_beat_is_read():
    beat = read_beat(
        {"position": 31.5, "rate": 1.25, "ranges": [[0, 12.5], [20, 31.5]], "visible": False},
        duration=DURATION,
    )
    assert beat == Beat(position=31.5, ranges=[(0, 12.5), (20, 31.5)], rate=1.25, visible=False)
    assert read_beat({}, duration=DURATION) == Beat(position=0, ranges=[], rate=1, visible=True)


@pytest.mark.parametrize(
    "payload",
    [
        {"rate": "nan"},
        {"rate": math.nan},
        {"rate": math.inf},
        {"rate": 0},
        {"rate": -1},
        {"rate": 17},
        {"rate": True},
        {"position": "inf"},
        {"position": 1e999},
        {"position": 10**400},
        {"position": -3},
        {"position": DURATION + 30},  # beyond the end of the lesson
        {"position": None},
        {"ranges": [[0, "1e999"]]},
        {"ranges": [[0, math.inf]]},
        {"ranges": [[-5, 10]]},
        {"ranges": [[30, 10]]},  # runs backwards
        {"ranges": [[0, 10, 20]]},
        {"ranges": [[0, DURATION + 30]]},
        {"ranges": [[n, n + 1] for n in range(MAX_RANGES + 1)]},
        {"ranges": "0-600"},
        {"visible": "yes"},
    ],
)
def test_a_beat_no_player_sends_is_refused_whole(payload):
    with pytest.raises(BeatError) as refused:
        read_beat(json.loads(json.dumps(payload)), duration=DURATION)
    assert refused.value.message


def test_without_a_known_length_no_second_beyond_a_day_is_believed():
    assert read_beat({"position": 7200}, duration=0).position == 7200
    with pytest.raises(BeatError):
        read_beat({"position": 90_000}, duration=0)


@pytest.mark.parametrize("tab", ["a\x00b", "x" * 41, "空格 tab", 12, ["t"]])
def test_a_tab_id_of_junk_is_refused(tab):
    with pytest.raises(BeatError):
        read_tab(tab, default="session")


def test_a_tab_id_is_kept_or_defaulted():
    assert read_tab("lk3j2h1k2-3a", default="s") == "lk3j2h1k2-3a"
    assert read_tab(None, default="s") == read_tab("", default="s") == "s"
