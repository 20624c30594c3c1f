"""Reads for the night school. Each runs a fixed number of queries, however many rows.

Seat counts treat an offer whose deadline has passed as a free seat even before the
scheduled task has lapsed it, so what people see never waits for the queue.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import GroupPagePermission

from accounts.phones import mask_phone
from accounts.selectors import display_name
from courses.models import Category, CoursePage
from lms.selectors import kept_on_user
from nightschool.models import Attendance, Booking, BookingStatus, ClassSession, NightSchoolPage

CLASSES_PER_PAGE = 20


def seat_holding_q(now: datetime.datetime, prefix: str = "") -> Q:
    """Bookings that hold a seat at `now`: confirmed, or offered and not yet lapsed."""
    return Q(**{f"{prefix}status": BookingStatus.CONFIRMED}) | Q(
        **{f"{prefix}status": BookingStatus.OFFERED, f"{prefix}offer_expires_at__gt": now}
    )


# Who manages what ------------------------------------------------------------------


def _published_paths(user) -> list[str]:
    return kept_on_user(
        user,
        "nightschool.published_paths",
        lambda: list(
            GroupPagePermission.objects.filter(
                group__user=user, permission__codename="publish_page"
            )
            .values_list("page__path", flat=True)
            .distinct()
        ),
    )


def manages_a_site(*, user) -> bool:
    """Whether the user administers any night-school site (asked once per request)."""
    return kept_on_user(
        user, "nightschool.manages_a_site", lambda: managed_sites(user=user).exists()
    )


def managed_sites(*, user) -> QuerySet:
    """The night-school sites whose classes the user administers: those where their
    groups may publish pages (a site's admin group, or one of a site above it)."""
    sites = NightSchoolPage.objects.all()
    if not user.is_authenticated:
        return sites.none()
    if user.is_superuser:
        return sites
    q = Q()
    for path in _published_paths(user):
        q |= Q(path__startswith=path)
    return sites.filter(q) if q else sites.none()


def can_manage_site(*, user, site: NightSchoolPage) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or site.permissions_for_user(user).can_publish()


def may_show_code(*, user, session: ClassSession) -> bool:
    """The class's lecturer (through their lecturer page's account) and the site's
    administrators may show the check-in code and see who has checked in."""
    if not user.is_authenticated:
        return False
    lecturer_user_id = session.lecturer.user_id if session.lecturer_id else None
    return user.pk == lecturer_user_id or can_manage_site(user=user, site=session.site)


# Listing and detail ---------------------------------------------------------------


def _with_seats(sessions: QuerySet, now) -> QuerySet:
    return sessions.annotate(
        seats_held=Count("bookings", filter=seat_holding_q(now, "bookings__")),
        waiting_count=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITLISTED)),
    )


def _listed(now) -> QuerySet:
    return listed_sessions().filter(ends_at__gt=now).order_by("starts_at", "pk")


@dataclass
class ClassCard:
    session: ClassSession
    seats_left: int
    waiting: int
    booking: Booking | None
    booking_open: bool
    opens_later: bool

    status: str | None

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0


@dataclass
class ClassListing:
    page: PaginatorPage
    cards: list[ClassCard]
    filtered: bool = False


def effective_status(booking: Booking | None, now) -> str | None:
    """A booking's status as of `now`: an offer past its deadline has lapsed even if the
    scheduled task has not got to it yet."""
    if booking is None:
        return None
    if booking.status == BookingStatus.OFFERED and not booking.offer_is_open(now):
        return BookingStatus.LAPSED
    return booking.status


def _my_bookings(user, session_ids) -> dict[int, Booking]:
    if not user.is_authenticated or not session_ids:
        return {}
    return {
        booking.session_id: booking
        for booking in Booking.objects.filter(learner=user, session_id__in=session_ids)
    }


def _cards(sessions: list[ClassSession], user, now) -> list[ClassCard]:
    mine = _my_bookings(user, [session.pk for session in sessions])
    return [
        ClassCard(
            session=session,
            seats_left=max(session.capacity - session.seats_held, 0),
            waiting=session.waiting_count,
            booking=mine.get(session.pk),
            status=effective_status(mine.get(session.pk), now),
            booking_open=session.booking_opens_at <= now < session.booking_closes_at,
            opens_later=now < session.booking_opens_at,
        )
        for session in sessions
    ]


