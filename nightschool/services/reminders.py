"""Reminding booked learners of their class, a day and an hour before."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from nightschool.models import (
    Booking,
    BookingStatus,
)
from nightschool.services import notices

DAY_BEFORE = timedelta(hours=24)


HOUR_BEFORE = timedelta(hours=1)


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
