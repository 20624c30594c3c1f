"""Small real media files made with ffmpeg's lavfi sources, and probing helpers."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

SECONDS = 4
X264 = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
AAC = ("-c:a", "aac", "-b:a", "64k")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def ffprobe(target: str | Path, *args: str) -> dict:
    cmd = ["ffprobe", "-v", "error", "-of", "json", *args, str(target)]
    return json.loads(subprocess.run(cmd, capture_output=True, check=True).stdout)


def video_source(size: str = "640x360", rate: int = 30, seconds: float = SECONDS) -> tuple:
    return ("-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}")


def tone(seconds: float = SECONDS, frequency: int = 440) -> tuple:
    source = f"sine=frequency={frequency}:sample_rate=48000:duration={seconds}"
    return ("-f", "lavfi", "-i", source)


def silence(seconds: float = SECONDS) -> tuple:
    return ("-f", "lavfi", "-i", f"anullsrc=channel_layout=stereo:sample_rate=48000:d={seconds}")


def _landscape(path: Path) -> None:
    ffmpeg(*video_source(seconds=6), *tone(6), *X264, *AAC, "-ac", "2", str(path))


def _portrait(path: Path) -> None:
    # ffmpeg 5.1 has no -display_rotation; the rotate tag only sticks when stream-copying.
    landscape = path.with_name("portrait-unrotated.mp4")
    ffmpeg(*video_source(), *tone(), *X264, *AAC, str(landscape))
    ffmpeg("-i", str(landscape), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(path))


def _screen_recording(path: Path) -> None:
    # Like a browser (MediaRecorder) capture of a window: VP9 in WebM with odd dimensions,
    # written as a stream, so the file has no duration and no index.
    with path.open("wb") as out:
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", *video_source(), *tone(),
             "-vf", "scale=641:361,setsar=1", "-c:v", "libvpx-vp9", "-deadline", "realtime",
             "-cpu-used", "8", "-c:a", "libopus", "-f", "webm", "pipe:1"],
            stdout=out, check=True,
        )  # fmt: skip


def _vfr(path: Path) -> None:
    # 30 fps for 1.5 s, then every third frame: real timestamps, irregular spacing.
    source = f"testsrc2=size=640x360:rate=30:duration={SECONDS},select='lt(t,1.5)+not(mod(n,3))'"
    ffmpeg("-f", "lavfi", "-i", source, *tone(), "-fps_mode", "vfr", *X264, *AAC, str(path))


def _interlaced(path: Path) -> None:
    ffmpeg(*video_source(), *tone(), "-vf", "setfield=tff", "-flags", "+ilme+ildct",
           "-top", "1", *X264, *AAC, str(path))  # fmt: skip


def _fps60(path: Path) -> None:
    ffmpeg(*video_source(rate=60), *tone(), *X264, *AAC, str(path))


def _no_audio(path: Path) -> None:
    ffmpeg(*video_source(), *X264, str(path))


def _two_audio(path: Path) -> None:
    # The silent first track is not the default one: the tone must be chosen.
    ffmpeg(*video_source(), *silence(), *tone(), "-map", "0:v", "-map", "1:a", "-map", "2:a",
           *X264, *AAC, "-disposition:a:0", "0", "-disposition:a:1", "default",
           str(path))  # fmt: skip


def _short_audio(path: Path) -> None:
    ffmpeg(*video_source(seconds=5), *tone(2), *X264, *AAC, str(path))


def _audio_mp3(path: Path) -> None:
    ffmpeg(*tone(), "-ac", "2", "-c:a", "libmp3lame", "-b:a", "96k", str(path))


def _audio_m4a(path: Path) -> None:
    ffmpeg(*tone(), "-ac", "1", *AAC, str(path))


def _cover_mp3(path: Path) -> None:
    cover = path.with_name("cover.png")
    ffmpeg(*video_source("300x300", seconds=1), "-frames:v", "1", str(cover))
    ffmpeg(*tone(), "-i", str(cover), "-map", "0:a", "-map", "1:v", "-c:a", "libmp3lame",
           "-c:v", "mjpeg", "-disposition:v", "attached_pic", "-id3v2_version", "3",
           str(path))  # fmt: skip


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    whole = path.with_name("whole.mp4")
    ffmpeg(*video_source(), *tone(), *X264, *AAC, str(whole))
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # moov is written last: cut off with the tail


def _truncated_faststart(path: Path) -> None:
    whole = path.with_name("whole-faststart.mp4")
    ffmpeg(*video_source(), *tone(), *X264, *AAC, "-movflags", "+faststart", str(whole))
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # moov intact, promising media that is gone


def _text(path: Path) -> None:
    path.write_text("第三讲 讲义:焊接安全要点\n" * 50, encoding="utf-8")


def _playlist(path: Path) -> None:
    # Names a real clip next to it: following it would "work", and must not happen.
    shutil.copy(path.with_name("landscape.mp4"), path.with_name("target.mp4"))
    path.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXTINF:6.0,\ntarget.mp4\n#EXT-X-ENDLIST\n"
    )


def make(name: str, path: Path) -> None:
    """Write the clip called ``name`` (a key of :data:`MAKERS`) to ``path``."""
    MAKERS[name](path)


MAKERS = {
    "landscape.mp4": _landscape,
    "portrait.mp4": _portrait,
    "screen.webm": _screen_recording,
    "vfr.mp4": _vfr,
    "interlaced.mp4": _interlaced,
    "fps60.mp4": _fps60,
    "no_audio.mp4": _no_audio,
    "two_audio.mkv": _two_audio,
    "short_audio.mp4": _short_audio,
    "audio.mp3": _audio_mp3,
    "audio.m4a": _audio_m4a,
    "cover.mp3": _cover_mp3,
    "empty.mp4": _empty,
    "truncated.mp4": _truncated,
    "truncated_faststart.mp4": _truncated_faststart,
    "text.mp4": _text,
    "playlist.mp4": _playlist,
}
