"""Honest crediting of video watching: pure functions, no database.

A player reports, every few seconds, the media ranges it actually played since its last
beat. The server believes a range only as far as the wall clock allows: media time
credited ≤ wall time elapsed × min(playback rate, 2). Wall time is counted once per
learner, whatever the number of tabs, and not at all while the tab is hidden. Ranges
merge into a coverage set per lesson; only new coverage earns time, and a range that
starts beyond the furthest point watched (a jump forward) earns only what was played
after the jump, never the part skipped.
"""

from collections.abc import Iterable
from dataclasses import dataclass

MAX_RATE = 2.0
# Timers on phones drift and beats travel over weak networks.
CLOCK_SLACK_SECONDS = 2.0
# Longest gap between beats that still counts as continuous watching; beyond it the
# learner was away (sleeping phone, lost network) and the wall clock proves nothing.
MAX_BEAT_GAP_SECONDS = 60.0
COMPLETE_COVERAGE = 0.9

Interval = tuple[float, float]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Union of intervals, sorted, touching ones joined."""
    merged: list[list[float]] = []
    for start, end in sorted((s, e) for s, e in intervals if e > s):
        if merged and start <= merged[-1][1] + 0.5:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def covered(intervals: Iterable[Interval]) -> float:
    return sum(end - start for start, end in merge(intervals))


def new_coverage(existing: list[Interval], ranges: Iterable[Interval]) -> float:
    """Seconds the ranges add to what was already watched."""
    return covered([*existing, *ranges]) - covered(existing)


def clip(ranges: Iterable[Interval], duration: float) -> list[Interval]:
    return [(max(0.0, s), min(duration, e)) for s, e in ranges if min(duration, e) > max(0.0, s)]


def trim_to_budget(ranges: list[Interval], budget: float) -> list[Interval]:
    """Keep the first `budget` seconds of the ranges, in the order they were played."""
    kept = []
    for start, end in ranges:
        if budget <= 0:
            break
        length = min(end - start, budget)
        kept.append((start, start + length))
        budget -= length
    return kept


@dataclass(frozen=True)
class Beat:
    position: float
    ranges: list[Interval]
    rate: float
    visible: bool


@dataclass(frozen=True)
class Credit:
    intervals: list[Interval]
    seconds: float


def wall_budget(*, now: float, last_beat_at: float | None, learner_clock: float | None) -> float:
    """Wall seconds this beat may account for. `last_beat_at` is this tab's previous beat
    on this lesson; `learner_clock` is the end of the wall time already credited to the
    learner on any lesson, in any tab — so two tabs playing at once are counted once."""
    if last_beat_at is None:
        return 0.0
    start = max(last_beat_at, learner_clock or last_beat_at)
    if now - last_beat_at > MAX_BEAT_GAP_SECONDS:
        start = max(start, now - MAX_BEAT_GAP_SECONDS)
    return max(0.0, now - start)


def credit(
    *,
    beat: Beat,
    watched: list[Interval],
    duration: float,
    now: float,
    last_beat_at: float | None,
    learner_clock: float | None,
) -> Credit:
    """What one beat earns. `watched` is the lesson's coverage so far."""
    if not beat.visible or duration <= 0:
        return Credit(intervals=watched, seconds=0.0)
    rate = min(max(beat.rate, 0.0), MAX_RATE)
    wall = wall_budget(now=now, last_beat_at=last_beat_at, learner_clock=learner_clock)
    budget = (wall + CLOCK_SLACK_SECONDS) * rate if wall > 0 else 0.0
    ranges = trim_to_budget(clip(beat.ranges, duration), budget)
    merged = merge([*watched, *ranges])
    seconds = min(new_coverage(watched, ranges), wall * rate)
    return Credit(intervals=merged, seconds=max(0.0, seconds))


def is_complete(watched: list[Interval], duration: float) -> bool:
    return duration > 0 and covered(watched) >= COMPLETE_COVERAGE * duration
