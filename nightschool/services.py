"""Bookings, the waiting list, check-in and attendance: every write with a business rule.

Every change to the seats of a class first locks the class's row (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``), so seats
are never oversold however many people press "book" at once, and the waiting list
moves in order. Offers that ran out are expired under the same lock before anything
else happens, so a lapsed offer never holds a seat. Time comes in as ``now`` so that
tests and scheduled tasks can say what time it is; by default it is ``timezone.now()``
read once the class's lock is held, so arrival times follow the order seats are given.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.models import LedgerEntry, LedgerSource
from learning.services import ledger_adjust, ledger_append
from nightschool import notices, tokens
from nightschool.formats import clock, when
from nightschool.models import (
    ACTIVE,
    SEAT_HOLDING,
    Attendance,
    Booking,
    BookingStatus,
    ClassSession,
)
from nightschool.selectors import can_manage_site

DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)


class BookingError(Exception):
    """A booking request that cannot be carried out; the message is for the learner,
    ``code`` for programs (the JSON API)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


class CheckInError(BookingError):
    """A scan of a check-in code that is refused, with the reason."""


def _locked(session: ClassSession) -> ClassSession:
    return ClassSession.objects.select_for_update(of=("self",)).get(pk=session.pk)


def _free_seats(session: ClassSession) -> int:
    held = session.bookings.filter(status__in=SEAT_HOLDING).count()
    return max(session.capacity - held, 0)


def _waiting(session: ClassSession):
    return session.bookings.filter(status=BookingStatus.WAITLISTED).order_by("queued_at", "pk")


def _confirm(booking: Booking, now: datetime) -> None:
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
    free = _free_seats(session)
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


def _expire_offers(session: ClassSession, now: datetime) -> list[Booking]:
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
    session = _locked(session)
    # Taken once the lock is held, so that arrival times follow the order seats are given.
    now = now or timezone.now()
    _expire_offers(session, now)
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
    if _free_seats(session) and not _waiting(session).exists():
        _confirm(booking, now)
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
    session = _locked(booking.session)
    now = now or timezone.now()
    by_school = by is not None and by.pk != booking.learner_id
    if by_school and not can_manage_site(user=by, site=session.site):
        raise PermissionDenied(_("Only the administrators of this night school may do this."))
    _expire_offers(session, now)
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
        session = _locked(booking.session)
        now = now or timezone.now()
        _expire_offers(session, now)
        booking = Booking.objects.get(pk=booking.pk)
        if booking.status == BookingStatus.OFFERED:
            _confirm(booking, now)
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
    session = _locked(session)
    now = now or timezone.now()
    _expire_offers(session, now)
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
            lapsed += len(_expire_offers(_locked(ClassSession(pk=session_id)), now))
    return lapsed


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Remind booked learners a day and an hour before their class. A learner who
    booked later than that is not reminded of what they just did."""
    now = now or timezone.now()
    confirmed = Booking.objects.filter(status=BookingStatus.CONFIRMED).select_related(
        "learner", "session__venue", "session__course"
    )
    batches = (
        (
            "reminded_day_at",
            True,
            confirmed.filter(
                reminded_day_at=None,
                session__starts_at__gt=now + HOUR_BEFORE,
                session__starts_at__lte=now + DAY_BEFORE,
                confirmed_at__lt=F("session__starts_at") - DAY_BEFORE,
            ),
        ),
        (
            "reminded_hour_at",
            False,
            confirmed.filter(
                reminded_hour_at=None,
                session__starts_at__gt=now,
                session__starts_at__lte=now + HOUR_BEFORE,
                confirmed_at__lt=F("session__starts_at") - HOUR_BEFORE,
            ),
        ),
    )
    sent = 0
    for field, day_before, bookings in batches:
        for booking in bookings:
            with transaction.atomic():
                claimed = Booking.objects.filter(pk=booking.pk, **{field: None}).update(
                    **{field: now}
                )
                if claimed:
                    notices.reminder(booking, day_before=day_before)
                    sent += 1
    return sent


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


@dataclass(frozen=True)
class ScanResult:
    action: str  # "checked_in" or "checked_out"
    booking: Booking


def _check_code(session: ClassSession, token: str, now: datetime) -> tokens.Code:
    code = tokens.read(token)
    current = tokens.window_at(now)
    if code is None or code.window > current:
        raise CheckInError(
            _("This is not a valid check-in code. Scan the code on the lecturer's phone."),
            code="invalid",
        )
    if code.session_id != session.pk:
        raise CheckInError(
            _(
                "This code belongs to another class. Scan the code shown in the class you "
                "are attending."
            ),
            code="other_class",
        )
    if code.window < current - 1:
        raise CheckInError(
            _(
                "This code has expired: it changes every %(seconds)d seconds. Scan the code "
                "on the lecturer's phone again."
            )
            % {"seconds": settings.NIGHTSCHOOL_TOKEN_SECONDS},
            code="expired",
        )
    return code


def _check_window(session: ClassSession, now: datetime) -> None:
    if now < session.checkin_opens_at:
        raise CheckInError(
            _("Check-in for this class opens on %(when)s.")
            % {"when": when(session.checkin_opens_at)},
            code="not_open_yet",
        )
    if now > session.checkin_closes_at:
        raise CheckInError(
            _("Check-in for this class closed on %(when)s.")
            % {"when": when(session.checkin_closes_at)},
            code="closed",
        )


def scan_precheck(*, session: ClassSession, token: str, now: datetime | None = None) -> None:
    """Check a scanned code and the class's check-in window before knowing who scanned
    it (the learner still has to log in)."""
    now = now or timezone.now()
    _check_code(session, token, now)
    _check_window(session, now)


def _seat_for_scan(learner, session: ClassSession, now: datetime) -> Booking:
    """The learner's confirmed booking; an open offer is taken up by coming, and a
    walk-in gets a free seat when the class lets walk-ins in."""
    booking = Booking.objects.filter(session=session, learner=learner).first()
    if booking is not None and booking.status == BookingStatus.CONFIRMED:
        return booking
    if booking is not None and booking.offer_is_open(now):
        _confirm(booking, now)
        return booking
    if not session.walk_ins_allowed:
        if booking is not None and booking.status == BookingStatus.WAITLISTED:
            message = _(
                "You are on the waiting list of this class and have no seat, so you cannot "
                "check in. Ask the lecturer if a seat is free."
            )
        else:
            message = _(
                "You have not booked this class, so you cannot check in. Book a seat first "
                "or ask the lecturer."
            )
        raise CheckInError(message, code="not_booked")
    if not _free_seats(session):
        raise CheckInError(
            _("Every seat of this class is taken, so walk-ins cannot check in."), code="full"
        )
    booking = booking or Booking(session=session, learner=learner)
    _confirm(booking, now)
    booking.walk_in = True
    booking.queued_at = now
    return booking


def _class_entry(booking: Booking) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(key=f"class:{booking.pk}").first()


@transaction.atomic
def attendance_scan(
    *, learner, session: ClassSession, token: str, now: datetime | None = None
) -> ScanResult:
    """Check in with the code on the lecturer's phone, or check out with a later code.

    Refused: a forged code, one of another class, one older than the previous window,
    one the learner already used (or an older one), a scan outside the class's
    check-in window, and a learner without a seat (unless walk-ins are allowed).
    Checking out credits the minutes from check-in to check-out that fall within the
    class's own time to the learning-hours ledger, once."""
    now = now or timezone.now()
    code = _check_code(session, token, now)
    session = _locked(session)
    _check_window(session, now)
    _expire_offers(session, now)
    booking = _seat_for_scan(learner, session, now)
    if booking.last_token_window is not None and code.window <= booking.last_token_window:
        raise CheckInError(
            _(
                "You have already used this code. Wait for the next code on the lecturer's "
                "phone; it changes every %(seconds)d seconds."
            )
            % {"seconds": settings.NIGHTSCHOOL_TOKEN_SECONDS},
            code="replay",
        )
    if booking.checked_out_at is not None:
        raise CheckInError(
            _("You checked out at %(time)s; %(minutes)d minutes were recorded.")
            % {"time": clock(booking.checked_out_at), "minutes": booking.credited_minutes},
            code="already_out",
        )
    booking.last_token_window = code.window
    if booking.checked_in_at is None:
        booking.checked_in_at = now
        booking.attendance = Attendance.ATTENDED
        booking.full_clean(exclude=["session", "learner"], validate_constraints=False)
        booking.save()
        return ScanResult("checked_in", booking)
    if now - booking.checked_in_at < timedelta(minutes=settings.NIGHTSCHOOL_CHECKOUT_AFTER_MINUTES):
        raise CheckInError(
            _(
                "You are checked in since %(time)s. Scan the code again at the end of the "
                "class to check out."
            )
            % {"time": clock(booking.checked_in_at)},
            code="too_soon",
        )
    booking.checked_out_at = now
    minutes = session.minutes_attended(checked_in_at=booking.checked_in_at, checked_out_at=now)
    if minutes and not booking.credited_minutes:
        ledger_append(
            learner=learner,
            minutes=minutes,
            source=LedgerSource.CLASS,
            academy=session.site,
            course=session.course,
            reference=f"class:{session.pk}",
            key=f"class:{booking.pk}",
        )
        booking.credited_minutes = minutes
    booking.save()
    return ScanResult("checked_out", booking)


