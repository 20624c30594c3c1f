from fractions import Fraction

import pytest

from video.transcoding import ProbeResult, output_fps, plan_audio, plan_ladder


def video(width: int, height: int, fps: float = 30.0, **fields) -> ProbeResult:
    return ProbeResult(
        path="x.mp4",
        kind="video",
        duration=10.0,
        format_name="mov,mp4,m4a,3gp,3g2,mj2",
        size=1,
        has_audio=fields.pop("has_audio", True),
        audio_channels=fields.pop("audio_channels", 2),
        video_index=0,
        width=width,
        height=height,
        fps=fps,
        **fields,
    )


def sizes(probe: ProbeResult) -> list[tuple[int, int]]:
    return [(rung.width, rung.height) for rung in plan_ladder(probe)]


def test_full_hd_gets_every_rung():
    rungs = plan_ladder(video(1920, 1080))
    assert [rung.name for rung in rungs] == ["1080p", "720p", "480p", "360p", "240p"]
    assert sizes(video(1920, 1080)) == [
        (1920, 1080),
        (1280, 720),
        (854, 480),
        (640, 360),
        (426, 240),
    ]


def test_portrait_phone_video_gets_portrait_rungs():
    assert sizes(video(1080, 1920))[:3] == [(1080, 1920), (720, 1280), (480, 854)]


def test_never_upscales():
    assert [rung.name for rung in plan_ladder(video(888, 500))] == ["480p", "360p", "240p"]
    assert sizes(video(1280, 719))[0] == (854, 480)


def test_tiny_source_gets_one_rung_at_its_own_even_size():
    assert sizes(video(321, 181)) == [(320, 180)]


def test_odd_source_gives_even_rungs_with_the_same_aspect():
    assert sizes(video(641, 361)) == [(640, 360), (426, 240)]
    for width, height in sizes(video(1001, 777)):
        assert width % 2 == 0 and height % 2 == 0
        assert width / height == pytest.approx(1001 / 777, rel=0.01)


def test_bitrate_caps():
    rungs = {rung.name: rung for rung in plan_ladder(video(1920, 1080))}
    assert rungs["1080p"].bitrate == 2_500_000
    assert rungs["240p"].bitrate == 250_000
    assert rungs["720p"].maxrate == 1_540_000
    assert rungs["720p"].bufsize == 2_800_000


def test_audio_has_no_video_rungs():
    audio = ProbeResult(
        path="a.mp3", kind="audio", duration=3, format_name="mp3", size=1, has_audio=True
    )
    assert plan_ladder(audio) == []


@pytest.mark.parametrize(
    ("fps", "expected"),
    [
        (30, Fraction(30)),
        (25, Fraction(25)),
        (24000 / 1001, Fraction(24000, 1001)),
        (60, Fraction(30)),
        (60000 / 1001, Fraction(30000, 1001)),
        (50, Fraction(25)),
        (120, Fraction(30)),
        (35, Fraction(30)),
        (7.5, Fraction(15, 2)),
        (0, Fraction(30)),
    ],
)
def test_frame_rate_is_capped_at_30(fps, expected):
    assert output_fps(video(1280, 720, fps=fps)) == expected


def test_variable_frame_rate_gets_a_whole_constant_rate():
    assert output_fps(video(1280, 720, fps=17.8, is_vfr=True)) == 18
    assert output_fps(video(1280, 720, fps=29.4, is_vfr=True)) == 30
    assert output_fps(video(1280, 720, fps=58.7, is_vfr=True)) == 30


def test_one_shared_aac_rendition():
    stereo = plan_audio(video(1280, 720, audio_channels=6))
    assert (stereo.channels, stereo.bitrate, stereo.sample_rate) == (2, 96_000, 48_000)
    mono = plan_audio(video(1280, 720, audio_channels=1))
    assert (mono.channels, mono.bitrate) == (1, 64_000)
    assert plan_audio(video(1280, 720, has_audio=False)) is None
