"""The youth workers' night school (吉林省青年职工夜校): sites, venues, terms, classes, seats.

A night-school site is a unit page like an academy (own collection, admin and lecturer
groups). Its classes (`ClassSession`) are small, booked in advance and broadcast online;
`Booking` holds one learner's seat, place on the waiting list or attendance. The rules
live in `nightschool.services`; every change to a class's seats locks the class's row.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

from academies.models import AcademyUnitPage

# When the admin leaves them empty: booking opens when the class is created, closes
# when it starts, and a seat can be given back until this long before the start.
DEFAULT_CANCEL_BEFORE = timedelta(hours=2)


class NightSchoolPage(AcademyUnitPage):
    """A night-school site: the provincial school at the Workers' Cultural Palace, or a
    city branch below it. Lists the upcoming classes of the site and of its branches."""

    city = models.CharField(_("city"), max_length=40, help_text=_("e.g. 长春市"))
    no_show_limit = models.PositiveSmallIntegerField(
        _("no-shows before booking is paused"),
        null=True,
        blank=True,
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A learner who missed this many booked classes of this night school within "
            "the period below cannot book again until the oldest miss is older than the "
            "period. Empty: no limit."
        ),
    )
    no_show_period_days = models.PositiveSmallIntegerField(
        _("period for counting no-shows (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )

    content_panels = [
        *AcademyUnitPage.content_panels[:2],
        FieldPanel("city"),
        *AcademyUnitPage.content_panels[2:],
        MultiFieldPanel(
            [FieldPanel("no_show_limit"), FieldPanel("no_show_period_days")],
            heading=_("Booking rules"),
        ),
    ]
    search_fields = [*AcademyUnitPage.search_fields, index.SearchField("city")]
    parent_page_types = ["lms.HomePage", "nightschool.NightSchoolPage"]
    subpage_types = [
        "nightschool.NightSchoolPage",
        "courses.CourseIndexPage",
        "courses.CoursePage",
    ]

    class Meta:
        verbose_name = _("Night-school site")

    def get_context(self, request, *args, **kwargs):
        from nightschool import selectors
        from nightschool.forms import ClassFilterForm

        context = super().get_context(request, *args, **kwargs)
        form = ClassFilterForm(request.GET, site=self)
        context["filter_form"] = form
        context["listing"] = selectors.class_listing(
            within=self,
            user=request.user,
            page_number=request.GET.get("page"),
            **form.filters(),
        )
        context["branches"] = selectors.branches_of(site=self)
        context["venues"] = list(self.venues.order_by("name"))
        return context


class Venue(models.Model):
    """A classroom of a site: the Workers' Cultural Palace's calligraphy room, a partner's
    hall … Learners see its name and address on every class held there."""

    site = models.ForeignKey(
        NightSchoolPage, on_delete=models.CASCADE, related_name="venues", verbose_name=_("site")
    )
    name = models.CharField(
        _("name"), max_length=120, help_text=_("e.g. 吉林省职工文化宫 三楼书画教室")
    )
    address = models.CharField(_("address"), max_length=255)
    directions = models.CharField(
        _("how to find it"),
        max_length=255,
        blank=True,
        help_text=_("e.g. 从北门进,乘电梯到三楼右转"),
    )
    seats = models.PositiveSmallIntegerField(
        _("seats in the room"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Classes held here cannot take more learners than this."),
    )

    panels = [
        FieldPanel("site", widget=forms.Select),
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("directions"),
        FieldPanel("seats"),
    ]

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Term(models.Model):
    """A term (学期) of a site, with how many classes one learner may book in it."""

    site = models.ForeignKey(
        NightSchoolPage, on_delete=models.CASCADE, related_name="terms", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. 2026 年秋季学期"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    booking_limit = models.PositiveSmallIntegerField(
        _("bookings per learner"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "How many classes of this term one learner may book (waiting lists included). "
            "Empty: no limit."
        ),
    )

    panels = [
        FieldPanel("site", widget=forms.Select),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldPanel("booking_limit"),
    ]

    class Meta:
        verbose_name = _("school term")
        verbose_name_plural = _("school terms")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="term_ends_after_it_starts"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The term cannot end before it starts.")})


class ClassSession(models.Model):
    """One evening class: a course taught by a lecturer in a venue, for a limited number
    of booked learners, and broadcast online for those who cannot come."""

    site = models.ForeignKey(
        NightSchoolPage,
        on_delete=models.PROTECT,
        related_name="class_sessions",
        verbose_name=_("site"),
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="class_sessions", verbose_name=_("term")
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="class_sessions",
        verbose_name=_("course"),
    )
    title = models.CharField(
        _("topic of this class"),
        max_length=120,
        blank=True,
        help_text=_("e.g. 第 3 讲 · 间架结构. Empty: the course's title alone."),
    )
    lecturer = models.ForeignKey(
        "courses.LecturerPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="class_sessions",
        verbose_name=_("lecturer"),
        help_text=_("The lecturer's account may show the check-in code."),
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="class_sessions", verbose_name=_("venue")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    booking_opens_at = models.DateTimeField(
        _("booking opens at"), blank=True, help_text=_("Empty: as soon as the class is saved.")
    )
    booking_closes_at = models.DateTimeField(
        _("booking closes at"), blank=True, help_text=_("Empty: when the class starts.")
    )
    cancellation_deadline = models.DateTimeField(
        _("cancel by"),
        blank=True,
        help_text=_(
            "Learners can give their seat back until then. Empty: two hours before the start."
        ),
    )
    online_url = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("The live broadcast, later the recording, for those who cannot come."),
    )
    walk_ins_allowed = models.BooleanField(
        _("walk-ins may check in"),
        default=False,
        help_text=_("Let learners without a booking check in with the code (seats permitting)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("site", widget=forms.Select),
        FieldPanel("term"),
        FieldPanel("course"),
        FieldPanel("title"),
        FieldPanel("lecturer"),
        FieldPanel("venue"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("capacity"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("booking_opens_at"), FieldPanel("booking_closes_at")]),
                FieldPanel("cancellation_deadline"),
                FieldPanel("walk_ins_allowed"),
            ],
            heading=_("Booking"),
        ),
        FieldPanel("online_url"),
    ]

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["site", "starts_at"]), models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="class_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(booking_closes_at__gt=F("booking_opens_at"))
                & Q(booking_closes_at__lte=F("starts_at")),
                name="class_booking_window_before_start",
            ),
            models.CheckConstraint(
                condition=Q(cancellation_deadline__lte=F("starts_at")),
                name="class_cancel_by_before_start",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at) if self.starts_at else None
        when = f" {local:%Y-%m-%d %H:%M}" if local else ""
        return f"{self.display_title}{when}"

    @property
    def display_title(self) -> str:
        course = self.course.title if self.course_id else ""
        return f"{course} · {self.title}" if self.title else course

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def minutes_attended(self, *, checked_in_at, checked_out_at) -> int:
        """Whole minutes of the class's own time between a check-in and a check-out: a
        learner who checks in half an hour early (check-in opens then) or leaves late
        is credited only from the start to the end of the class."""
        start, end = max(checked_in_at, self.starts_at), min(checked_out_at, self.ends_at)
        return max(0, int((end - start).total_seconds() // 60))

    @property
    def checkin_opens_at(self):
        return self.starts_at - timedelta(minutes=settings.NIGHTSCHOOL_CHECKIN_MARGIN_MINUTES)

    @property
    def checkin_closes_at(self):
        return self.ends_at + timedelta(minutes=settings.NIGHTSCHOOL_CHECKIN_MARGIN_MINUTES)

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = _("A class must end after it starts.")
            if self.booking_opens_at is None:
                self.booking_opens_at = min(timezone.now(), self.starts_at - timedelta(minutes=1))
            if self.booking_closes_at is None:
                self.booking_closes_at = self.starts_at
            if self.cancellation_deadline is None:
                self.cancellation_deadline = max(
                    self.starts_at - DEFAULT_CANCEL_BEFORE, self.booking_opens_at
                )
            if self.booking_closes_at > self.starts_at:
                errors["booking_closes_at"] = _("Booking must close by the start of the class.")
            elif self.booking_closes_at <= self.booking_opens_at:
                errors["booking_closes_at"] = _("Booking must close after it opens.")
            if self.cancellation_deadline > self.starts_at:
                errors["cancellation_deadline"] = _(
                    "Seats can only be given back before the class starts."
                )
        if self.site_id:
            if self.term_id and self.term.site_id != self.site_id:
                errors["term"] = _("Choose a term of this night school.")
            if self.venue_id and self.venue.site_id != self.site_id:
                errors["venue"] = _("Choose a venue of this night school.")
            if self.course_id and not self._course_belongs_to_site():
                errors["course"] = _(
                    "Choose a course published under this night school or a night school above it."
                )
        if (
            self.venue_id
            and self.venue.seats
            and self.capacity
            and self.capacity > self.venue.seats
        ):
            errors["capacity"] = _("%(venue)s has only %(seats)d seats.") % {
                "venue": self.venue.name,
                "seats": self.venue.seats,
            }
        if self.pk and self.capacity:
            holding = self.bookings.filter(status__in=SEAT_HOLDING).count()
            if self.capacity < holding:
                errors["capacity"] = _(
                    "%(count)d learners already hold a seat. Cancel bookings before reducing "
                    "the seats below that."
                ) % {"count": holding}
        if self.term_id and self.starts_at:
            day = timezone.localdate(self.starts_at)
            if not self.term.starts_on <= day <= self.term.ends_on:
                errors["starts_at"] = _("The class must fall within its term (%(term)s).") % {
                    "term": self.term.name
                }
        if errors:
            raise ValidationError(errors)

    def _course_belongs_to_site(self) -> bool:
        owners = NightSchoolPage.objects.ancestor_of(self.site, inclusive=True)
        return any(
            self.course.path.startswith(path) for path in owners.values_list("path", flat=True)
        )


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Seat booked")
    OFFERED = "offered", _("Seat offered, waiting for your answer")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Offer not taken up in time")


# A seat is held by a confirmed booking or by an offer that has not lapsed.
SEAT_HOLDING = (BookingStatus.CONFIRMED, BookingStatus.OFFERED)
ACTIVE = (BookingStatus.CONFIRMED, BookingStatus.OFFERED, BookingStatus.WAITLISTED)


class Attendance(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


class Booking(models.Model):
    """One learner's place in one class: a seat, an offer, a place in the queue, or a
    past one (cancelled, lapsed). At most one row per learner and class; booking again
    after cancelling reuses it and joins the end of the queue.

    The waiting list is ordered by ``queued_at`` then id. After the class,
    ``attendance`` says whether the learner came; ``credited_minutes`` is what their
    attendance added to the learning-hours ledger.
    """

    session = models.ForeignKey(
        ClassSession, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("class")
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="night_school_bookings",
        verbose_name=_("learner"),
    )
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    queued_at = models.DateTimeField(_("asked at"))
    confirmed_at = models.DateTimeField(_("seat confirmed at"), null=True, blank=True)
    offered_at = models.DateTimeField(_("seat offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("confirm by"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    # The newest check-in code window this learner used here: an older or equal one is a replay.
    last_token_window = models.BigIntegerField(null=True, blank=True, editable=False)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, blank=True
    )
    credited_minutes = models.PositiveIntegerField(_("minutes credited"), default=0)
    attendance_note = models.CharField(
        _("reason for recording by hand"), max_length=255, blank=True
    )
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("attendance recorded by"),
    )
    reminded_day_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_hour_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("first asked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="booking_once_per_class"),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="booking_offer_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "queued_at"]),
            models.Index(fields=["status", "offer_expires_at"]),
            models.Index(fields=["learner", "status"]),
        ]

    def __str__(self):
        return f"{self.learner_id} @ {self.session_id}: {self.status}"

    def offer_is_open(self, now) -> bool:
        return self.status == BookingStatus.OFFERED and self.offer_expires_at > now
