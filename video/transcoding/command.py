"""Build the single ffmpeg command that turns one source into a whole HLS ladder.

The source is decoded once; the video is deinterlaced and made constant-frame-rate once,
then scaled down rung by rung. All rungs share one AAC rendition group.

The same command serves live lectures (:class:`LiveOptions`): the source is then a stream
URL, segments last 2 s and the playlists are event playlists written as the stream comes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fractions import Fraction

import ffmpeg

from .ladder import AudioRendition, Rung, output_fps
from .probe import INPUT_OPTIONS, ProbeResult, file_url

MASTER_NAME = "master.m3u8"
AUDIO_NAME = "audio"
AUDIO_GROUP = "aud"
KEYFRAME_SECONDS = 2
SEGMENT_SECONDS = 4
X264_PRESET = "veryfast"  # a 1080p ladder in about real time on a 2-core worker
X264_CRF = 23
LIVE_SEGMENT_SECONDS = 2
# A live lecture must be encoded faster than real time, whole ladder and all, with room
# for a second lecture on the same two cores; zerolatency drops the look-ahead.
LIVE_X264_PRESET = "superfast"
GLOBAL_ARGS = (
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "warning",
    "-progress",
    "pipe:1",
    "-nostats",
)


@dataclass(frozen=True)
class LiveOptions:
    """One connection of a live lecture's publisher.

    ``session`` prefixes this connection's files (``s2.m3u8``, ``s2-init.mp4``,
    ``s2-00001.m4s`` in each rendition directory), so that a reconnect writes beside the
    first connection's segments instead of over them. ``record_path``, if given, receives
    the incoming stream as it is (MPEG-TS, no re-encoding): the lecture's original.
    """

    session: str
    input_options: dict = field(default_factory=dict)
    record_path: str | None = None


def rendition_uri(name: str) -> str:
    """Playlist of one rendition, relative to the output directory."""
    return f"{name}/index.m3u8"


def build_command(
    src: str | os.PathLike,
    out_dir: str | os.PathLike,
    probe: ProbeResult,
    rungs: list[Rung],
    audio: AudioRendition | None,
    *,
    live: LiveOptions | None = None,
) -> list[str]:
    """Argument list for one ffmpeg process writing ``master.m3u8`` and renditions.

    With ``live``, ``src`` is a stream URL and each rendition gets the connection's own
    event playlist; the platform writes the master and the playlists viewers read.
    """
    if live:
        source = ffmpeg.input(os.fspath(src), **live.input_options)
    else:
        source = ffmpeg.input(file_url(src), **INPUT_OPTIONS)
    streams, options = [], {}
    if audio:
        streams.append(_audio_chain(source, probe, audio, live=live is not None))
        options |= _audio_args(audio)
    if rungs:
        fps = output_fps(probe)
        streams += _video_chains(source, probe, rungs, fps)
        options |= _video_args(rungs, fps, live=live is not None)
    out_dir = os.fspath(out_dir)
    if live:
        options |= _live_hls_args(out_dir, rungs, audio, live.session)
        playlist = os.path.join(out_dir, f"%v/{live.session}.m3u8")
    else:
        options |= _hls_args(out_dir, rungs, audio)
        playlist = os.path.join(out_dir, rendition_uri("%v"))
    output = ffmpeg.output(*streams, playlist, **options)
    if live and live.record_path:
        kept = [source[str(probe.video_index)]] if probe.video_index is not None else []
        kept += [source[str(probe.audio_index)]] if probe.audio_index is not None else []
        record = ffmpeg.output(*kept, live.record_path, c="copy", f="mpegts")
        output = ffmpeg.merge_outputs(output, record)
    return output.global_args(*GLOBAL_ARGS).overwrite_output().compile()


def _video_chains(source, probe: ProbeResult, rungs: list[Rung], fps: Fraction) -> list:
    # ffmpeg autorotates decoded frames, so portrait phone video stays portrait and the
    # encoded renditions carry no rotation side data.
    video = source[str(probe.video_index)]
    if probe.interlaced:
        video = video.filter("bwdif", mode="send_frame")
    video = video.filter("fps", fps=str(fps)).filter("format", "yuv420p")
    chains = []
    for rung in rungs:
        scaled = video.filter("scale", rung.width, rung.height).filter("setsar", 1)
        if rung is rungs[-1]:
            chains.append(scaled)
        else:
            # Each rung is scaled from the one above, not from the source: ffmpeg 5.1 runs
            # all filters on one thread, and this halves the scaling work at 1080p.
            split = scaled.filter_multi_output("split")
            chains.append(split[0])
            video = split[1]
    return chains


def _audio_chain(source, probe: ProbeResult, audio: AudioRendition, *, live: bool = False):
    # async/first_pts fill gaps and a late start with silence instead of drifting.
    stream = source[str(probe.audio_index)].filter(
        "aresample", audio.sample_rate, **{"async": 1, "first_pts": 0}
    )
    if probe.kind == "video" and not live:
        # Audio and video renditions must end together, whatever the source tracks do.
        stream = stream.filter("apad", whole_dur=probe.duration).filter(
            "atrim", duration=probe.duration
        )
    return stream


def _video_args(rungs: list[Rung], fps: Fraction, *, live: bool = False) -> dict:
    gop = round(fps * KEYFRAME_SECONDS)
    args = {
        "c:v": "libx264",
        "preset": LIVE_X264_PRESET if live else X264_PRESET,
        "profile:v": "high",
        "crf": X264_CRF,
        "g": gop,
        "keyint_min": gop,
        "sc_threshold": 0,
        # Same timestamps in every rung, so keyframes and segment cuts line up for ABR.
        "force_key_frames": f"expr:gte(t,n_forced*{KEYFRAME_SECONDS})",
    }
    if live:
        args["tune"] = "zerolatency"
    for index, rung in enumerate(rungs):
        args[f"maxrate:v:{index}"] = rung.maxrate
        args[f"bufsize:v:{index}"] = rung.bufsize
    return args


def _audio_args(audio: AudioRendition) -> dict:
    return {"c:a": "aac", "b:a": audio.bitrate, "ac": audio.channels}


def _hls_args(out_dir: str, rungs: list[Rung], audio: AudioRendition | None) -> dict:
    return {
        "map_metadata": -1,  # phone uploads carry GPS positions and device names
        "map_chapters": -1,
        "f": "hls",
        "hls_time": SEGMENT_SECONDS,
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "hls_flags": "independent_segments",
        "hls_fmp4_init_filename": "init.mp4",
        "hls_segment_filename": os.path.join(out_dir, "%v", "%05d.m4s"),
        "master_pl_name": MASTER_NAME,
        "var_stream_map": _var_stream_map(rungs, audio),
    }


def _live_hls_args(
    out_dir: str, rungs: list[Rung], audio: AudioRendition | None, session: str
) -> dict:
    return {
        "map_metadata": -1,
        "map_chapters": -1,
        "f": "hls",
        "hls_time": LIVE_SEGMENT_SECONDS,
        "hls_list_size": 0,
        "hls_playlist_type": "event",
        "hls_segment_type": "fmp4",
        # temp_file: a segment appears under its name only once it is complete.
        "hls_flags": "independent_segments+program_date_time+temp_file",
        "hls_fmp4_init_filename": f"{session}-init_%v.mp4",
        "hls_segment_filename": os.path.join(out_dir, "%v", f"{session}-%05d.m4s"),
        "var_stream_map": _var_stream_map(rungs, audio),
    }


def _var_stream_map(rungs: list[Rung], audio: AudioRendition | None) -> str:
    group = f",agroup:{AUDIO_GROUP}" if audio and rungs else ""
    entries = [f"a:0{group},name:{AUDIO_NAME}"] if audio else []
    entries += [f"v:{index}{group},name:{rung.name}" for index, rung in enumerate(rungs)]
    return " ".join(entries)
