"""The learner's and the lecturer's pages: browsing, booking, the QR check-in, the code
screen, "My learning" and messages."""

import datetime
import re

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from lms.models import Notification
from nightschool import services, tokens
from nightschool.models import Booking, BookingStatus, ClassSession
from tests.nightschool.conftest import early_in_a_window, minutes
from tests.nightschool.factories import at, make_course, make_learner, make_session

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def now_class(school):
    """A class that began ten minutes ago, with the learner 13900000001 booked."""
    start = timezone.now() - minutes(10)
    session = make_session(
        school.site, school.course, starts_at=start, lecturer=school.lecturer, title="基本笔画"
    )
    learner = make_learner("13900000001", "王芳")
    services.booking_create(learner=learner, session=session, now=start - minutes(60))
    return session, learner


def checkin_path(session, when=None) -> str:
    window = tokens.window_at(when or timezone.now())
    token = tokens.make(session_id=session.pk, window=window)
    return reverse("nightschool:checkin", args=(session.pk, token))


def test_the_listing_by_category_and_city(client, school, session):
    branch_course = make_course(school.branch, "直播带货入门", category="社会融入")
    make_session(school.branch, branch_course, title="第一场直播")
    page = html(client.get(school.site.url))
    assert "书法(楷书) · 间架结构" in page and "直播带货入门 · 第一场直播" in page
    assert "共 2 节" in page
    assert "剩余 10 个座位" in page and "登录后预约" in page

    arts = school.course.category.pk
    page = html(client.get(school.site.url, {"category": arts}))
    assert "间架结构" in page and "第一场直播" not in page
    page = html(client.get(school.site.url, {"city": "辽源市"}))
    assert "间架结构" not in page and "第一场直播" in page
    # The branch's own page lists its classes only.
    page = html(client.get(school.branch.url))
    assert "第一场直播" in page and "间架结构" not in page


def test_past_classes_and_draft_sites_are_not_listed(client, school, session):
    make_session(
        school.site,
        school.course,
        starts_at=at(days=-3),
        booking_opens_at=at(days=-9),
        title="上周的课",
    )
    page = html(client.get(school.site.url))
    assert "上周的课" not in page
    school.site.unpublish()
    assert client.get(reverse("nightschool:class", args=(session.pk,))).status_code == 404


def test_booking_from_a_phone_one_of_the_last_seats(client, session):
    session.capacity = 2
    session.save()
    make_learner("13900000009")
    services.booking_create(learner=make_learner("13900000008"), session=session)
    learner = make_learner("13900000001", "王芳")
    client.force_login(learner)
    page = html(client.get(reverse("nightschool:class", args=(session.pk,))))
    assert "剩余 1 个(共 2 个)" in page and "预约座位" in page

    response = client.post(reverse("nightschool:book", args=(session.pk,)), follow=True)
    page = html(response)
    assert "预约成功" in page and "您已预约座位" in page and "退还座位" in page
    assert Booking.objects.get(learner=learner).status == BookingStatus.CONFIRMED

    late = make_learner("13900000002")
    client.force_login(late)
    page = html(client.get(reverse("nightschool:class", args=(session.pk,))))
    assert "座位已满" in page and "加入候补" in page
    page = html(client.post(reverse("nightschool:book", args=(session.pk,)), follow=True))
    assert "您是候补第 1 位" in page


def test_an_offer_is_confirmed_from_my_learning(client, session, before):
    session.capacity = 1
    session.save()
    first, second = make_learner("13900000001"), make_learner("13900000002", "刘强")
    services.booking_create(learner=first, session=session, now=before)
    services.booking_create(learner=second, session=session, now=before)
    services.booking_cancel(booking=Booking.objects.get(learner=first))
    client.force_login(second)
    page = html(client.get(reverse("courses:profile")))
    assert "有空位留给您了" in page and "确认座位" in page
    offer = Booking.objects.get(learner=second)
    response = client.post(
        reverse("nightschool:accept", args=(offer.pk,)),
        {"next": reverse("courses:profile")},
        follow=True,
    )
    page = html(response)
    assert "座位确认好了" in page and "间架结构" in page
    assert Booking.objects.get(learner=second).status == BookingStatus.CONFIRMED
    # The header counts the unread message about the offer.
    assert re.search(r'消息</span><span class="badge">1', page)


def test_giving_a_seat_back_after_the_deadline_is_refused_plainly(client, session, before):
    learner = make_learner("13900000001")
    booking = services.booking_create(learner=learner, session=session, now=before)
    session.cancellation_deadline = timezone.now() - minutes(1)
    session.booking_opens_at = timezone.now() - datetime.timedelta(days=1)
    session.save()
    client.force_login(learner)
    page = html(client.post(reverse("nightschool:cancel", args=(booking.pk,)), follow=True))
    assert "只能在" in page and "前取消" in page
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_scanning_the_qr_code_checks_in_then_out(client, now_class):
    session, learner = now_class
    client.force_login(learner)
    # Check in with the code of the window before (still good), out with the current one.
    now = early_in_a_window()
    previous = now - datetime.timedelta(seconds=30)
    response = client.get(checkin_path(session, previous))
    assert response.status_code == 302
    assert response["Location"] == reverse("nightschool:attendance", args=(session.pk,))
    page = html(client.get(response["Location"]))
    assert "已签到" in page and "下课时请再次扫码签退" in page
    booking = Booking.objects.get(learner=learner)
    assert booking.checked_in_at is not None

    # The same code again is refused, plainly.
    response = client.get(checkin_path(session, previous))
    assert response.status_code == 409 and "已经用过" in html(response)
    assert "已签到。下课时请再次扫码签退" in html(response)

    # An hour later (the class went on), the next code checks out.
    Booking.objects.filter(pk=booking.pk).update(checked_in_at=timezone.now() - minutes(60))
    # The class's own time counts, not the time before it: it began an hour and more ago.
    times = ("starts_at", "ends_at", "booking_opens_at", "booking_closes_at")
    ClassSession.objects.filter(pk=session.pk).update(
        cancellation_deadline=F("cancellation_deadline") - minutes(60),
        **{name: F(name) - minutes(60) for name in times},
    )
    page = html(client.get(checkin_path(session, now), follow=True))
    assert "签退成功" in page and "60 分钟已计入您的学时" in page
    page = html(client.get(reverse("courses:profile")))
    assert "<strong>1.0</strong>" in page and "60 分钟" in page


