"""A learner's place in a course."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    ACTIVE = "active", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Left the course")


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("Enrolled themselves")
    ADMIN = "admin", _("Enrolled by an administrator")
    BULK = "bulk", _("Bulk enrolment")


class Enrolment(models.Model):
    """One learner in one course; there is never more than one row per pair.

    Leaving and coming back reuse the row. Only ``active`` enrolments take a seat.
    The waiting list is ordered by ``waitlisted_at`` (then id); see
    ``courses.services.enrolment`` for the transitions, all taken under a lock on the
    course row.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("course"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, db_index=True
    )
    source = models.CharField(
        _("how"), max_length=20, choices=EnrolmentSource.choices, default=EnrolmentSource.SELF
    )
    created_at = models.DateTimeField(_("first requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("joined the waiting list at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="enrolment_once")]
        indexes = [models.Index(fields=["course", "status", "waitlisted_at"])]

    def __str__(self):
        return f"{self.learner_id} @ {self.course_id}: {self.status}"

    @property
    def takes_part(self) -> bool:
        """Enrolled, waiting for approval or waiting for a seat."""
        return self.status in (
            EnrolmentStatus.ACTIVE,
            EnrolmentStatus.PENDING,
            EnrolmentStatus.WAITLISTED,
        )
