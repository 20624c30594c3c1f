"""Booking a seat: capacity, the waiting list and its offers, deadlines and limits."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from lms.models import Notification
from nightschool import selectors, services, tasks
from nightschool.models import Attendance, Booking, BookingStatus
from tests.nightschool.conftest import minutes
from tests.nightschool.factories import at, make_learner, make_session

pytestmark = pytest.mark.django_db

CONFIRMED, WAITLISTED = BookingStatus.CONFIRMED, BookingStatus.WAITLISTED
OFFERED, CANCELLED, LAPSED = BookingStatus.OFFERED, BookingStatus.CANCELLED, BookingStatus.LAPSED


def learners(count, start=1):
    return [make_learner(f"139{n:08d}", f"学员{n}") for n in range(start, start + count)]


def book_all(session, people, now):
    return [
        services.booking_create(learner=p, session=session, now=now + minutes(i)).status
        for i, p in enumerate(people)
    ]


def test_seats_fill_then_the_waiting_list_in_order_and_booking_twice_changes_nothing(
    session, before
):
    session.capacity = 2
    session.save()
    people = learners(4)
    assert book_all(session, people, before) == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    again = services.booking_create(learner=people[3], session=session, now=before + minutes(9))
    assert again.status == WAITLISTED and Booking.objects.count() == 4
    positions = [
        selectors.waitlist_position(booking=b)
        for b in Booking.objects.filter(status=WAITLISTED).order_by("queued_at")
    ]
    assert positions == [1, 2]


def test_the_database_refuses_a_second_booking_of_the_same_learner(session, before):
    learner = make_learner("13900000001")
    booking = services.booking_create(learner=learner, session=session, now=before)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            session=session, learner=learner, status=WAITLISTED, queued_at=booking.queued_at
        )


def test_booking_only_while_it_is_open(session):
    learner = make_learner("13900000001")
    with pytest.raises(services.BookingError, match="开放") as early:
        services.booking_create(
            learner=learner, session=session, now=session.booking_opens_at - minutes(1)
        )
    assert early.value.code == "not_open_yet"
    with pytest.raises(services.BookingError) as late:
        services.booking_create(learner=learner, session=session, now=session.starts_at)
    assert late.value.code == "closed"
    assert not Booking.objects.exists()


def test_a_cancelled_seat_is_offered_to_the_first_waiting_who_confirms_it(
    session, before, outbox, django_capture_on_commit_callbacks
):
    session.capacity = 1
    session.save()
    first, second, third = learners(3)
    book_all(session, [first, second, third], before)
    seat = Booking.objects.get(learner=first)

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=seat, now=before + minutes(30))
    offer = Booking.objects.get(learner=second)
    assert offer.status == OFFERED
    assert offer.offer_expires_at == before + minutes(30) + datetime.timedelta(hours=12)
    assert Booking.objects.get(learner=third).status == WAITLISTED
    # The learner is told on the site and by text message, with the deadline.
    notice = Notification.objects.get(user=second)
    assert "间架结构" in notice.text and notice.url == f"/nightschool/classes/{session.pk}/"
    assert outbox == [(second.username, notice.text)]
    # An offer holds the seat: a newcomer waits.
    newcomer = make_learner("13900000009")
    late = services.booking_create(learner=newcomer, session=session, now=before + minutes(40))
    assert late.status == WAITLISTED

    accepted = services.offer_accept(booking=offer, now=before + minutes(60))
    assert accepted.status == CONFIRMED and accepted.offer_expires_at is None
    assert (
        selectors.class_detail(session=session, user=second, now=before + minutes(61))["seats_left"]
        == 0
    )


def test_an_offer_not_taken_up_in_time_passes_to_the_next(session, before, outbox):
    session.capacity = 1
    session.save()
    first, second, third = learners(3)
    book_all(session, [first, second, third], before)
    services.booking_cancel(booking=Booking.objects.get(learner=first), now=before + minutes(5))
    offer = Booking.objects.get(learner=second)
    deadline = offer.offer_expires_at

    # Read lazily before any task ran: the lapsed offer no longer holds the seat.
    detail = selectors.class_detail(session=session, user=second, now=deadline + minutes(1))
    assert detail["status"] == LAPSED and detail["seats_left"] == 1
    with pytest.raises(services.BookingError) as lapsed:
        services.offer_accept(booking=offer, now=deadline + minutes(1))
    assert lapsed.value.code == "offer_lapsed"
    assert Booking.objects.get(learner=second).status == LAPSED
    handed_on = Booking.objects.get(learner=third)
    assert handed_on.status == OFFERED
    assert handed_on.offer_expires_at == min(
        deadline + minutes(1) + datetime.timedelta(hours=12), session.starts_at
    )
    assert Notification.objects.filter(user=second, text__contains="已让给下一位").exists()


def test_the_scheduled_task_lapses_offers_and_hands_seats_on(session, before):
    session.capacity = 1
    session.save()
    first, second, third = learners(3)
    book_all(session, [first, second, third], before)
    services.booking_cancel(booking=Booking.objects.get(learner=first), now=before + minutes(5))
    deadline = Booking.objects.get(learner=second).offer_expires_at
    assert services.offers_expire_due(now=deadline - minutes(1)) == 0
    assert services.offers_expire_due(now=deadline) == 1
    handed_on = Booking.objects.get(learner=third)
    assert handed_on.status == OFFERED
    assert handed_on.offer_expires_at == deadline + datetime.timedelta(hours=12)
    assert tasks.offers_expire_due() == 0


def test_an_offer_close_to_the_class_lasts_until_it_starts(session, before):
    session.capacity = 1
    session.save()
    first, second = learners(2)
    book_all(session, [first, second], before)
    services.booking_cancel(
        booking=Booking.objects.get(learner=first),
        by=first,
        now=session.starts_at - datetime.timedelta(hours=3),
    )
    assert Booking.objects.get(learner=second).offer_expires_at == session.starts_at


def test_an_offer_never_lapses_at_night(session, before):
    session.capacity = 1
    session.save()
    first, second = learners(2)
    book_all(session, [first, second], before)
    evening = at(days=0, hour=17, minute=44)  # + 12 h would be 05:44
    services.booking_cancel(booking=Booking.objects.get(learner=first), now=evening)
    assert Booking.objects.get(learner=second).offer_expires_at == at(days=1, hour=9)


def test_turning_an_offer_down_or_leaving_the_queue(session, before):
    session.capacity = 1
    session.save()
    first, second, third, fourth = learners(4)
    book_all(session, [first, second, third, fourth], before)
    services.booking_cancel(booking=Booking.objects.get(learner=fourth), now=before + minutes(5))
    assert Booking.objects.get(learner=second).status == WAITLISTED  # no seat freed
    services.booking_cancel(booking=Booking.objects.get(learner=first), now=before + minutes(6))
    services.booking_cancel(booking=Booking.objects.get(learner=second), now=before + minutes(7))
    assert Booking.objects.get(learner=second).status == CANCELLED
    assert Booking.objects.get(learner=third).status == OFFERED


def test_coming_back_after_cancelling_joins_the_end_of_the_queue(session, before):
    session.capacity = 1
    session.save()
    first, second = learners(2)
    book_all(session, [first, second], before)
    services.booking_cancel(booking=Booking.objects.get(learner=second), now=before + minutes(5))
    again = services.booking_create(learner=second, session=session, now=before + minutes(6))
    assert again.status == WAITLISTED and again.queued_at == before + minutes(6)
    assert Booking.objects.filter(learner=second).count() == 1


def test_the_cancellation_deadline_binds_learners_not_the_school(school, session, before):
    learner = make_learner("13900000001")
    booking = services.booking_create(learner=learner, session=session, now=before)
    late = session.cancellation_deadline + minutes(1)
    with pytest.raises(services.BookingError, match="取消") as refused:
        services.booking_cancel(booking=booking, now=late)
    assert refused.value.code == "deadline_passed"
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=booking, by=school.branch_admin, now=late)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=booking, by=school.academy_admin, now=late)
    cancelled = services.booking_cancel(booking=booking, by=school.admin, now=late)
    assert (cancelled.status, cancelled.cancelled_by) == (CANCELLED, school.admin)
    assert Notification.objects.filter(user=learner, text__contains="夜校取消").exists()


def test_a_waiting_learner_may_leave_after_the_deadline(session, before):
    session.capacity = 1
    session.save()
    first, second = learners(2)
    book_all(session, [first, second], before)
    waiting = Booking.objects.get(learner=second)
    left = services.booking_cancel(booking=waiting, now=session.cancellation_deadline + minutes(5))
    assert left.status == CANCELLED


def test_the_term_booking_limit(school, session, before):
    term = session.term
    term.booking_limit = 2
    term.save()
    other = make_session(school.site, school.course, starts_at=at(days=3), title="第二讲")
    third = make_session(school.site, school.course, starts_at=at(days=4), title="第三讲")
    learner = make_learner("13900000001")
    services.booking_create(learner=learner, session=session, now=before)
    services.booking_create(learner=learner, session=other, now=before)
    with pytest.raises(services.BookingError, match="最多") as refused:
        services.booking_create(learner=learner, session=third, now=before)
    assert refused.value.code == "term_limit"
    services.booking_cancel(booking=Booking.objects.get(session=other), now=before)
    assert services.booking_create(learner=learner, session=third, now=before).status == CONFIRMED


def test_repeated_no_shows_pause_booking_until_they_age_out(school, before):
    site = school.site
    site.no_show_limit = 2
    site.no_show_period_days = 30
    site.save_revision().publish()
    learner = make_learner("13900000001")
    past = []
    for days in (-20, -10):
        session = make_session(
            site,
            school.course,
            starts_at=at(days=days),
            booking_opens_at=at(days=days - 5),
            title=f"第{-days}天前",
        )
        services.booking_create(learner=learner, session=session, now=at(days=days - 1))
        past.append(session)
    # The task records the misses once check-in has closed.
    assert services.sessions_close_due(now=at(days=-10) + datetime.timedelta(hours=1)) == 1
    assert services.sessions_close_due(now=before) == 1
    assert services.sessions_close_due(now=before) == 0
    assert set(Booking.objects.values_list("attendance", flat=True)) == {Attendance.NO_SHOW}
    assert Notification.objects.filter(user=learner, text__contains="缺席").count() == 2

    upcoming = make_session(
        site, school.course, starts_at=at(days=12), booking_opens_at=at(days=-1), title="下周"
    )
    with pytest.raises(services.BookingError, match="缺席") as paused:
        services.booking_create(learner=learner, session=upcoming, now=before)
    assert paused.value.code == "no_shows"
    # Once the older miss is more than 30 days old, booking is possible again.
    assert (
        services.booking_create(learner=learner, session=upcoming, now=at(days=11, hour=9)).status
        == CONFIRMED
    )


def test_more_seats_in_an_edit_offer_them_to_those_waiting(
    session, before, django_capture_on_commit_callbacks
):
    session.capacity = 1
    session.save()
    first, second, third = learners(3)
    book_all(session, [first, second, third], before)
    session.capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        session.full_clean()
        session.save()
    assert set(
        Booking.objects.filter(learner__in=[second, third]).values_list("status", flat=True)
    ) == {OFFERED}


def test_seats_cannot_be_reduced_below_those_taken(session, before):
    book_all(session, learners(3), before)
    session.capacity = 2
    with pytest.raises(ValidationError, match="3"):
        session.full_clean()


def test_reminders_a_day_and_an_hour_before_once_each(
    session, before, outbox, django_capture_on_commit_callbacks
):
    early, late = learners(2)
    services.booking_create(learner=early, session=session, now=before)
    # Booked 3 hours before: no "tomorrow" reminder for what they just did.
    services.booking_create(
        learner=late, session=session, now=session.starts_at - datetime.timedelta(hours=3)
    )
    day_before = session.starts_at - datetime.timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(now=day_before) == 1
        assert services.reminders_send_due(now=day_before + minutes(5)) == 0
    assert [phone for phone, _text in outbox] == [early.username]
    assert "取消" in outbox[0][1]
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(now=session.starts_at - minutes(55)) == 2
    assert sorted(phone for phone, _text in outbox) == sorted([early.username, late.username])
    assert all("二维码" in text for _phone, text in outbox)
