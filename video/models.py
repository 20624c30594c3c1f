"""The video library: lecture recordings, their HLS rendition sets, captions and plays.

A :class:`Video` lives in a Wagtail collection, so each academy's admins and lecturers
see and manage only their own academy's videos. Its life cycle is driven by
:class:`TranscodeJob` rows (see ``video.services`` and ``video.tasks``):
uploaded → queued → processing → ready | failed.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import CollectionMember, Orderable
from wagtail.search import index

from video.storage import source_storage, stream_storage


class VideoStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    QUEUED = "queued", _("Waiting to be processed")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone may watch")
    RESTRICTED = "restricted", _("Restricted: only people allowed by the course or academy")


def source_upload_to(instance: "Video", filename: str) -> str:
    return f"{uuid.uuid4().hex}/{filename}"


def poster_upload_to(instance: "Video", filename: str) -> str:
    return f"{instance.pk}/posters/{uuid.uuid4().hex[:12]}.jpg"


def caption_upload_to(instance: "Caption", filename: str) -> str:
    # Under the video's directory, so the video's stream token covers its captions.
    return f"{instance.video_id}/captions/{instance.language}-{uuid.uuid4().hex[:8]}.vtt"


def validate_webvtt(file) -> None:
    """A caption file must be WebVTT: players ignore anything else without a word."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if isinstance(head, str):
        head = head.encode()
    if not head.removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
        raise ValidationError(
            _("This is not a WebVTT caption file (it must start with “WEBVTT”). "
              "Convert SRT subtitles to WebVTT, then upload them again.")
        )  # fmt: skip


