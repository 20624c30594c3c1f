"""Writes with business rules for live lectures: scheduling, keys, accepting publishers,
the lecture's life cycle, the replay, viewers, questions and reminders."""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from academies.selectors import unit_of
from courses.services import lesson_video_attach
from learning import crediting
from learning.services import progress_record
from learning.study import Measure, StudiedLesson, Titled
from live import conf, notices, replay, rtmp, selectors
from live.hls import lecture_segments
from live.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    IngestSession,
    LiveLecture,
    LiveQuestion,
    LiveStatus,
    LiveViewer,
    Protocol,
    SessionState,
    new_passphrase,
    new_stream_key,
)
from nightschool.models import ClassSession
from video import conf as video_conf
from video.models import Video, VideoStatus
from video.services import video_create_for_recording

logger = logging.getLogger(__name__)

QUESTION_INTERVAL_SECONDS = 10
QUESTIONS_PER_HOUR = 30


class PublishRefused(Exception):
    """The ingest server must refuse this publisher; ``reason`` is for the log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Scheduling -------------------------------------------------------------------------


def lecture_prepare(*, lecture: LiveLecture, user=None) -> LiveLecture:
    """Fill in what follows from the admin's choices (the unit from the course or class,
    an SRT port free for the lecture's window) and check the whole; call before saving."""
    if lecture.course_id:
        lecture.unit = unit_of(lecture.course)
    elif lecture.class_session_id:
        lecture.unit = lecture.class_session.site
    if lecture.pk is None and user is not None:
        lecture.created_by = user
    lecture.full_clean()
    if lecture.srt_port is None:
        lecture.srt_port = _free_srt_port(lecture)
    return lecture


@transaction.atomic
def lecture_save(*, lecture: LiveLecture, user=None) -> LiveLecture:
    """Schedule (or reschedule) a lecture. A night-school class taught online gets the
    lecture's page as its online link, so its booked learners find the broadcast."""
    lecture_prepare(lecture=lecture, user=user)
    lecture.save()
    if lecture.class_session_id:
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
            "live:lecture", args=(lecture.pk,)
        )
        ClassSession.objects.filter(pk=lecture.class_session_id).update(online_url=url)
    return lecture


def _window(lecture: LiveLecture) -> tuple[datetime.datetime, datetime.datetime]:
    early = datetime.timedelta(minutes=settings.LIVE_EARLY_MINUTES)
    return lecture.starts_at - early, lecture.ends_at + datetime.timedelta(hours=2)


def _free_srt_port(lecture: LiveLecture) -> int | None:
    """The lowest SRT port no other unfinished lecture overlapping this one holds."""
    opens, closes = _window(lecture)
    early = datetime.timedelta(minutes=settings.LIVE_EARLY_MINUTES)
    taken = set(
        LiveLecture.objects.exclude(pk=lecture.pk)
        .exclude(status__in=FINISHED_STATUSES)
        .filter(starts_at__lt=closes + early, ends_at__gt=opens - datetime.timedelta(hours=2))
        .exclude(srt_port=None)
        .values_list("srt_port", flat=True)
    )
    return next((port for port in conf.srt_ports() if port not in taken), None)


@transaction.atomic
def stream_key_rotate(*, lecture: LiveLecture) -> LiveLecture:
    """New stream key and SRT passphrase: the old ones are refused from now on."""
    lecture = LiveLecture.objects.select_for_update().get(pk=lecture.pk)
    lecture.stream_key = new_stream_key()
    lecture.srt_passphrase = new_passphrase()
    lecture.key_rotated_at = timezone.now()
    lecture.save(update_fields=["stream_key", "srt_passphrase", "key_rotated_at", "updated_at"])
    return lecture


# Publishing -------------------------------------------------------------------------


