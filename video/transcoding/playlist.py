"""Read HLS playlists and write the final master playlist.

ffmpeg 5.1's own master declares BANDWIDTH from the encoder's rate cap and can leave out
CODECS (it needs Annex-B extradata to build one). Players choose renditions from those
attributes, so the master is rewritten from the renditions actually on disk: measured
bitrates, RESOLUTION from the init segment, CODECS from its avcC box.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from .command import AUDIO_GROUP, AUDIO_NAME, MASTER_NAME
from .probe import ffprobe, file_url

AAC_LC = "mp4a.40.2"
# The first variant is where players start; a modest one suits phones on weak networks.
START_SHORT_SIDE = 480

_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


@dataclass(frozen=True)
class Segment:
    uri: str
    duration: float


@dataclass(frozen=True)
class MediaPlaylist:
    """One rendition's playlist; URIs are relative to its directory."""

    path: str
    init: str | None
    segments: list[Segment]
    ended: bool

    @property
    def duration(self) -> float:
        return sum(segment.duration for segment in self.segments)

    def resolve(self, uri: str) -> str:
        return os.path.join(os.path.dirname(self.path), uri)


@dataclass(frozen=True)
class Entry:
    """A master playlist tag: its attributes and, for EXT-X-STREAM-INF, the URI line."""

    attrs: dict[str, str]
    uri: str | None = None


@dataclass(frozen=True)
class Master:
    variants: list[Entry]
    media: list[Entry]


@dataclass(frozen=True)
class Variant:
    """A rendition as listed in the master; bandwidths in bits/s include shared audio."""

    uri: str
    bandwidth: int
    average_bandwidth: int
    codecs: str
    width: int = 0
    height: int = 0
    channels: int = 0


def parse_attributes(text: str) -> dict[str, str]:
    return {key: value.strip('"') for key, value in _ATTRIBUTE.findall(text)}


def read_master(path: str | os.PathLike) -> Master:
    variants, media = [], []
    lines = iter(_lines(path))
    for line in lines:
        if line.startswith("#EXT-X-STREAM-INF:"):
            variants.append(Entry(parse_attributes(line.partition(":")[2]), next(lines, None)))
        elif line.startswith("#EXT-X-MEDIA:"):
            media.append(Entry(parse_attributes(line.partition(":")[2])))
    return Master(variants, media)


def read_media_playlist(path: str | os.PathLike) -> MediaPlaylist:
    init, segments, ended, duration = None, [], False, None
    for line in _lines(path):
        if line.startswith("#EXT-X-MAP:"):
            init = parse_attributes(line.partition(":")[2]).get("URI")
        elif line.startswith("#EXTINF:"):
            duration = float(line.partition(":")[2].split(",")[0])
        elif line == "#EXT-X-ENDLIST":
            ended = True
        elif not line.startswith("#") and duration is not None:
            segments.append(Segment(line, duration))
            duration = None
    return MediaPlaylist(os.fspath(path), init, segments, ended)


def write_master(
    out_dir: str | os.PathLike,
    video_uris: list[str],
    audio_uri: str | None,
    *,
    frame_rate: float | None = None,
) -> list[Variant]:
    """Write ``master.m3u8`` for the given renditions; return its variants in order.

    Beside it, each video rendition gets a master of its own (:func:`single_master_name`)
    listing only that rendition with the audio: a player that cannot be told which rung
    to play (a browser playing HLS natively) is given one of these to start low on a weak
    link, to keep a data saver's cap, or to hold the quality the learner chose.
    """
    audio = measure_rendition(out_dir, audio_uri) if audio_uri else None
    videos = [_with_audio(measure_rendition(out_dir, uri), audio) for uri in video_uris]
    variants = _start_first(videos) + ([audio] if audio else [])
    _write(os.path.join(out_dir, MASTER_NAME), variants, audio, frame_rate)
    for video in videos:
        _write(os.path.join(out_dir, single_master_name(video.uri)), [video], audio, frame_rate)
    return variants


