"""The playlists viewers read during and after a live lecture. No Django here.

Each connection of the publisher has its own ffmpeg, which writes its own event playlist
per rendition (``s1.m3u8``, ``s2.m3u8`` … beside their segments). The platform joins
them into the rendition's ``index.m3u8``: one event playlist from the first segment of
the lecture (so viewers can rewind to the start), with a discontinuity and the new init
segment where a reconnect begins, and ``#EXT-X-ENDLIST`` once the lecture has ended —
which makes it the replay's VOD playlist without touching a segment.
"""

from __future__ import annotations

import datetime
import math
import os
import re
from dataclasses import dataclass

from video.transcoding.command import LIVE_SEGMENT_SECONDS
from video.transcoding.playlist import parse_attributes

INDEX_NAME = "index.m3u8"
_SESSION_PLAYLIST = re.compile(r"^s(\d+)\.m3u8$")


@dataclass(frozen=True)
class LiveSegment:
    uri: str
    duration: float
    init: str
    program_time: datetime.datetime | None
    session: int

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.program_time is None:
            return None
        return self.program_time + datetime.timedelta(seconds=self.duration)


def session_name(number: int) -> str:
    return f"s{number}"


def sessions_in(rendition_dir: str) -> list[int]:
    """Numbers of the connections that wrote a playlist in a rendition directory."""
    if not os.path.isdir(rendition_dir):
        return []
    found = (_SESSION_PLAYLIST.match(name) for name in os.listdir(rendition_dir))
    return sorted(int(match.group(1)) for match in found if match)


def read_session(rendition_dir: str, number: int) -> list[LiveSegment]:
    """The segments one connection's ffmpeg has finished so far, in order."""
    path = os.path.join(rendition_dir, f"{session_name(number)}.m3u8")
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [line.strip() for line in handle if line.strip()]
    except FileNotFoundError:
        return []
    segments, init, duration, program_time = [], "", None, None
    for line in lines:
        if line.startswith("#EXT-X-MAP:"):
            init = parse_attributes(line.partition(":")[2]).get("URI", "")
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            program_time = _parse_time(line.partition(":")[2])
        elif line.startswith("#EXTINF:"):
            duration = float(line.partition(":")[2].split(",")[0])
        elif not line.startswith("#") and duration is not None:
            segments.append(LiveSegment(line, duration, init, program_time, number))
            if program_time is not None:
                program_time += datetime.timedelta(seconds=duration)
            duration = None
    return segments


def lecture_segments(rendition_dir: str) -> list[LiveSegment]:
    """Every finished segment of a rendition, connection after connection."""
    return [
        segment
        for number in sessions_in(rendition_dir)
        for segment in read_session(rendition_dir, number)
    ]


def trim_before(segments: list[LiveSegment], moment: datetime.datetime) -> list[LiveSegment]:
    """Leave out the segments that ended before ``moment`` (the waiting picture shown
    before the lecture's start). Whole segments only: nothing is re-encoded."""
    kept = [s for s in segments if s.ends_at is None or s.ends_at > moment]
    return kept or segments[-1:]


def render(segments: list[LiveSegment], *, ended: bool) -> str:
    """An event playlist of ``segments``; with ``ended`` it is complete (the replay)."""
    target = max([LIVE_SEGMENT_SECONDS, *(round(s.duration) for s in segments)])
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:7",
        f"#EXT-X-TARGETDURATION:{math.ceil(target)}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:EVENT",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    previous = None
    for segment in segments:
        if previous is not None and segment.session != previous.session:
            lines.append("#EXT-X-DISCONTINUITY")
        if previous is None or segment.init != previous.init:
            lines.append(f'#EXT-X-MAP:URI="{segment.init}"')
        if segment.program_time is not None and (
            previous is None or segment.session != previous.session
        ):
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{_format_time(segment.program_time)}")
        lines += [f"#EXTINF:{segment.duration:.6f},", segment.uri]
        previous = segment
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def write_index(rendition_dir: str, segments: list[LiveSegment], *, ended: bool) -> bool:
    """Write the rendition's ``index.m3u8`` atomically; False if it was already so."""
    text = render(segments, ended=ended)
    path = os.path.join(rendition_dir, INDEX_NAME)
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return False
    except FileNotFoundError:
        pass
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)
    return True


def remove_unlisted(rendition_dir: str, segments: list[LiveSegment]) -> int:
    """Delete the segment files a trimmed replay no longer lists, and the connections'
    own playlists; returns how many files went."""
    keep = {INDEX_NAME, *(s.uri for s in segments), *(s.init for s in segments)}
    removed = 0
    for name in os.listdir(rendition_dir):
        if name not in keep and (name.endswith((".m4s", ".m3u8", ".tmp"))):
            os.unlink(os.path.join(rendition_dir, name))
            removed += 1
    return removed


def _parse_time(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _format_time(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="milliseconds")
