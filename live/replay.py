"""A finished live lecture becomes its video's rendition set, without re-encoding.

The segments stay where the live viewers fetched them; the playlists get their end, the
master is measured from the files, and the library's own validation checks the package
before ``video.services.rendition_set_publish`` makes it the video's.
"""

from __future__ import annotations

import bisect
import datetime
import logging
import os
import shutil
import subprocess
from pathlib import Path

from django.db import transaction

from live import hls
from live.models import LiveLecture
from video import conf as video_conf
from video.models import Video
from video.services import rendition_set_publish
from video.transcoding import ProbeResult, Rung, validate, write_master
from video.transcoding.command import AUDIO_NAME, MASTER_NAME, rendition_uri
from video.transcoding.images import (
    POSTER_NAME,
    SPRITE_NAME,
    SPRITE_VTT_NAME,
    make_rendition_poster,
    make_sprite,
)
from video.transcoding.pipeline import Rendition, TranscodeResult

logger = logging.getLogger(__name__)

REMUX_TIMEOUT = 1800
# Audio segments end a few milliseconds off the video's 2 s marks.
ALIGN_SLACK_SECONDS = 0.25


def rungs_of(ladder: dict) -> list[Rung]:
    return [Rung(**rung) for rung in ladder.get("rungs", [])]


def rendition_names(ladder: dict) -> list[str]:
    names = [rung["name"] for rung in ladder.get("rungs", [])]
    return names + ([AUDIO_NAME] if ladder.get("audio") else [])


def end_playlists(out_dir: str, lecture: LiveLecture) -> float:
    """Write every rendition's final playlist, from the scheduled start on; remove the
    segments left out. Returns the replay's length (0: nothing was recorded)."""
    names = rendition_names(lecture.ladder)
    if not names:
        return 0.0
    renditions = aligned(
        {name: hls.lecture_segments(os.path.join(out_dir, name)) for name in names}
    )
    if not all(renditions.values()):
        return 0.0
    lengths = []
    for name, segments in trimmed(renditions, lecture.starts_at).items():
        directory = os.path.join(out_dir, name)
        hls.write_index(directory, segments, ended=True)
        hls.remove_unlisted(directory, segments)
        lengths.append(sum(segment.duration for segment in segments))
    return lengths[0]


def aligned(renditions: dict[str, list[hls.LiveSegment]]) -> dict[str, list[hls.LiveSegment]]:
    """Every rendition cut, connection by connection, where all of them end a segment
    together: an ffmpeg that was killed may have finished a segment in one rendition and
    not yet in another, and a stream's audio may stop before its picture (or after), so
    the last segments differ. A replay's renditions must last the same; whole segments
    only, so up to one segment of a connection's tail may be left out."""
    sessions = sorted({segment.session for segments in renditions.values() for segment in segments})
    kept = {name: [] for name in renditions}
    for session in sessions:
        parts = {
            name: [segment for segment in segments if segment.session == session]
            for name, segments in renditions.items()
        }
        totals = {name: sum(segment.duration for segment in kept[name]) for name in renditions}
        counts = _common_cut(parts, totals)
        for name, part in parts.items():
            kept[name] += part[: counts[name]]
    return kept


def _common_cut(parts: dict[str, list[hls.LiveSegment]], totals: dict[str, float]) -> dict:
    """How many segments of each rendition to keep from one connection: the most of the
    first rendition for which every other one has a segment end within
    ALIGN_SLACK_SECONDS, counted from the start of the replay (so that connections do
    not add up their differences)."""
    ends = {}
    for name, part in parts.items():
        end, ends[name] = totals[name], [totals[name]]
        for segment in part:
            end += segment.duration
            ends[name].append(end)
    first, *others = parts
    for count in range(len(parts[first]), -1, -1):
        moment = ends[first][count]
        counts = {first: count}
        for name in others:
            # The ends grow: the nearest is on either side of where the moment would go.
            at = bisect.bisect_left(ends[name], moment)
            around = range(max(at - 1, 0), min(at + 1, len(ends[name])))
            near = min(around, key=lambda n: abs(ends[name][n] - moment))
            if abs(ends[name][near] - moment) > ALIGN_SLACK_SECONDS:
                break
            counts[name] = near
        else:
            return counts
    return dict.fromkeys(parts, 0)


