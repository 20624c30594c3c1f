import subprocess

import pytest

from video.transcoding import InvalidMedia, TranscodeError, check_free_space, transcode
from video.transcoding.playlist import read_master, read_media_playlist

from .media import ffprobe


def master(out):
    return read_master(out.stage / "master.m3u8")


def video_variants(out):
    return [v for v in master(out).variants if "RESOLUTION" in v.attrs]


def rendition_stream(out, uri: str, kind: str = "v") -> dict:
    info = ffprobe(out.stage / uri, "-select_streams", f"{kind}:0", "-show_streams")
    return info["streams"][0]


def keyframe_times(playlist) -> list[float]:
    info = ffprobe(playlist, "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags")
    return [float(p["pts_time"]) for p in info["packets"] if "K" in p["flags"]]


def test_landscape_master_playlist(transcoded):
    out = transcoded("landscape.mp4")
    assert (out.result.kind, out.result.width, out.result.height) == ("video", 640, 360)
    assert out.result.duration == pytest.approx(6, abs=0.05)
    parsed = master(out)
    [audio_group] = parsed.media
    assert audio_group.attrs["TYPE"] == "AUDIO" and audio_group.attrs["GROUP-ID"] == "aud"
    assert audio_group.attrs["URI"] == "audio/index.m3u8"
    assert [v.uri for v in parsed.variants] == [
        "360p/index.m3u8",
        "240p/index.m3u8",
        "audio/index.m3u8",
    ]
    for variant in video_variants(out):
        assert variant.attrs["CODECS"].startswith("avc1.64")
        assert variant.attrs["CODECS"].endswith(",mp4a.40.2")
        assert variant.attrs["AUDIO"] == "aud"
    assert [v.attrs["RESOLUTION"] for v in video_variants(out)] == ["640x360", "426x240"]
    audio_only = parsed.variants[-1]
    assert audio_only.attrs["CODECS"] == "mp4a.40.2" and "AUDIO" not in audio_only.attrs


def test_renditions_in_result_match_the_master(transcoded):
    out = transcoded("landscape.mp4")
    sizes = [(r.width, r.height) for r in out.result.renditions]
    assert sizes == [(640, 360), (426, 240), (0, 0)]
    bandwidths = [int(v.attrs["BANDWIDTH"]) for v in master(out).variants]
    assert [r.bandwidth for r in out.result.renditions] == bandwidths
    assert all((out.stage / r.playlist).is_file() for r in out.result.renditions)
    assert set(out.result.timings) == {"probe", "encode", "finalize", "images"}


