"""The transcoding job: claim, probe, transcode, publish — or retry, or fail — and the
watchdog that keeps jobs from ever being stuck.

Every write about a running attempt is fenced by ``(job, attempt, state=running)``: once
the watchdog has taken a job over, or a re-transcode has superseded it, the old attempt
can no longer touch the job or the video, and its next progress report stops ffmpeg.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import os
import shutil
import signal
import socket
import time
import uuid
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django_q.tasks import async_task

from video import conf, files, signing
from video.models import JobState, RenditionSet, TranscodeJob, Video, VideoStatus
from video.transcoding import MediaError, Progress, TranscodeResult, probe, transcode
from video.transcoding.pipeline import check_free_space

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
BACKOFF_SECONDS = (30, 120, 480)
HEARTBEAT_SECONDS = 2.0
REDELIVER_SECONDS = 1800
HASH_CHUNK_BYTES = 4 * 1024 * 1024
HOSTNAME = socket.gethostname()
TASK = "video.tasks.transcode"

STORAGE_ERROR = gettext_noop("A storage error interrupted processing; it will be retried.")
CRASHED = gettext_noop("Processing stopped unexpectedly; it will be retried.")
RETRIES_EXHAUSTED = gettext_noop(
    "Processing was interrupted several times by a problem on the server. "
    "Press “Retry” later; if it keeps failing, tell the site administrator."
)
SOURCE_MISSING = gettext_noop(
    "The original file is no longer on the server; please upload the video again."
)
WORKER_LOST = gettext_noop("The processing worker stopped responding; processing will start again.")


class Superseded(Exception):
    """This attempt no longer owns its job: superseded, or taken over by the watchdog."""


def _in_site_language(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def _fenced(job: TranscodeJob, **extra):
    return TranscodeJob.objects.filter(
        pk=job.pk, attempt=job.attempt, state=JobState.RUNNING, **extra
    )


def _enqueue(job: TranscodeJob) -> None:
    key, attempt = str(job.key), job.attempt
    transaction.on_commit(lambda: async_task(TASK, key, attempt, group="video-transcode"))


def job_create(*, video: Video, reason: str, enqueue: bool = True) -> TranscodeJob:
    """Queue a new job for ``video``, superseding any unfinished one. Call in a transaction."""
    now = timezone.now()
    Video.objects.select_for_update().filter(pk=video.pk).first()
    TranscodeJob.objects.filter(video=video, state__in=TranscodeJob.ACTIVE_STATES).update(
        state=JobState.SUPERSEDED, finished_at=now
    )
    job = TranscodeJob.objects.create(video=video, reason=reason, enqueued_at=now)
    fields = {"status": VideoStatus.QUEUED, "progress": 0, "eta_seconds": None}
    Video.objects.filter(pk=video.pk).update(failure_reason="", **fields)
    for name, value in fields.items():
        setattr(video, name, value)
    video.failure_reason = ""
    if enqueue:
        _enqueue(job)
    return job


def job_run(*, key: str, attempt: int) -> str:
    """Run one delivery of a job; a delivery that finds the job not queued does nothing.

    Returns what happened: ``ready``, ``waiting`` (will retry), ``failed``,
    ``superseded`` or ``skipped``. The stage directory is removed whatever happens.
    """
    job = _claim(key, attempt)
    if job is None:
        logger.info("video job %s#%s is not queued: duplicate delivery ignored", key, attempt)
        return "skipped"
    stage = conf.stage_root() / f"{job.key.hex}-{job.attempt}"
    try:
        return _process(job, stage)
    except Superseded:
        return "superseded"
    except MediaError as exc:
        return job_fail(job=job, message=exc.message, detail=exc.detail, transient=exc.transient)
    except OSError as exc:
        message = _in_site_language(STORAGE_ERROR)
        return job_fail(job=job, message=message, detail=repr(exc), transient=True)
    except Exception as exc:
        logger.exception("video job %s#%s crashed", key, attempt)
        message = _in_site_language(CRASHED)
        return job_fail(job=job, message=message, detail=repr(exc), transient=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _claim(key: str, attempt: int) -> TranscodeJob | None:
    now = timezone.now()
    with transaction.atomic():
        claimed = TranscodeJob.objects.filter(
            key=key, attempt=attempt, state=JobState.QUEUED
        ).update(
            state=JobState.RUNNING,
            started_at=now,
            heartbeat_at=now,
            hostname=HOSTNAME,
            worker_pid=os.getpid(),
            ffmpeg_pid=None,
        )
        if not claimed:
            return None
        job = TranscodeJob.objects.select_related("video").get(key=key)
        Video.objects.filter(pk=job.video_id).update(
            status=VideoStatus.PROCESSING, progress=0, eta_seconds=None
        )
    return job


class _Heartbeat:
    """Writes progress, ETA and the heartbeat; raises :class:`Superseded` when fenced out."""

    def __init__(self, job: TranscodeJob):
        self.job = job
        self.last = 0.0

    def beat(self, **job_fields) -> None:
        if not _fenced(self.job).update(heartbeat_at=timezone.now(), **job_fields):
            raise Superseded
        self.last = time.monotonic()

    def beat_now_and_then(self) -> None:
        if time.monotonic() - self.last >= HEARTBEAT_SECONDS:
            self.beat()

    def ffmpeg_started(self, pid: int) -> None:
        self.beat(ffmpeg_pid=pid)

    def progress(self, report: Progress) -> None:
        # The core forwards a report at most every 2 s; 100 % waits for publishing.
        self.beat()
        Video.objects.filter(pk=self.job.video_id).update(
            progress=min(report.percent, 99.0),
            eta_seconds=None if report.eta is None else round(report.eta),
        )


def _process(job: TranscodeJob, stage: Path) -> str:
    video = job.video
    heartbeat = _Heartbeat(job)
    stream_root = conf.stream_root()
    stream_root.mkdir(parents=True, exist_ok=True)
    check_free_space(stream_root, settings.VIDEO_MIN_FREE_BYTES)
    source_path = video.source.path
    if not os.path.isfile(source_path):
        raise MediaError(_in_site_language(SOURCE_MISSING), detail=f"{source_path} is missing")
    source = probe(source_path)
    checksum = video.source_checksum or _sha256(source_path, heartbeat)
    Video.objects.filter(pk=video.pk).update(
        source_checksum=checksum,
        duration=source.duration,
        width=source.width or None,
        height=source.height or None,
        has_video=source.kind == "video",
        has_audio=source.has_audio,
    )
    heartbeat.beat()
    stage.mkdir(parents=True)
    result = transcode(
        source_path,
        stage,
        on_progress=heartbeat.progress,
        on_start=heartbeat.ffmpeg_started,
        poster_at=video.poster_time,
    )
    heartbeat.beat(ffmpeg_pid=None)
    _publish(job, stage, result)
    return "ready"


def _sha256(path: str, heartbeat: _Heartbeat) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
            heartbeat.beat_now_and_then()
    return digest.hexdigest()


def _publish(job: TranscodeJob, stage: Path, result: TranscodeResult) -> None:
    """Rename the finished stage into place, then switch the video to it in one transaction.

    The directory is complete before any row points at it, and a set is never written
    again afterwards, so a viewer cannot see a half-written set.
    """
    directory = f"{job.video_id}/{uuid.uuid4().hex[:16]}"
    final = conf.stream_root() / directory
    # Recorded first, so that if this worker dies after the rename the watchdog knows
    # which directory to remove.
    if not _fenced(job).update(output_dir=directory, heartbeat_at=timezone.now()):
        raise Superseded
    final.parent.mkdir(parents=True, exist_ok=True)
    os.rename(stage, final)
    try:
        with transaction.atomic():
            # The video's row first, as job_fail takes it: the same order, no deadlock.
            Video.objects.select_for_update().filter(pk=job.video_id).first()
            if not _fenced(job).update(
                state=JobState.SUCCEEDED,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
                error="",
            ):
                raise Superseded
            previous_poster = rendition_set_publish(
                video_id=job.video_id, directory=directory, result=result
            )
    except Exception:
        shutil.rmtree(final, ignore_errors=True)
        raise
    files.poster_discard(name=previous_poster)
    logger.info("video %s published %s in %s", job.video_id, directory, result.timings)


def rendition_set_publish(*, video_id: int, directory: str, result: TranscodeResult) -> str:
    """Make the finished HLS package in ``directory`` (under the stream root) the one the
    video plays, and the video ready. Call inside a transaction; the files must be
    complete. Transcoding jobs and finished live lectures both end here. Returns the
    replaced poster, for the caller to discard once the transaction has committed."""
    video = Video.objects.select_for_update().get(pk=video_id)
    now = timezone.now()
    rendition_set = RenditionSet.objects.create(
        video=video,
        directory=directory,
        master=result.master,
        renditions=[asdict(rendition) for rendition in result.renditions],
        sprite=result.sprite or "",
        sprite_vtt=result.sprite_vtt or "",
        poster=result.poster,
        size_bytes=files.tree_size(conf.stream_root() / directory),
    )
    if video.current_rendition_set_id:
        RenditionSet.objects.filter(pk=video.current_rendition_set_id).update(retired_at=now)
    previous_poster = video.poster.name
    Video.objects.filter(pk=video.pk).update(
        current_rendition_set=rendition_set,
        status=VideoStatus.READY,
        progress=100,
        eta_seconds=0,
        failure_reason="",
        duration=result.duration,
        width=result.width or None,
        height=result.height or None,
        has_video=result.kind == "video",
        has_audio=result.has_audio,
        poster=rendition_set.path(result.poster) if result.poster else "",
        ready_at=now,
        updated_at=now,
    )
    return previous_poster


def job_fail(
    *,
    job: TranscodeJob,
    message: str,
    detail: str,
    transient: bool,
    retry_now: bool = False,
    now: datetime.datetime | None = None,
    **fence,
) -> str:
    """Record a failed attempt: schedule a retry with backoff, or fail the video.

    Transient failures (a killed process, a full disk, I/O errors) are retried up to
    :data:`MAX_RETRIES` times; anything else fails at once, keeping the source.
    """
    now = now or timezone.now()
    with transaction.atomic():
        Video.objects.select_for_update().filter(pk=job.video_id).first()
        fenced = _fenced(job, **fence)
        retry = transient and job.attempt <= MAX_RETRIES
        if retry:
            delay = 0 if retry_now else BACKOFF_SECONDS[job.attempt - 1]
            if not fenced.update(
                state=JobState.WAITING,
                retry_at=now + datetime.timedelta(seconds=delay),
                error=detail,
                ffmpeg_pid=None,
            ):
                return "superseded"
            reason, status = message, VideoStatus.QUEUED
        else:
            if not fenced.update(
                state=JobState.FAILED, finished_at=now, error=detail, ffmpeg_pid=None
            ):
                return "superseded"
            reason = message
            if transient:
                reason = _in_site_language(RETRIES_EXHAUSTED)
            status = VideoStatus.FAILED
        Video.objects.filter(pk=job.video_id).update(
            status=status, progress=0, eta_seconds=None, failure_reason=reason
        )
    _discard_output(job)
    logger.warning("video job %s#%s: %s (%s)", job.key, job.attempt, status, detail)
    return "waiting" if retry else "failed"


def _discard_output(job: TranscodeJob) -> None:
    """Remove a set directory a dead attempt renamed into place but never published."""
    output_dir = TranscodeJob.objects.filter(pk=job.pk).values_list("output_dir", flat=True).first()
    if output_dir and not RenditionSet.objects.filter(directory=output_dir).exists():
        shutil.rmtree(conf.stream_root() / output_dir, ignore_errors=True)


def job_requeue(*, job: TranscodeJob, now: datetime.datetime | None = None) -> bool:
    """Hand a waiting job to the queue again as its next attempt."""
    now = now or timezone.now()
    with transaction.atomic():
        requeued = TranscodeJob.objects.filter(
            pk=job.pk, attempt=job.attempt, state=JobState.WAITING
        ).update(
            state=JobState.QUEUED,
            attempt=F("attempt") + 1,
            retry_at=None,
            enqueued_at=now,
            started_at=None,
            heartbeat_at=None,
            hostname="",
            worker_pid=None,
            ffmpeg_pid=None,
            output_dir="",
        )
        if requeued:
            job.refresh_from_db()
            _enqueue(job)
    return bool(requeued)


def kill_ffmpeg(job: TranscodeJob) -> bool:
    """SIGKILL the ffmpeg of a job if it runs on this machine; True if one was killed.

    The process is recognised by its command line, which names the attempt's stage
    directory, so a recycled process id is never killed by mistake.
    """
    if not job.ffmpeg_pid or job.hostname != HOSTNAME:
        return False
    try:
        cmdline = Path(f"/proc/{job.ffmpeg_pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False
    stage = f"{job.key.hex}-{job.attempt}".encode()
    if b"ffmpeg" not in cmdline or stage not in cmdline:
        return False
    with contextlib.suppress(ProcessLookupError):
        # ffmpeg leads its own process group (the core starts it in a new session).
        os.killpg(job.ffmpeg_pid, signal.SIGKILL)
    return True


def _started_at(pid: int) -> float | None:
    """When the process ``pid`` of this machine started (seconds since the epoch), or
    ``None`` if there is none or only a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (FileNotFoundError, ProcessLookupError, StopIteration):
        return None
    if fields[0] in ("Z", "X"):
        return None
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time


