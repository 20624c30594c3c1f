"""Checking in and out with the rotating code, and attendance becoming learning hours."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from learning.models import LedgerEntry, LedgerSource
from learning.selectors import learner_minutes_for_year
from nightschool import services, tokens
from nightschool.models import Attendance, Booking, BookingStatus
from tests.nightschool.conftest import minutes
from tests.nightschool.factories import make_learner, make_session

pytestmark = pytest.mark.django_db


def code(session, when) -> str:
    return tokens.make(session_id=session.pk, window=tokens.window_at(when))


def scan(learner, session, when, token=None):
    return services.attendance_scan(
        learner=learner, session=session, token=token or code(session, when), now=when
    )


def refused(learner, session, when, token=None) -> str:
    with pytest.raises(services.CheckInError) as error:
        scan(learner, session, when, token)
    assert str(error.value)  # a message a person can read
    return error.value.code


@pytest.fixture
def booked(session, before):
    learner = make_learner("13900000001", "王芳")
    services.booking_create(learner=learner, session=session, now=before)
    return learner


def test_check_in_then_out_credits_the_ledger_once(school, session, booked):
    start = session.starts_at
    assert scan(booked, session, start + minutes(2)).action == "checked_in"
    out = scan(booked, session, start + minutes(88))
    assert out.action == "checked_out"
    assert out.booking.credited_minutes == 86
    entry = LedgerEntry.objects.get(learner=booked)
    assert (entry.minutes, entry.source, entry.key) == (
        86,
        LedgerSource.CLASS,
        f"class:{out.booking.pk}",
    )
    assert (entry.academy_id, entry.course_id) == (school.site.pk, school.course.pk)
    assert entry.course_title == "书法(楷书)"

    # A repeated check-out (a second scan, a retried request) never credits again.
    assert refused(booked, session, start + minutes(89)) == "already_out"
    assert LedgerEntry.objects.filter(learner=booked).count() == 1
    assert learner_minutes_for_year(learner=booked, year=entry.created_at.year) == 86
    booking = Booking.objects.get(learner=booked)
    assert booking.attendance == Attendance.ATTENDED


def test_minutes_are_capped_at_the_class_length(session, booked):
    scan(booked, session, session.starts_at - minutes(25))
    out = scan(booked, session, session.ends_at + minutes(20))
    assert out.booking.credited_minutes == session.length_minutes == 90


def test_only_the_class_s_own_time_counts_not_an_early_check_in(session, booked):
    """Check-in opens 30 minutes before the class: 30 minutes there before it began and
    60 of the class once counted as 90."""
    scan(booked, session, session.starts_at - minutes(30))
    out = scan(booked, session, session.starts_at + minutes(60))
    assert out.booking.credited_minutes == 60
    assert LedgerEntry.objects.get(learner=booked).minutes == 60


def test_leaving_before_the_class_begins_credits_nothing(session, booked, settings):
    settings.NIGHTSCHOOL_CHECKOUT_AFTER_MINUTES = 10
    scan(booked, session, session.starts_at - minutes(30))
    out = scan(booked, session, session.starts_at - minutes(5))
    assert out.booking.credited_minutes == 0
    assert not LedgerEntry.objects.filter(learner=booked).exists()


def test_forged_expired_future_and_other_class_codes_are_refused(school, session, booked):
    now = session.starts_at + minutes(5)
    window = tokens.window_at(now)
    genuine = code(session, now)
    assert refused(booked, session, now, "12.34.abc") == "invalid"
    assert (
        refused(booked, session, now, genuine[:-2] + ("AA" if genuine[-2:] != "AA" else "BB"))
        == "invalid"
    )
    assert refused(booked, session, now, f"{session.pk}.{window}.forgedsignature00000") == "invalid"
    future = tokens.make(session_id=session.pk, window=window + 1)
    assert refused(booked, session, now, future) == "invalid"
    stale = tokens.make(session_id=session.pk, window=window - 2)
    assert refused(booked, session, now, stale) == "expired"
    other = make_session(school.site, school.course, starts_at=session.starts_at, title="隔壁教室")
    assert refused(booked, session, now, code(other, now)) == "other_class"
    assert not Booking.objects.filter(checked_in_at__isnull=False).exists()
    # The code of the window before is still good: a scan may straddle the change.
    previous = tokens.make(session_id=session.pk, window=window - 1)
    assert scan(booked, session, now, previous).action == "checked_in"


def test_a_code_used_twice_by_the_same_learner_is_a_replay(session, booked, before):
    now = session.starts_at + minutes(1)
    token = code(session, now)
    scan(booked, session, now, token)
    assert refused(booked, session, now + datetime.timedelta(seconds=20), token) == "replay"
    # Others in the room use the same code.
    neighbour = make_learner("13900000002", "刘强")
    services.booking_create(learner=neighbour, session=session, now=before)
    assert (
        scan(neighbour, session, now + datetime.timedelta(seconds=20), token).action == "checked_in"
    )
    # Long after, the same code is refused as replayed or expired, never accepted.
    later = now + minutes(60)
    assert refused(booked, session, later, token) in {"replay", "expired"}
    assert Booking.objects.get(learner=booked).checked_out_at is None


def test_check_in_only_around_the_class(session, booked, settings):
    settings.NIGHTSCHOOL_CHECKIN_MARGIN_MINUTES = 30
    assert refused(booked, session, session.starts_at - minutes(31)) == "not_open_yet"
    assert refused(booked, session, session.ends_at + minutes(31)) == "closed"
    # Not even a genuine code for a future class works now: a shared photo is useless.
    assert (
        refused(booked, session, session.starts_at - datetime.timedelta(days=1)) == "not_open_yet"
    )
    assert scan(booked, session, session.starts_at - minutes(30)).action == "checked_in"


def test_a_second_scan_soon_after_checking_in_is_not_a_check_out(session, booked):
    scan(booked, session, session.starts_at)
    assert refused(booked, session, session.starts_at + minutes(2)) == "too_soon"
    booking = Booking.objects.get(learner=booked)
    assert booking.checked_out_at is None and booking.credited_minutes == 0
    assert scan(booked, session, session.starts_at + minutes(70)).action == "checked_out"


def test_without_a_seat_no_check_in_unless_walk_ins_are_let_in(
    session, before, django_capture_on_commit_callbacks
):
    session.capacity = 1
    session.save()
    seated, waiting, stranger = (
        make_learner("13900000001"),
        make_learner("13900000002"),
        make_learner("13900000003"),
    )
    services.booking_create(learner=seated, session=session, now=before)
    services.booking_create(learner=waiting, session=session, now=before)
    now = session.starts_at
    assert refused(stranger, session, now) == "not_booked"
    assert refused(waiting, session, now) == "not_booked"
    session.walk_ins_allowed = True
    session.save()
    # Walk-ins take free seats only: the class is full.
    assert refused(stranger, session, now) == "full"
    session.capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        session.save()
    # The extra seats were first offered to the waiting list (one learner); one is free.
    assert Booking.objects.get(learner=waiting).status == BookingStatus.OFFERED
    walked_in = scan(stranger, session, now).booking
    assert walked_in.walk_in and walked_in.status == BookingStatus.CONFIRMED


def test_coming_with_an_open_offer_takes_the_seat(session, before):
    session.capacity = 1
    session.save()
    first, second = make_learner("13900000001"), make_learner("13900000002")
    services.booking_create(learner=first, session=session, now=before)
    services.booking_create(learner=second, session=session, now=before)
    services.booking_cancel(
        booking=Booking.objects.get(learner=first), now=session.cancellation_deadline - minutes(5)
    )
    result = scan(second, session, session.starts_at - minutes(10))
    assert result.action == "checked_in" and result.booking.status == BookingStatus.CONFIRMED


def test_an_admin_records_attendance_by_hand_with_a_reason(school, session, booked):
    with pytest.raises(ValidationError):
        services.attendance_record(
            session=session,
            learner=booked,
            minutes=60,
            reason="  ",
            by=school.admin,
            now=session.starts_at,
        )
    with pytest.raises(ValidationError):
        services.attendance_record(
            session=session,
            learner=booked,
            minutes=91,
            reason="补录",
            by=school.admin,
            now=session.starts_at,
        )
    with pytest.raises(ValidationError):
        services.attendance_record(
            session=session,
            learner=booked,
            minutes=60,
            reason="补录",
            by=school.admin,
            now=session.starts_at - datetime.timedelta(days=1),
        )
    for outsider in (school.branch_admin, school.academy_admin, school.lecturer_user):
        with pytest.raises(PermissionDenied):
            services.attendance_record(
                session=session,
                learner=booked,
                minutes=60,
                reason="补录",
                by=outsider,
                now=session.ends_at,
            )

    # Checked in, then the phone died: the admin records 80 minutes.
    scan(booked, session, session.starts_at + minutes(5))
    booking = services.attendance_record(
        session=session,
        learner=booked,
        minutes=80,
        reason="手机没电,讲师确认出勤",
        by=school.admin,
        now=session.ends_at,
    )
    assert (booking.credited_minutes, booking.attendance_recorded_by) == (80, school.admin)
    entry = LedgerEntry.objects.get(learner=booked)
    assert (entry.minutes, entry.source, entry.author) == (80, LedgerSource.MANUAL, school.admin)
    assert entry.reason == "手机没电,讲师确认出勤"
    # A check-out afterwards does not add to what the admin recorded.
    scan(booked, session, session.ends_at + minutes(5))
    assert LedgerEntry.objects.filter(learner=booked).count() == 1
    # A correction adds only the difference.
    services.attendance_record(
        session=session,
        learner=booked,
        minutes=90,
        reason="更正:全程出勤",
        by=school.admin,
        now=session.ends_at,
    )
    assert sorted(LedgerEntry.objects.filter(learner=booked).values_list("minutes", flat=True)) == [
        10,
        80,
    ]


def test_a_correction_of_a_scanned_attendance_points_to_the_class_entry(school, session, booked):
    scan(booked, session, session.starts_at)
    scan(booked, session, session.starts_at + minutes(40))
    services.attendance_record(
        session=session,
        learner=booked,
        minutes=90,
        reason="提前签退,讲师确认全程在场",
        by=school.admin,
        now=session.ends_at,
    )
    original = LedgerEntry.objects.get(key__startswith="class:")
    correction = LedgerEntry.objects.get(corrects=original)
    assert (original.minutes, correction.minutes) == (40, 50)


def test_an_admin_records_a_walk_in_and_an_absence(school, session, booked):
    stranger = make_learner("13900000005", "赵磊")
    walked_in = services.attendance_record(
        session=session,
        learner=stranger,
        minutes=45,
        reason="现场报名,签到表确认",
        by=school.admin,
        now=session.ends_at,
    )
    assert walked_in.walk_in and walked_in.status == BookingStatus.CONFIRMED
    absent = services.attendance_record(
        session=session,
        learner=booked,
        minutes=0,
        reason="本人请假未到",
        by=school.admin,
        now=session.ends_at,
    )
    assert absent.attendance == Attendance.NO_SHOW
    assert not LedgerEntry.objects.filter(learner=booked).exists()
