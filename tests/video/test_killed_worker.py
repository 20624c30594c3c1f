"""Real processes, really killed: a worker dies mid-transcode, an ffmpeg hangs.

These tests commit (a second process must see the rows), so they run transactionally
and make the little they need themselves: the tables are flushed around them.
"""

import datetime
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.utils import timezone
from wagtail.models import Collection

from tests.processes import django_process
from video import conf, services
from video.models import JobState, TranscodeJob, Video, VideoStatus
from video.services import jobs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("site_tree")]


@pytest.fixture
def make_video(clip):
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")

    def make(name="landscape.mp4"):
        return services.video_create(
            source_path=clip(name), filename=name, title=name, collection=collection,
            uploaded_by=None, move=True, enqueue=False,
        )  # fmt: skip

    return make


WORKER = """
from video import tasks
tasks.transcode({key!r}, {attempt})
"""


def start_worker(job: TranscodeJob) -> subprocess.Popen:
    """A worker process running the job, like a django-q2 worker would."""
    code = WORKER.format(key=str(job.key), attempt=job.attempt)
    return django_process(code, stderr=subprocess.PIPE)


def alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_worker_killed_mid_transcode_ends_ready(make_video, django_capture_on_commit_callbacks):
    video = make_video("long.mp4")
    job = video.jobs.get()
    worker = start_worker(job)
    try:
        # Wait until ffmpeg runs and has reported progress, then kill the worker outright.
        running = wait_for(
            lambda: (
                TranscodeJob.objects.filter(pk=job.pk, ffmpeg_pid__isnull=False).first()
                and Video.objects.filter(pk=video.pk, progress__gt=0).first()
            )
        )
        assert running.status == VideoStatus.PROCESSING and running.eta_seconds is not None
        job.refresh_from_db()
        ffmpeg_pid = job.ffmpeg_pid
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    # The worker is gone, its ffmpeg orphaned but still encoding into the stage directory.
    assert alive(ffmpeg_pid)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING

    # The watchdog's next run (a minute at most) sees the worker's process gone: no need
    # to wait for its heartbeat to go stale. It kills the orphan and starts again.
    with django_capture_on_commit_callbacks(execute=True):
        report = jobs.watchdog()
    assert report["killed"] == 1 and report["dead_waiting"] == 1 and report["requeued"] == 1
    assert "stale_waiting" not in report
    wait_for(lambda: not alive(ffmpeg_pid), timeout=5)
    job.refresh_from_db()
    video.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.attempt == 2
    assert video.status == VideoStatus.READY and video.progress == 100
    assert video.duration == pytest.approx(60, abs=0.2)
    assert not any(conf.stage_root().iterdir())
    assert video.rendition_sets.count() == 1


def test_a_worker_is_dead_when_its_process_id_is_gone_or_reused(make_video):
    video = make_video()
    job = video.jobs.get()
    claimed = timezone.now() - datetime.timedelta(seconds=1)
    running = {"state": JobState.RUNNING, "hostname": jobs.HOSTNAME, "started_at": claimed}
    TranscodeJob.objects.filter(pk=job.pk).update(worker_pid=os.getpid(), **running)
    job.refresh_from_db()
    assert not jobs.worker_gone(job)  # this process: alive since before the claim

    time.sleep(1.1)  # beyond the 2 s the comparison allows for /proc's whole-second clock
    newcomer = subprocess.Popen(["sleep", "60"])  # started after the claim: a reused id
    try:
        job.worker_pid = newcomer.pid
        assert jobs.worker_gone(job)
    finally:
        newcomer.kill()
        newcomer.wait()
    assert jobs.worker_gone(job)  # and now no process at all
    job.hostname = "another-host"
    assert not jobs.worker_gone(job)  # another machine's processes are not ours to judge


def test_the_watchdog_kills_a_hung_ffmpeg(make_video, django_capture_on_commit_callbacks):
    video = make_video()
    job = video.jobs.get()
    stage = conf.stage_root() / f"{job.key.hex}-{job.attempt}"
    stage.mkdir(parents=True)
    # An ffmpeg writing into the job's stage directory, frozen (as on a dead NFS mount).
    ffmpeg = subprocess.Popen(
        ["ffmpeg", "-nostdin", "-loglevel", "quiet", "-re", "-f", "lavfi", "-i", "testsrc2",
         "-f", "null", str(stage / "out")],
        start_new_session=True,
    )  # fmt: skip
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        ffmpeg.send_signal(signal.SIGSTOP)
        stale = timezone.now() - datetime.timedelta(hours=1)
        TranscodeJob.objects.filter(pk=job.pk).update(
            state=JobState.RUNNING,
            heartbeat_at=stale,
            hostname=jobs.HOSTNAME,
            ffmpeg_pid=ffmpeg.pid,
        )
        # A job row naming an unrelated process (a recycled pid) must not kill it.
        decoy = make_video()
        TranscodeJob.objects.filter(video=decoy).update(
            state=JobState.RUNNING, heartbeat_at=stale, hostname=jobs.HOSTNAME, ffmpeg_pid=other.pid
        )
        with django_capture_on_commit_callbacks(execute=True):
            report = jobs.watchdog()
        assert ffmpeg.wait(timeout=5) == -signal.SIGKILL
        assert report["killed"] == 1 and report["stale_waiting"] == 2
        assert other.poll() is None
        video.refresh_from_db()
        assert video.status == VideoStatus.READY
    finally:
        for process in (ffmpeg, other):
            if process.poll() is None:
                process.kill()
                process.wait()
