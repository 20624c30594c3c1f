"""The playlists viewers read: connections joined with a discontinuity, the waiting
picture before the start left out of the replay, the end of the event."""

import datetime

from live import hls

START = datetime.datetime(2026, 12, 7, 19, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)
MS = datetime.timedelta(milliseconds=1)


def write_session(directory, number, count=0, *, at, durations=()):
    """A connection's playlist as ffmpeg 5.1 writes it (EXTINF before the date-time)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-PLAYLIST-TYPE:EVENT",
             f'#EXT-X-MAP:URI="s{number}-init_360p.mp4"']  # fmt: skip
    for n, duration in enumerate(durations or [2.0] * count):
        moment = at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
        lines += [
            f"#EXTINF:{duration:.6f},",
            f"#EXT-X-PROGRAM-DATE-TIME:{moment}",
            f"s{number}-{n:05d}.m4s",
        ]
        at += datetime.timedelta(seconds=duration)
    (directory / f"s{number}.m3u8").write_text("\n".join(lines) + "\n")


def test_connections_are_joined_and_the_replay_starts_at_the_scheduled_start(tmp_path):
    write_session(tmp_path, 1, 5, at=START - datetime.timedelta(seconds=6))
    write_session(tmp_path, 2, 3, at=START + datetime.timedelta(seconds=30))
    segments = hls.lecture_segments(str(tmp_path))
    assert [s.uri for s in segments][4:6] == ["s1-00004.m4s", "s2-00000.m4s"]
    assert segments[0].program_time == START - datetime.timedelta(seconds=6)

    live = hls.render(segments, ended=False)
    assert live.count("#EXT-X-DISCONTINUITY") == 1
    assert '#EXT-X-MAP:URI="s2-init_360p.mp4"' in live
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in live and "#EXT-X-ENDLIST" not in live

    replay = hls.trim_before(segments, START)
    assert [s.uri for s in replay][:2] == ["s1-00003.m4s", "s1-00004.m4s"]
    assert hls.write_index(str(tmp_path), replay, ended=True)
    assert not hls.write_index(str(tmp_path), replay, ended=True)  # unchanged: not rewritten
    for segment in segments:
        (tmp_path / segment.uri).write_bytes(b"x")
    assert hls.remove_unlisted(str(tmp_path), replay) == 3 + 2  # three segments, two playlists
    assert (tmp_path / "index.m3u8").read_text().endswith("#EXT-X-ENDLIST\n")


def test_a_lecture_streamed_only_before_its_start_keeps_its_last_segment(tmp_path):
    write_session(tmp_path, 1, 3, at=START - datetime.timedelta(minutes=10))
    segments = hls.lecture_segments(str(tmp_path))
    assert [s.uri for s in hls.trim_before(segments, START)] == ["s1-00002.m4s"]


def test_renditions_are_cut_to_the_length_all_of_them_reached(tmp_path):
    from live.replay import aligned

    for name, count in (("360p", 5), ("240p", 4), ("audio", 5)):
        (tmp_path / name).mkdir()
        write_session(tmp_path / name, 1, count, at=START)
        write_session(tmp_path / name, 2, 2, at=START + datetime.timedelta(minutes=1))
    renditions = aligned(
        {name: hls.lecture_segments(str(tmp_path / name)) for name in ("360p", "240p", "audio")}
    )
    assert {name: len(segments) for name, segments in renditions.items()} == {
        "360p": 6,
        "240p": 6,
        "audio": 6,
    }


# What ffmpeg wrote for an SRT publisher: the audio stopped 0.3 s before the picture.
VIDEO_12S = [2.0, 2.0, 2.0, 2.0, 2.0, 1.56]
AUDIO_12S = [2.005333, 2.005333, 2.005333, 1.984, 2.005333, 1.258667]


def test_renditions_whose_audio_ends_first_are_cut_where_all_end_a_segment(tmp_path):
    from live.replay import aligned

    for name, durations in (("360p", VIDEO_12S), ("240p", VIDEO_12S), ("audio", AUDIO_12S)):
        (tmp_path / name).mkdir()
        write_session(tmp_path / name, 1, at=START, durations=durations)
        # A reconnect, then a transcoder killed mid-segment in one rendition.
        write_session(tmp_path / name, 2, at=START + MINUTE, durations=durations)
        write_session(
            tmp_path / name,
            3,
            at=START + 2 * MINUTE,
            durations=durations[: 5 if name == "240p" else 6],
        )
    renditions = aligned(
        {name: hls.lecture_segments(str(tmp_path / name)) for name in ("360p", "240p", "audio")}
    )
    lengths = {name: sum(s.duration for s in segments) for name, segments in renditions.items()}
    assert [len(segments) for segments in renditions.values()] == [15, 15, 15]
    assert lengths["360p"] == lengths["240p"] == 30.0
    assert abs(lengths["audio"] - 30.0) < 0.1


def test_the_waiting_picture_goes_from_every_rendition_alike(tmp_path):
    from live.replay import trimmed

    # The start falls between the video's segment end and the audio's, 5 ms later.
    video = [hls.LiveSegment(f"v{n}", 2.0, "i", START + n * 2 * SECOND, 1) for n in range(4)]
    audio = [hls.LiveSegment(f"a{n}", 2.005, "i", START + n * 2005 * MS, 1) for n in range(4)]
    kept = trimmed({"360p": video, "audio": audio}, START + 2002 * MS)
    assert [s.uri for s in kept["360p"]] == ["v1", "v2", "v3"]
    assert [s.uri for s in kept["audio"]] == ["a1", "a2", "a3"]
