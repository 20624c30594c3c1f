"""A worker searches for courses on a 360 px phone: suggestions while typing (Chinese
or pinyin), highlighted results, filters."""

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from academies import demo as academies_demo
from academies.models import HeadquartersPage
from courses.models import Category, CourseLecturer, Honour
from tests.browser.conftest import assert_no_horizontal_scroll
from tests.courses.factories import make_course
from tests.search.conftest import make_lecturer

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(settings):
    """Courses published the admin's way; the embedded index is filled as each commits.
    (Elasticsearch would keep other tests' documents between transactional tests.)"""
    settings.ELASTICSEARCH_URL = ""
    headquarters = academies_demo.seed_headquarters()
    academy = academies_demo.seed_academy(academies_demo.ACADEMIES[0])
    make_course(academy, "光伏发电站设计", summary="从选址到并网接入,讲解光伏电站设计。")
    make_course(
        headquarters,
        "焊工技能竞赛强化训练",
        summary="面向全国焊工技能竞赛的焊接工艺与实操强化训练。",
        level="advanced",
    )
    make_course(headquarters, "书法", category=Category.objects.get(name="文化艺术"))


def test_search_on_a_phone(live_server, catalogue, phone):
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
    expect(phone.get_by_role("option", name="焊工技能竞赛强化训练")).to_be_visible()
    box.press("ArrowDown")
    expect(phone.get_by_role("option", selected=True)).to_have_text("焊工技能竞赛强化训练")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")
    expect(phone.get_by_role("heading", name="“hanjie”共找到 1 门课程")).to_be_visible()
    hit = phone.locator(".search-hit").first
    expect(hit.get_by_role("link", name="焊工技能竞赛强化训练")).to_be_visible()
    # hanjie spells 焊接, which the vocabulary holds with 焊工: the title's 焊工 is marked.
    expect(hit.locator("mark").first).to_have_text("焊工")
    assert_no_horizontal_scroll(phone)

    box = phone.get_by_role("combobox", name="搜索课程")
    box.fill("光伏")
    box.press("Enter")
    # 光伏发电 is in the vocabulary with 光伏: the title's 光伏发电 is marked.
    expect(phone.locator(".search-hit mark").first).to_have_text("光伏发电")
    filters = phone.locator("summary", has_text="筛选")
    filters.click()
    phone.get_by_role("link", name="职业发展").first.click()
    expect(phone.get_by_role("link", name="职业发展").first).to_have_attribute(
        "aria-current", "true"
    )
    assert "category=" in phone.url
    assert_no_horizontal_scroll(phone)


def test_a_worker_types_as_they_speak(live_server, catalogue, phone):
    """Traditional characters, a colloquial word, a lecturer's name; partial matches
    marked as such, at 360 px."""
    headquarters = HeadquartersPage.objects.get()
    Honour.objects.get_or_create(name="大国工匠")
    lecturer = make_lecturer(headquarters, "李万君", honours=["大国工匠"])
    make_course(
        headquarters,
        "高铁转向架焊接工艺",
        summary="转向架构架的焊接工艺评定。",
        course_lecturers=[CourseLecturer(lecturer=lecturer)],
    )

    phone.goto(live_server.url + "/search/?" + urlencode({"q": "電焊"}))
    expect(phone.get_by_role("heading", name="“電焊”共找到 2 门课程")).to_be_visible()
    for strict in range(2):  # partial matches, if any, come after
        expect(phone.locator(".search-hit").nth(strict).locator(".tag--partial")).to_have_count(0)

    phone.goto(live_server.url + "/search/?" + urlencode({"q": "光伏 书法"}))
    expect(phone.get_by_text("没有找到完全符合的课程,以下课程部分匹配:")).to_be_visible()
    expect(phone.locator(".search-hit .tag--partial").first).to_have_text("部分匹配")
    assert_no_horizontal_scroll(phone)

    phone.goto(live_server.url + "/search/?" + urlencode({"q": "李万君"}))
    card = phone.locator(".search-lecturer")
    expect(card.get_by_role("link", name="李万君")).to_be_visible()
    expect(card.get_by_text("大国工匠")).to_be_visible()
    expect(phone.locator(".search-hit").first.get_by_role("link")).to_have_text(
        "高铁转向架焊接工艺"
    )
    assert_no_horizontal_scroll(phone)
    card.get_by_role("link", name="李万君").click()
    expect(phone.get_by_role("heading", name="李万君", level=1)).to_be_visible()
