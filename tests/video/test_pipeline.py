"""The Django side of the pipeline, with real ffmpeg: statuses, progress and heartbeat,
idempotency, retries, failures, atomic publishing and cleanup."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from video import conf, services
from video.models import JobState, RenditionSet, TranscodeJob, Video, VideoStatus
from video.services import jobs

from .conftest import run_job

pytestmark = pytest.mark.django_db


def stage_is_empty() -> bool:
    return not conf.stage_root().exists() or not any(conf.stage_root().iterdir())


def statuses_written(queries) -> list[str]:
    found = []
    for query in queries:
        if query["sql"].startswith('UPDATE "video_video"'):
            match = re.search(r"\"status\" = '?(\w+)'?", query["sql"])
            if match:
                found.append(match.group(1))
    return found


def test_an_upload_is_queued_then_processed_then_ready(make_video):
    video = make_video("landscape.mp4")
    assert video.status == VideoStatus.QUEUED
    job = video.jobs.get()
    assert job.state == JobState.QUEUED and job.attempt == 1
    with CaptureQueriesContext(connection) as queries:
        assert run_job(video) == "ready"
    assert statuses_written(queries.captured_queries) == ["processing", "ready"]
    video.refresh_from_db()
    job.refresh_from_db()
    assert video.status == VideoStatus.READY
    assert video.progress == 100 and video.eta_seconds == 0 and video.failure_reason == ""
    assert (video.width, video.height, video.has_video, video.has_audio) == (320, 180, True, True)
    assert video.duration == pytest.approx(2.0, abs=0.1)
    assert len(video.source_checksum) == 64
    assert job.state == JobState.SUCCEEDED and job.finished_at and job.heartbeat_at
    rendition_set = video.current_rendition_set
    directory = conf.stream_root() / rendition_set.directory
    assert (directory / "master.m3u8").is_file()
    assert video.poster.name == f"{rendition_set.directory}/poster.jpg"
    assert (directory / rendition_set.sprite_vtt).is_file()
    assert [r["height"] for r in rendition_set.renditions] == [180, 0]
    assert stage_is_empty()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("phone.mp4", {"has_video": True, "portrait": True, "has_audio": True}),
        ("screen.webm", {"has_video": True, "portrait": False, "has_audio": True}),
        ("audio.mp3", {"has_video": False, "portrait": False, "has_audio": True}),
    ],
)
def test_phone_and_audio_uploads_become_ready(ready_video, name, expected):
    video = ready_video(name)
    assert video.status == VideoStatus.READY
    assert video.has_video == expected["has_video"]
    assert video.has_audio == expected["has_audio"]
    if expected["has_video"]:
        assert (video.height > video.width) == expected["portrait"]
        assert video.width % 2 == 0 and video.height % 2 == 0
    else:
        assert video.width is None
        assert video.current_rendition_set.renditions == [
            {"width": 0, "height": 0, "bandwidth": pytest.approx(100_000, rel=0.5),
             "playlist": "audio/index.m3u8", "master": ""}
        ]  # fmt: skip
        assert video.poster  # a generated picture for the sound-only lecture


def test_progress_and_heartbeat_are_written_at_most_every_two_seconds(make_video):
    video = make_video("long.mp4")
    started = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        assert run_job(video) == "ready"
    elapsed = (timezone.now() - started).total_seconds()
    progress_writes = [
        q for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "video_video" SET "progress"')
        and '"eta_seconds"' in q["sql"] and '"status"' not in q["sql"]
    ]  # fmt: skip
    heartbeats = [
        q for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "video_transcodejob" SET "heartbeat_at"')
    ]  # fmt: skip
    assert 1 <= len(progress_writes) <= elapsed / 2 + 2
    # One heartbeat with each progress write, plus those around probing and publishing.
    assert len(progress_writes) <= len(heartbeats) <= len(progress_writes) + 6
    assert not TranscodeJob.objects.filter(heartbeat_at__isnull=True).exists()


def test_a_duplicate_delivery_does_nothing(make_video):
    video = make_video()
    job = video.jobs.get()
    assert jobs.job_run(key=str(job.key), attempt=1) == "ready"
    assert jobs.job_run(key=str(job.key), attempt=1) == "skipped"
    assert RenditionSet.objects.filter(video=video).count() == 1


def test_a_superseded_job_is_skipped(make_video):
    video = make_video()
    first = video.jobs.get()
    services.video_retranscode(video=video)
    first.refresh_from_db()
    assert first.state == JobState.SUPERSEDED
    assert jobs.job_run(key=str(first.key), attempt=1) == "skipped"
    assert run_job(video) == "ready"


@pytest.mark.parametrize(
    ("name", "says"),
    [("notes.mp4", "不是视频或音频"), ("truncated.mp4", "不完整"), ("playlist.mp4", "播放列表")],
)
def test_a_broken_file_fails_at_once_with_a_reason_and_keeps_its_source(make_video, name, says):
    video = make_video(name)
    assert run_job(video) == "failed"
    video.refresh_from_db()
    job = video.jobs.get()
    assert video.status == VideoStatus.FAILED
    assert says in video.failure_reason
    assert job.state == JobState.FAILED and job.attempt == 1 and job.retry_at is None
    assert video.source.storage.exists(video.source.name)
    assert video.current_rendition_set is None
    assert stage_is_empty()


def test_a_missing_source_fails_at_once(make_video):
    video = make_video()
    video.source.storage.delete(video.source.name)
    assert run_job(video) == "failed"
    video.refresh_from_db()
    assert video.status == VideoStatus.FAILED and "重新上传" in video.failure_reason


def test_transient_failures_retry_with_backoff_at_most_three_times(
    make_video, settings, django_capture_on_commit_callbacks
):
    settings.VIDEO_MIN_FREE_BYTES = 10**18  # "the disk is full"
    video = make_video()
    failed_at = timezone.now()
    assert run_job(video) == "waiting"
    delays = []
    for expected_attempt in (1, 2, 3):
        job = video.jobs.get()
        video.refresh_from_db()
        assert job.state == JobState.WAITING and job.attempt == expected_attempt
        assert video.status == VideoStatus.QUEUED
        assert "存储空间不足" in video.failure_reason
        delays.append(round((job.retry_at - failed_at).total_seconds()))
        with django_capture_on_commit_callbacks(execute=True):
            assert jobs.watchdog(now=job.retry_at - datetime.timedelta(seconds=1)) == {
                "sets_removed": 0, "stages_removed": 0
            }  # fmt: skip
        failed_at = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert jobs.watchdog(now=job.retry_at)["requeued"] == 1
    assert delays == [30, 120, 480]
    job = video.jobs.get()
    video.refresh_from_db()
    assert job.state == JobState.FAILED and job.attempt == 4
    assert video.status == VideoStatus.FAILED
    assert "重试" in video.failure_reason
    assert video.source.storage.exists(video.source.name)

    settings.VIDEO_MIN_FREE_BYTES = 0
    with django_capture_on_commit_callbacks(execute=True):
        services.video_retry(video=video)
    video.refresh_from_db()
    assert video.status == VideoStatus.READY
    assert video.jobs.filter(state=JobState.SUCCEEDED).count() == 1


def test_the_watchdog_requeues_a_job_whose_heartbeat_stopped(
    make_video, django_capture_on_commit_callbacks
):
    video = make_video()
    job = video.jobs.get()
    stale = timezone.now() - datetime.timedelta(minutes=10)
    # A worker on another machine claimed the job and died.
    TranscodeJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, heartbeat_at=stale, hostname="worker-7", ffmpeg_pid=4242
    )
    Video.objects.filter(pk=video.pk).update(status=VideoStatus.PROCESSING, progress=40)
    with django_capture_on_commit_callbacks(execute=True):
        report = jobs.watchdog()
    assert report["stale_waiting"] == 1 and report["requeued"] == 1
    assert report.get("killed", 0) == 0  # not ours to kill: it ran elsewhere
    job.refresh_from_db()
    video.refresh_from_db()
    assert job.attempt == 2 and job.state == JobState.SUCCEEDED
    assert video.status == VideoStatus.READY


def test_a_fresh_heartbeat_is_left_alone(make_video):
    video = make_video()
    TranscodeJob.objects.filter(video=video).update(
        state=JobState.RUNNING, heartbeat_at=timezone.now()
    )
    assert jobs.watchdog() == {"sets_removed": 0, "stages_removed": 0}
    assert video.jobs.get().state == JobState.RUNNING


def test_retranscoding_replaces_the_set_atomically_and_cleans_up_after_the_grace(
    ready_video, settings
):
    video = ready_video()
    old = video.current_rendition_set
    old_dir = conf.stream_root() / old.directory
    services.video_retranscode(video=video)
    video.refresh_from_db()
    # While queued the old set keeps playing, whole.
    assert video.current_rendition_set == old and video.status == VideoStatus.QUEUED
    assert run_job(video) == "ready"
    video.refresh_from_db()
    new = video.current_rendition_set
    assert new != old and (conf.stream_root() / new.directory / "master.m3u8").is_file()
    old.refresh_from_db()
    assert old.retired_at is not None and old_dir.is_dir()

    grace = settings.VIDEO_STREAM_TTL_SECONDS + 900
    assert jobs.sweep_rendition_sets(now=old.retired_at + datetime.timedelta(seconds=60)) == 0
    later = old.retired_at + datetime.timedelta(seconds=grace + 1)
    assert jobs.sweep_rendition_sets(now=later) == 1
    assert not old_dir.exists()
    assert not RenditionSet.objects.filter(pk=old.pk).exists()
    assert (conf.stream_root() / new.directory / "master.m3u8").is_file()


def test_a_failed_retranscode_keeps_the_current_set_playing(ready_video, clip):
    video = ready_video()
    current = video.current_rendition_set
    with open(video.source.path, "wb") as source:
        source.write(clip("notes.mp4").read_bytes())  # the source got damaged on disk
    services.video_retranscode(video=video)
    assert run_job(video) == "failed"
    video.refresh_from_db()
    assert video.status == VideoStatus.FAILED and video.failure_reason
    assert video.current_rendition_set == current
    assert (conf.stream_root() / current.directory / "master.m3u8").is_file()


def test_a_chosen_poster_frame_is_kept_across_retranscodes(ready_video):
    video = ready_video()
    services.video_poster_choose(video=video, at=1.5)
    video.refresh_from_db()
    chosen = video.poster.name
    assert "/posters/" in chosen and video.poster_time == 1.5
    assert (conf.stream_root() / chosen).is_file()
    services.video_retranscode(video=video)
    assert run_job(video) == "ready"
    video.refresh_from_db()
    assert video.poster.name == f"{video.current_rendition_set.directory}/poster.jpg"
    assert not (conf.stream_root() / chosen).exists()


def test_deleting_a_video_removes_its_files(ready_video, django_capture_on_commit_callbacks):
    video = ready_video()
    stream_dir = conf.stream_root() / str(video.pk)
    source_dir = conf.source_root() / video.source.name.split("/")[0]
    assert stream_dir.is_dir() and source_dir.is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        video.delete()
    assert not stream_dir.exists() and not source_dir.exists()


def test_stage_directories_nobody_owns_are_swept(make_video):
    video = make_video()
    job = video.jobs.get()
    abandoned = conf.stage_root() / f"{job.key.hex}-1"
    abandoned.mkdir(parents=True)
    (abandoned / "00001.m4s").write_bytes(b"x")
    assert jobs.sweep_stages() == 1
    assert not abandoned.exists()
