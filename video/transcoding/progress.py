"""Turn ffmpeg's ``-progress`` key=value stream into percent and ETA updates."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

THROTTLE_SECONDS = 2.0
# Below 100 until ffmpeg says progress=end: the last packets are still being muxed.
MAX_RUNNING_PERCENT = 99.9
# ffmpeg 5.1 writes microseconds under both names (out_time_ms is a historical misnomer).
_TIME_KEYS = ("out_time_us", "out_time_ms")


@dataclass(frozen=True)
class Progress:
    """One progress report: ``eta`` in seconds, ``None`` until it can be estimated."""

    percent: float
    eta: float | None
    out_time: float
    done: bool = False


class ProgressParser:
    """Feed ffmpeg's progress lines one by one; a :class:`Progress` comes out per block."""

    def __init__(self, duration: float, clock: Callable[[], float] = time.monotonic):
        self.duration = duration
        self.clock = clock
        self.started = clock()
        self.out_time = 0.0
        self.percent = 0.0

    def feed(self, line: str) -> Progress | None:
        key, _, value = line.strip().partition("=")
        if key in _TIME_KEYS:
            self._advance(value)
        elif key == "progress":
            return self._report(done=value == "end")
        return None

    def _advance(self, value: str) -> None:
        try:
            seconds = int(value) / 1_000_000
        except ValueError:  # "N/A" before the first packet is written
            return
        self.out_time = max(self.out_time, seconds)
        if self.duration > 0:
            percent = min(self.out_time / self.duration * 100, MAX_RUNNING_PERCENT)
            self.percent = max(self.percent, percent)

    def _report(self, done: bool) -> Progress:
        if done:
            self.percent = 100.0
            return Progress(100.0, 0.0, self.out_time, done=True)
        elapsed = self.clock() - self.started
        eta = elapsed * (100 - self.percent) / self.percent if self.percent > 0 else None
        return Progress(round(self.percent, 1), eta, self.out_time)


class Throttle:
    """Forward a progress report at most every ``interval`` seconds, and always the last."""

    def __init__(
        self,
        callback: Callable[[Progress], None],
        interval: float = THROTTLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.callback = callback
        self.interval = interval
        self.clock = clock
        self.last: float | None = None

    def __call__(self, progress: Progress) -> None:
        now = self.clock()
        if progress.done or self.last is None or now - self.last >= self.interval:
            self.last = now
            self.callback(progress)
