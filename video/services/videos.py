"""Writes with business rules for the video library: creating videos from uploads or
files, re-transcoding, posters and play counting. The transcoding job itself lives in
``video.services.jobs``."""

from __future__ import annotations

import datetime
import math
import os
import shutil
import uuid
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_q.tasks import async_task
from wagtail.models import Collection

from video import conf, files, tus
from video.models import DailyPlays, JobReason, UsedPlayTicket, Video, VideoStatus, Visibility
from video.services import jobs
from video.transcoding import MediaError, images, probe

PLAY_SECONDS = 10
PLAY_TICKET_MAX_AGE = 24 * 3600
_PLAY_SALT = "video.play"


SOURCE_NAME_BYTES = 200  # of a file system's 255 per name, in UTF-8 (a Chinese character: 3)


def _source_destination(filename: str) -> tuple[str, Path]:
    """Where the original file goes: in a directory of its own, under its own name cut
    to fit a file system's limit (its end kept: the extension tells ffmpeg little, but
    people recognise it)."""
    safe = os.path.basename(filename).strip().replace("\x00", "") or "upload"
    safe = safe.encode()[-SOURCE_NAME_BYTES:].decode(errors="ignore")  # no half character
    name = f"{uuid.uuid4().hex}/{safe}"
    return name, conf.source_root() / name


@transaction.atomic
def video_create(
    *,
    source_path: Path,
    filename: str,
    title: str,
    collection: Collection,
    uploaded_by: AbstractBaseUser | None,
    lecturer: AbstractBaseUser | None = None,
    visibility: str = Visibility.RESTRICTED,
    description: str = "",
    move: bool,
    enqueue: bool = True,
) -> Video:
    """Take a file into the library and queue it for transcoding.

    ``move`` renames the file into place (an upload on the same disk: instant); otherwise
    it is copied (an import that must leave the original alone). With ``enqueue`` the
    job is handed to the queue when the transaction commits; without, the caller runs
    ``video.services.jobs.job_run`` itself.
    """
    name, destination = _source_destination(filename)
    video = Video(
        title=title.strip()[:255],
        description=description,
        collection=collection,
        uploaded_by=uploaded_by,
        lecturer=lecturer,
        visibility=visibility,
        source=name,
        source_name=os.path.basename(filename).replace("\x00", "")[:255],
        source_size=os.path.getsize(source_path),
    )
    video.full_clean()
    destination.parent.mkdir(parents=True, exist_ok=True)
    if move:
        shutil.move(source_path, destination)
    else:
        shutil.copyfile(source_path, destination)
    try:
        video.save()
        jobs.job_create(video=video, reason=JobReason.UPLOAD, enqueue=enqueue)
    except Exception:
        # Give an upload its bytes back, so that the client can finish it again.
        if move:
            shutil.move(destination, source_path)
        else:
            destination.unlink(missing_ok=True)
        raise
    return video


@transaction.atomic
def video_create_for_recording(
    *,
    title: str,
    collection: Collection,
    lecturer: AbstractBaseUser | None,
    uploaded_by: AbstractBaseUser | None,
    description: str = "",
) -> Video:
    """A library video that a live lecture is being recorded into: processing until the
    recording is published with ``video.services.rendition_set_publish``. Its source (the
    stream as received) is written to ``video.source.path`` while the lecture runs."""
    name, destination = _source_destination("recording.flv")
    video = Video(
        title=title.strip()[:255],
        description=description,
        collection=collection,
        uploaded_by=uploaded_by,
        lecturer=lecturer,
        visibility=Visibility.RESTRICTED,
        source=name,
        source_name=os.path.basename(name),
        status=VideoStatus.PROCESSING,
    )
    video.full_clean()
    destination.parent.mkdir(parents=True, exist_ok=True)
    video.save()
    return video


def video_create_from_upload(*, upload: tus.Upload, user: AbstractBaseUser, fields: dict) -> Video:
    """Turn a finished tus upload into a video; the file is moved, not copied.

    ``fields`` are the cleaned upload form: title, collection, lecturer, visibility.
    """
    video = video_create(
        source_path=upload.data_path,
        filename=upload.metadata.get("filename") or fields["title"],
        uploaded_by=user,
        move=True,
        **fields,
    )
    tus.mark_done(upload, video_id=video.pk)
    return video


