"""Lecture-like demo videos made on this machine: slides with Chinese text drawn by ffmpeg,
a small presenter inset with the lecturer's name and the voice's waveform, and Mandarin
narration spoken by espeak-ng from the lesson's script.

Encodes are cheap (static slides, 10 frames a second, x264's fastest preset) and each
result is kept under a name made from a hash of everything that goes into it, so seeding
again after the database was wiped renders nothing twice. Pure Python and subprocesses:
no Django import.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

# Bump when the output of the same script would change, so cached files are not reused.
RENDER_VERSION = 1
FONT = "Noto Sans CJK SC"
VOICE = "cmn"
WORDS_PER_MINUTE = "150"
FPS = 10
PAUSE_SECONDS = 1.0
LANDSCAPE = (640, 360)
PORTRAIT = (360, 640)
INK, PAPER, BAND = "0x222222", "0xf4f1ea", "0xb3261e"


@dataclass(frozen=True)
class Slide:
    title: str
    points: tuple[str, ...]
    narration: str


@dataclass(frozen=True)
class Lecture:
    """A demo lecture. ``unit`` is the slug of the academy or base whose collection holds
    it, ``lecturer`` the username of the lecturer's account, ``presenter`` the name shown.
    """

    key: str
    title: str
    unit: str
    lecturer: str
    presenter: str
    description: str
    slides: tuple[Slide, ...]
    public: bool = False
    portrait: bool = False
    audio_only: bool = False

    def brief(self) -> Lecture:
        """One slide and its narration's first sentence: the same lecture in seconds,
        for test runs."""
        first = self.slides[0]
        sentence = first.narration.split("。")[0] + "。"
        return Lecture(**{**asdict(self), "slides": (Slide(first.title, first.points, sentence),)})


def cache_dir() -> Path:
    default = Path(__file__).resolve().parent.parent / ".cache" / "demo-media"
    return Path(os.environ.get("LMS_DEMO_CACHE") or default)


def render(lecture: Lecture, *, unit_title: str) -> Path:
    """The lecture's source file (MP4, or M4A for sound only), rendered unless cached."""
    spec = {
        "v": RENDER_VERSION,
        "voice": [VOICE, WORDS_PER_MINUTE, PAUSE_SECONDS],
        "fps": FPS,
        "unit": unit_title,
        **asdict(lecture),
    }
    digest = hashlib.sha256(json.dumps(spec, ensure_ascii=False, sort_keys=True).encode())
    target = cache_dir() / f"{lecture.key}-{digest.hexdigest()[:16]}"
    target = target.with_suffix(".m4a" if lecture.audio_only else ".mp4")
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lms-lecture-") as folder:
        work = Path(folder)
        narration, lengths = _narrate(lecture.slides, work)
        partial = work / target.name
        if lecture.audio_only:
            _ffmpeg("-i", narration, "-c:a", "aac", "-b:a", "64k", "-ac", "1", partial)
        else:
            size = PORTRAIT if lecture.portrait else LANDSCAPE
            slides = [
                _draw_slide(lecture, number, unit_title, size, work)
                for number in range(len(lecture.slides))
            ]
            _compose(slides, lengths, narration, _presenter(lecture.presenter, work), partial)
        # Two seeding runs at once (the test suite's two passes) may render the same file.
        os.replace(partial, target)
    return target


def _ffmpeg(*args) -> None:
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *map(str, args)]
    subprocess.run(command, check=True, capture_output=True)


