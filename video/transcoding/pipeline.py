"""One upload in, a complete HLS package with poster and sprite out."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .command import AUDIO_NAME, MASTER_NAME, build_command, rendition_uri
from .errors import TranscodeError
from .images import (
    POSTER_NAME,
    SPRITE_NAME,
    SPRITE_VTT_NAME,
    make_audio_poster,
    make_poster,
    make_sprite,
    poster_size,
)
from .ladder import AudioRendition, Rung, output_fps, plan_audio, plan_ladder
from .playlist import single_master_name, write_master
from .probe import ProbeResult, probe
from .progress import Progress
from .runner import NO_SPACE_MESSAGE, run
from .validate import validate

# VBV lets a segment burst past maxrate; leave room for that plus posters and playlists.
BURST_FACTOR = 1.5
HEADROOM_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Rendition:
    """A variant of the master; ``playlist`` is relative to the stage directory, and so is
    ``master``, the master playlist of this video rendition alone ("" for audio)."""

    width: int
    height: int
    bandwidth: int
    playlist: str
    master: str = ""


@dataclass(frozen=True)
class TranscodeResult:
    """What was produced. Paths are relative to the stage directory.

    ``width``/``height`` are those of the largest rendition (0 for audio-only);
    ``renditions`` lists the master's variants, the audio-only one last.
    ``timings`` holds the seconds spent in each step, for logs and benchmarks.
    """

    kind: str
    duration: float
    width: int
    height: int
    has_audio: bool
    renditions: list[Rendition]
    master: str
    poster: str
    sprite: str | None
    sprite_vtt: str | None
    timings: dict[str, float] = field(default_factory=dict)


def transcode(
    src_path: str | os.PathLike,
    stage_dir: str | os.PathLike,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    poster_at: float | None = None,
    timeout: float | None = None,
) -> TranscodeResult:
    """Probe, plan, encode with one ffmpeg, rewrite the master, validate, make images.

    Everything is written under the existing ``stage_dir``; on failure its contents are
    removed (the directory itself belongs to the caller). Raises
    :class:`~video.transcoding.errors.MediaError` subclasses.
    """
    stage = os.fspath(stage_dir)
    try:
        return _transcode(os.fspath(src_path), stage, on_progress, on_start, poster_at, timeout)
    except OSError as exc:
        _clear(stage)
        if exc.errno == errno.ENOSPC:
            raise TranscodeError(NO_SPACE_MESSAGE, transient=True, detail=str(exc)) from exc
        raise
    except BaseException:
        _clear(stage)
        raise


def check_free_space(path: str | os.PathLike, needed_bytes: int) -> None:
    """Raise a transient :class:`TranscodeError` if ``path``'s disk has too little room."""
    free = shutil.disk_usage(path).free
    if free < needed_bytes:
        raise TranscodeError(
            NO_SPACE_MESSAGE, transient=True, detail=f"need {needed_bytes} bytes, {free} free"
        )


def estimate_output_bytes(
    probe_result: ProbeResult, rungs: list[Rung], audio: AudioRendition | None
) -> int:
    """Generous upper bound of the stage directory's size after transcoding."""
    bits_per_second = sum(rung.maxrate for rung in rungs) * BURST_FACTOR
    bits_per_second += audio.bitrate * BURST_FACTOR if audio else 0
    return int(probe_result.duration * bits_per_second / 8) + HEADROOM_BYTES


def _transcode(src, stage, on_progress, on_start, poster_at, timeout) -> TranscodeResult:
    timings: dict[str, float] = {}
    with _timed(timings, "probe"):
        source = probe(src)
        rungs, audio = plan_ladder(source), plan_audio(source)
        check_free_space(stage, estimate_output_bytes(source, rungs, audio))
    with _timed(timings, "encode"):
        cmd = build_command(src, stage, source, rungs, audio)
        run(
            cmd,
            on_progress=on_progress,
            duration=source.duration,
            timeout=timeout,
            on_start=on_start,
        )
    with _timed(timings, "finalize"):
        variants = write_master(
            stage,
            [rendition_uri(rung.name) for rung in rungs],
            rendition_uri(AUDIO_NAME) if audio else None,
            frame_rate=float(output_fps(source)) if rungs else None,
        )
        validate(stage, source, rungs)
    with _timed(timings, "images"):
        has_sprite = _make_images(stage, source, rungs, poster_at)
    top = rungs[0] if rungs else None
    return TranscodeResult(
        kind=source.kind,
        duration=source.duration,
        width=top.width if top else 0,
        height=top.height if top else 0,
        has_audio=source.has_audio,
        renditions=[
            Rendition(
                v.width, v.height, v.bandwidth, v.uri, single_master_name(v.uri) if v.width else ""
            )
            for v in variants
        ],
        master=MASTER_NAME,
        poster=POSTER_NAME,
        sprite=SPRITE_NAME if has_sprite else None,
        sprite_vtt=SPRITE_VTT_NAME if has_sprite else None,
        timings=timings,
    )


def _make_images(stage: str, source: ProbeResult, rungs: list[Rung], poster_at) -> bool:
    """Write the poster, and the sprite for video; return whether a sprite was made."""
    poster = os.path.join(stage, POSTER_NAME)
    if not rungs:
        make_audio_poster(source, poster)
        return False
    width, height = poster_size(rungs[0].width, rungs[0].height)
    make_poster(source, poster, width=width, height=height, at=poster_at)
    smallest = rungs[-1]
    make_sprite(
        os.path.join(stage, rendition_uri(smallest.name)),
        stage,
        duration=source.duration,
        width=smallest.width,
        height=smallest.height,
    )
    return True


@contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    started = time.monotonic()
    try:
        yield
    finally:
        timings[step] = round(time.monotonic() - started, 3)


def _clear(stage: str) -> None:
    """Remove what a failed run left in the stage directory, keeping the directory."""
    if not os.path.isdir(stage):
        return
    for entry in os.scandir(stage):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
