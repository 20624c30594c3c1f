"""A worker on a 360 px phone registers with a mobile number, finds a course in the
catalogue, enrols and sees it on their own page."""

import pytest
from playwright.sync_api import expect

from academies import demo as academies_demo
from courses.models import Category, Enrolment, EnrolmentStatus
from tests.browser.conftest import ask_for_a_registration_code, assert_no_horizontal_scroll
from tests.courses.factories import make_course, make_listing

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue():
    headquarters = academies_demo.seed_headquarters()
    academy = academies_demo.seed_academy(academies_demo.ACADEMIES[0])
    make_course(academy, "光伏发电站设计", level="intermediate")
    make_course(academy, "风电场升压站设备巡视及维护")
    make_course(headquarters, "书法", category=Category.objects.get(name="文化艺术"))
    make_listing(headquarters, "全省课程")


def test_register_find_a_course_enrol_and_see_it_on_my_page(
    live_server, catalogue, phone, text_messages
):
    phone.goto(live_server.url + "/")
    phone.locator(".tab-bar").get_by_role("link", name="我的").click()
    phone.get_by_role("link", name="注册").click()
    expect(phone.get_by_role("heading", name="注册")).to_be_visible()
    assert_no_horizontal_scroll(phone)

    # The number is proven by a code sent to it.
    code = ask_for_a_registration_code(phone, text_messages, "139 1234 5678")
    assert text_messages[-1][0] == "13912345678"
    expect(phone.get_by_text("6 位验证码已通过短信发往这个号码")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.get_by_label("验证码").fill(code)
    phone.get_by_label("密码", exact=True).fill("gongjiang2026")
    phone.get_by_label("再次输入密码").fill("gongjiang2025")
    phone.get_by_label("真实姓名").fill("赵铁柱")
    phone.get_by_label("工作单位").fill("长春某汽车零部件有限公司")
    phone.get_by_role("button", name="注册").click()
    expect(phone.get_by_text("两次输入的密码不一致。")).to_be_visible()
    assert phone.locator("#id_password_again").get_attribute("aria-invalid") == "true"

    phone.get_by_label("密码", exact=True).fill("gongjiang2026")
    phone.get_by_label("再次输入密码").fill("gongjiang2026")
    phone.get_by_role("button", name="注册").click()
    expect(phone.get_by_role("heading", name="我的学习")).to_be_visible()
    expect(phone.get_by_text("欢迎!您的账号已注册成功。")).to_be_visible()
    expect(phone.get_by_text("13912345678")).to_be_visible()
    assert_no_horizontal_scroll(phone)

    phone.get_by_role("navigation", name="主导航").get_by_role("link", name="课程").click()
    expect(phone.get_by_role("heading", name="共 3 门课程")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.get_by_label("级别").select_option(label="中级")
    phone.get_by_role("button", name="筛选").click()
    expect(phone.get_by_role("heading", name="共 1 门课程")).to_be_visible()
    phone.get_by_role("link", name="光伏发电站设计").click()

    expect(phone.get_by_role("heading", name="光伏发电站设计", level=1)).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.get_by_role("button", name="报名学习").click()
    expect(phone.get_by_text("报名成功!随时可以从第一课开始学习。")).to_be_visible()
    expect(phone.get_by_text("您已报名本课程。")).to_be_visible()
    phone.get_by_role("link", name="开始学习").click()
    expect(phone.get_by_role("heading", name="第1课")).to_be_visible()
    assert_no_horizontal_scroll(phone)

    phone.locator(".tab-bar").get_by_role("link", name="学习").click()
    my_courses = phone.locator("section", has=phone.get_by_role("heading", name="我的课程"))
    expect(my_courses.get_by_role("link", name="光伏发电站设计")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    assert Enrolment.objects.get(learner__username="13912345678").status == EnrolmentStatus.ACTIVE
