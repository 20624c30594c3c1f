"""The learning-hours ledger (学时台账): append-only, one row per credit or correction;
the progress it is credited from; certificates, whose hours are read from it."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


def hours_of(minutes: int) -> Decimal:
    """学时 as every page, API answer, export and certificate states them: minutes / 60,
    to one decimal, halves rounded up."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class LedgerSource(models.TextChoices):
    VIDEO = "video", _("Video lessons")
    READING = "reading", _("Text lessons")
    CLASS = "class", _("Class attendance")
    LIVE = "live", _("Live lecture")
    MANUAL = "manual", _("Manual adjustment")


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a ledger entry."""


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("learning-hours ledger entries are append-only")

    def delete(self):
        raise AppendOnlyError("learning-hours ledger entries are append-only")


class LedgerEntry(models.Model):
    """Minutes credited to a learner. Never updated or deleted (the database refuses it):
    a correction is a new entry with negative or positive minutes, a reason and an author.

    Course and academy are kept as ids plus titles rather than foreign keys, so an entry
    outlives the page it came from and no cascade can ever touch it.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("learner"),
    )
    minutes = models.IntegerField(_("minutes"))
    source = models.CharField(_("source"), max_length=10, choices=LedgerSource.choices)
    academy_id = models.IntegerField(_("academy"), null=True, blank=True, db_index=True)
    academy_title = models.CharField(_("academy"), max_length=255, blank=True)
    course_id = models.IntegerField(_("course"), null=True, blank=True, db_index=True)
    course_title = models.CharField(_("course"), max_length=255, blank=True)
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("e.g. lesson:12, session:5")
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects entry"),
    )
    key = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Idempotency key: the same credit is never written twice."),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning-hours entry")
        verbose_name_plural = _("learning-hours ledger")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["learner", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(minutes=0), name="ledger_entry_minutes_not_zero"
            ),
            models.CheckConstraint(
                condition=~models.Q(source="manual") | ~models.Q(reason=""),
                name="ledger_manual_entry_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.learner} {self.minutes:+d} min ({self.get_source_display()})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("learning-hours ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("learning-hours ledger entries are append-only")


class YearlyHoursTarget(models.Model):
    """The hours an academy expects each of its learners to record in a calendar year."""

    academy = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="yearly_hours_targets",
        verbose_name=_("academy"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    hours = models.PositiveSmallIntegerField(_("hours"))

    class Meta:
        verbose_name = _("yearly hours target")
        verbose_name_plural = _("yearly hours targets")
        constraints = [
            models.UniqueConstraint(fields=["academy", "year"], name="one_target_per_academy_year")
        ]

    def __str__(self):
        return f"{self.academy} {self.year}: {self.hours}"


class CertificateQuerySet(models.QuerySet):
    def with_hours(self):
        """Each certificate with `ledger_minutes`: what the learner's ledger holds for the
        course now — the one truth a certificate's hours are read from."""
        minutes = (
            LedgerEntry.objects.filter(learner=OuterRef("learner"), course_id=OuterRef("course_id"))
            .order_by()
            .values("learner")
            .annotate(total=Sum("minutes"))
            .values("total")
        )
        return self.annotate(ledger_minutes=Coalesce(Subquery(minutes), 0))


class Certificate(models.Model):
    """A completion certificate. Who and what it certifies is copied in at issue time, so
    it reads the same even if the course or the learner's profile changes; its hours are
    the learner's hours for the course in the ledger (see `CertificateQuerySet.with_hours`),
    never a number typed on the course page."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("learner"),
    )
    learner_name = models.CharField(_("learner name"), max_length=100)
    course_id = models.IntegerField(_("course"), db_index=True)
    course_title = models.CharField(_("course"), max_length=255)
    academy_id = models.IntegerField(_("academy"), null=True, blank=True, db_index=True)
    academy_title = models.CharField(_("academy"), max_length=255, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            # One valid certificate per learner and course; a revoked one may be re-issued.
            models.UniqueConstraint(
                fields=["learner", "course_id"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_valid_certificate_per_course",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.learner_name} {self.course_title}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def hours(self) -> Decimal:
        """The learner's hours for the course, in the ledger (read with `with_hours()`, or
        looked up now): the hours exist nowhere else."""
        minutes = getattr(self, "ledger_minutes", None)
        if minutes is None:
            minutes = LedgerEntry.objects.filter(
                learner_id=self.learner_id, course_id=self.course_id
            ).aggregate(total=Sum("minutes"))["total"]
        return hours_of(minutes or 0)


class LessonProgress(models.Model):
    """How much of one lesson a learner has genuinely studied, and where they stopped.

    Lessons are identified by their stable key (course outlines are edited inline and
    lesson rows may be recreated); the course is kept for listings and completion.
    `watched` is the coverage: media seconds of a video, or of a text's stated study time
    read so far; `credited_seconds` is what was credited for it (the same amount, since
    only new coverage earns time). A learner's rows are written only while their
    `LearnerClock` row is locked.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    course = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson_key = models.UUIDField()
    watched = models.JSONField(default=list, help_text="merged [start, end] seconds")
    position = models.FloatField(default=0)
    duration = models.FloatField(default=0)
    credited_seconds = models.FloatField(default=0)
    minutes_recorded = models.PositiveIntegerField(default=0)
    tabs = models.JSONField(
        default=dict, help_text="the last beat (Unix time) of the tabs open on the lesson"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson_key"], name="one_progress_per_lesson"
            )
        ]
        indexes = [models.Index(fields=["learner", "course"])]

    def __str__(self):
        return f"{self.learner} {self.lesson_key} @{self.position:.0f}s"


class LearnerClock(models.Model):
    """The learner's one clock across all tabs and lessons: the wall time already credited,
    and the slack left in the current stretch of beats (see `learning.crediting`)."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    credited_until = models.DateTimeField(null=True, blank=True)
    slack_seconds = models.FloatField(default=0)

    def __str__(self):
        return f"{self.learner} {self.credited_until}"
