"""Live lectures (直播授课): scheduled, streamed to the platform's ingest, watched live with
rewind and Q&A, and kept as a library video attached to their lesson.

A :class:`LiveLecture` belongs to a course lesson of kind 直播 (``course`` and
``lesson_key``) or to a night-school class taught online (``class_session``). Each
connection of the publisher is an :class:`IngestSession`; the rules are in
``live.services`` and the processes in ``live.ingest``.
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_stream_key() -> str:
    return secrets.token_urlsafe(24)


def new_passphrase() -> str:
    # SRT passphrases are 10–79 characters.
    return secrets.token_urlsafe(18)


class LiveStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live now")
    RECONNECTING = "reconnecting", _("Waiting for the lecturer to reconnect")
    ENDING = "ending", _("Ended, preparing the replay")
    ENDED = "ended", _("Ended, replay ready")
    FAILED = "failed", _("Ended, the replay could not be made")
    MISSED = "missed", _("Did not take place")


# The lecture can still be streamed to (or is being streamed to).
OPEN_STATUSES = (LiveStatus.SCHEDULED, LiveStatus.LIVE, LiveStatus.RECONNECTING)
FINISHED_STATUSES = (LiveStatus.ENDED, LiveStatus.FAILED, LiveStatus.MISSED)


class LiveLecture(models.Model):
    """One live lecture: when, by whom, for which lesson or class, and its stream.

    ``stream_key`` (RTMP) and ``srt_passphrase`` (SRT, on ``srt_port``) are secrets shown
    only to the lecturer and the unit's administrators; rotating them refuses the old
    ones. ``video`` is the library video that the recording becomes; its HLS lives in
    ``rendition_dir`` (under the video's directory) from the first second of the stream.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(2000)]
    )
    unit = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("academy or base"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("course"),
    )
    lesson_key = models.UUIDField(_("lesson"), null=True, blank=True)
    class_session = models.ForeignKey(
        "nightschool.ClassSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("night-school class"),
    )
    lecturer = models.ForeignKey(
        "courses.LecturerPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lecturer"),
        help_text=_("The lecturer's account sees the stream key and can end the lecture."),
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))

    stream_key = models.CharField(max_length=64, unique=True, default=new_stream_key)
    srt_passphrase = models.CharField(max_length=79, default=new_passphrase)
    srt_port = models.PositiveIntegerField(null=True, blank=True, editable=False)
    key_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=LiveStatus.choices,
        default=LiveStatus.SCHEDULED,
        editable=False,
        db_index=True,
    )
    video = models.OneToOneField(
        "video.Video",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="live_lecture",
        verbose_name=_("recording"),
    )
    rendition_dir = models.CharField(max_length=255, blank=True, editable=False)
    ladder = models.JSONField(default=dict, blank=True, editable=False)
    went_live_at = models.DateTimeField(_("went live at"), null=True, editable=False)
    disconnected_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, editable=False)
    replay_ready_at = models.DateTimeField(_("replay ready at"), null=True, editable=False)
    failure_reason = models.TextField(blank=True, editable=False)
    reminded_day_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_soon_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("live lecture")
        verbose_name_plural = _("live lectures")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="live_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(course__isnull=True, lesson_key__isnull=True)
                | Q(course__isnull=False, lesson_key__isnull=False),
                name="live_lesson_has_its_course",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_on_air(self) -> bool:
        return self.status in (LiveStatus.LIVE, LiveStatus.RECONNECTING)


class Protocol(models.TextChoices):
    RTMP = "rtmp", "RTMP"
    SRT = "srt", "SRT"


class SessionState(models.TextChoices):
    PENDING = "pending", _("Accepted, starting")
    RUNNING = "running", _("Streaming")
    ENDED = "ended", _("Ended")
    FAILED = "failed", _("Failed")


class IngestSession(models.Model):
    """One connection of the publisher: accepted by ``on_publish``, recorded by nginx as
    it comes (``recording``), transcoded from that file by one ffmpeg (``ffmpeg_pid``)
    that a supervisor (``manage.py live_ingest``) runs and watches."""

    lecture = models.ForeignKey(LiveLecture, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveIntegerField()
    protocol = models.CharField(max_length=10, choices=Protocol.choices, default=Protocol.RTMP)
    state = models.CharField(
        max_length=20, choices=SessionState.choices, default=SessionState.PENDING, db_index=True
    )
    client_addr = models.CharField(max_length=100, blank=True)
    client_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    publisher_gone_at = models.DateTimeField(null=True, blank=True)
    hostname = models.CharField(max_length=255, blank=True)
    supervisor_pid = models.PositiveIntegerField(null=True, blank=True)
    ffmpeg_pid = models.PositiveIntegerField(null=True, blank=True)
    recording = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("ingest connection")
        verbose_name_plural = _("ingest connections")
        ordering = ["lecture", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lecture", "number"], name="ingest_session_number"),
            # A second publisher on a lecture already live is refused: one open connection.
            models.UniqueConstraint(
                fields=["lecture"],
                condition=Q(state__in=["pending", "running"]),
                name="ingest_one_open_session",
            ),
        ]

    def __str__(self):
        return f"{self.lecture_id}#{self.number} {self.state}"


class LiveViewer(models.Model):
    """The last heartbeat of one learner watching one lecture: "watching now" counts the
    learners whose last beat is recent."""

    lecture = models.ForeignKey(LiveLecture, on_delete=models.CASCADE, related_name="viewers")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lecture", "learner"], name="live_viewer_once")
        ]
        indexes = [models.Index(fields=["lecture", "last_seen_at"])]

    def __str__(self):
        return f"{self.learner_id} @ {self.lecture_id}"


QUESTION_MAX_LENGTH = 300


class LiveQuestion(models.Model):
    """A learner's question to the lecturer; the lecturer and admins mark it answered or
    hide it (abuse). Hidden questions are shown to no one but their author."""

    lecture = models.ForeignKey(LiveLecture, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("question"), max_length=QUESTION_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["lecture", "author", "created_at"])]

    def __str__(self):
        return self.text[:40]