def trimmed(renditions: dict, moment) -> dict[str, list[hls.LiveSegment]]:
    """The replay from ``moment`` on (``hls.trim_before``): the first rendition decides
    which segments go, and the others leave out the same stretch, whose segment ends
    are a few milliseconds off the first's."""
    first, *others = renditions
    kept = {first: hls.trim_before(renditions[first], moment)}
    dropped = len(renditions[first]) - len(kept[first])
    cut = renditions[first][dropped - 1].ends_at if dropped else None
    for name in others:
        if cut is None:
            kept[name] = renditions[name]
        else:
            slack = datetime.timedelta(seconds=ALIGN_SLACK_SECONDS)
            kept[name] = hls.trim_before(renditions[name], cut + slack)
    return kept


def publish(*, lecture: LiveLecture) -> str:
    """``ready``, or ``empty`` when no segment was ever written."""
    out_dir = str(video_conf.stream_root() / lecture.rendition_dir) if lecture.rendition_dir else ""
    if not out_dir or not os.path.isdir(out_dir):
        return "empty"
    duration = end_playlists(out_dir, lecture)
    if duration <= 0:
        return "empty"
    rungs, ladder = rungs_of(lecture.ladder), lecture.ladder
    has_audio = bool(ladder.get("audio"))
    variants = write_master(
        out_dir,
        [rendition_uri(rung.name) for rung in rungs],
        rendition_uri(AUDIO_NAME) if has_audio else None,
        frame_rate=ladder.get("fps") if rungs else None,
    )
    top = rungs[0] if rungs else None
    expected = ProbeResult(
        path=out_dir,
        kind="video" if rungs else "audio",
        duration=duration,
        format_name="hls",
        size=0,
        has_audio=has_audio,
        width=top.width if top else 0,
        height=top.height if top else 0,
    )
    validate(out_dir, expected, rungs)
    sprite = False
    if rungs:
        smallest = rungs[-1]
        playlist = os.path.join(out_dir, rendition_uri(smallest.name))
        make_rendition_poster(
            os.path.join(out_dir, rendition_uri(top.name)),
            os.path.join(out_dir, POSTER_NAME),
            at=min(duration * 0.15, 60.0),
        )
        make_sprite(
            playlist, out_dir, duration=duration, width=smallest.width, height=smallest.height
        )
        sprite = True
    result = TranscodeResult(
        kind=expected.kind,
        duration=duration,
        width=expected.width,
        height=expected.height,
        has_audio=has_audio,
        renditions=[Rendition(v.width, v.height, v.bandwidth, v.uri) for v in variants],
        master=MASTER_NAME,
        poster=POSTER_NAME if rungs else "",
        sprite=SPRITE_NAME if sprite else None,
        sprite_vtt=SPRITE_VTT_NAME if sprite else None,
    )
    with transaction.atomic():
        rendition_set_publish(
            video_id=lecture.video_id, directory=lecture.rendition_dir, result=result
        )
    return "ready"


def keep_source(*, lecture: LiveLecture) -> None:
    """Join nginx's recordings of the connections (the stream as received) into the
    video's source file, without re-encoding, so that the library can transcode it again
    one day. Each recording is removed once it is part of the source."""
    video = Video.objects.filter(pk=lecture.video_id).first()
    if video is None:
        return
    target = video_conf.source_root() / video.source.name
    parts = [
        Path(path)
        for path in lecture.sessions.order_by("number").values_list("recording", flat=True)
        if path and os.path.isfile(path)
    ]
    if not parts:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        if len(parts) == 1:
            shutil.move(parts[0], target)
        else:
            listing = target.parent / "parts.txt"
            listing.write_text("".join(f"file '{part}'\n" for part in parts))
            subprocess.run(
                ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                 "-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy",
                 "-f", "flv", str(target)],
                check=True, timeout=REMUX_TIMEOUT, capture_output=True,
            )  # fmt: skip
            listing.unlink()
            for part in parts:
                part.unlink()
    except (OSError, subprocess.SubprocessError) as error:
        logger.warning("live %s: the recordings stay apart: %s", lecture.pk, error)
        return
    Video.objects.filter(pk=video.pk).update(source_size=target.stat().st_size)
