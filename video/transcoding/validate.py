"""Check a finished HLS output against its source before it is published."""

from __future__ import annotations

import os

from .command import MASTER_NAME
from .errors import ValidationError
from .ladder import Rung
from .playlist import Master, MediaPlaylist, read_master, read_media_playlist
from .probe import ProbeFailed, ProbeResult, ffprobe, file_url

MIN_TOLERANCE_SECONDS = 0.5
TOLERANCE_RATIO = 0.02

_MESSAGE = "转码结果未通过检查,视频没有发布。请重新上传;如果仍然失败,请联系管理员。"


def validate(out_dir: str | os.PathLike, probe: ProbeResult, rungs: list[Rung]) -> None:
    """Raise :class:`ValidationError` unless the output is complete and consistent.

    Checked: the master lists every rung with CODECS and RESOLUTION (and the audio group
    when there is audio); every rendition is a finished VOD playlist whose segments exist
    and whose length matches the source; video renditions have the same segment count
    (aligned keyframes) and even, correctly oriented dimensions.
    """
    master_path = os.path.join(out_dir, MASTER_NAME)
    if not os.path.isfile(master_path):
        raise _fail("master playlist missing")
    master = read_master(master_path)
    _check_master(master, probe, rungs)
    video_uris = [v.uri for v in master.variants if "RESOLUTION" in v.attrs]
    audio_uris = {v.uri for v in master.variants if "RESOLUTION" not in v.attrs}
    audio_uris |= {m.attrs["URI"] for m in master.media if "URI" in m.attrs}
    tolerance = max(MIN_TOLERANCE_SECONDS, TOLERANCE_RATIO * probe.duration)
    videos = [_check_rendition(out_dir, uri, probe.duration, tolerance) for uri in video_uris]
    for uri in sorted(audio_uris):
        _check_rendition(out_dir, uri, probe.duration, tolerance)
    if len({len(playlist.segments) for playlist in videos}) > 1:
        raise _fail("video renditions have different segment counts (keyframes not aligned)")
    expected = {(rung.width, rung.height) for rung in rungs}
    for playlist in videos:
        _check_frame(playlist, probe, expected)


def _check_master(master: Master, probe: ProbeResult, rungs: list[Rung]) -> None:
    videos = [v for v in master.variants if "RESOLUTION" in v.attrs]
    if len(videos) != len(rungs):
        raise _fail(f"master lists {len(videos)} video variants, expected {len(rungs)}")
    if any("CODECS" not in v.attrs or v.uri is None for v in master.variants):
        raise _fail("a master variant lacks CODECS or its URI")
    if not probe.has_audio:
        return
    if rungs and not any(m.attrs.get("TYPE") == "AUDIO" for m in master.media):
        raise _fail("master has no audio rendition group")
    if not any("RESOLUTION" not in v.attrs for v in master.variants):
        raise _fail("master has no audio-only variant")


def _check_rendition(out_dir, uri: str, duration: float, tolerance: float) -> MediaPlaylist:
    path = os.path.join(out_dir, uri)
    if not os.path.isfile(path):
        raise _fail(f"{uri}: playlist missing")
    playlist = read_media_playlist(path)
    if not playlist.ended or not playlist.segments or playlist.init is None:
        raise _fail(f"{uri}: unfinished playlist")
    files = [playlist.init, *(segment.uri for segment in playlist.segments)]
    if any(not _non_empty(playlist.resolve(name)) for name in files):
        raise _fail(f"{uri}: a segment is missing or empty")
    if abs(playlist.duration - duration) > tolerance:
        raise _fail(f"{uri}: lasts {playlist.duration:.2f}s, source {duration:.2f}s")
    return playlist


def _check_frame(playlist: MediaPlaylist, probe: ProbeResult, expected: set) -> None:
    try:
        info = ffprobe(file_url(playlist.resolve(playlist.init)), "-show_streams")
    except ProbeFailed as exc:
        raise _fail(f"{playlist.path}: init segment unreadable: {exc}") from None
    stream = info["streams"][0]
    width, height = stream["width"], stream["height"]
    if width % 2 or height % 2:
        raise _fail(f"{playlist.path}: odd frame size {width}x{height}")
    if (height > width) != probe.is_portrait or (width, height) not in expected:
        raise _fail(f"{playlist.path}: frame {width}x{height} does not match the plan")
    if any("rotation" in side_data for side_data in stream.get("side_data_list", [])):
        raise _fail(f"{playlist.path}: rendition still carries rotation metadata")


def _non_empty(path: str) -> bool:
    return os.path.isfile(path) and os.path.getsize(path) > 0


def _fail(detail: str) -> ValidationError:
    return ValidationError(_MESSAGE, detail=detail)