def class_listing(
    *,
    within: NightSchoolPage,
    user,
    page_number=None,
    category: Category | None = None,
    city: str = "",
    now: datetime.datetime | None = None,
) -> ClassListing:
    """Classes of a site and its branches that have not ended yet, soonest first."""
    now = now or timezone.now()
    sessions = _listed(now).filter(site__path__startswith=within.path)
    if category is not None:
        sessions = sessions.filter(course__category=category)
    if city:
        sessions = sessions.filter(site__city=city)
    page = Paginator(_with_seats(sessions, now), CLASSES_PER_PAGE).get_page(page_number)
    return ClassListing(
        page=page, cards=_cards(list(page.object_list), user, now), filtered=bool(category or city)
    )


def upcoming_classes(*, within=None, limit: int = 4, now=None) -> list[ClassCard]:
    """The next classes that have not ended, with their free seats, as anyone sees them:
    of every live site, or of a unit — its courses' and its lecturers' classes."""
    now = now or timezone.now()
    sessions = _listed(now)
    if within is not None:
        sessions = sessions.filter(
            Q(course__path__startswith=within.path)
            | Q(lecturer__course_links__course__path__startswith=within.path)
        ).distinct()
    return _cards(list(_with_seats(sessions, now)[:limit]), AnonymousUser(), now)


def filter_choices(*, within: NightSchoolPage) -> tuple[list[Category], list[str]]:
    """The categories to filter by (the fixed four, and any N with classes here) and the
    cities of the site and its branches."""
    used = ClassSession.objects.filter(site__path__startswith=within.path).values(
        "course__category"
    )
    categories = list(Category.objects.filter(Q(is_fixed=True) | Q(pk__in=used)))
    cities = sorted(
        set(
            NightSchoolPage.objects.live()
            .filter(path__startswith=within.path)
            .exclude(city="")
            .values_list("city", flat=True)
        )
    )
    return categories, cities


def branches_of(*, site: NightSchoolPage) -> list[NightSchoolPage]:
    return list(NightSchoolPage.objects.live().public().child_of(site).order_by("path"))


def listed_sessions() -> QuerySet:
    """Classes of live public night-school sites' live public courses, with what their
    pages show. A class of an unpublished course, or of one kept private, is not there:
    served by id it would tell its course's title, times and place."""
    return ClassSession.objects.select_related(
        "course__category", "venue", "site", "lecturer", "term"
    ).filter(site__in=live_sites(), course__in=CoursePage.objects.live().public())


def live_sites() -> QuerySet:
    return NightSchoolPage.objects.live().public()


def night_school_root() -> NightSchoolPage | None:
    """The shallowest live night-school site: the provincial school."""
    return live_sites().order_by("depth", "path").first()


def waitlist_position(*, booking: Booking) -> int:
    """1 for the first learner waiting."""
    ahead = Booking.objects.filter(
        session_id=booking.session_id, status=BookingStatus.WAITLISTED
    ).filter(Q(queued_at__lt=booking.queued_at) | Q(queued_at=booking.queued_at, pk__lt=booking.pk))
    return ahead.count() + 1


