"""Check-in and check-out by the class's rotating QR code, and attendance an admin records:
both credit the class's hours to the ledger."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.models import LedgerEntry, LedgerSource
from learning.services import ledger_adjust, ledger_append
from nightschool import tokens
from nightschool.formats import clock, when
from nightschool.models import (
    Attendance,
    Booking,
    BookingStatus,
    ClassSession,
)
from nightschool.selectors import can_manage_site
from nightschool.services.booking import (
    BookingError,
    booking_confirm_now,
    free_seats,
    offers_expire,
    session_locked,
)


class CheckInError(BookingError):
    """A scan of a check-in code that is refused, with the reason."""


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
        booking_confirm_now(booking, now)
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
    if not free_seats(session):
        raise CheckInError(
            _("Every seat of this class is taken, so walk-ins cannot check in."), code="full"
        )
    booking = booking or Booking(session=session, learner=learner)
    booking_confirm_now(booking, now)
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
    session = session_locked(session)
    _check_window(session, now)
    offers_expire(session, now)
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
    session = session_locked(session)
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
        booking_confirm_now(booking, now)
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
