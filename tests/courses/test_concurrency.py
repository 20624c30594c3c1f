"""Limited seats under real concurrency: threads with their own database connections.

On PostgreSQL the course row lock (SELECT … FOR UPDATE) serialises the seat count; on
SQLite, BEGIN IMMEDIATE does. The test runs in both passes of the suite."""

import threading

import pytest
from django.db import connection

from academies import demo as academies_demo
from courses import services
from courses.models import Enrolment, EnrolmentStatus
from tests.courses.factories import make_learner, make_limited

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    # Committed data, flushed after each test: site_tree puts back the migrated rows.
    pytest.mark.usefixtures("site_tree"),
]

SEATS = 5


def run_together(calls) -> list[Exception]:
    """Run the calls at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait()
            call()
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def statuses(course) -> dict[str, list[str]]:
    result = {EnrolmentStatus.ACTIVE: [], EnrolmentStatus.WAITLISTED: []}
    for username, status in (
        Enrolment.objects.filter(course=course)
        .order_by("waitlisted_at", "pk")
        .values_list("learner__username", "status")
    ):
        result.setdefault(status, []).append(username)
    return result


def test_seats_are_never_oversold_and_the_queue_is_kept():
    headquarters = academies_demo.seed_headquarters()
    course = make_limited(headquarters, "衍纸画", seats=SEATS)
    learners = [make_learner(f"13900000{n:03d}") for n in range(16)]

    errors = run_together(
        [
            lambda learner=learner: services.course_enrol(learner=learner, course=course)
            for learner in learners
        ]
    )
    assert errors == []
    first = statuses(course)
    assert len(first[EnrolmentStatus.ACTIVE]) == SEATS
    assert len(first[EnrolmentStatus.WAITLISTED]) == len(learners) - SEATS

    # Everyone enrolled leaves while newcomers arrive: the freed seats go to the
    # waiting list in order, never to a newcomer, and never beyond the limit.
    leaving = Enrolment.objects.filter(course=course, status=EnrolmentStatus.ACTIVE)
    newcomers = [make_learner(f"13700000{n:03d}") for n in range(6)]
    errors = run_together(
        [
            lambda enrolment=enrolment: services.course_unenrol(enrolment=enrolment)
            for enrolment in leaving
        ]
        + [
            lambda learner=learner: services.course_enrol(learner=learner, course=course)
            for learner in newcomers
        ]
    )
    assert errors == []
    second = statuses(course)
    assert sorted(second[EnrolmentStatus.ACTIVE]) == sorted(
        first[EnrolmentStatus.WAITLISTED][:SEATS]
    )
    waiting = second[EnrolmentStatus.WAITLISTED]
    assert waiting[: len(learners) - 2 * SEATS] == first[EnrolmentStatus.WAITLISTED][SEATS:]
    assert sorted(waiting[len(learners) - 2 * SEATS :]) == sorted(
        learner.username for learner in newcomers
    )
