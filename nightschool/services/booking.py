"""Bookings and the waiting list: every write with a business rule.

Every change to the seats of a class first locks the class's row (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``), so seats
are never oversold however many people press "book" at once, and the waiting list
moves in order. Offers that ran out are expired under the same lock before anything
else happens, so a lapsed offer never holds a seat. Time comes in as ``now`` so that
tests and scheduled tasks can say what time it is; by default it is ``timezone.now()``
read once the class's lock is held, so arrival times follow the order seats are given.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nightschool.formats import when
from nightschool.models import (
    ACTIVE,
    SEAT_HOLDING,
    Attendance,
    Booking,
    BookingStatus,
    ClassSession,
)
from nightschool.selectors import can_manage_site
from nightschool.services import notices


class BookingError(Exception):
    """A booking request that cannot be carried out; the message is for the learner,
    ``code`` for programs (the JSON API)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def session_locked(session: ClassSession) -> ClassSession:
    """The class's row, locked until the transaction ends (see the module's note)."""
    return ClassSession.objects.select_for_update(of=("self",)).get(pk=session.pk)


def free_seats(session: ClassSession) -> int:
    """Seats no booking holds (read under the class's lock)."""
    held = session.bookings.filter(status__in=SEAT_HOLDING).count()
    return max(session.capacity - held, 0)


def _waiting(session: ClassSession):
    return session.bookings.filter(status=BookingStatus.WAITLISTED).order_by("queued_at", "pk")


def booking_confirm_now(booking: Booking, now: datetime) -> None:
    """Give the booking its seat from `now` (the class is locked and has one free)."""
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = now
    booking.offer_expires_at = None


def _offer_deadline(now: datetime, session: ClassSession) -> datetime:
    """How long an offer is held: NIGHTSCHOOL_OFFER_HOURS, but an offer never lapses
    while people sleep (22:00–08:00 moves to 09:00) nor outlives the class's start."""
    deadline = timezone.localtime(now + timedelta(hours=settings.NIGHTSCHOOL_OFFER_HOURS))
    if deadline.hour >= 22 or deadline.hour < 8:
        morning = deadline.replace(hour=9, minute=0, second=0, microsecond=0)
        deadline = morning + timedelta(days=1) if deadline.hour >= 22 else morning
    return min(deadline, session.starts_at)


def _offer_free_seats(session: ClassSession, now: datetime) -> list[Booking]:
    """Offer each free seat to the next learner waiting, first come first served."""
    if now >= session.starts_at:
        return []
    free = free_seats(session)
    if not free:
        return []
    deadline = _offer_deadline(now, session)
    offered = list(_waiting(session)[:free])
    for booking in offered:
        booking.status = BookingStatus.OFFERED
        booking.offered_at = now
        booking.offer_expires_at = deadline
        booking.save(update_fields=["status", "offered_at", "offer_expires_at", "updated_at"])
        notices.seat_offered(booking)
    return offered


def offers_expire(session: ClassSession, now: datetime) -> list[Booking]:
    """Lapse the offers whose deadline has passed and hand their seats on."""
    lapsed = list(session.bookings.filter(status=BookingStatus.OFFERED, offer_expires_at__lte=now))
    for booking in lapsed:
        booking.status = BookingStatus.LAPSED
        booking.save(update_fields=["status", "updated_at"])
        notices.offer_lapsed(booking)
    if lapsed:
        _offer_free_seats(session, now)
    return lapsed


def _check_booking_open(session: ClassSession, now: datetime) -> None:
    if not session.site.live or not session.course.live:
        raise BookingError(_("This class is not open for booking."), code="not_open")
    if now < session.booking_opens_at:
        raise BookingError(
            _("Booking for this class opens on %(when)s.")
            % {"when": when(session.booking_opens_at)},
            code="not_open_yet",
        )
    if now >= session.booking_closes_at:
        raise BookingError(
            _("Booking for this class closed on %(when)s.")
            % {"when": when(session.booking_closes_at)},
            code="closed",
        )


def _check_learner_may_book(learner, session: ClassSession, now: datetime) -> None:
    term = session.term
    if term.booking_limit:
        booked = Booking.objects.filter(
            learner=learner, session__term=term, status__in=ACTIVE
        ).count()
        if booked >= term.booking_limit:
            raise BookingError(
                _(
                    "You have booked %(count)d classes in %(term)s, the most one learner may. "
                    "Cancel one you cannot attend to book this one."
                )
                % {"count": booked, "term": term.name},
                code="term_limit",
            )
    site = session.site
    if site.no_show_limit:
        period = timedelta(days=site.no_show_period_days)
        misses = list(
            Booking.objects.filter(
                learner=learner,
                session__site=site,
                attendance=Attendance.NO_SHOW,
                session__starts_at__gte=now - period,
            )
            .order_by("-session__starts_at")
            .values_list("session__starts_at", flat=True)[: site.no_show_limit]
        )
        if len(misses) >= site.no_show_limit:
            raise BookingError(
                _(
                    "You missed %(count)d booked classes in the last %(days)d days without "
                    "cancelling, so you can book again from %(date)s. If a miss is a mistake, "
                    "ask the night school to correct it."
                )
                % {
                    "count": len(misses),
                    "days": site.no_show_period_days,
                    "date": when(misses[-1] + period),
                },
                code="no_shows",
            )


