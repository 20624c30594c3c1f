"""Real streams through real ingest servers: keys accepted and refused, reconnects, the
end, and the replay as a ready library video."""

import datetime
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from courses.models import CoursePage
from live import selectors, services
from live.models import IngestSession, LiveLecture, LiveStatus, SessionState
from video import conf as video_conf
from video import selectors as video_selectors
from video.models import Video, VideoStatus
from video.transcoding.playlist import read_master, read_media_playlist

from .conftest import status_of, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_right_key_goes_live_reconnect_continues_and_the_end_makes_the_replay(ingest, world):
    lecture = world.lecture(starts_in=datetime.timedelta(seconds=-5))
    first = ingest.publish(ingest.rtmp_url(lecture.stream_key), seconds=10)
    wait_for(lambda: status_of(lecture) == LiveStatus.LIVE, what="the lecture on air")

    # Viewers fetch the live playlists and segments from nginx, with signed URLs.
    lecture.refresh_from_db()
    base = f"http://127.0.0.1:{ingest.http_port}"
    master_url = base + selectors.playback_for(lecture).master_url
    status, master = fetch(master_url)
    assert status == 200 and b"#EXT-X-STREAM-INF" in master
    status, playlist = fetch(master_url.replace("master.m3u8", "360p/index.m3u8"))
    assert status == 200 and b"#EXT-X-PLAYLIST-TYPE:EVENT" in playlist
    assert b"#EXT-X-ENDLIST" not in playlist
    segment = next(line for line in playlist.decode().splitlines() if line.endswith(".m4s"))
    status, body = fetch(master_url.replace("master.m3u8", f"360p/{segment}"))
    assert status == 200 and len(body) > 1000
    forged = master_url.replace("/hls/", "/hls/AAAA", 1)
    assert fetch(forged)[0] == 403
    first.wait(timeout=30)
    wait_for(lambda: status_of(lecture) == LiveStatus.RECONNECTING, what="the drop noticed")

    # Back within the grace period: the same lecture goes on, after a discontinuity.
    second = ingest.publish(ingest.rtmp_url(lecture.stream_key), seconds=6)
    wait_for(lambda: status_of(lecture) == LiveStatus.LIVE, what="the lecture on air again")
    second.wait(timeout=30)
    ended = [(1, SessionState.ENDED), (2, SessionState.ENDED)]
    wait_for(lambda: list(lecture.sessions.values_list("number", "state")) == ended)
    lecture.refresh_from_db()
    assert services.lecture_end(lecture=lecture)
    wait_for(lambda: status_of(lecture) == LiveStatus.ENDED, timeout=60, what="the replay")

    lecture.refresh_from_db()
    video = Video.objects.get(pk=lecture.video_id)
    assert video.status == VideoStatus.READY and video.current_rendition_set_id
    assert video.collection_id == world.academy.collection_id
    assert video.lecturer == world.lecturer_user
    out = video_conf.stream_root() / video.current_rendition_set.directory
    assert 14 <= video.duration <= 18.5, (out / "360p/index.m3u8").read_text()
    master = read_master(out / "master.m3u8")
    assert {"360p/index.m3u8", "240p/index.m3u8", "audio/index.m3u8"} <= {
        entry.uri for entry in master.variants
    }
    playlist = read_media_playlist(out / "360p/index.m3u8")
    assert playlist.ended
    text = (out / "360p/index.m3u8").read_text()
    assert "#EXT-X-DISCONTINUITY" in text and "#EXT-X-PLAYLIST-TYPE:EVENT" in text
    # The replay is served by the same nginx, through the library's signed URLs.
    replay = video_selectors.playback_for(Video.objects.get(pk=video.pk))
    status, body = fetch(base + replay.master_url)
    assert status == 200 and b"#EXT-X-STREAM-INF" in body
    # The replay is the lesson's video, published: the search index and learners see it.
    course = CoursePage.objects.get(pk=world.course.pk)
    assert [lesson.video_id for lesson in course.lessons()] == [None, video.pk]
    assert not course.has_unpublished_changes
    # The recording is kept as the video's source, without re-encoding.
    assert video_conf.source_root().joinpath(video.source.name).stat().st_size > 0


