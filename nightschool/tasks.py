"""Thin django-q2 entry points: take ids, re-fetch, call a service.

The three ``*_due`` tasks run on schedules (see migration 0002); each is idempotent
and catches up on whatever it finds due, so a late or repeated run does no harm.
"""

from nightschool import services
from nightschool.models import ClassSession


def offers_expire_due() -> int:
    """Lapse seat offers past their deadline and offer the seats to the next in line."""
    return services.offers_expire_due()


def reminders_send_due() -> int:
    """Remind booked learners a day and an hour before their class."""
    return services.reminders_send_due()


def sessions_close_due() -> int:
    """Record no-shows for classes whose check-in has closed."""
    return services.sessions_close_due()


def session_seats_offer(session_id: int) -> int:
    """Offer seats freed by an edit of a class (more seats) to those waiting."""
    session = ClassSession.objects.filter(pk=session_id).first()
    if session is None:
        return 0
    return len(services.session_seats_offer(session=session))