def _narrate(slides: tuple[Slide, ...], work: Path) -> tuple[Path, list[float]]:
    """One WAV of every slide's narration, a pause after each; and each slide's length."""
    lengths, frames, params = [], [], None
    for number, slide in enumerate(slides):
        path = work / f"voice-{number}.wav"
        subprocess.run(
            ["espeak-ng", "-v", VOICE, "-s", WORDS_PER_MINUTE, "-w", str(path), slide.narration],
            check=True,
            capture_output=True,
        )
        with wave.open(str(path), "rb") as voice:
            params = voice.getparams()
            data = voice.readframes(voice.getnframes())
        silence = b"\0" * (int(params.framerate * PAUSE_SECONDS) * params.sampwidth)
        frames.append(data + silence)
        lengths.append((len(data) + len(silence)) / (params.framerate * params.sampwidth))
    narration = work / "narration.wav"
    with wave.open(str(narration), "wb") as out:
        out.setparams(params)
        out.writeframes(b"".join(frames))
    return narration, lengths


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters (Chinese has no spaces to break at)."""
    return [text[start : start + width] for start in range(0, len(text), width)] or [""]


def _text_file(work: Path, name: str, text: str) -> Path:
    path = work / name
    path.write_text(text, encoding="utf-8")
    return path


def _drawtext(textfile: Path, size: int, color: str, x: str, y: str, spacing: int = 0) -> str:
    return (
        f"drawtext=font='{FONT}':textfile='{textfile}':fontsize={size}:fontcolor={color}"
        f":x={x}:y={y}:line_spacing={spacing}"
    )


def _draw_slide(lecture: Lecture, number: int, unit: str, size, work: Path) -> Path:
    width, height = size
    slide = lecture.slides[number]
    columns = (width - 64) // 24
    lines = []
    for point in slide.points:
        for index, part in enumerate(_wrap(point, columns - 2)):
            lines.append(("• " if index == 0 else "  ") + part)
    body = "\n".join(lines)
    title = "\n".join(_wrap(slide.title, (width - 48) // 30))
    footer = f"{unit} · {lecture.presenter} · {number + 1}/{len(lecture.slides)}"
    band = 56 if "\n" not in title else 96
    filters = [
        f"drawbox=x=0:y=0:w=iw:h={band}:color={BAND}:t=fill",
        _drawtext(_text_file(work, f"title-{number}.txt", title), 28, "white", "24", "12", 8),
        _drawtext(_text_file(work, f"body-{number}.txt", body), 24, INK, "32", str(band + 30), 16),
        _drawtext(_text_file(work, f"foot-{number}.txt", footer), 14, "0x666666", "24", "h-28"),
    ]
    path = work / f"slide-{number}.png"
    _ffmpeg(
        "-f", "lavfi", "-i", f"color=c={PAPER}:s={width}x{height}:d=1",
        "-frames:v", "1", "-vf", ",".join(filters), path,
    )  # fmt: skip
    return path


def _presenter(name: str, work: Path) -> Path:
    """A small card: a figure's silhouette and the lecturer's name."""
    head = "lt(hypot(X-60,Y-34),17)"
    body = "lt(hypot((X-60)/38,(Y-96)/34),1)"
    colour = {"r": (235, 70, 43), "g": (200, 110, 58), "b": (170, 160, 85)}
    geq = ":".join(
        f"{channel}='if({head},{a},if({body},{b},{c}))'" for channel, (a, b, c) in colour.items()
    )
    label = _text_file(work, "presenter.txt", name)
    path = work / "presenter.png"
    _ffmpeg(
        "-f", "lavfi", "-i", "color=c=0x2b3a55:s=120x96:d=1", "-frames:v", "1",
        "-vf", f"geq={geq},{_drawtext(label, 14, 'white', '(w-tw)/2', '70')}", path,
    )  # fmt: skip
    return path


def _compose(slides, lengths, narration: Path, presenter: Path, out: Path) -> None:
    """Slides for their narration's length, the presenter card with the voice's waveform
    in a corner, the narration; one pass of x264's fastest preset."""
    listing = []
    for slide, length in zip(slides, lengths, strict=True):
        listing += [f"file '{slide}'", f"duration {length:.3f}"]
    listing.append(f"file '{slides[-1]}'")  # the concat demuxer needs the last one twice
    concat = out.parent / "slides.txt"
    concat.write_text("\n".join(listing) + "\n", encoding="utf-8")
    graph = (
        f"[1:a]aresample=48000,asplit[voice][wave];"
        f"[wave]showwaves=s=120x20:mode=cline:rate={FPS}:colors=0xffd166[waves];"
        f"[2:v]fps={FPS}[card];[card][waves]overlay=0:H-20:shortest=1[inset];"
        f"[0:v]fps={FPS},format=yuv420p[slides];"
        f"[slides][inset]overlay=W-w-12:H-h-40:shortest=1,format=yuv420p[video]"
    )
    _ffmpeg(
        "-f", "concat", "-safe", "0", "-i", concat, "-i", narration, "-loop", "1", "-i", presenter,
        "-filter_complex", graph, "-map", "[video]", "-map", "[voice]",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-crf", "26",
        "-g", str(FPS * 4), "-c:a", "aac", "-b:a", "64k", "-ac", "1", "-shortest",
        "-movflags", "+faststart", out,
    )  # fmt: skip
