"""Poster image and scrubbing-thumbnail sprite (JPEG grid + WebVTT track)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import ffmpeg

from .command import KEYFRAME_SECONDS
from .ladder import even_round
from .probe import INPUT_OPTIONS, ProbeResult, file_url
from .runner import run

POSTER_NAME = "poster.jpg"
SPRITE_NAME = "sprite.jpg"
SPRITE_VTT_NAME = "sprite.vtt"
POSTER_MAX_SIDE = 1280
POSTER_POSITION = 0.15  # past titles and the lecturer settling in, before the real content
POSTER_CANDIDATES = 50  # frames the thumbnail filter compares to pick a representative one
AUDIO_POSTER_SIZE = "1280x720"
AUDIO_POSTER_BACKGROUND = "0x1f3a5f"
AUDIO_POSTER_WAVE = "0x9ecbff"
SPRITE_TILE_WIDTH = 160
SPRITE_COLUMNS = 10
SPRITE_MAX_TILES = 400
SPRITE_MIN_INTERVAL = 2 * KEYFRAME_SECONDS
IMAGE_TIMEOUT = 300
_GLOBAL_ARGS = ("-hide_banner", "-nostdin", "-loglevel", "error")
# The sprite reads our own HLS output: the playlist demuxer plus the fMP4 segments.
_RENDITION_INPUT = {"protocol_whitelist": "file", "format_whitelist": "hls,mov,mp4,m4a,3gp,3g2,mj2"}


@dataclass(frozen=True)
class Sprite:
    """A grid of ``columns`` x ``rows`` tiles, one every ``interval`` seconds."""

    image: str
    vtt: str
    interval: int
    columns: int
    rows: int
    tile_width: int
    tile_height: int
    count: int


def poster_size(width: int, height: int) -> tuple[int, int]:
    """Scale a frame size down so its long side is at most :data:`POSTER_MAX_SIDE`."""
    scale = min(1.0, POSTER_MAX_SIDE / max(width, height))
    return even_round(width * scale), even_round(height * scale)


def make_poster(
    probe: ProbeResult, dest: str, *, width: int, height: int, at: float | None = None
) -> None:
    """JPEG poster from the source: the frame at ``at`` seconds, else a representative one."""
    start = probe.duration * POSTER_POSITION if at is None else at
    start = min(max(start, 0.0), max(probe.duration - 0.1, 0.0))
    stream = ffmpeg.input(file_url(probe.path), ss=f"{start:.3f}", **INPUT_OPTIONS)
    stream = stream[str(probe.video_index)]
    if probe.interlaced:
        stream = stream.filter("bwdif", mode="send_frame")
    stream = stream.filter("scale", width, height).filter("setsar", 1)
    if at is None:
        stream = stream.filter("thumbnail", POSTER_CANDIDATES)
    _write_jpeg(stream, dest, quality=3)


def make_rendition_poster(rendition: str, dest: str, *, at: float) -> None:
    """JPEG poster from the frame at ``at`` seconds of one of our own rendition playlists
    (a live lecture's recording has no source file to take it from)."""
    stream = ffmpeg.input(file_url(rendition), ss=f"{max(at, 0.0):.3f}", **_RENDITION_INPUT)
    _write_jpeg(stream.video, dest, quality=3)


def make_audio_poster(probe: ProbeResult, dest: str) -> None:
    """JPEG for audio-only media: the embedded cover art, else the waveform on a colour."""
    source = ffmpeg.input(file_url(probe.path), **INPUT_OPTIONS)
    if probe.cover_index is not None:
        stream = source[str(probe.cover_index)].filter(
            "scale",
            f"min(iw,{POSTER_MAX_SIDE})",
            f"min(ih,{POSTER_MAX_SIDE})",
            force_original_aspect_ratio="decrease",
        )
    else:
        wave = source[str(probe.audio_index)].filter(
            "showwavespic", s=AUDIO_POSTER_SIZE, colors=AUDIO_POSTER_WAVE
        )
        background = ffmpeg.input(
            f"color=c={AUDIO_POSTER_BACKGROUND}:s={AUDIO_POSTER_SIZE}", f="lavfi"
        )
        stream = background.overlay(wave)
    _write_jpeg(stream, dest, quality=3)


def sprite_interval(duration: float) -> int:
    """Seconds between tiles: keyframe-aligned, and at most :data:`SPRITE_MAX_TILES` tiles."""
    steps = math.ceil(duration / (SPRITE_MAX_TILES * KEYFRAME_SECONDS))
    return max(SPRITE_MIN_INTERVAL, steps * KEYFRAME_SECONDS)


def make_sprite(
    rendition: str, out_dir: str, *, duration: float, width: int, height: int
) -> Sprite:
    """Sprite from a rendition playlist (``width`` x ``height`` frames).

    Renditions have a keyframe exactly every :data:`KEYFRAME_SECONDS` and the interval is
    a multiple of it, so only keyframes are decoded: from the smallest rendition that
    costs a fraction of a second even for a long lecture.
    """
    interval = sprite_interval(duration)
    count = max(1, math.ceil(duration / interval))
    columns = min(SPRITE_COLUMNS, count)
    rows = math.ceil(count / columns)
    tile_height = even_round(SPRITE_TILE_WIDTH * height / width)
    stream = (
        ffmpeg.input(file_url(rendition), skip_frame="nokey", **_RENDITION_INPUT)
        # The first keyframe, then one per interval (keyframes are evenly spaced, so a
        # one-second margin is safe). The fps filter would drop the last tile when the
        # final keyframe sits just before the end.
        .video.filter("select", f"isnan(prev_selected_t)+gte(t-prev_selected_t,{interval - 1})")
        .filter("scale", SPRITE_TILE_WIDTH, tile_height)
        .filter("tile", f"{columns}x{rows}")
    )
    sprite = Sprite(
        image=os.path.join(out_dir, SPRITE_NAME),
        vtt=os.path.join(out_dir, SPRITE_VTT_NAME),
        interval=interval,
        columns=columns,
        rows=rows,
        tile_width=SPRITE_TILE_WIDTH,
        tile_height=tile_height,
        count=count,
    )
    _write_jpeg(stream, sprite.image, quality=5)
    with open(sprite.vtt, "w", encoding="utf-8") as fh:
        fh.write(sprite_vtt(sprite, duration))
    return sprite


def sprite_vtt(sprite: Sprite, duration: float) -> str:
    """WebVTT thumbnails track: one cue per tile, pointing into the sprite by xywh."""
    name = os.path.basename(sprite.image)
    cues = []
    for index in range(sprite.count):
        start = index * sprite.interval
        end = min(start + sprite.interval, duration)
        x = index % sprite.columns * sprite.tile_width
        y = index // sprite.columns * sprite.tile_height
        box = f"{x},{y},{sprite.tile_width},{sprite.tile_height}"
        cues.append(f"{_timestamp(start)} --> {_timestamp(end)}\n{name}#xywh={box}")
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def _write_jpeg(stream, dest: str, *, quality: int) -> None:
    output = ffmpeg.output(stream, dest, f="image2", update=1, **{"frames:v": 1, "q:v": quality})
    run(
        output.global_args(*_GLOBAL_ARGS).overwrite_output().compile(),
        timeout=IMAGE_TIMEOUT,
        stall_timeout=None,
    )


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest / 1000:06.3f}"