def test_wrong_rotated_and_early_keys_and_a_second_publisher_are_refused(ingest, world):
    lecture = world.lecture(starts_in=datetime.timedelta(seconds=-5))
    wrong = ingest.publish(ingest.rtmp_url("not-a-key"), seconds=3, wait=True)
    assert wrong.returncode != 0

    old_key = lecture.stream_key
    services.stream_key_rotate(lecture=lecture)
    rotated = ingest.publish(ingest.rtmp_url(old_key), seconds=3, wait=True)
    assert rotated.returncode != 0

    early = world.lecture(starts_in=datetime.timedelta(hours=2), title="明天的直播")
    refused = ingest.publish(ingest.rtmp_url(early.stream_key), seconds=3, wait=True)
    assert refused.returncode != 0
    assert not IngestSession.objects.filter(lecture=early).exists()

    lecture.refresh_from_db()
    first = ingest.publish(ingest.rtmp_url(lecture.stream_key), seconds=15)
    wait_for(lambda: status_of(lecture) == LiveStatus.LIVE, what="the lecture on air")
    second = ingest.publish(ingest.rtmp_url(lecture.stream_key), seconds=3, wait=True)
    assert second.returncode != 0
    assert first.poll() is None
    assert IngestSession.objects.filter(lecture=lecture).count() == 1
    first.kill()


def srt_url(lecture, passphrase=None) -> str:
    passphrase = passphrase or lecture.srt_passphrase
    return f"srt://127.0.0.1:{lecture.srt_port}?passphrase={passphrase}&pbkeylen=16"


def test_srt_with_the_passphrase_is_relayed_and_a_wrong_one_or_a_second_caller_refused(
    ingest, world
):
    lecture = world.lecture(starts_in=datetime.timedelta(seconds=-5))
    assert lecture.srt_port is not None
    wait_for(
        lambda: subprocess.run(["ss", "-lun"], capture_output=True, text=True).stdout.count(
            f":{lecture.srt_port} "
        ),
        what="the SRT listener",
    )
    wrong = ingest.publish(srt_url(lecture, "wrong-passphrase-0000"), seconds=3, fmt="mpegts")
    assert wrong.wait(timeout=30) != 0

    publisher = ingest.publish(srt_url(lecture), seconds=12, fmt="mpegts")
    wait_for(lambda: status_of(lecture) == LiveStatus.LIVE, what="the SRT lecture on air")
    second = ingest.publish(srt_url(lecture), seconds=3, fmt="mpegts")
    assert second.wait(timeout=30) != 0
    assert publisher.poll() is None  # the first caller was never interrupted
    publisher.wait(timeout=30)
    session = IngestSession.objects.get(lecture=lecture)
    assert session.protocol == "srt"
    assert services.lecture_end(lecture=lecture) or status_of(lecture) in (
        LiveStatus.ENDING,
        LiveStatus.ENDED,
    )
    wait_for(lambda: status_of(lecture) == LiveStatus.ENDED, timeout=60, what="the replay")
    video = Video.objects.get(pk=LiveLecture.objects.get(pk=lecture.pk).video_id)
    assert video.status == VideoStatus.READY
    assert 10 <= video.duration <= 14, video.duration


def test_a_crashed_transcoder_keeps_what_was_recorded(ingest, world):
    lecture = world.lecture(starts_in=datetime.timedelta(seconds=-5))
    publisher = ingest.publish(ingest.rtmp_url(lecture.stream_key), seconds=40)
    wait_for(lambda: status_of(lecture) == LiveStatus.LIVE, what="the lecture on air")
    session = IngestSession.objects.get(lecture=lecture)
    wait_for(lambda: IngestSession.objects.get(pk=session.pk).ffmpeg_pid, what="the pid")
    time.sleep(6)
    os.kill(IngestSession.objects.get(pk=session.pk).ffmpeg_pid, signal.SIGKILL)
    # The failed connection is dropped; the publisher (ffmpeg here, not OBS) does not
    # come back, so the grace period ends the lecture with what was recorded.
    assert publisher.wait(timeout=30) != 0
    wait_for(lambda: status_of(lecture) == LiveStatus.ENDED, timeout=60, what="the replay")
    session.refresh_from_db()
    assert session.state == SessionState.FAILED
    video = Video.objects.get(pk=LiveLecture.objects.get(pk=lecture.pk).video_id)
    assert video.status == VideoStatus.READY and video.duration >= 4
