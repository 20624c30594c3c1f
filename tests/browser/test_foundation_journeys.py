"""A worker on a phone reads the hierarchy; an academy admin publishes in their own academy."""

import re

import pytest
from playwright.sync_api import expect

from academies.models import IndustryAcademyPage, TrainingBasePage
from lms.demo import DEMO_PASSWORD
from tests.browser.conftest import assert_no_horizontal_scroll

pytestmark = pytest.mark.browser


def test_home_on_a_phone_then_switch_to_english(live_server, demo, phone):
    phone.goto(live_server.url + "/")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(phone.get_by_role("heading", name="工匠学院", exact=True)).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("^新能源学院"))).to_be_visible()
    assert_no_horizontal_scroll(phone)

    # Keyboard users see where they are.
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    outline = phone.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"

    phone.get_by_role("link", name=re.compile("^新电商学院")).click()
    expect(phone.get_by_role("heading", name="吉林省新电商工匠学院")).to_be_visible()
    expect(phone.get_by_role("heading", name="合作单位")).to_be_visible()
    expect(phone.get_by_text("吉林财经大学").first).to_be_visible()
    assert_no_horizontal_scroll(phone)

    phone.get_by_role("button", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", name="Partner institutions")).to_be_visible()


def admin_login(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_academy_admin_publishes_a_base_in_own_academy_only(live_server, demo, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    own = IndustryAcademyPage.objects.get(slug="new-energy")
    other = IndustryAcademyPage.objects.get(slug="new-materials")

    admin_login(page, live_server.url, "new_energy_admin")
    page.goto(f"{live_server.url}/admin/pages/add/academies/trainingbasepage/{own.pk}/")
    page.fill("#id_title", "光伏发电实训基地")
    page.fill("#id_short_name", "光伏基地")
    page.fill("#id_city", "白城市")
    page.locator("footer .w-dropdown__toggle").click()
    page.locator("footer button[name=action-publish]").click()
    expect(page.locator(".messages")).to_contain_text("光伏发电实训基地")

    base = TrainingBasePage.objects.get(title="光伏发电实训基地")
    assert base.live and base.get_parent().pk == own.pk
    page.goto(live_server.url + base.url)
    expect(page.get_by_role("heading", name="光伏发电实训基地")).to_be_visible()

    response = page.goto(
        f"{live_server.url}/admin/pages/add/academies/trainingbasepage/{other.pk}/"
    )
    assert "/admin/pages/add/" not in page.url or response.status == 403
    assert not TrainingBasePage.objects.child_of(other).exists()
    context.close()
