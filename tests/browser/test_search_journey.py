"""A worker searches for courses on a 360 px phone: suggestions while typing (Chinese
or pinyin), highlighted results, filters."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def embedded_search(settings):
    """The embedded index, which the demo's publishing fills as it commits (the
    Elasticsearch node keeps other tests' documents between transactional tests)."""
    settings.ELASTICSEARCH_URL = ""


def test_search_on_a_phone(live_server, demo, phone):
    phone.goto(live_server.url + "/search/")
    box = phone.get_by_role("combobox", name="搜索课程")
    expect(box).to_be_visible()
    assert_no_horizontal_scroll(phone)

    # Initials typed on a phone keyboard suggest the course; choosing it opens it.
    box.fill("gf")
    suggestion = phone.get_by_role("option", name="光伏发电站设计")
    expect(suggestion).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    suggestion.click()
    expect(phone.get_by_role("heading", name="光伏发电站设计", level=1)).to_be_visible()

    phone.goto(live_server.url + "/search/")
    box = phone.get_by_role("combobox", name="搜索课程")
    box.fill("hanjie")
    box.press("ArrowDown")
    box.press("Escape")
    box.press("Enter")
    expect(phone.get_by_role("heading", name="“hanjie”共找到", exact=False)).to_be_visible()
    hit = phone.locator(".search-hit").first
    expect(hit.get_by_role("link", name="焊工技能竞赛强化训练")).to_be_visible()
    expect(hit.locator("mark").first).to_have_text("焊接")
    assert_no_horizontal_scroll(phone)

    box = phone.get_by_role("combobox", name="搜索课程")
    box.fill("光伏")
    box.press("Enter")
    expect(phone.locator(".search-hit mark").first).to_have_text("光伏")
    filters = phone.locator("summary", has_text="筛选")
    filters.click()
    phone.get_by_role("link", name="职业发展").first.click()
    expect(phone.get_by_role("link", name="职业发展").first).to_have_attribute(
        "aria-current", "true"
    )
    assert "category=" in phone.url
    assert_no_horizontal_scroll(phone)