def _with_queue_position(bookings: QuerySet) -> QuerySet:
    """Annotate ``ahead``: how many learners wait before each booking in its class."""
    ahead = (
        Booking.objects.filter(session_id=OuterRef("session_id"), status=BookingStatus.WAITLISTED)
        .filter(
            Q(queued_at__lt=OuterRef("queued_at"))
            | Q(queued_at=OuterRef("queued_at"), pk__lt=OuterRef("pk"))
        )
        .values("session_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return bookings.annotate(ahead=Coalesce(Subquery(ahead), 0))


def class_detail(*, session: ClassSession, user, now: datetime.datetime | None = None) -> dict:
    """What the class page shows: seats, the visitor's booking and what they may do."""
    now = now or timezone.now()
    counted = _with_seats(ClassSession.objects.filter(pk=session.pk), now).get()
    booking = None
    if user.is_authenticated:
        booking = Booking.objects.filter(session=session, learner=user).first()
    status = effective_status(booking, now)
    return {
        "seats_left": max(session.capacity - counted.seats_held, 0),
        "waiting": counted.waiting_count,
        "booking": booking,
        "status": status,
        "position": (
            waitlist_position(booking=booking) if status == BookingStatus.WAITLISTED else None
        ),
        "booking_open": session.booking_opens_at <= now < session.booking_closes_at,
        "booking_not_yet_open": now < session.booking_opens_at,
        "may_cancel": (
            status in (BookingStatus.WAITLISTED, BookingStatus.OFFERED)
            or (status == BookingStatus.CONFIRMED and now <= session.cancellation_deadline)
        ),
        "has_ended": session.ends_at <= now,
        "checkin_open": session.checkin_opens_at <= now <= session.checkin_closes_at,
        "may_show_code": may_show_code(user=user, session=session),
        "can_manage": can_manage_site(user=user, site=session.site),
    }


# A learner's own classes ------------------------------------------------------------


@dataclass
class LearnerClasses:
    offers: list[Booking] = field(default_factory=list)
    upcoming: list[Booking] = field(default_factory=list)
    waiting: list[tuple[Booking, int]] = field(default_factory=list)
    attended: list[Booking] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.offers or self.upcoming or self.waiting or self.attended)


def learner_classes(*, learner, now: datetime.datetime | None = None) -> LearnerClasses:
    """A learner's night-school classes: seats offered to them, booked classes still to
    come, waiting lists, and attended classes with their hours."""
    now = now or timezone.now()
    mine = Booking.objects.filter(learner=learner).select_related(
        "session__course", "session__venue", "session__site"
    )
    result = LearnerClasses()
    upcoming = _with_queue_position(mine.filter(session__ends_at__gt=now))
    for booking in upcoming.order_by("session__starts_at", "pk"):
        if booking.offer_is_open(now):
            result.offers.append(booking)
        elif booking.status == BookingStatus.CONFIRMED:
            result.upcoming.append(booking)
        elif booking.status == BookingStatus.WAITLISTED:
            result.waiting.append((booking, booking.ahead + 1))
    result.attended = list(
        mine.filter(attendance=Attendance.ATTENDED, session__ends_at__lte=now).order_by(
            "-session__starts_at"
        )[:10]
    )
    return result


# The lecturer's screen and the administrators' views -----------------------------


@dataclass
class LiveAttendance:
    booked: int
    checked_in: int
    checked_out: int
    rows: list[dict]


def live_attendance(*, session: ClassSession) -> LiveAttendance:
    """Who has checked in to a class so far, latest first, for the lecturer's screen."""
    bookings = list(
        session.bookings.filter(status=BookingStatus.CONFIRMED)
        .select_related("learner__learner_profile")
        .order_by("-checked_in_at", "pk")
    )
    present = [b for b in bookings if b.checked_in_at]
    return LiveAttendance(
        booked=len(bookings),
        checked_in=len(present),
        checked_out=sum(1 for b in present if b.checked_out_at),
        rows=[
            {
                "name": display_name(b.learner),
                "phone": mask_phone(b.learner.username),
                "checked_in_at": b.checked_in_at,
                "checked_out_at": b.checked_out_at,
                "walk_in": b.walk_in,
            }
            for b in present
        ],
    )


def session_roster(*, session: ClassSession) -> dict[str, list[Booking]]:
    """A class's bookings grouped by status; the waiting list in queue order."""
    roster = {status: [] for status in BookingStatus.values}
    bookings = (
        session.bookings.all()
        .select_related("learner__learner_profile", "attendance_recorded_by")
        .order_by("queued_at", "pk")
    )
    for booking in bookings:
        roster[booking.status].append(booking)
    return roster


def managed_sessions(*, user) -> QuerySet:
    return ClassSession.objects.filter(site__in=managed_sites(user=user).values("pk"))


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    sessions: list[ClassSession]


def sessions_calendar(*, user, year: int, month: int) -> list[list[CalendarDay]]:
    """The weeks (Monday first) of a month with the classes of the user's sites each day."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(weeks[0][0], datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        weeks[-1][-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    by_day: dict[datetime.date, list[ClassSession]] = {}
    sessions = _with_seats(
        managed_sessions(user=user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("course", "venue", "site")
        .order_by("starts_at", "pk"),
        timezone.now(),
    )
    for session in sessions:
        by_day.setdefault(timezone.localdate(session.starts_at), []).append(session)
    return [
        [CalendarDay(day, day.month == month, by_day.get(day, [])) for day in week]
        for week in weeks
    ]


def class_minutes_by_learner(learner_ids) -> dict[tuple[int, str], int]:
    """The minutes each booking's attendance was credited (scanned, or recorded by an
    admin), by (learner id, ``class:<session id>``): what the ledger should hold for it
    (see `learning.audit`)."""
    return {
        (learner_id, f"class:{session_id}"): minutes
        for learner_id, session_id, minutes in Booking.objects.filter(
            learner_id__in=learner_ids
        ).values_list("learner_id", "session_id", "credited_minutes")
    }
