import pytest

from video.transcoding import InvalidMedia, probe


def test_landscape_video_with_audio(clip):
    result = probe(clip("landscape.mp4"))
    assert result.kind == "video"
    assert (result.width, result.height, result.rotation) == (640, 360, 0)
    assert result.duration == pytest.approx(6, abs=0.05)
    assert result.fps == pytest.approx(30)
    assert not result.is_vfr and not result.interlaced
    assert result.has_audio and result.audio_index == 1 and result.audio_channels == 2
    assert result.video_codec == "h264" and result.pix_fmt == "yuv420p"
    assert "mp4" in result.format_name
    assert result.size == clip("landscape.mp4").stat().st_size


def test_rotated_phone_video_is_reported_as_displayed(clip):
    result = probe(clip("portrait.mp4"))
    assert (result.width, result.height) == (360, 640)
    assert result.rotation == 90
    assert result.is_portrait


def test_browser_recording_without_duration_and_with_odd_size(clip):
    result = probe(clip("screen.webm"))
    assert (result.width, result.height) == (641, 361)
    assert result.video_codec == "vp9"
    assert result.duration == pytest.approx(4, abs=0.05)  # measured from the packets


def test_variable_frame_rate_is_detected(clip):
    result = probe(clip("vfr.mp4"))
    assert result.is_vfr
    assert result.fps < 25  # the average, not the 30 fps time base


def test_interlaced_is_detected(clip):
    assert probe(clip("interlaced.mp4")).interlaced


def test_high_frame_rate(clip):
    assert probe(clip("fps60.mp4")).fps == pytest.approx(60)


def test_video_without_audio(clip):
    result = probe(clip("no_audio.mp4"))
    assert result.kind == "video"
    assert not result.has_audio and result.audio_index is None


def test_default_audio_track_is_chosen(clip):
    result = probe(clip("two_audio.mkv"))
    assert result.audio_index == 2
    assert "matroska" in result.format_name


def test_audio_shorter_than_video(clip):
    result = probe(clip("short_audio.mp4"))
    assert result.duration == pytest.approx(5, abs=0.05)
    assert result.audio_duration == pytest.approx(2, abs=0.1)


@pytest.mark.parametrize("name", ["audio.mp3", "audio.m4a"])
def test_audio_only(clip, name):
    result = probe(clip(name))
    assert result.kind == "audio"
    assert result.has_audio and result.video_index is None
    assert result.duration == pytest.approx(4, abs=0.1)
    assert result.cover_index is None


def test_cover_art_is_not_video(clip):
    result = probe(clip("cover.mp3"))
    assert result.kind == "audio"
    assert result.cover_index == 1
    assert (result.width, result.height) == (0, 0)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("empty.mp4", "empty"),
        ("truncated.mp4", "truncated"),
        ("truncated_faststart.mp4", "truncated"),
        ("text.mp4", "not_media"),
        ("playlist.mp4", "playlist"),
    ],
)
def test_invalid_uploads_are_explained(clip, name, code):
    with pytest.raises(InvalidMedia) as caught:
        probe(clip(name))
    error = caught.value
    assert error.code == code
    assert not error.transient
    assert "请" in error.message  # tells the lecturer what to do, in Chinese
    assert error.message_en and error.detail == error.message_en


def test_playlist_renamed_to_mp4_is_never_opened(clip, tmp_path):
    """The whitelist stops the hls demuxer before it reads the clip the playlist names."""
    playlist = tmp_path / "lecture.mp4"
    playlist.write_text(clip("playlist.mp4").read_text().replace("target.mp4", "/etc/passwd"))
    with pytest.raises(InvalidMedia) as caught:
        probe(playlist)
    assert caught.value.code == "playlist"
