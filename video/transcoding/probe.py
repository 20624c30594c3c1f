"""Inspect an upload with ffprobe and classify it as video, audio or invalid."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from .errors import InvalidMedia

# Real media containers only. Playlist-like demuxers (hls, concat, image2, tty...) would
# make ffmpeg open other files named inside the upload, so they are never allowed to probe.
ALLOWED_FORMATS = (
    "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,mpeg,asf,ogg,wav,mp3,aac,flac,amr,aiff"
)
INPUT_OPTIONS = {"protocol_whitelist": "file", "format_whitelist": ALLOWED_FORMATS}
PROBE_TIMEOUT = 120

# How far before the end the completeness check starts reading packets.
TAIL_SECONDS = 3.0
VFR_TOLERANCE = 0.05

_ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")
_INTERLACED_ORDERS = {"tt", "bb", "tb", "bt"}
_NOT_PICTURES = ("attached_pic", "timed_thumbnails")

_MESSAGES = {
    "empty": ("文件是空的,请重新上传。", "The file is empty; please upload it again."),
    "truncated": (
        "文件不完整或已损坏,可能是上传中断或录制没有正常结束。请确认文件在电脑上能完整播放后重新上传。",
        "The file is incomplete or damaged (interrupted upload or unfinished recording). "
        "Check that it plays to the end, then upload it again.",
    ),
    "playlist": (
        "这是一个播放列表文件(如 m3u8),不是视频本身。请上传原始视频文件(如 MP4)。",
        "This is a playlist (e.g. m3u8), not the video itself. Upload the original video file.",
    ),
    "unsupported_format": (
        "不支持这种文件格式。请先转换为 MP4 再上传。",
        "This file format is not supported. Convert it to MP4 and upload it again.",
    ),
    "not_media": (
        "无法识别这个文件,它不是视频或音频。请上传 MP4、MOV 等格式的视频或 MP3、M4A 音频。",
        "This file is not a video or audio file. Upload an MP4/MOV video or MP3/M4A audio.",
    ),
    "no_streams": (
        "文件里没有可以播放的画面或声音,请检查后重新上传。",
        "The file contains no playable picture or sound.",
    ),
}


class ProbeFailed(Exception):
    """ffprobe exited with an error; the message is its stderr."""


@dataclass(frozen=True)
class ProbeResult:
    """What the pipeline needs to know about an upload.

    ``width``/``height`` are the displayed size: pixel aspect and rotation already applied.
    ``rotation`` is the display-matrix angle, counter-clockwise, one of 0/90/180/270.
    Stream indexes are absolute (``0:<index>`` in ffmpeg maps).
    """

    path: str
    kind: Literal["video", "audio"]
    duration: float
    format_name: str
    size: int
    has_audio: bool
    audio_index: int | None = None
    audio_duration: float | None = None
    audio_channels: int = 0
    video_index: int | None = None
    width: int = 0
    height: int = 0
    rotation: int = 0
    fps: float = 0.0
    is_vfr: bool = False
    interlaced: bool = False
    video_codec: str | None = None
    pix_fmt: str | None = None
    cover_index: int | None = None

    @property
    def is_portrait(self) -> bool:
        return self.height > self.width


def ffprobe(target: str, *args: str, timeout: float = PROBE_TIMEOUT) -> dict:
    """Run ffprobe with JSON output on ``target`` (a path or ``file:`` URL)."""
    cmd = ["ffprobe", "-v", "error", "-of", "json", *args, target]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ProbeFailed(f"ffprobe timed out after {timeout}s") from exc
    if proc.returncode != 0:
        raise ProbeFailed(proc.stderr.decode(errors="replace").strip())
    return json.loads(proc.stdout or b"{}")


def file_url(path: str | os.PathLike) -> str:
    """``file:`` URL for a local path, so a name like ``concat:x`` is never a protocol."""
    return "file:" + os.path.abspath(path)


def input_args() -> list[str]:
    """ffprobe command-line form of :data:`INPUT_OPTIONS`."""
    return [arg for key, value in INPUT_OPTIONS.items() for arg in (f"-{key}", value)]


def _invalid(code: str) -> InvalidMedia:
    return InvalidMedia(code, *_MESSAGES[code])


def probe(path: str | os.PathLike) -> ProbeResult:
    """Probe an upload; raise :class:`InvalidMedia` when it cannot be transcoded."""
    path = os.fspath(path)
    size = os.path.getsize(path)
    if size == 0:
        raise _invalid("empty")
    with open(path, "rb") as fh:
        head = fh.read(64)
    try:
        info = ffprobe(file_url(path), *input_args(), "-show_format", "-show_streams")
    except ProbeFailed as exc:
        raise _explain(head, str(exc)) from None
    return _classify(path, size, info)


def probe_stream(url: str, *, options: dict, timeout: float = 20.0) -> ProbeResult:
    """Probe a live stream (``rtmp://…``) from its first seconds; duration is 0.

    Raises :class:`InvalidMedia` when the stream carries neither picture nor sound.
    """
    args = [arg for key, value in options.items() for arg in (f"-{key}", str(value))]
    try:
        info = ffprobe(url, *args, "-show_format", "-show_streams", timeout=timeout)
    except ProbeFailed as exc:
        raise InvalidMedia("not_media", *_MESSAGES["not_media"]) from exc
    streams = info.get("streams", [])
    video = _pick([s for s in streams if _is_picture(s)])
    audio = _pick([s for s in streams if s.get("codec_type") == "audio"])
    if video is None and audio is None:
        raise _invalid("no_streams")
    common = {
        "path": url,
        "duration": 0.0,
        "format_name": info.get("format", {}).get("format_name", ""),
        "size": 0,
        **_audio_fields(audio, {}),
    }
    if video is None:
        return ProbeResult(kind="audio", **common)
    return ProbeResult(kind="video", **common, **_video_fields(video))


def _explain(head: bytes, stderr: str) -> InvalidMedia:
    if "not on whitelist" in stderr:
        playlist = any(f"[{name} @" in stderr for name in ("hls", "concat"))
        return _invalid("playlist" if playlist else "unsupported_format")
    if head[4:8] in _ISO_BOXES:
        return _invalid("truncated")
    return _invalid("not_media")


def _classify(path: str, size: int, info: dict) -> ProbeResult:
    fmt = info.get("format", {})
    streams = info.get("streams", [])
    video = _pick([s for s in streams if _is_picture(s)])
    audio = _pick([s for s in streams if s.get("codec_type") == "audio"])
    main = video or audio
    if main is None:
        raise _invalid("no_streams")
    url = file_url(path)
    duration = _duration(url, fmt, main)
    if any(name in fmt.get("format_name", "") for name in ("mov", "matroska")):
        _check_complete(url, main, duration)
    common = {
        "path": path,
        "duration": duration,
        "format_name": fmt.get("format_name", ""),
        "size": size,
        **_audio_fields(audio, fmt),
    }
    if video is None:
        return ProbeResult(kind="audio", cover_index=_cover_index(streams), **common)
    return ProbeResult(kind="video", **common, **_video_fields(video))


def _is_picture(stream: dict) -> bool:
    disposition = stream.get("disposition", {})
    return (
        stream.get("codec_type") == "video"
        and not any(disposition.get(flag) for flag in _NOT_PICTURES)
        and stream.get("width", 0) > 0
    )


def _pick(streams: list[dict]) -> dict | None:
    """The stream flagged default, else the first one."""
    for stream in streams:
        if stream.get("disposition", {}).get("default"):
            return stream
    return streams[0] if streams else None


def _cover_index(streams: list[dict]) -> int | None:
    for stream in streams:
        if stream.get("disposition", {}).get("attached_pic"):
            return stream["index"]
    return None


def _duration(url: str, fmt: dict, stream: dict) -> float:
    for value in (stream.get("duration"), fmt.get("duration")):
        if _number(value) > 0:
            return _number(value)
    # Browser recordings (MediaRecorder WebM) carry no duration: measure the packets.
    end = _packets_end(url, stream["index"])
    duration = (end or 0.0) - _number(stream.get("start_time"))
    if duration <= 0:
        raise _invalid("truncated")
    return round(duration, 3)


def _check_complete(url: str, stream: dict, duration: float) -> None:
    """Reject a cut-off upload whose index (mp4 moov at the front) promises more than is there."""
    start = _number(stream.get("start_time"))
    end = _packets_end(url, stream["index"], since=start + duration - TAIL_SECONDS)
    if end is None or end < start + duration - max(1.0, 0.02 * duration):
        raise _invalid("truncated")


def _packets_end(url: str, index: int, since: float = 0.0) -> float | None:
    """Latest packet end time of one stream, reading from ``since`` to the end of the file."""
    try:
        info = ffprobe(
            url,
            *input_args(),
            "-select_streams",
            str(index),
            "-read_intervals",
            f"{max(since, 0.0):.3f}%",
            "-show_entries",
            "packet=pts_time,dts_time,duration_time",
        )
    except ProbeFailed:
        return None
    ends = [
        _number(p.get("pts_time", p.get("dts_time"))) + _number(p.get("duration_time"))
        for p in info.get("packets", [])
    ]
    return max(ends, default=None)


def _audio_fields(audio: dict | None, fmt: dict) -> dict:
    if audio is None:
        return {"has_audio": False}
    return {
        "has_audio": True,
        "audio_index": audio["index"],
        "audio_duration": _number(audio.get("duration")) or _number(fmt.get("duration")) or None,
        "audio_channels": int(audio.get("channels") or 0),
    }


def _video_fields(video: dict) -> dict:
    rotation = _rotation(video)
    width, height = _display_size(video)
    if rotation in (90, 270):
        width, height = height, width
    avg = _rate(video.get("avg_frame_rate"))
    real = _rate(video.get("r_frame_rate"))
    return {
        "video_index": video["index"],
        "width": width,
        "height": height,
        "rotation": rotation,
        "fps": float(avg or real),
        "is_vfr": bool(avg and real and abs(real - avg) / max(real, avg) > VFR_TOLERANCE),
        "interlaced": video.get("field_order") in _INTERLACED_ORDERS,
        "video_codec": video.get("codec_name"),
        "pix_fmt": video.get("pix_fmt"),
    }


def _rotation(video: dict) -> int:
    for side_data in video.get("side_data_list", []):
        if "rotation" in side_data:
            return _quarter_turns(_number(side_data["rotation"]))
    # The legacy tag counts clockwise, the display matrix counter-clockwise.
    return _quarter_turns(-_number(video.get("tags", {}).get("rotate")))


def _quarter_turns(degrees: float) -> int:
    return round(degrees / 90) % 4 * 90


def _display_size(video: dict) -> tuple[int, int]:
    width, height = int(video["width"]), int(video["height"])
    sar = _rate(video.get("sample_aspect_ratio"), sep=":")
    if sar and sar != 1:
        width = round(width * sar)
    return width, height


def _rate(value: str | None, sep: str = "/") -> Fraction:
    num, _, den = (value or "").partition(sep)
    try:
        return Fraction(int(num), int(den)) if int(den) and int(num) > 0 else Fraction(0)
    except ValueError:
        return Fraction(0)


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
