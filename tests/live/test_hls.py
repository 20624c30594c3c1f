"""The playlists viewers read: connections joined with a discontinuity, the waiting
picture before the start left out of the replay, the end of the event."""

import datetime

from live import hls

START = datetime.datetime(2026, 12, 7, 19, 0, tzinfo=datetime.UTC)


def write_session(directory, number, count, *, at):
    """A connection's playlist as ffmpeg 5.1 writes it (EXTINF before the date-time)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-PLAYLIST-TYPE:EVENT",
             f'#EXT-X-MAP:URI="s{number}-init_360p.mp4"']  # fmt: skip
    for n in range(count):
        moment = (at + datetime.timedelta(seconds=2 * n)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        lines += [
            "#EXTINF:2.000000,",
            f"#EXT-X-PROGRAM-DATE-TIME:{moment}",
            f"s{number}-{n:05d}.m4s",
        ]
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
