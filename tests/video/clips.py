"""Tiny real media files made with ffmpeg's lavfi sources, one per input class."""

import subprocess
from pathlib import Path

X264 = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
AAC = ("-c:a", "aac", "-b:a", "48k")


def ffmpeg(*args) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *map(str, args)], check=True
    )


def picture(size: str = "320x180", seconds: float = 2) -> tuple:
    return ("-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}")


def tone(seconds: float = 2) -> tuple:
    return ("-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}")


def _landscape(path: Path) -> None:
    ffmpeg(*picture(), *tone(), *X264, *AAC, path)


def _ladder(path: Path) -> None:
    # Big enough for two rungs (360p, 240p): the player must be able to choose.
    ffmpeg(*picture("640x360", 6), *tone(6), *X264, *AAC, path)


def _phone(path: Path) -> None:
    # A phone's portrait video: landscape pixels plus a rotation tag, odd-sized.
    flat = path.with_name("phone-flat.mp4")
    ffmpeg(*picture("322x182"), *tone(), *X264, *AAC, flat)
    ffmpeg("-i", flat, "-c", "copy", "-metadata:s:v:0", "rotate=90", path)


def _lecture(path: Path) -> None:
    # Longer than what the player buffers ahead (30 s): twelve 4 s segments per rendition.
    ffmpeg(*picture("640x360", 48), *tone(48), *X264, *AAC, path)


def _portrait(path: Path) -> None:
    # A lecture filmed upright on a phone, long enough to look at its player while it plays.
    ffmpeg(*picture("360x640", 12), *tone(12), *X264, *AAC, path)


def _long(path: Path) -> None:
    # Long enough that a worker can be killed while ffmpeg runs.
    ffmpeg(*picture("320x180", 60), *tone(60), *X264, *AAC, path)


def _audio(path: Path) -> None:
    ffmpeg(*tone(), "-c:a", "libmp3lame", "-b:a", "64k", path)


def _screen(path: Path) -> None:
    # A browser screen capture: VP9 in WebM, odd size, streamed so it has no duration.
    with path.open("wb") as out:
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", *picture("321x181"), *tone(),
             "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
             "-c:a", "libopus", "-f", "webm", "pipe:1"],
            stdout=out, check=True,
        )  # fmt: skip


def _playlist(path: Path) -> None:
    # An HLS playlist naming a real clip next to it: following it must not happen.
    _landscape(path.with_name("target.mp4"))
    path.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\ntarget.mp4\n#EXT-X-ENDLIST\n")


def _text(path: Path) -> None:
    path.write_text("焊接安全要点讲义\n" * 40, encoding="utf-8")


def _truncated(path: Path) -> None:
    whole = path.with_name("whole.mp4")
    ffmpeg(*picture(), *tone(), *X264, *AAC, whole)
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])


MAKERS = {
    "landscape.mp4": _landscape,
    "ladder.mp4": _ladder,
    "lecture.mp4": _lecture,
    "phone.mp4": _phone,
    "portrait.mp4": _portrait,
    "long.mp4": _long,
    "audio.mp3": _audio,
    "screen.webm": _screen,
    "playlist.mp4": _playlist,
    "notes.mp4": _text,
    "truncated.mp4": _truncated,
}
