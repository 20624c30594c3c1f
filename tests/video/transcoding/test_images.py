import subprocess

import pytest

from video.transcoding import probe
from video.transcoding.images import (
    Sprite,
    make_poster,
    poster_size,
    sprite_interval,
    sprite_vtt,
)

from .media import ffprobe


def jpeg_size(path) -> tuple[int, int]:
    stream = ffprobe(path, "-show_streams")["streams"][0]
    assert stream["codec_name"] == "mjpeg"
    return stream["width"], stream["height"]


@pytest.mark.parametrize(
    ("duration", "interval"), [(6, 4), (600, 4), (1800, 6), (3600, 10), (7200, 18)]
)
def test_sprite_interval_is_keyframe_aligned_and_bounded(duration, interval):
    assert sprite_interval(duration) == interval


def test_sprite_vtt_points_into_the_grid():
    sprite = Sprite("out/sprite.jpg", "out/sprite.vtt", 4, 10, 2, 160, 90, count=12)
    vtt = sprite_vtt(sprite, duration=45.5)
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nsprite.jpg#xywh=0,0,160,90\n")
    cues = vtt.strip().split("\n\n")[1:]
    assert len(cues) == 12
    assert cues[11] == "00:00:44.000 --> 00:00:45.500\nsprite.jpg#xywh=160,90,160,90"


def mean_luma(image, x: int, y: int, width: int, height: int) -> float:
    cmd = ["ffmpeg", "-v", "error", "-i", str(image), "-vf", f"crop={width}:{height}:{x}:{y}",
           "-f", "rawvideo", "-pix_fmt", "gray", "-"]  # fmt: skip
    pixels = subprocess.run(cmd, capture_output=True, check=True).stdout
    return sum(pixels) / len(pixels)


def test_transcoded_sprite_matches_its_vtt(transcoded):
    out = transcoded("landscape.mp4")
    sprite = out.stage / out.result.sprite
    assert jpeg_size(sprite) == (320, 90)  # 6 s: tiles at 0 s and 4 s
    vtt = (out.stage / out.result.sprite_vtt).read_text()
    assert "00:00:04.000 --> 00:00:06.000\nsprite.jpg#xywh=160,0,160,90" in vtt
    assert mean_luma(sprite, 160, 0, 160, 90) > 50  # the last tile is a picture, not padding


def test_poster_size_is_capped():
    assert poster_size(1920, 1080) == (1280, 720)
    assert poster_size(1080, 1920) == (720, 1280)
    assert poster_size(640, 360) == (640, 360)


def test_poster_from_the_transcode(transcoded):
    out = transcoded("landscape.mp4")
    assert jpeg_size(out.stage / out.result.poster) == (640, 360)


def test_poster_at_a_chosen_time(clip, tmp_path):
    source = probe(clip("landscape.mp4"))
    first, later = tmp_path / "first.jpg", tmp_path / "later.jpg"
    make_poster(source, str(first), width=320, height=180, at=0.5)
    make_poster(source, str(later), width=320, height=180, at=5.0)
    assert jpeg_size(first) == jpeg_size(later) == (320, 180)
    assert first.read_bytes() != later.read_bytes()