def worker_gone(job: TranscodeJob) -> bool:
    """Whether the worker that claimed a running job on this machine is dead: its process
    id names no process, a zombie, or one started after the claim (the id was reused)."""
    if job.hostname != HOSTNAME or not job.worker_pid or job.started_at is None:
        return False
    started = _started_at(job.worker_pid)
    # /proc/stat's boot time is in whole seconds: allow two.
    return started is None or started > job.started_at.timestamp() + 2


def watchdog(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Keep jobs moving; run every minute by a django-q2 schedule.

    Takes over running jobs whose worker died on this machine (a killed worker is seen
    at the next run, not when its heartbeat goes stale) or whose heartbeat stopped
    (another machine's worker), killing their ffmpeg if it is still here; re-queues
    waiting jobs whose backoff is over, re-delivers queued jobs the broker may have
    lost (a duplicate delivery is a no-op), and removes retired rendition sets and
    abandoned stage directories.
    """
    now = now or timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.VIDEO_HEARTBEAT_STALE_SECONDS)
    report: Counter[str] = Counter()
    message = _in_site_language(WORKER_LOST)
    here = TranscodeJob.objects.filter(state=JobState.RUNNING, hostname=HOSTNAME)
    for job in here.exclude(worker_pid=None):
        if not worker_gone(job):
            continue
        report["killed"] += kill_ffmpeg(job)
        outcome = job_fail(
            job=job,
            message=message,
            detail=f"worker {job.worker_pid} on {job.hostname} is gone",
            transient=True,
            retry_now=True,
            now=now,
            worker_pid=job.worker_pid,
        )
        report[f"dead_{outcome}"] += 1
    for job in TranscodeJob.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=stale_before):
        report["killed"] += kill_ffmpeg(job)
        outcome = job_fail(
            job=job,
            message=message,
            detail=f"no heartbeat since {job.heartbeat_at.isoformat()}",
            transient=True,
            retry_now=True,
            now=now,
            heartbeat_at__lt=stale_before,
        )
        report[f"stale_{outcome}"] += 1
    for job in TranscodeJob.objects.filter(state=JobState.WAITING, retry_at__lte=now):
        report["requeued"] += job_requeue(job=job, now=now)
    redeliver_before = now - datetime.timedelta(seconds=REDELIVER_SECONDS)
    for job in TranscodeJob.objects.filter(state=JobState.QUEUED, enqueued_at__lt=redeliver_before):
        with transaction.atomic():
            if TranscodeJob.objects.filter(
                pk=job.pk, attempt=job.attempt, state=JobState.QUEUED
            ).update(enqueued_at=now):
                _enqueue(job)
                report["redelivered"] += 1
    report["sets_removed"] = sweep_rendition_sets(now=now)
    report["stages_removed"] = sweep_stages()
    return dict(report)


def sweep_rendition_sets(*, now: datetime.datetime | None = None) -> int:
    """Delete rendition sets retired longer ago than any stream URL to them can live."""
    now = now or timezone.now()
    grace = settings.VIDEO_STREAM_TTL_SECONDS + signing.WINDOW_SECONDS
    retired = RenditionSet.objects.filter(retired_at__lt=now - datetime.timedelta(seconds=grace))
    removed = 0
    for rendition_set in retired:
        shutil.rmtree(conf.stream_root() / rendition_set.directory, ignore_errors=True)
        rendition_set.delete()
        removed += 1
    return removed


def sweep_stages() -> int:
    """Remove stage directories no running attempt owns (left by killed workers)."""
    root = conf.stage_root()
    if not root.is_dir():
        return 0
    removed = 0
    for entry in root.iterdir():
        key, _, attempt = entry.name.partition("-")
        try:
            owned = TranscodeJob.objects.filter(
                key=uuid.UUID(hex=key), attempt=int(attempt), state=JobState.RUNNING
            ).exists()
        except ValueError:
            owned = False
        if not owned:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed
