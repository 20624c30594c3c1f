"""Every write of the night school: bookings and the waiting list, reminders, check-in and
attendance (see each module), and what it tells learners (`notices`)."""

from nightschool.services.attendance import (
    CheckInError,
    ScanResult,
    attendance_record,
    attendance_scan,
    scan_precheck,
)
from nightschool.services.booking import (
    BookingError,
    booking_cancel,
    booking_create,
    offer_accept,
    offers_expire_due,
    session_seats_offer,
    sessions_close_due,
)
from nightschool.services.reminders import (
    reminders_send_due,
)

__all__ = [
    "BookingError",
    "CheckInError",
    "ScanResult",
    "attendance_record",
    "attendance_scan",
    "booking_cancel",
    "booking_create",
    "offer_accept",
    "offers_expire_due",
    "reminders_send_due",
    "scan_precheck",
    "session_seats_offer",
    "sessions_close_due",
]
