"""Roll-up tables behind the back-office dashboards.

`dashboards.services.figures_refresh` rebuilds them from the ledger, enrolments, lesson
progress, certificates, plays and bookings (on the queue, by schedule and on demand), so
a dashboard reads a few small tables instead of scanning the ledger. Units and courses
are kept as ids, as in the ledger: a figure outlives the page it was counted for.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodFigures(models.Model):
    """What happened on one day (or in one month): figures that add up across days and
    across units. `unit_id` is the unit that owns the course, class or video directly.
    Each source writes rows of its own, so a day may have several rows: read sums."""

    unit_id = models.IntegerField(db_index=True)
    minutes = models.IntegerField(default=0, db_default=0)
    enrolments = models.IntegerField(default=0, db_default=0)
    completions = models.IntegerField(default=0, db_default=0)
    certificates = models.IntegerField(default=0, db_default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit_id} {getattr(self, 'day', None) or getattr(self, 'month', None)}"


class UnitDay(PeriodFigures):
    day = models.DateField()
    plays = models.IntegerField(default=0, db_default=0)
    bookings = models.IntegerField(default=0, db_default=0)
    attended = models.IntegerField(default=0, db_default=0)
    no_shows = models.IntegerField(default=0, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["unit_id", "day"])]


class CourseDay(PeriodFigures):
    course_id = models.IntegerField()
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["day", "unit_id"])]


class CourseMonth(PeriodFigures):
    """The same as `CourseDay`, added up by calendar month: a date range reads whole
    months here and only its ragged ends from the days."""

    course_id = models.IntegerField()
    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["month", "unit_id"])]


class Snapshot(models.Model):
    """Counts as of the last refresh that do not add up: distinct learners (`enrolled`,
    `active_*`), and the enrolments taking part and how many of them are complete."""

    enrolled = models.IntegerField(default=0, db_default=0)
    enrolments = models.IntegerField(default=0, db_default=0)
    active_7 = models.IntegerField(default=0, db_default=0)
    active_30 = models.IntegerField(default=0, db_default=0)
    completed = models.IntegerField(default=0, db_default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{type(self).__name__} {self.pk}: {self.enrolled}"


class UnitSnapshot(Snapshot):
    """A unit with everything below it."""

    unit_id = models.IntegerField(unique=True)


class CourseSnapshot(Snapshot):
    course_id = models.IntegerField(unique=True)
    unit_id = models.IntegerField(db_index=True)
    title = models.CharField(max_length=255)
    pending = models.IntegerField(default=0, db_default=0)
    waitlisted = models.IntegerField(default=0, db_default=0)
    certificates = models.IntegerField(default=0, db_default=0)


class LessonRetention(models.Model):
    """Of the learners who played a lesson's video, the share whose watched ranges
    cover each point along it: `curve[i]` is the percentage at (i + ½) / len(curve)
    of the video."""

    lesson_key = models.UUIDField(unique=True)
    course_id = models.IntegerField(db_index=True)
    unit_id = models.IntegerField(db_index=True)
    title = models.CharField(max_length=255)
    course_title = models.CharField(max_length=255)
    duration = models.FloatField()
    viewers = models.IntegerField()
    completed = models.IntegerField()
    curve = models.JSONField(default=list)

    def __str__(self):
        return f"{self.title}: {self.viewers}"


class RefreshState(models.Model):
    """The one row saying when the figures were last rebuilt and how far a rebuild is."""

    requested_at = models.DateTimeField(null=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    percent = models.PositiveSmallIntegerField(default=0)
    running = models.BooleanField(default=False)
    seconds = models.FloatField(null=True)

    class Meta:
        verbose_name = _("figures refresh")

    def __str__(self):
        return f"{self.finished_at} ({self.percent} %)"

    @property
    def waiting(self) -> bool:
        """Running, or asked for and not started yet."""
        return self.running or bool(
            self.requested_at and (self.started_at is None or self.requested_at > self.started_at)
        )