def single_master_name(video_uri: str) -> str:
    """``master-360p.m3u8`` for the rendition ``360p/index.m3u8``."""
    return f"master-{video_uri.split('/')[0]}.m3u8"


def _write(path: str, variants: list[Variant], audio: Variant | None, frame_rate) -> None:
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    if audio and any(variant is not audio for variant in variants):
        lines.append(_media_line(audio))
    for variant in variants:
        grouped = audio is not None and variant is not audio
        lines += [_stream_inf(variant, frame_rate, grouped=grouped), variant.uri]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def measure_rendition(out_dir: str | os.PathLike, uri: str) -> Variant:
    """Bitrates from segment sizes, and size and codec from the init segment."""
    playlist = read_media_playlist(os.path.join(out_dir, uri))
    peak, average = _bitrates(playlist)
    init = playlist.resolve(playlist.init or "")
    stream = ffprobe(file_url(init), "-show_streams")["streams"][0]
    if stream["codec_type"] == "audio":
        return Variant(uri, peak, average, AAC_LC, channels=int(stream.get("channels", 0)))
    return Variant(uri, peak, average, avc1_codec(init), stream["width"], stream["height"])


def avc1_codec(init_path: str) -> str:
    """RFC 6381 codec string (avc1.PPCCLL) from the avcC box of an fMP4 init segment."""
    with open(init_path, "rb") as fh:
        data = fh.read()
    box = data.find(b"avcC")
    if box < 0:
        raise ValueError(f"no avcC box in {init_path}")
    profile, constraints, level = data[box + 5 : box + 8]
    return f"avc1.{profile:02x}{constraints:02x}{level:02x}"


def _bitrates(playlist: MediaPlaylist) -> tuple[int, int]:
    sizes = [os.path.getsize(playlist.resolve(s.uri)) for s in playlist.segments]
    durations = [s.duration for s in playlist.segments]
    average = sum(sizes) * 8 / max(sum(durations), 1e-3)
    # A short tail segment is mostly its keyframe; it would overstate the peak.
    longest = max(durations, default=0)
    rates = [size * 8 / d for size, d in zip(sizes, durations, strict=True) if d >= longest / 2]
    return round(max(rates, default=average)), round(average)


def _with_audio(video: Variant, audio: Variant | None) -> Variant:
    if audio is None:
        return video
    return replace(
        video,
        bandwidth=video.bandwidth + audio.bandwidth,
        average_bandwidth=video.average_bandwidth + audio.average_bandwidth,
        codecs=f"{video.codecs},{audio.codecs}",
    )


def _start_first(videos: list[Variant]) -> list[Variant]:
    if not videos:
        return []
    ordered = sorted(videos, key=lambda v: v.bandwidth, reverse=True)
    modest = (v for v in ordered if min(v.width, v.height) <= START_SHORT_SIDE)
    start = next(modest, ordered[-1])
    return [start, *(v for v in ordered if v is not start)]


def _media_line(audio: Variant) -> str:
    return (
        f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{AUDIO_GROUP}",NAME="{AUDIO_NAME}",'
        f'DEFAULT=YES,AUTOSELECT=YES,CHANNELS="{audio.channels}",URI="{audio.uri}"'
    )


def _stream_inf(variant: Variant, frame_rate: float | None, *, grouped: bool) -> str:
    attrs = [
        f"BANDWIDTH={variant.bandwidth}",
        f"AVERAGE-BANDWIDTH={variant.average_bandwidth}",
        f'CODECS="{variant.codecs}"',
    ]
    if variant.width:
        attrs.append(f"RESOLUTION={variant.width}x{variant.height}")
        if frame_rate:
            attrs.append(f"FRAME-RATE={frame_rate:.3f}")
    if grouped:
        attrs.append(f'AUDIO="{AUDIO_GROUP}"')
    return "#EXT-X-STREAM-INF:" + ",".join(attrs)


def _lines(path: str | os.PathLike) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip()]