class Video(CollectionMember, index.Indexed, ClusterableModel):
    """A lecture recording and where it is in its journey to adaptive HLS.

    ``status``, ``progress`` and ``eta_seconds`` are what the uploader sees; the job
    that produces them is the latest :class:`TranscodeJob`. Playback always uses
    ``current_rendition_set``, switched in one transaction when a new set is published.
    """

    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    lecturer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lectured_videos",
        verbose_name=_("lecturer"),
        help_text=_("The model worker, craftsman or expert who gives this lecture."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="uploaded_videos",
        verbose_name=_("uploaded by"),
    )
    visibility = models.CharField(
        _("who may watch"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.RESTRICTED,
    )

    source = models.FileField(
        _("source file"),
        storage=source_storage,
        upload_to=source_upload_to,
        max_length=500,
        editable=False,
    )
    source_name = models.CharField(_("original file name"), max_length=255, editable=False)
    source_size = models.BigIntegerField(_("source size (bytes)"), default=0, editable=False)
    source_checksum = models.CharField(
        _("source SHA-256"), max_length=64, blank=True, editable=False
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VideoStatus.choices,
        default=VideoStatus.UPLOADED,
        editable=False,
        db_index=True,
    )
    progress = models.FloatField(_("progress (%)"), default=0, editable=False)
    eta_seconds = models.PositiveIntegerField(_("time left (s)"), null=True, editable=False)
    failure_reason = models.TextField(_("why it failed"), blank=True, editable=False)

    duration = models.FloatField(_("duration (s)"), null=True, editable=False)
    width = models.PositiveIntegerField(_("display width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("display height"), null=True, editable=False)
    has_video = models.BooleanField(_("has video"), default=False, editable=False)
    has_audio = models.BooleanField(_("has audio"), default=False, editable=False)

    current_rendition_set = models.ForeignKey(
        "video.RenditionSet",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("rendition set being played"),
    )
    poster = models.FileField(
        _("poster"),
        storage=stream_storage,
        upload_to=poster_upload_to,
        max_length=255,
        blank=True,
        editable=False,
    )
    poster_time = models.FloatField(
        _("poster frame (s)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Second of the video shown as its poster; empty for an automatic choice."),
    )

    play_count = models.PositiveBigIntegerField(_("plays"), default=0, editable=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    ready_at = models.DateTimeField(_("ready since"), null=True, editable=False)

    search_fields = [
        *CollectionMember.search_fields,
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("description"),
        index.FilterField("status"),
        index.FilterField("lecturer"),
        index.FilterField("uploaded_by"),
        index.FilterField("visibility"),
    ]

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["-created_at", "-pk"]
        permissions = [("choose_video", _("Can choose video"))]

    def __str__(self):
        return self.title

    @property
    def is_ready(self) -> bool:
        """Ready and playable (a re-transcode in progress keeps the current set playing)."""
        return self.status == VideoStatus.READY and self.current_rendition_set_id is not None

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class RenditionSet(models.Model):
    """One published HLS package of a video: master playlist, variants, sprite.

    Files live in ``VIDEO_STREAM_ROOT/<directory>``; a set is never modified after it
    is published. A re-transcode publishes a new set and retires this one; retired sets
    are deleted after a grace period so that viewers who are mid-playback can finish.
    """

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="rendition_sets")
    directory = models.CharField(max_length=255, unique=True)
    master = models.CharField(max_length=100)
    renditions = models.JSONField(
        default=list, help_text="[{width, height, bandwidth, playlist}], the audio-only last"
    )
    sprite = models.CharField(max_length=100, blank=True)
    sprite_vtt = models.CharField(max_length=100, blank=True)
    poster = models.CharField(max_length=100, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("rendition set")
        verbose_name_plural = _("rendition sets")

    def __str__(self):
        return self.directory

    def path(self, name: str) -> str:
        """Path of one of the set's files relative to VIDEO_STREAM_ROOT."""
        return f"{self.directory}/{name}"


class JobReason(models.TextChoices):
    UPLOAD = "upload", _("New upload")
    RETRANSCODE = "retranscode", _("Re-transcode")
    RETRY = "retry", _("Retry after failure")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    WAITING = "waiting", _("Waiting to retry")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Superseded by a newer job")


class TranscodeJob(models.Model):
    """One request to turn a video's source into a published rendition set.

    ``key`` makes the work idempotent: a task delivery claims the job only while it is
    ``queued`` with the same ``attempt``, so a duplicate delivery does nothing. A
    transient failure moves it to ``waiting`` with ``retry_at``; the watchdog re-queues
    it, and also re-queues ``running`` jobs whose ``heartbeat_at`` went stale.
    """

    ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING, JobState.WAITING)

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="jobs")
    reason = models.CharField(max_length=20, choices=JobReason.choices)
    state = models.CharField(
        max_length=20, choices=JobState.choices, default=JobState.QUEUED, db_index=True
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    retry_at = models.DateTimeField(null=True, blank=True, db_index=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    hostname = models.CharField(max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    ffmpeg_pid = models.PositiveIntegerField(null=True, blank=True)
    output_dir = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True, help_text="Technical detail for operators, in English.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transcoding job")
        verbose_name_plural = _("transcoding jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.video_id}:{self.key.hex[:8]}#{self.attempt}"


class Caption(Orderable):
    """A WebVTT subtitle track in one language."""

    video = ParentalKey(Video, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(
        _("language"),
        max_length=20,
        default="zh-Hans",
        help_text=_("A language tag such as zh-Hans, en or ko."),
    )
    label = models.CharField(_("label"), max_length=60, help_text=_("Shown in the player menu."))
    file = models.FileField(
        _("WebVTT file"),
        storage=stream_storage,
        upload_to=caption_upload_to,
        max_length=255,
        validators=[FileExtensionValidator(["vtt"]), validate_webvtt],
    )
    is_default = models.BooleanField(_("on by default"), default=False)

    panels = [
        FieldPanel("language"),
        FieldPanel("label"),
        FieldPanel("file"),
        FieldPanel("is_default"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("caption track")
        verbose_name_plural = _("caption tracks")
        constraints = [
            models.UniqueConstraint(fields=["video", "language"], name="video_caption_language")
        ]

    def __str__(self):
        return f"{self.label} ({self.language})"


class DailyPlays(models.Model):
    """Plays of one video on one day (a play: at least 10 s watched).

    ``lecturer`` is copied from the video when the row is made, so per-lecturer
    statistics stay a single GROUP BY even over tens of thousands of videos.
    """

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="daily_plays")
    lecturer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    day = models.DateField(db_index=True)
    plays = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily plays")
        verbose_name_plural = _("daily plays")
        constraints = [models.UniqueConstraint(fields=["video", "day"], name="video_plays_day")]

    def __str__(self):
        return f"{self.video_id} {self.day}: {self.plays}"


class UsedPlayTicket(models.Model):
    """A play ticket that has been counted. One row per ticket, its key the ticket's
    nonce, so that a ticket counts once however many web processes answer (each with a
    cache of its own when there is no Redis). Swept once a ticket that old would be
    refused anyway."""

    nonce = models.UUIDField(primary_key=True)
    used_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("used play ticket")
        verbose_name_plural = _("used play tickets")

    def __str__(self):
        return f"{self.nonce} {self.used_at:%Y-%m-%d %H:%M:%S}"