@transaction.atomic
def video_retranscode(*, video: Video) -> None:
    """Build a new rendition set from the kept source; the current one plays meanwhile."""
    jobs.job_create(video=video, reason=JobReason.RETRANSCODE)


@transaction.atomic
def video_retry(*, video: Video) -> None:
    """Try a failed video again, from the start."""
    if video.status != VideoStatus.FAILED:
        raise ValueError("only a failed video can be retried")
    jobs.job_create(video=video, reason=JobReason.RETRY)


def video_poster_request(*, video: Video, at: float) -> None:
    """Ask for the frame at ``at`` seconds as the poster: taken by the queue once the
    request commits (reading a frame takes a second or two)."""
    if not math.isfinite(at) or at < 0:
        raise ValueError("a poster is taken at a moment of the video")
    transaction.on_commit(lambda: async_task("video.tasks.choose_poster", video.pk, at))


def video_poster_choose(*, video: Video, at: float) -> None:
    """Use the frame at ``at`` seconds as the poster, now and for future re-transcodes.

    The frame is taken from the source with ffmpeg (a second or two), so this is called
    from a task. A failure to read the frame leaves the current poster in place.
    """
    video = Video.objects.get(pk=video.pk)
    if not video.has_video:
        return
    at = max(0.0, min(at, (video.duration or 0.0)))
    name = f"{video.pk}/posters/{uuid.uuid4().hex[:12]}.jpg"
    destination = conf.stream_root() / name
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = probe(video.source.path)
        width, height = images.poster_size(source.width, source.height)
        images.make_poster(source, str(destination), width=width, height=height, at=at)
    except MediaError:
        destination.unlink(missing_ok=True)
        raise
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        previous = locked.poster.name
        locked.poster_time = at
        locked.poster = name
        locked.save(update_fields=["poster_time", "poster", "updated_at"])
    transaction.on_commit(lambda: files.poster_discard(name=previous))


def play_ticket(*, video: Video) -> str:
    """A signed, timestamped token the player sends back after watching 10 seconds."""
    issued = int(timezone.now().timestamp())
    return signing.dumps({"v": video.pk, "n": uuid.uuid4().hex, "t": issued}, salt=_PLAY_SALT)


def play_record(*, video: Video, ticket: str, now: datetime.datetime | None = None) -> bool:
    """Count one play if ``ticket`` is this video's, at least 10 s old and not yet used.

    The age check keeps a script from claiming a play the moment the page loads. The
    ticket's row (:class:`UsedPlayTicket`), written in the same transaction as the
    counts, keeps it from counting twice: a second request for it, in this process or
    another, waits for the first to commit and then finds the row taken.
    """
    now = now or timezone.now()
    try:
        data = signing.loads(ticket, salt=_PLAY_SALT)
        nonce = uuid.UUID(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return False
    age = now.timestamp() - data.get("t", 0)
    if data.get("v") != video.pk or not PLAY_SECONDS <= age <= PLAY_TICKET_MAX_AGE:
        return False
    try:
        with transaction.atomic():
            UsedPlayTicket.objects.create(nonce=nonce, used_at=now)
            _count_play(video=video, day=timezone.localdate(now))
    except IntegrityError:  # the ticket was counted already
        return False
    return True


def play_tickets_forget(*, now: datetime.datetime | None = None) -> int:
    """Delete the rows of tickets used so long ago that they would be refused anyway
    (a ticket is used after it was issued, and refused a day after that)."""
    before = (now or timezone.now()) - datetime.timedelta(seconds=PLAY_TICKET_MAX_AGE)
    deleted, _ = UsedPlayTicket.objects.filter(used_at__lt=before).delete()
    return deleted


def _count_play(*, video: Video, day: datetime.date) -> None:
    Video.objects.filter(pk=video.pk).update(play_count=F("play_count") + 1)
    if DailyPlays.objects.filter(video=video, day=day).update(plays=F("plays") + 1):
        return
    try:
        with transaction.atomic():
            DailyPlays.objects.create(video=video, day=day, lecturer_id=video.lecturer_id, plays=1)
    except IntegrityError:  # another request made today's row first
        DailyPlays.objects.filter(video=video, day=day).update(plays=F("plays") + 1)