@transaction.atomic
def booking_create(*, learner, session: ClassSession, now: datetime | None = None) -> Booking:
    """Book a seat in a class, or join the end of its waiting list when every seat is
    taken or promised. Booking again while booked or waiting changes nothing."""
    session = session_locked(session)
    # Taken once the lock is held, so that arrival times follow the order seats are given.
    now = now or timezone.now()
    offers_expire(session, now)
    booking = Booking.objects.filter(session=session, learner=learner).first()
    if booking is not None and booking.status in ACTIVE:
        return booking
    _check_booking_open(session, now)
    _check_learner_may_book(learner, session, now)
    booking = booking or Booking(session=session, learner=learner)
    booking.queued_at = now
    booking.walk_in = False
    booking.offered_at = booking.offer_expires_at = None
    booking.cancelled_at = booking.cancelled_by = None
    if free_seats(session) and not _waiting(session).exists():
        booking_confirm_now(booking, now)
    else:
        booking.status = BookingStatus.WAITLISTED
        booking.confirmed_at = None
    booking.full_clean(exclude=["session", "learner"], validate_constraints=False)
    booking.save()
    _offer_free_seats(session, now)
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, by=None, now: datetime | None = None) -> Booking:
    """Give a seat back or leave the waiting list (or turn down an offer). Learners can
    give a seat back until the class's cancellation deadline; the night school's
    administrators (``by``) at any time. A freed seat is offered to the next in line."""
    session = session_locked(booking.session)
    now = now or timezone.now()
    by_school = by is not None and by.pk != booking.learner_id
    if by_school and not can_manage_site(user=by, site=session.site):
        raise PermissionDenied(_("Only the administrators of this night school may do this."))
    offers_expire(session, now)
    booking = Booking.objects.get(pk=booking.pk)
    if booking.status not in ACTIVE:
        return booking
    if booking.status == BookingStatus.CONFIRMED and not by_school:
        if now >= session.starts_at:
            raise BookingError(
                _("The class has started; a seat can no longer be given back."), code="started"
            )
        if now > session.cancellation_deadline:
            raise BookingError(
                _(
                    "Seats of this class could only be given back until %(when)s. If you "
                    "cannot come, please tell the night school."
                )
                % {"when": when(session.cancellation_deadline)},
                code="deadline_passed",
            )
    freed_seat = booking.status in SEAT_HOLDING
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by or booking.learner
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "updated_at"])
    if by_school:
        notices.booking_cancelled_by_school(booking)
    if freed_seat:
        _offer_free_seats(session, now)
    return booking


def offer_accept(*, booking: Booking, now: datetime | None = None) -> Booking:
    """Take the seat offered from the waiting list, before the offer's deadline. An offer
    found lapsed is handed on to the next in line (and that is kept) before refusing."""
    with transaction.atomic():
        session = session_locked(booking.session)
        now = now or timezone.now()
        offers_expire(session, now)
        booking = Booking.objects.get(pk=booking.pk)
        if booking.status == BookingStatus.OFFERED:
            booking_confirm_now(booking, now)
            booking.save(update_fields=["status", "confirmed_at", "offer_expires_at", "updated_at"])
    if booking.status == BookingStatus.CONFIRMED:
        return booking
    if booking.status == BookingStatus.LAPSED:
        raise BookingError(
            _(
                "The seat was held for you until %(when)s and has passed to the next person. "
                "You can join the waiting list again."
            )
            % {"when": when(booking.offer_expires_at)},
            code="offer_lapsed",
        )
    raise BookingError(_("There is no seat offer to confirm."), code="no_offer")


@transaction.atomic
def session_seats_offer(*, session: ClassSession, now: datetime | None = None) -> list[Booking]:
    """Offer seats freed by an edit of the class (more seats) to those waiting."""
    session = session_locked(session)
    now = now or timezone.now()
    offers_expire(session, now)
    return _offer_free_seats(session, now)


def offers_expire_due(*, now: datetime | None = None) -> int:
    """Lapse every offer past its deadline, class by class, handing the seats on."""
    now = now or timezone.now()
    due = (
        ClassSession.objects.filter(
            bookings__status=BookingStatus.OFFERED, bookings__offer_expires_at__lte=now
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    lapsed = 0
    for session_id in list(due):
        with transaction.atomic():
            lapsed += len(offers_expire(session_locked(ClassSession(pk=session_id)), now))
    return lapsed


def sessions_close_due(*, now: datetime | None = None) -> int:
    """Record as no-shows the booked learners who never checked in to a class that is
    over (check-in closed)."""
    now = now or timezone.now()
    margin = timedelta(minutes=settings.NIGHTSCHOOL_CHECKIN_MARGIN_MINUTES)
    missed = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, attendance="", session__ends_at__lte=now - margin
    ).select_related("learner", "session__venue", "session__course")
    recorded = 0
    for booking in missed:
        with transaction.atomic():
            if Booking.objects.filter(pk=booking.pk, attendance="").update(
                attendance=Attendance.NO_SHOW
            ):
                notices.no_show_recorded(booking)
                recorded += 1
    return recorded