def test_each_video_rendition_has_a_master_of_its_own(transcoded):
    """For players that cannot be told which rung to play: one rung and the audio."""
    out = transcoded("landscape.mp4")
    masters = [r.master for r in out.result.renditions]
    assert masters == ["master-360p.m3u8", "master-240p.m3u8", ""]
    single = read_master(out.stage / "master-240p.m3u8")
    assert [v.uri for v in single.variants] == ["240p/index.m3u8"]
    assert single.variants[0].attrs == master(out).variants[1].attrs
    assert [m.attrs["URI"] for m in single.media] == ["audio/index.m3u8"]
    cmd = ["ffmpeg", "-v", "error", "-i", str(out.stage / "master-240p.m3u8"), "-f", "null", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stderr == ""


@pytest.mark.parametrize("uri", ["360p/index.m3u8", "240p/index.m3u8", "audio/index.m3u8"])
def test_every_rendition_decodes_cleanly(transcoded, uri):
    playlist = transcoded("landscape.mp4").stage / uri
    cmd = ["ffmpeg", "-v", "error", "-i", str(playlist), "-f", "null", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stderr == ""


def test_keyframes_are_aligned_across_renditions(transcoded):
    out = transcoded("landscape.mp4")
    uris = [v.uri for v in video_variants(out)]
    times = [keyframe_times(out.stage / uri) for uri in uris]
    assert times[0] == times[1]
    # B-frames delay the first picture by two frames; both streams are shifted alike.
    assert [t - times[0][0] for t in times[0]] == pytest.approx([0, 2, 4], abs=0.001)
    segments = [read_media_playlist(out.stage / uri).segments for uri in uris]
    assert [len(s) for s in segments] == [2, 2]


def test_audio_and_video_renditions_start_together(transcoded):
    out = transcoded("landscape.mp4")
    video = float(rendition_stream(out, "360p/index.m3u8")["start_time"])
    audio = float(rendition_stream(out, "audio/index.m3u8", "a")["start_time"])
    assert video == pytest.approx(audio, abs=1024 / 48_000)  # at most the AAC priming


def test_progress_is_monotonic_and_ends_at_100(transcoded):
    out = transcoded("landscape.mp4")
    percents = [p.percent for p in out.progress]
    assert percents == sorted(percents)
    assert percents[-1] == 100 and out.progress[-1].done
    assert len(out.pids) == 1


def test_rotated_phone_video_gives_portrait_renditions(transcoded):
    out = transcoded("portrait.mp4")
    assert (out.result.width, out.result.height) == (360, 640)
    assert [v.attrs["RESOLUTION"] for v in video_variants(out)] == ["360x640", "240x426"]
    stream = rendition_stream(out, "360p/index.m3u8")
    assert (stream["width"], stream["height"]) == (360, 640)
    assert "side_data_list" not in stream  # no display matrix left to rotate it again
    poster = ffprobe(out.stage / out.result.poster, "-show_streams")["streams"][0]
    assert (poster["width"], poster["height"]) == (360, 640)


def test_odd_sized_browser_recording_gets_even_renditions(transcoded):
    out = transcoded("screen.webm")
    assert [v.attrs["RESOLUTION"] for v in video_variants(out)] == ["640x360", "426x240"]
    assert out.result.duration == pytest.approx(4, abs=0.05)


def test_variable_frame_rate_becomes_constant(transcoded):
    out = transcoded("vfr.mp4")
    packets = ffprobe(
        out.stage / "360p/index.m3u8", "-select_streams", "v:0", "-show_entries", "packet=duration"
    )["packets"]
    assert {p["duration"] for p in packets} == {packets[0]["duration"]}
    assert rendition_stream(out, "360p/index.m3u8")["r_frame_rate"] == "18/1"


def interlaced_flags(path) -> set[int]:
    frames = ffprobe(path, "-select_streams", "v:0", "-read_intervals", "%+#5",
                     "-show_entries", "frame=interlaced_frame")["frames"]  # fmt: skip
    return {frame["interlaced_frame"] for frame in frames}


def test_interlaced_source_is_deinterlaced(clip, transcoded):
    assert interlaced_flags(clip("interlaced.mp4")) == {1}
    assert interlaced_flags(transcoded("interlaced.mp4").stage / "360p/index.m3u8") == {0}


def test_60fps_source_is_capped_at_30(transcoded):
    out = transcoded("fps60.mp4")
    assert rendition_stream(out, "360p/index.m3u8")["avg_frame_rate"] == "30/1"
    assert all(v.attrs["FRAME-RATE"] == "30.000" for v in video_variants(out))


def test_video_without_audio_has_no_audio_group(transcoded):
    out = transcoded("no_audio.mp4")
    assert not out.result.has_audio
    parsed = master(out)
    assert parsed.media == []
    assert [v.attrs["CODECS"].split(",")[0][:4] for v in parsed.variants] == ["avc1", "avc1"]
    assert all("AUDIO" not in v.attrs for v in parsed.variants)
    assert not (out.stage / "audio").exists()


def test_the_default_audio_track_is_used(transcoded):
    out = transcoded("two_audio.mkv")
    cmd = ["ffmpeg", "-i", str(out.stage / "audio/index.m3u8"), "-af", "volumedetect",
           "-f", "null", "-"]  # fmt: skip
    stderr = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    mean_volume = float(stderr.split("mean_volume:")[1].split("dB")[0])
    assert mean_volume > -40  # the tone, not the silent first track


def test_short_audio_is_padded_to_the_video_length(transcoded):
    out = transcoded("short_audio.mp4")
    audio = read_media_playlist(out.stage / "audio/index.m3u8")
    video = read_media_playlist(out.stage / "360p/index.m3u8")
    assert audio.duration == pytest.approx(5, abs=0.1)
    assert audio.duration == pytest.approx(video.duration, abs=0.1)


@pytest.mark.parametrize(("name", "channels"), [("audio.mp3", "2"), ("audio.m4a", "1")])
def test_audio_only_upload(transcoded, name, channels):
    out = transcoded(name)
    assert out.result.kind == "audio" and (out.result.width, out.result.height) == (0, 0)
    parsed = master(out)
    assert parsed.media == []
    [variant] = parsed.variants
    assert variant.attrs["CODECS"] == "mp4a.40.2" and "RESOLUTION" not in variant.attrs
    assert out.result.sprite is None and out.result.sprite_vtt is None
    assert rendition_stream(out, variant.uri, "a")["channels"] == int(channels)
    poster = ffprobe(out.stage / out.result.poster, "-show_streams")["streams"][0]
    assert (poster["codec_name"], poster["width"], poster["height"]) == ("mjpeg", 1280, 720)


def test_audio_poster_uses_the_cover_art(transcoded):
    out = transcoded("cover.mp3")
    assert out.result.kind == "audio"
    poster = ffprobe(out.stage / out.result.poster, "-show_streams")["streams"][0]
    assert (poster["codec_name"], poster["width"], poster["height"]) == ("mjpeg", 300, 300)


@pytest.mark.parametrize(
    "name",
    ["empty.mp4", "truncated.mp4", "truncated_faststart.mp4", "text.mp4", "playlist.mp4"],
)
def test_invalid_upload_leaves_nothing_behind(clip, tmp_path, name):
    (tmp_path / "leftover.m4s").write_bytes(b"partial")
    with pytest.raises(InvalidMedia):
        transcode(clip(name), tmp_path)
    assert tmp_path.is_dir() and list(tmp_path.iterdir()) == []


def test_interrupted_encode_removes_partial_files(clip, tmp_path):
    def shutting_down(progress):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        transcode(clip("landscape.mp4"), tmp_path, on_progress=shutting_down)
    assert tmp_path.is_dir() and list(tmp_path.iterdir()) == []


def test_check_free_space(tmp_path):
    check_free_space(tmp_path, 1)
    with pytest.raises(TranscodeError) as caught:
        check_free_space(tmp_path, 1 << 60)
    assert caught.value.transient
