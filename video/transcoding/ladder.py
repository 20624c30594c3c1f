"""Choose the HLS renditions (bitrate ladder) for a probed source."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from .probe import ProbeResult

# Short side of the displayed frame -> bitrate cap (bits/s). Lectures are mostly a static
# talking head or slides, so the caps sit well below typical film ladders.
BITRATES = {1080: 2_500_000, 720: 1_400_000, 480: 700_000, 360: 450_000, 240: 250_000}
MAX_FPS = 30
# Dividing 50/60 fps sources evenly keeps motion smooth, unless that would go below this.
MIN_DIVIDED_FPS = 24


@dataclass(frozen=True)
class Rung:
    """One video rendition. ``name`` follows the short side ("720p" also for 720x1280)."""

    name: str
    width: int
    height: int
    bitrate: int

    @property
    def maxrate(self) -> int:
        return self.bitrate * 11 // 10

    @property
    def bufsize(self) -> int:
        return self.bitrate * 2


# A lecturer's voice in mono needs less than stereo sound; on a weak link the audio is
# most of what a low rung downloads.
MONO_AUDIO_BITRATE = 64_000


@dataclass(frozen=True)
class AudioRendition:
    """The single AAC rendition shared by every video rendition."""

    channels: int
    bitrate: int = 96_000
    sample_rate: int = 48_000


def plan_ladder(probe: ProbeResult, *, max_short_side: int | None = None) -> list[Rung]:
    """Rungs from 1080 down to 240 on the short side, never upscaling; none for audio.

    ``max_short_side`` leaves out the rungs above it (live lectures stop at 720p).
    """
    if probe.kind != "video":
        return []
    short, long = sorted((probe.width, probe.height))
    cap = min(short, max_short_side or short)
    sizes = [size for size in BITRATES if size <= cap] or [_even_floor(short)]
    return [_rung(size, short, long, probe.is_portrait) for size in sizes]


def plan_audio(probe: ProbeResult) -> AudioRendition | None:
    """Stereo AAC, or mono (at a lower rate) when the source is mono; ``None`` without an
    audio track."""
    if not probe.has_audio:
        return None
    if probe.audio_channels == 1:
        return AudioRendition(channels=1, bitrate=MONO_AUDIO_BITRATE)
    return AudioRendition(channels=2)


def output_fps(probe: ProbeResult) -> Fraction:
    """Constant output frame rate: the source's average rate, capped at :data:`MAX_FPS`.

    A variable-rate source's average is rounded up to whole frames per second.
    """
    if probe.fps <= 0:
        return Fraction(MAX_FPS)
    if probe.is_vfr:
        # No regular cadence to keep: a whole number of frames per second will do.
        return Fraction(min(math.ceil(probe.fps), MAX_FPS))
    fps = Fraction(probe.fps).limit_denominator(1001)
    if fps <= MAX_FPS:
        return fps
    divided = fps / math.ceil(fps / MAX_FPS)
    return divided if divided >= MIN_DIVIDED_FPS else Fraction(MAX_FPS)


def _rung(size: int, short: int, long: int, portrait: bool) -> Rung:
    scaled_long = min(even_round(size * long / short), _even_floor(long))
    width, height = (size, scaled_long) if portrait else (scaled_long, size)
    bitrate = BITRATES.get(size, BITRATES[min(BITRATES)])
    return Rung(name=f"{size}p", width=width, height=height, bitrate=bitrate)


def even_round(value: float) -> int:
    """Nearest even number of pixels (libx264 with 4:2:0 needs even sizes), at least 2."""
    return max(2, round(value / 2) * 2)


def _even_floor(value: int) -> int:
    return max(2, value // 2 * 2)
