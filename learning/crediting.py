"""Honest crediting of study time: pure functions, no database.

A player reports, every 15 s, the media ranges it actually played since its last beat; a
text lesson's page reports only that it is open and whether it is visible. The server
believes them only as far as the wall clock allows, with one clock per learner across all
their tabs and lessons:

- The wall time a beat may account for runs from the later of this tab's previous beat and
  the learner's last credited instant (any tab, any lesson), and is at most
  MAX_BEAT_GAP_SECONDS: after a longer gap the learner was away and the clock proves nothing.
- A beat may add at most that wall time × min(rate, 2) of media. A stretch of beats (none
  more than MAX_BEAT_GAP_SECONDS after the learner's last credited instant) gets
  CLOCK_SLACK_SECONDS of wall time once, for timers and networks that drift; beats sent in
  a burst share it instead of getting it each.
- What is played beyond that is cut off, in the order it was played. Only new coverage
  counts, and the seconds credited are exactly the coverage added, so completion (90 % of
  the lesson covered) comes only from time that was credited. A range that starts beyond
  the furthest point watched (a jump forward) earns what was played after the jump, never
  the part skipped.
- A hidden page earns nothing, and the first beat of a tab proves nothing.
- Reading: a text lesson's stated study time is covered from where the learner got to, at
  rate 1, as the wall clock passes while the page is visible (no slack: nothing drifts).
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_RATE = 2.0
# Browsers play at most 16x; a beat claiming more is not from a player.
MAX_PLAYER_RATE = 16.0
# Timers on phones drift and beats travel over weak networks: granted once per stretch.
CLOCK_SLACK_SECONDS = 2.0
# Longest gap between beats that still counts as continuous study; beyond it the learner
# was away (sleeping phone, lost network) and the wall clock proves nothing.
MAX_BEAT_GAP_SECONDS = 60.0
# The share of a lesson (video length, or a text's stated study time) that completes it.
COMPLETE_COVERAGE = 0.9
MAX_RANGES = 50
# A player may report a little past the length the server knows (rounding of segments).
END_MARGIN_SECONDS = 2.0
# Without a known length: no lecture or text is longer than a day.
LONGEST_LESSON_SECONDS = 86_400.0
TAB_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,40}")

Interval = tuple[float, float]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Union of intervals, sorted; overlapping and touching ones joined (never across a
    gap, which would count as watched what was not)."""
    merged: list[list[float]] = []
    for start, end in sorted((s, e) for s, e in intervals if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def covered(intervals: Iterable[Interval]) -> float:
    return sum(end - start for start, end in merge(intervals))


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


class BeatError(ValueError):
    """A heartbeat that no player sends: refused whole, nothing credited."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _number(value, *, what: str, most: float) -> float:
    """A finite number from 0 to `most`; anything else (text, NaN, infinity, a negative,
    an absurd size, true/false) is refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BeatError(_("%(what)s must be a number.") % {"what": what})
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise BeatError(_("%(what)s must be a finite number.") % {"what": what})
    if not 0 <= number <= most:
        raise BeatError(
            _("%(what)s must be between 0 and %(most)s.") % {"what": what, "most": f"{most:g}"}
        )
    return number


def read_beat(payload: Mapping, *, duration: float) -> Beat:
    """The beat a player sent, checked: ``position`` (s), ``rate``, ``ranges`` (at most
    MAX_RANGES pairs ``[from, to]``, none running backwards), ``visible``; all optional.
    `duration` is the lesson's length in seconds (0: unknown); no second may lie beyond it.
    Raises BeatError with a message for the learner."""
    most = duration + END_MARGIN_SECONDS if duration > 0 else LONGEST_LESSON_SECONDS
    position = _number(payload.get("position", 0), what=_("The position (seconds)"), most=most)
    rate = _number(payload.get("rate", 1), what=_("The speed"), most=MAX_PLAYER_RATE)
    if rate == 0:
        raise BeatError(_("The speed must be above 0."))
    ranges = payload.get("ranges", [])
    if not isinstance(ranges, list):
        raise BeatError(_("The watched stretches must be a list."))
    if len(ranges) > MAX_RANGES:
        raise BeatError(
            _("At most %(most)d watched stretches may be sent at once.") % {"most": MAX_RANGES}
        )
    checked = []
    for pair in ranges:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise BeatError(_("Each watched stretch must be a pair [from, to]."))
        start = _number(pair[0], what=_("A watched stretch (seconds)"), most=most)
        end = _number(pair[1], what=_("A watched stretch (seconds)"), most=most)
        if end < start:
            raise BeatError(_("A watched stretch must not end before it starts."))
        checked.append((start, end))
    visible = payload.get("visible", True)
    if not isinstance(visible, bool):
        raise BeatError(_("“visible” must be true or false."))
    return Beat(position=position, ranges=checked, rate=rate, visible=visible)


def read_tab(value, *, default: str) -> str:
    """The id of the browser tab (or app screen) a beat comes from: up to 40 letters,
    digits and ``_ . : -``; `default` when none was sent."""
    if value is None or value == "":
        return default
    if not isinstance(value, str) or not TAB_PATTERN.fullmatch(value):
        raise BeatError(_("The tab id must be 1 to 40 letters, digits or the signs _ . : -"))
    return value


@dataclass(frozen=True)
class Clock:
    """The learner's one clock: the last instant already credited (in any tab, on any
    lesson), and the slack left in the current stretch of beats."""

    credited_until: float | None = None
    slack: float = 0.0


@dataclass(frozen=True)
class Credit:
    intervals: list[Interval]
    seconds: float
    clock: Clock


def wall_budget(*, now: float, tab_beat_at: float | None, clock: Clock) -> float:
    """Wall seconds this beat may account for. `tab_beat_at` is this tab's previous beat
    on this lesson; the clock's `credited_until` is the end of the wall time already
    credited to the learner anywhere — so two tabs playing at once are counted once."""
    if tab_beat_at is None:
        return 0.0
    credited = clock.credited_until if clock.credited_until is not None else tab_beat_at
    start = max(tab_beat_at, credited, now - MAX_BEAT_GAP_SECONDS)
    return max(0.0, now - start)


def _as_found(clock: Clock, now: float) -> Clock:
    """The clock as a beat at `now` finds it: a beat long after the learner's last
    credited instant starts a new stretch, which gets the slack afresh."""
    if clock.credited_until is None or now - clock.credited_until > MAX_BEAT_GAP_SECONDS:
        return Clock(credited_until=clock.credited_until, slack=CLOCK_SLACK_SECONDS)
    return clock


def credit(
    *,
    beat: Beat,
    watched: list[Interval],
    duration: float,
    now: float,
    tab_beat_at: float | None,
    clock: Clock,
    slack: bool = True,
) -> Credit:
    """What one beat earns, and the learner's clock after it. `watched` is the lesson's
    coverage so far. Without `slack` (reading: the server's clock measures it all, so
    nothing drifts) the stretch's slack is neither used nor spent."""
    clock = _as_found(clock, now)
    if not beat.visible or duration <= 0:
        return Credit(intervals=watched, seconds=0.0, clock=clock)
    credited_until = now if clock.credited_until is None else max(clock.credited_until, now)
    wall = wall_budget(now=now, tab_beat_at=tab_beat_at, clock=clock)
    if wall <= 0:
        return Credit(
            intervals=watched, seconds=0.0, clock=Clock(credited_until, slack=clock.slack)
        )
    rate = min(beat.rate, MAX_RATE)
    if rate <= 0:
        return Credit(
            intervals=watched, seconds=0.0, clock=Clock(credited_until, slack=clock.slack)
        )
    allowance = clock.slack if slack else 0.0
    ranges = trim_to_budget(clip(beat.ranges, duration), (wall + allowance) * rate)
    played = sum(end - start for start, end in ranges)
    left = clock.slack - max(0.0, played / rate - wall)
    merged = merge([*watched, *ranges])
    seconds = max(0.0, covered(merged) - covered(watched))
    return Credit(
        intervals=merged, seconds=seconds, clock=Clock(credited_until, slack=max(0.0, left))
    )


def reading_beat(*, watched: list[Interval], duration: float, visible: bool) -> Beat:
    """A text lesson's beat as if it were played: its stated study time, from where the
    learner got to, at rate 1 — the wall clock then decides how much of it counts."""
    reached = covered(watched)
    return Beat(position=reached, ranges=[(reached, duration)], rate=1.0, visible=visible)


def is_complete(watched: list[Interval], duration: float) -> bool:
    return duration > 0 and covered(watched) >= COMPLETE_COVERAGE * duration