@transaction.atomic
def attendance_record(
    *,
    session: ClassSession,
    learner,
    minutes: int,
    reason: str,
    by,
    now: datetime | None = None,
) -> Booking:
    """An administrator records by hand how long a learner attended (a phone without
    battery, a forgotten check-out, a correction). The ledger gets the difference to
    what was credited before, as a manual entry with the reason and the author.
    Zero minutes records the learner as absent."""
    now = now or timezone.now()
    if not can_manage_site(user=by, site=session.site):
        raise PermissionDenied(_("Only the administrators of this night school may do this."))
    session = _locked(session)
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason for recording by hand.")})
    if not 0 <= minutes <= session.length_minutes:
        raise ValidationError(
            {
                "minutes": _("Enter between 0 and %(most)d minutes, the length of the class.")
                % {"most": session.length_minutes}
            }
        )
    if now < session.checkin_opens_at:
        raise ValidationError(_("Attendance can be recorded once the class has begun."))
    booking = Booking.objects.filter(session=session, learner=learner).first()
    if booking is None or booking.status != BookingStatus.CONFIRMED:
        booking = booking or Booking(session=session, learner=learner, queued_at=now)
        _confirm(booking, now)
        booking.walk_in = True
    delta = minutes - booking.credited_minutes
    if booking.pk is None:
        booking.save()
    if delta:
        ledger_adjust(
            learner=learner,
            minutes=delta,
            reason=reason,
            author=by,
            academy=session.site,
            course=session.course,
            reference=f"class:{session.pk}",
            corrects=_class_entry(booking),
        )
    booking.credited_minutes = minutes
    booking.attendance = Attendance.ATTENDED if minutes else Attendance.NO_SHOW
    booking.attendance_note = reason.strip()
    booking.attendance_recorded_by = by
    booking.full_clean(exclude=["session", "learner"], validate_constraints=False)
    booking.save()
    return booking
