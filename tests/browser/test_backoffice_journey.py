"""The back office on a phone (360 px): an academy admin reads their figures, drills into
a course's learners and exports them; headquarters appoints the admin of a new academy;
the admin's video preview fits its panel."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from wagtail.models import Collection

from academies.models import HeadquartersPage, IndustryAcademyPage
from courses.services import course_enrol
from dashboards.services import figures_refresh
from learning.models import LedgerSource
from learning.services import ledger_append
from tests.academies.factories import make_unit
from tests.browser.conftest import assert_no_horizontal_scroll
from tests.browser.test_foundation_journeys import admin_login
from tests.courses.factories import make_course, make_learner, with_video_lesson
from tests.learning.test_progress import watch
from video.models import RenditionSet, Video, VideoStatus

pytestmark = pytest.mark.browser


def at(seconds: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=1) + datetime.timedelta(seconds=seconds)


@pytest.fixture
def academy_with_learners(demo):
    energy = IndustryAcademyPage.objects.get(slug="new-energy")
    course = with_video_lesson(make_course(energy, "光伏发电站设计", lessons=2), seconds=300)
    video = course.lessons()[0]
    learners = [
        make_learner(f"1390000007{n}", name=name) for n, name in enumerate(["李明", "王芳"])
    ]
    for learner, stop in zip(learners, (10, 5), strict=True):
        course_enrol(learner=learner, course=course)
        for step in range(stop + 1):
            watch(learner, course, video, max(step - 1, 0) * 30, step * 30, at=at(step * 30))
    figures_refresh()
    return energy, course, learners


def test_an_academy_admin_reads_the_dashboard_drills_down_and_exports(
    live_server, academy_with_learners, phone
):
    energy, course, learners = academy_with_learners
    admin_login(phone, live_server.url, "new_energy_admin")
    phone.goto(live_server.url + "/admin/dashboards/")
    expect(phone.get_by_role("heading", name="概览")).to_be_visible()
    cards = phone.locator(".bo-cards")
    expect(cards).to_contain_text("在学学员")
    expect(cards.locator("li").first).to_contain_text("2")
    # The charts are drawn, and their numbers are in tables too.
    expect(phone.locator(".bo-chart.is-drawn")).to_have_count(2)
    expect(phone.get_by_role("table", name="视频观看情况")).to_contain_text("第1课")
    assert_no_horizontal_scroll(phone)
    box = phone.locator(".bo-chart__box").first.bounding_box()
    assert box["width"] <= 360

    # Bring the figures up to date after more learning, on demand.
    hours_card = cards.locator("li", has_text="学时")
    before = hours_card.inner_text()
    ledger_append(
        learner=learners[1], minutes=600, source=LedgerSource.CLASS, academy=energy, course=course
    )
    phone.get_by_role("button", name="立即更新").click()
    expect(phone.locator(".messages")).to_contain_text("正在更新统计数据")
    expect(hours_card).not_to_have_text(before)

    # Drill down into the course's learners, sort by progress, export.
    phone.get_by_role("link", name="光伏发电站设计").first.click()
    expect(phone).to_have_url(re.compile(rf"/admin/courses/course/{course.pk}/learners/"))
    report = phone.locator("#learner-report")
    expect(report).to_contain_text("李明")
    progress = report.locator("thead a", has_text="进度")
    progress.click()
    expect(report.locator("th[aria-sort=ascending]")).to_contain_text("进度")
    report.locator("thead a", has_text="进度").click()
    expect(report.locator("th[aria-sort=descending]")).to_contain_text("进度")
    expect(report.locator("tbody tr").first).to_contain_text("李明")
    expect(report.locator("tbody tr").first).to_contain_text("1 / 2 (50 %)")
    expect(report.locator("tbody tr").last).to_contain_text("0 / 2 (0 %)")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="导出 Excel").click()
    with open(download.value.path(), "rb") as file:
        rows = list(load_workbook(io.BytesIO(file.read())).active.values)
    assert [row[0] for row in rows[1:]] == ["李明", "王芳"]
    assert_no_horizontal_scroll(phone)


def test_headquarters_appoints_the_admin_of_a_new_academy(live_server, demo, phone, browser):
    hq = HeadquartersPage.objects.get()
    academy = make_unit(hq, IndustryAcademyPage, "吉林省新文旅工匠学院", industry="新文旅")
    make_learner("13900000081", name="赵丽")
    admin_login(phone, live_server.url, "hq_admin")
    phone.goto(live_server.url + "/admin/staff/")
    phone.get_by_role("link", name="吉林省新文旅工匠学院").click()
    expect(phone.locator("[data-members=admins]")).to_contain_text("暂无")
    phone.get_by_label("任命为").select_option("admins")
    phone.get_by_label("手机号或用户名").fill("13900000081")
    phone.get_by_role("button", name="任命").click()
    expect(phone.locator(".messages")).to_contain_text("已任命 赵丽")
    expect(phone.locator("[data-members=admins]")).to_contain_text("赵丽")
    assert_no_horizontal_scroll(phone)

    # The new admin logs in and finds their academy's dashboard; nothing above it.
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    admin_login(page, live_server.url, "13900000081")
    page.goto(live_server.url + "/admin/dashboards/")
    expect(page.locator(".bo-trail")).to_have_text("吉林省新文旅工匠学院")
    page.goto(f"{live_server.url}/admin/dashboards/?unit={hq.pk}")
    expect(page).not_to_have_url(re.compile(rf"unit={hq.pk}"))
    context.close()

    # Headquarters removes them again; the academy admin of another academy cannot.
    phone.locator("[data-members=admins] li", has_text="赵丽").get_by_role(
        "button", name="移除"
    ).click()
    expect(phone.locator(".messages")).to_contain_text("已移除 赵丽")
    assert not academy.admin_group.user_set.filter(username="13900000081").exists()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_admin_video_preview_fits_its_panel(live_server, demo, browser, width):
    energy = IndustryAcademyPage.objects.get(slug="new-energy")
    video = Video.objects.create(
        title="光伏组件安装演示",
        collection=Collection.objects.get(pk=energy.collection_id),
        status=VideoStatus.READY,
        duration=60,
        width=1280,
        height=720,
        has_video=True,
        source_name="lecture.mp4",
    )
    video.current_rendition_set = RenditionSet.objects.create(
        video=video,
        directory=f"{video.pk}/preview",
        master="master.m3u8",
        renditions=[{"width": 1280, "height": 720, "bandwidth": 2_500_000, "playlist": "720.m3u8"}],
    )
    video.save(update_fields=["current_rendition_set"])
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    admin_login(page, live_server.url, "new_energy_admin")
    page.goto(f"{live_server.url}/admin/videos/edit/{video.pk}/")
    player = page.locator("video.video-player__media")
    expect(player).to_be_visible()
    box = player.bounding_box()
    panel = page.locator("main").bounding_box()
    assert box["width"] <= panel["width"] and box["x"] + box["width"] <= width
    # 16:9, not the video's own 1280 × 720 (nor 720 × 1280 on a phone).
    assert abs(box["width"] / box["height"] - 16 / 9) < 0.05
    assert box["width"] < 1280
    assert_no_horizontal_scroll(page)
    context.close()
