"""A rush on the last seats never oversells.

Real threads, each with its own database connection, press "book" at the same
moment. On PostgreSQL the class row's lock (SELECT … FOR UPDATE) serialises them; on
SQLite, BEGIN IMMEDIATE does. Committed data is needed across connections, so these
tests run transactionally, with the migrated site tree put back first (as the browser
tests do).
"""

import threading

import pytest
from django.db import connection

from nightschool import selectors, services
from nightschool.models import Booking, BookingStatus
from tests.nightschool.factories import make_learner

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("site_tree")]


def rush(calls) -> list[Exception]:
    """Run the callables in threads released at the same instant; return their errors."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait()
            call()
        except Exception as error:  # reported to the test, which fails on any
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_fifty_people_book_ten_seats_at_once(session):
    session.capacity = 10
    session.save()
    people = [make_learner(f"139{n:08d}") for n in range(1, 51)]
    errors = rush(
        [
            lambda learner=learner: services.booking_create(learner=learner, session=session)
            for learner in people
        ]
    )
    assert errors == []

    confirmed = list(
        Booking.objects.filter(status=BookingStatus.CONFIRMED).order_by("queued_at", "pk")
    )
    waiting = list(
        Booking.objects.filter(status=BookingStatus.WAITLISTED).order_by("queued_at", "pk")
    )
    assert (len(confirmed), len(waiting)) == (10, 40)
    # Arrival order: every confirmed learner came before every waiting one, and the
    # queue's order is the order the bookings were written in.
    assert max(b.queued_at for b in confirmed) <= min(b.queued_at for b in waiting)
    assert max(b.pk for b in confirmed) < min(b.pk for b in waiting)
    assert [b.pk for b in waiting] == sorted(b.pk for b in waiting)
    assert [selectors.waitlist_position(booking=b) for b in waiting] == list(range(1, 41))


def test_one_learner_pressing_book_five_times_gets_one_booking(session):
    learner = make_learner("13900000001")
    errors = rush([lambda: services.booking_create(learner=learner, session=session)] * 5)
    assert errors == []
    assert Booking.objects.filter(learner=learner).count() == 1


def test_cancellations_and_bookings_at_once_never_overfill(session):
    session.capacity = 5
    session.save()
    seated = [make_learner(f"139{n:08d}") for n in range(1, 6)]
    for learner in seated:
        services.booking_create(learner=learner, session=session)
    newcomers = [make_learner(f"138{n:08d}") for n in range(1, 16)]
    calls = [
        lambda learner=learner: services.booking_create(learner=learner, session=session)
        for learner in newcomers
    ] + [
        lambda booking=booking: services.booking_cancel(booking=booking)
        for booking in Booking.objects.filter(learner__in=seated[:3])
    ]
    assert rush(calls) == []
    holding = Booking.objects.filter(
        status__in=[BookingStatus.CONFIRMED, BookingStatus.OFFERED]
    ).count()
    assert holding == 5
    # Freed seats went to newcomers who were waiting (offers) or arrived to a free seat.
    assert Booking.objects.filter(status=BookingStatus.CANCELLED).count() == 3
    assert Booking.objects.filter(status=BookingStatus.WAITLISTED).count() == 12