@transaction.atomic
def publish_authorize(
    *,
    stream_key: str,
    protocol: str = Protocol.RTMP,
    client_addr: str = "",
    client_id: str = "",
    now: datetime.datetime | None = None,
) -> IngestSession:
    """Accept a publisher (nginx's ``on_publish``) or raise :class:`PublishRefused`.

    Accepted: the current key of a lecture that has not ended, from 30 minutes before
    its start; while it is not yet live, until its scheduled end. Refused: any other key
    (wrong, rotated), an ended or missed lecture, and a second publisher while one is
    connected. A publisher coming back within the grace period continues the lecture.
    """
    now = now or timezone.now()
    lecture = LiveLecture.objects.select_for_update().filter(stream_key=stream_key).first()
    if lecture is None:
        raise PublishRefused("unknown stream key")
    if lecture.status not in OPEN_STATUSES:
        raise PublishRefused(f"lecture {lecture.pk} is {lecture.status}")
    opens, _closes = _window(lecture)
    if now < opens:
        raise PublishRefused(f"lecture {lecture.pk} opens at {opens.isoformat()}")
    if lecture.status == LiveStatus.SCHEDULED and now >= lecture.ends_at:
        raise PublishRefused(f"lecture {lecture.pk} was scheduled to end before now")
    if lecture.sessions.filter(state__in=(SessionState.PENDING, SessionState.RUNNING)).exists():
        raise PublishRefused(f"lecture {lecture.pk} already has a publisher")
    number = (lecture.sessions.aggregate(last=Max("number"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            session = IngestSession.objects.create(
                lecture=lecture,
                number=number,
                protocol=protocol,
                client_addr=client_addr[:100],
                client_id=client_id[:40],
            )
    except IntegrityError as error:
        raise PublishRefused(f"lecture {lecture.pk} already has a publisher") from error
    if lecture.status == LiveStatus.RECONNECTING:
        lecture.disconnected_at = None
        lecture.save(update_fields=["disconnected_at", "updated_at"])
    logger.info("live %s: publisher #%s accepted (%s)", lecture.pk, number, protocol)
    return session


def publish_done(*, stream_key: str, now: datetime.datetime | None = None) -> int:
    """nginx says the publisher left; the supervisor's ffmpeg sees the end of the stream
    by itself, this only lets the supervisor stop one that does not."""
    now = now or timezone.now()
    return IngestSession.objects.filter(
        lecture__stream_key=stream_key,
        state__in=(SessionState.PENDING, SessionState.RUNNING),
        publisher_gone_at=None,
    ).update(publisher_gone_at=now)


@dataclass(frozen=True)
class Plan:
    """What one connection's ffmpeg writes, and where."""

    out_dir: str
    ladder: dict


@transaction.atomic
def session_begin(*, session_id: int, hostname: str, pid: int) -> Plan:
    """The supervisor starts transcoding a connection. The lecture's first connection
    makes its library video (in the unit's collection, processing until the end); later
    ones write beside it."""
    session = IngestSession.objects.select_related("lecture").get(pk=session_id)
    lecture = LiveLecture.objects.select_for_update().get(pk=session.lecture_id)
    now = timezone.now()
    if lecture.video_id is None:
        unit = lecture.unit.specific
        lecturer = lecture.lecturer.user if lecture.lecturer_id else None
        video = video_create_for_recording(
            title=lecture.title,
            collection=unit.collection,
            lecturer=lecturer,
            uploaded_by=lecturer or lecture.created_by,
            description=lecture.description,
        )
        lecture.video = video
        lecture.rendition_dir = f"{video.pk}/live-{uuid.uuid4().hex[:12]}"
        lecture.save(update_fields=["video", "rendition_dir", "updated_at"])
    IngestSession.objects.filter(pk=session.pk).update(
        state=SessionState.RUNNING,
        started_at=now,
        heartbeat_at=now,
        hostname=hostname,
        supervisor_pid=pid,
    )
    out_dir = video_conf.stream_root() / lecture.rendition_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    return Plan(out_dir=str(out_dir), ladder=lecture.ladder)


@transaction.atomic
def lecture_ladder(*, lecture_id: int, ladder: dict) -> dict:
    """The lecture's ladder: fixed by its first connection, kept by the later ones (so
    that their segments continue the same renditions)."""
    lecture = LiveLecture.objects.select_for_update().get(pk=lecture_id)
    if not lecture.ladder:
        lecture.ladder = ladder
        lecture.save(update_fields=["ladder", "updated_at"])
    return lecture.ladder


def lecture_on_air(*, lecture_id: int, now: datetime.datetime | None = None) -> bool:
    """Viewers can play: the master playlist and the first segments are there."""
    now = now or timezone.now()
    with transaction.atomic():
        lecture = LiveLecture.objects.select_for_update().get(pk=lecture_id)
        if lecture.status not in (LiveStatus.SCHEDULED, LiveStatus.RECONNECTING):
            return False
        first = lecture.went_live_at is None
        lecture.status = LiveStatus.LIVE
        lecture.went_live_at = lecture.went_live_at or now
        lecture.disconnected_at = None
        lecture.save(update_fields=["status", "went_live_at", "disconnected_at", "updated_at"])
    logger.info("live %s on air%s", lecture_id, "" if first else " again")
    return True


def session_end(*, session_id: int, error: str = "", now: datetime.datetime | None = None):
    """A connection's ffmpeg stopped. The lecture waits for a reconnect during the grace
    period, or, if it was being ended, its replay is made now."""
    now = now or timezone.now()
    with transaction.atomic():
        session = IngestSession.objects.select_for_update().get(pk=session_id)
        if session.state in (SessionState.ENDED, SessionState.FAILED):
            return
        session.state = SessionState.FAILED if error else SessionState.ENDED
        session.ended_at = now
        session.error = error[:2000]
        session.ffmpeg_pid = None
        session.save(update_fields=["state", "ended_at", "error", "ffmpeg_pid"])
        lecture = LiveLecture.objects.select_for_update().get(pk=session.lecture_id)
        if lecture.status == LiveStatus.LIVE:
            lecture.status = LiveStatus.RECONNECTING
            lecture.disconnected_at = now
            lecture.save(update_fields=["status", "disconnected_at", "updated_at"])
        elif lecture.status == LiveStatus.SCHEDULED:
            # Accepted but nothing came through: wait for the publisher as after a drop.
            lecture.disconnected_at = now
            lecture.save(update_fields=["disconnected_at", "updated_at"])
        elif lecture.status == LiveStatus.ENDING:
            _enqueue_finalize(lecture)
        if error:
            # The transcoder failed under a publisher who may still be sending: drop them,
            # so that their encoder reconnects (OBS and phone apps do) as a new connection.
            stream_key = lecture.stream_key
            transaction.on_commit(lambda: rtmp.drop_publisher(stream_key=stream_key))


def sessions_heartbeat(*, session_ids: list[int], now: datetime.datetime | None = None) -> None:
    IngestSession.objects.filter(pk__in=session_ids, state=SessionState.RUNNING).update(
        heartbeat_at=now or timezone.now()
    )


def session_transcoding(*, session_id: int, pid: int, recording: str) -> None:
    """Remember the connection's transcoder (the watchdog kills it if the supervisor
    dies) and nginx's recording it reads."""
    IngestSession.objects.filter(pk=session_id).update(ffmpeg_pid=pid, recording=recording)


# Ending and the replay --------------------------------------------------------------


def _enqueue_finalize(lecture: LiveLecture) -> None:
    lecture_id = lecture.pk
    transaction.on_commit(
        lambda: async_task("live.tasks.lecture_finalize", lecture_id, group="live-finalize")
    )


@transaction.atomic
def lecture_end(*, lecture: LiveLecture, now: datetime.datetime | None = None) -> bool:
    """结束直播, or the grace period passed without the publisher: no more publishing;
    the replay is made as soon as the connection's ffmpeg has written its last segment."""
    now = now or timezone.now()
    lecture = LiveLecture.objects.select_for_update().get(pk=lecture.pk)
    if lecture.status not in (LiveStatus.LIVE, LiveStatus.RECONNECTING):
        return False
    lecture.status = LiveStatus.ENDING
    lecture.ended_at = now
    lecture.save(update_fields=["status", "ended_at", "updated_at"])
    open_sessions = lecture.sessions.filter(state__in=(SessionState.PENDING, SessionState.RUNNING))
    if not open_sessions.exists():
        _enqueue_finalize(lecture)
    stream_key = lecture.stream_key
    transaction.on_commit(lambda: rtmp.drop_publisher(stream_key=stream_key))
    return True


def lecture_finalize(*, lecture_id: int) -> str:
    """Turn the recording into the replay: end the playlists (leaving out the waiting
    picture before the scheduled start), validate them as the library validates any
    transcode, publish them as the video's rendition set, attach the video to the lesson
    and tell the audience. No segment is re-encoded. Returns what happened."""

    with transaction.atomic():
        lecture = LiveLecture.objects.select_for_update().filter(pk=lecture_id).first()
        if lecture is None or lecture.status != LiveStatus.ENDING:
            return "skipped"
        if lecture.sessions.filter(state__in=(SessionState.PENDING, SessionState.RUNNING)).exists():
            return "waiting"
    try:
        outcome = replay.publish(lecture=lecture)
    except Exception as error:
        logger.exception("live %s: the replay could not be made", lecture_id)
        _unmade(lecture, LiveStatus.FAILED, repr(error))
        return "failed"
    if outcome == "empty":
        _unmade(lecture, LiveStatus.MISSED, "nothing was recorded")
        return "missed"
    lecture.refresh_from_db()
    if lecture.course_id and lecture.lesson_key:
        lesson_video_attach(
            course=lecture.course, lesson_key=lecture.lesson_key, video=lecture.video
        )
    with transaction.atomic():
        LiveLecture.objects.filter(pk=lecture_id).update(
            status=LiveStatus.ENDED, replay_ready_at=timezone.now(), updated_at=timezone.now()
        )
        notices.replay_ready(
            lecture=lecture, learner_ids=selectors.audience(lecture=lecture).iterator(2000)
        )
    replay.keep_source(lecture=lecture)
    return "ready"


def _unmade(lecture: LiveLecture, status: str, detail: str) -> None:
    """No replay: the lecture says why, and its recording video is failed, not left
    processing in the library."""
    with transaction.atomic():
        LiveLecture.objects.filter(pk=lecture.pk, status=LiveStatus.ENDING).update(
            status=status, failure_reason=detail[:2000]
        )
        if lecture.video_id:
            with translation.override(settings.LANGUAGE_CODE):
                reason = _("The live lecture's recording could not be made into a video.")
            Video.objects.filter(pk=lecture.video_id, current_rendition_set=None).update(
                status=VideoStatus.FAILED, failure_reason=reason
            )


# The clock: grace periods, missed lectures, dead supervisors, reminders --------------


def lectures_past_grace(*, now: datetime.datetime | None = None) -> int:
    """End the lectures whose publisher left more than the grace period ago."""
    now = now or timezone.now()
    before = now - datetime.timedelta(seconds=settings.LIVE_GRACE_SECONDS)
    ended = 0
    due = LiveLecture.objects.filter(
        status__in=(LiveStatus.LIVE, LiveStatus.RECONNECTING, LiveStatus.SCHEDULED),
        disconnected_at__lt=before,
    ).exclude(sessions__state__in=(SessionState.PENDING, SessionState.RUNNING))
    for lecture in due:
        if lecture.status == LiveStatus.SCHEDULED:
            continue  # accepted but never on air: it may still start, or be missed
        ended += lecture_end(lecture=lecture, now=now)
    return ended


def lectures_mark_missed(*, now: datetime.datetime | None = None) -> int:
    """A lecture whose scheduled end passed without it ever going live did not happen."""
    now = now or timezone.now()
    return (
        LiveLecture.objects.filter(status=LiveStatus.SCHEDULED, ends_at__lt=now)
        .exclude(sessions__state__in=(SessionState.PENDING, SessionState.RUNNING))
        .update(status=LiveStatus.MISSED, updated_at=now)
    )


STALE_SESSION_SECONDS = 30


def sessions_lost(*, hostname: str, kill, now: datetime.datetime | None = None) -> int:
    """Connections whose supervisor stopped beating: kill their ffmpeg if it runs on this
    host (``kill(session) -> bool``) and end them, keeping what they recorded."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=STALE_SESSION_SECONDS)
    lost = IngestSession.objects.filter(
        Q(state=SessionState.RUNNING, heartbeat_at__lt=stale)
        | Q(state=SessionState.PENDING, created_at__lt=stale)
    ).select_related("lecture")
    count = 0
    for session in lost:
        if session.hostname == hostname:
            kill(session)
        session_end(session_id=session.pk, error="the ingest supervisor stopped", now=now)
        count += 1
    return count


def finalize_stuck(*, now: datetime.datetime | None = None) -> int:
    """Re-deliver the replay of lectures left ending (a lost queue message)."""
    now = now or timezone.now()
    stuck = LiveLecture.objects.filter(
        status=LiveStatus.ENDING, ended_at__lt=now - datetime.timedelta(seconds=60)
    ).exclude(sessions__state__in=(SessionState.PENDING, SessionState.RUNNING))
    for lecture in stuck:
        with transaction.atomic():
            _enqueue_finalize(lecture)
    return len(stuck)


REMINDERS = (
    ("reminded_day_at", datetime.timedelta(days=1), True),
    ("reminded_soon_at", datetime.timedelta(minutes=15), False),
)


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """A day and 15 minutes before the start: a message (and text) to enrolled or
    booked learners and the followers of the lecturer and the academy. Each reminder
    goes once: the lecture's row is claimed in the transaction that writes the messages
    (a thousand per INSERT, read from the audience in batches), and the texts are
    queued a thousand per task once it commits."""
    now = now or timezone.now()
    sent = 0
    for field, ahead, day_before in REMINDERS:
        due = LiveLecture.objects.filter(
            status=LiveStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + ahead,
            **{f"{field}__isnull": True},
        )
        for lecture in due:
            with transaction.atomic():
                if not LiveLecture.objects.filter(
                    pk=lecture.pk, **{f"{field}__isnull": True}
                ).update(**{field: now}):
                    continue
                if day_before and lecture.starts_at - now < datetime.timedelta(hours=1):
                    continue  # scheduled at short notice: the 15-minute reminder will do
                sent += notices.reminder(
                    lecture=lecture,
                    learner_ids=selectors.audience(lecture=lecture).iterator(2000),
                    day_before=day_before,
                )
    return sent


# Watching ---------------------------------------------------------------------------


def watch_record(
    *,
    lecture: LiveLecture,
    learner,
    beat: crediting.Beat,
    tab: str,
    live_seconds: float,
    now: datetime.datetime | None = None,
):
    """A heartbeat of the live player: the learner is watching now (the viewer count)
    and earns learning hours under the video rules, with the ledger source 直播课."""
    now = now or timezone.now()
    updated = LiveViewer.objects.filter(lecture=lecture, learner=learner).update(last_seen_at=now)
    if not updated:
        try:
            with transaction.atomic():
                LiveViewer.objects.create(lecture=lecture, learner=learner, last_seen_at=now)
        except IntegrityError:
            LiveViewer.objects.filter(lecture=lecture, learner=learner).update(last_seen_at=now)
    course = lecture.course or (lecture.class_session.course if lecture.class_session_id else None)
    page = course or lecture.unit
    unit = unit_of(page)
    timeline = StudiedLesson(  # the length grows as the lecture goes on
        key=lecture.key,
        measure=Measure.LIVE,
        duration=float(max(int(live_seconds), 1)),
        course=Titled(page.pk, page.title),
        unit=Titled(unit.pk, unit.title) if unit else None,
    )
    return progress_record(learner=learner, lesson=timeline, beat=beat, tab=tab, now=now)


def question_post(*, lecture: LiveLecture, author, text: str, now=None) -> LiveQuestion:
    """A learner asks; at most one question each 10 s and 30 an hour per learner."""
    now = now or timezone.now()
    text = " ".join(text.split())
    if not text:
        raise ValidationError(_("Write your question first."))
    if not lecture.is_on_air and lecture.status != LiveStatus.SCHEDULED:
        raise ValidationError(_("Questions are taken only while the lecture is live."))
    recent = LiveQuestion.objects.filter(
        lecture=lecture, author=author, created_at__gt=now - datetime.timedelta(hours=1)
    ).values_list("created_at", flat=True)
    recent = sorted(recent)
    if recent and (now - recent[-1]).total_seconds() < QUESTION_INTERVAL_SECONDS:
        raise ValidationError(_("You are asking too fast. Please wait a few seconds."))
    if len(recent) >= QUESTIONS_PER_HOUR:
        raise ValidationError(_("You have asked many questions in the last hour. Please wait."))
    question = LiveQuestion(lecture=lecture, author=author, text=text)
    question.full_clean()
    question.save()
    return question


def question_moderate(*, question: LiveQuestion, by, action: str) -> LiveQuestion:
    """``answered``, ``hidden`` or ``shown`` (undo a hide) by the lecturer or an admin."""
    now = timezone.now()
    if action == "answered":
        question.answered_at = question.answered_at or now
    elif action == "hidden":
        question.hidden_at = question.hidden_at or now
    elif action == "shown":
        question.hidden_at = None
    else:
        raise ValueError(action)
    question.moderated_by = by
    question.save(update_fields=["answered_at", "hidden_at", "moderated_by"])
    return question


def live_seconds(*, lecture: LiveLecture) -> float:
    """Seconds recorded so far (the live timeline's length), from the top rendition."""

    names = [rung["name"] for rung in lecture.ladder.get("rungs", [])]
    if not names and lecture.ladder.get("audio"):
        names = ["audio"]
    if not lecture.rendition_dir or not names:
        return 0.0
    directory = os.path.join(video_conf.stream_root(), lecture.rendition_dir, names[0])
    return sum(segment.duration for segment in lecture_segments(directory))
