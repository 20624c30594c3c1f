"""A worker books one of the last seats of an evening calligraphy class from a phone,
gets the seat through the waiting list, checks in and out by opening the URL in the
lecturer's QR code, and sees the hours on "My learning"."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.demo import DEMO_PASSWORD
from nightschool import services
from nightschool.models import Booking
from tests.browser.conftest import assert_no_horizontal_scroll
from tests.nightschool.factories import at, make_learner, make_school, make_session

pytestmark = pytest.mark.browser


class Clock:
    """Moves the platform's time (the live server runs in this process): the evening of
    the class comes without waiting for it."""

    def __init__(self, monkeypatch):
        self.offset = datetime.timedelta(0)
        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real_now() + self.offset)

    def set(self, moment: datetime.datetime) -> None:
        self.offset = datetime.timedelta(0)
        self.offset = moment - timezone.now()


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的学习", exact=True)).to_be_visible()


def test_book_wait_confirm_check_in_and_out_then_see_the_hours(
    live_server, phone, browser, monkeypatch
):
    clock = Clock(monkeypatch)
    school = make_school()
    session = make_session(
        school.site,
        school.course,
        starts_at=at(days=1, hour=19),
        capacity=1,
        lecturer=school.lecturer,
        title="间架结构",
    )
    other = make_learner("13900000001", "王芳")
    services.booking_create(learner=other, session=session)
    make_learner("13800138000", "李学员")
    base = live_server.url

    # On the phone: find the class through the night school's page, join the queue.
    log_in(phone, base, "13800138000")
    phone.get_by_role("link", name="夜校", exact=True).click()
    phone.get_by_role("link", name="文化艺术").click()
    card = phone.locator(".class-card", has_text="间架结构")
    expect(card).to_contain_text("已满")
    assert_no_horizontal_scroll(phone)
    card.get_by_role("button", name="加入候补").click()
    expect(phone.get_by_text("您是候补第 1 位")).to_be_visible()
    assert_no_horizontal_scroll(phone)

    # The one seat is given back: the first in the queue is offered it.
    services.booking_cancel(booking=Booking.objects.get(learner=other))
    phone.goto(f"{base}/")
    phone.get_by_role("link", name="消息").click()
    phone.get_by_role("link", name="有空位了").click()
    expect(phone.get_by_text("有空位留给您了!")).to_be_visible()
    phone.get_by_role("button", name="确认座位").click()
    expect(phone.get_by_text("座位确认好了")).to_be_visible()
    expect(phone.get_by_text("您已预约座位。")).to_be_visible()

    # The evening of the class: the lecturer shows the code on their phone.
    clock.set(session.starts_at + datetime.timedelta(minutes=2))
    lecturer_context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    lecturer = lecturer_context.new_page()
    lecturer.set_default_timeout(15_000)
    lecturer.goto(f"{base}/admin/login/")
    lecturer.fill("input[name=username]", school.lecturer_user.username)
    lecturer.fill("input[name=password]", DEMO_PASSWORD)
    lecturer.locator("button[type=submit]").click()
    lecturer.wait_for_url(f"{base}/admin/")
    lecturer.goto(f"{base}/nightschool/classes/{session.pk}/code/")
    code = lecturer.get_by_role("img", name="签到二维码")
    expect(code.locator("svg")).to_be_visible()
    assert_no_horizontal_scroll(lecturer)
    checkin_url = code.get_attribute("data-checkin-url")

    # The learner's camera opens the URL in the code: checked in.
    phone.goto(checkin_url)
    expect(phone.get_by_text("已签到", exact=False).first).to_be_visible()
    expect(phone.get_by_text("下课时请再次扫码签退").first).to_be_visible()
    # The lecturer's list shows them within a few seconds, without reloading.
    expect(lecturer.locator(".ns-live")).to_contain_text("李学员", timeout=15_000)

    # At the end of the class, the next code checks out.
    clock.set(session.starts_at + datetime.timedelta(minutes=88))
    lecturer.reload()
    phone.goto(code.get_attribute("data-checkin-url"))
    expect(phone.get_by_text(re.compile(r"签退成功:\d+ 分钟已计入您的学时"))).to_be_visible()
    credited = Booking.objects.get(learner__username="13800138000").credited_minutes
    assert 85 <= credited <= 86  # from check-in (+2 min, give or take a second) to +88

    phone.locator(".tab-bar").get_by_role("link", name="学习").click()
    expect(phone.locator(".year-hours__figures")).to_contain_text("1.4")
    expect(phone.locator(".ns-mine")).to_contain_text(f"已记录 {credited} 分钟")
    assert_no_horizontal_scroll(phone)
    lecturer_context.close()