def test_a_scan_before_logging_in_is_kept_while_the_learner_logs_in(client, now_class):
    session, learner = now_class
    path = checkin_path(session)
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "continue" in response["Location"]
    client.force_login(learner)
    response = client.get(reverse("nightschool:checkin_continue", args=(session.pk,)), follow=True)
    assert "已签到" in html(response)
    assert Booking.objects.get(learner=learner).checked_in_at is not None
    # The remembered scan is used once.
    response = client.get(reverse("nightschool:checkin_continue", args=(session.pk,)), follow=True)
    assert "请扫描讲师手机上的二维码签到" in html(response)


def test_a_bad_code_is_refused_before_asking_to_log_in(client, now_class):
    session, _learner = now_class
    stale = checkin_path(session, timezone.now() - minutes(5))
    response = client.get(stale)
    assert response.status_code == 400 and "已过期" in html(response)
    forged = reverse("nightschool:checkin", args=(session.pk, f"{session.pk}.1.x"))
    assert "不是有效的签到码" in html(client.get(forged))


def test_a_learner_without_a_booking_is_sent_to_book(client, now_class):
    session, _learner = now_class
    client.force_login(make_learner("13900000002"))
    response = client.get(checkin_path(session))
    assert response.status_code == 403
    assert "您没有预约本次课" in html(response) and "预约本次课" in html(response)


def test_the_code_screen_is_for_the_lecturer_and_the_school(client, school, now_class):
    session, learner = now_class
    code_url = reverse("nightschool:code", args=(session.pk,))
    assert client.get(code_url).status_code == 302  # log in first
    for outsider in (learner, school.branch_admin, school.academy_admin):
        client.force_login(outsider)
        assert client.get(code_url).status_code == 403
        assert client.get(reverse("nightschool:code_json", args=(session.pk,))).status_code == 403
    for insider in (school.lecturer_user, school.admin):
        client.force_login(insider)
        page = html(client.get(code_url))
        assert f'data-checkin-url="http://testserver/nightschool/checkin/{session.pk}/' in page
        assert 'viewBox="0 0' in page
    data = client.get(reverse("nightschool:code_json", args=(session.pk,))).json()
    assert data["open"] and data["url"].startswith("http://testserver/nightschool/checkin/")
    assert 0 < data["refresh_in"] <= 30
    token = data["url"].rstrip("/").rsplit("/", 1)[1]
    assert tokens.read(token).session_id == session.pk

    services.attendance_scan(learner=learner, session=session, token=token)
    live = client.get(reverse("nightschool:live_json", args=(session.pk,))).json()
    assert (live["booked"], live["checked_in"], live["checked_out"]) == (1, 1, 0)
    assert live["rows"][0]["name"] == "王芳" and live["rows"][0]["phone"] == "139****0001"


def test_the_code_is_not_shown_outside_the_check_in_window(client, school, session):
    client.force_login(school.lecturer_user)
    data = client.get(reverse("nightschool:code_json", args=(session.pk,))).json()
    assert data == {"open": False, "refresh_in": 30}
    page = html(client.get(reverse("nightschool:code", args=(session.pk,))))
    assert 'data-checkin-url="" hidden' in page and "签到码在" in page


def test_my_learning_lists_bookings_and_waiting_lists(client, session, before):
    session.capacity = 1
    session.save()
    seated, waiting = make_learner("13900000001"), make_learner("13900000002")
    services.booking_create(learner=seated, session=session, now=before)
    services.booking_create(learner=waiting, session=session, now=before)
    client.force_login(waiting)
    page = html(client.get(reverse("courses:profile")))
    assert "夜校课程" in page and "候补第 1 位" in page and "本年度" in page
    client.force_login(seated)
    page = html(client.get(reverse("courses:profile")))
    assert "已预约" in page and "间架结构" in page


def test_messages_are_listed_opened_and_marked_read(client, school):
    learner = make_learner("13900000001")
    first = Notification.objects.create(user=learner, text="第一条", url="/nightschool/")
    Notification.objects.create(user=learner, text="第二条")
    Notification.objects.create(user=school.admin, text="别人的")
    client.force_login(learner)
    page = html(client.get(reverse("lms:notifications")))
    assert "第一条" in page and "第二条" in page and "别人的" not in page
    assert '<span class="badge">2' in page
    response = client.get(reverse("lms:notification_open", args=(first.pk,)))
    assert response.status_code == 302 and response["Location"] == "/nightschool/"
    client.post(reverse("lms:notifications_read"))
    assert not Notification.objects.filter(user=learner, read_at=None).exists()
    other = Notification.objects.get(user=school.admin)
    assert client.get(reverse("lms:notification_open", args=(other.pk,))).status_code == 404
