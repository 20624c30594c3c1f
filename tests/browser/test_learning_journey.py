"""A worker registers, enrols, watches a real lecture on the lesson page of a 360 px phone,
goes on at the same second in another browser, completes the course and downloads the
certificate from 我的学习."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from academies import demo as academies_demo
from courses.models import CoursePage
from learning.models import Certificate, LessonProgress
from learning.selectors import learner_year_progress
from learning.services import yearly_target_set
from tests.browser.conftest import ask_for_a_registration_code, assert_no_horizontal_scroll
from tests.courses.factories import make_course
from tests.video.conftest import clip, clip_folder, run_job  # noqa: F401
from video import services
from video.models import Visibility

pytestmark = pytest.mark.browser

PHONE = "13912345678"
PASSWORD = "gongjiang2026"
VIDEO = "document.querySelector('video')"


@pytest.fixture
def course(settings, tmp_path, clip):  # noqa: F811
    """An open course: a text lesson, then a restricted 6-second lecture, transcoded."""
    settings.VIDEO_ROOT = str(tmp_path / "video")
    headquarters = academies_demo.seed_headquarters()
    academy = academies_demo.seed_academy(academies_demo.ACADEMIES[0])
    yearly_target_set(academy=headquarters, year=timezone.localdate().year, hours=24)
    lecturer = get_user_model().objects.create_user("wang", first_name="王", last_name="师傅")
    video = services.video_create(
        source_path=clip("ladder.mp4"), filename="ladder.mp4", title="光伏组件安装",
        collection=academy.collection, uploaded_by=lecturer, lecturer=lecturer,
        visibility=Visibility.RESTRICTED, move=True, enqueue=False,
    )  # fmt: skip
    assert run_job(video) == "ready"
    page = make_course(academy, "光伏发电站设计", lessons=2)
    lesson = page.lessons()[1]
    lesson.title, lesson.video = "组件安装实操", video
    lesson.save()
    return CoursePage.objects.get(pk=page.pk)


def heartbeats_sent(page) -> list[dict]:
    """The bodies of the heartbeats the page POSTs, as they are sent."""
    bodies = []

    def record(request):
        if request.method == "POST" and request.url.endswith("/progress/"):
            bodies.append(request.post_data_json)

    page.on("request", record)
    return bodies


def listen_for_progress(page):
    page.evaluate(
        """() => { window.answers = [];
        document.addEventListener('video:progress', e => window.answers.push(e.detail)); }"""
    )


def play_fast(page):
    """Tap play (the first tap loads the video), then go on at double speed."""
    start = page.locator("[data-start-video]")
    if start.is_visible():
        start.click()
    page.evaluate(f"() => {{ const v = {VIDEO}; v.muted = true; v.playbackRate = 2; v.play(); }}")


def test_watch_resume_elsewhere_complete_and_download_the_certificate(
    live_server, course, browser, phone, text_messages
):
    # Register with a mobile number, enrol, open the first lesson: a text lesson.
    phone.goto(f"{live_server.url}/accounts/register/")
    code = ask_for_a_registration_code(phone, text_messages, PHONE)
    phone.get_by_label("验证码").fill(code)
    phone.get_by_label("密码", exact=True).fill(PASSWORD)
    phone.get_by_label("再次输入密码").fill(PASSWORD)
    phone.get_by_label("真实姓名").fill("赵铁柱")
    phone.get_by_label("工作单位").fill("长春某汽车零部件有限公司")
    phone.get_by_role("button", name="注册").click()
    expect(phone.get_by_role("heading", name="我的学习")).to_be_visible()
    phone.goto(live_server.url + course.url)
    phone.get_by_role("button", name="报名学习").click()
    phone.get_by_role("link", name="开始学习").click()
    expect(phone.get_by_role("heading", name="第1课")).to_be_visible()
    expect(phone.get_by_text("✓ 本课已完成")).to_be_visible()

    # The lecture: play at double speed for about half of it, then pause.
    phone.get_by_role("link", name="组件安装实操 ›").click()
    expect(phone.get_by_role("heading", name="组件安装实操")).to_be_visible()
    expect(phone.locator("[data-lessons-done]")).to_have_text("1")
    expect(phone.get_by_text("✓ 本课已完成")).to_be_hidden()
    assert_no_horizontal_scroll(phone)
    listen_for_progress(phone)
    beats = heartbeats_sent(phone)
    play_fast(phone)
    phone.wait_for_function(f"() => {VIDEO}.currentTime > 3")
    phone.evaluate(f"() => {VIDEO}.pause()")
    phone.wait_for_function("() => window.answers.some(answer => answer.position > 3)")
    saved = LessonProgress.objects.get(lesson_key=course.lessons()[1].key)
    assert 3 < saved.position < 5.5
    tab = phone.evaluate("() => document.querySelector('[data-video-player]').lmsPlayer.tab")
    assert beats[0]["reason"] == "playing" and beats[-1]["reason"] == "pause"
    assert all(beat["visible"] is True and beat["tab"] == tab for beat in beats)
    assert saved.completed_at is None
    watched = int(phone.locator("[data-coverage]").inner_text())
    assert 45 <= watched < 90  # updated from the heartbeat's answer, without a reload

    # Another browser, the same learner: the lecture goes on where it stopped.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    lesson_url = live_server.url + course.url + f"lessons/{saved.lesson_key}/"
    desk.goto(f"{live_server.url}/accounts/login/?next={lesson_url}")
    desk.get_by_label("手机号").fill(PHONE)
    desk.get_by_label("密码").fill(PASSWORD)
    desk.get_by_role("button", name="登录").click()
    expect(desk.get_by_role("heading", name="组件安装实操")).to_be_visible()
    desk.locator("[data-start-video]").click()
    desk.wait_for_function(f"() => {VIDEO}.readyState >= 1 && {VIDEO}.currentTime > 0")
    assert desk.evaluate(f"() => {VIDEO}.currentTime") == pytest.approx(saved.position, abs=0.5)

    # Watching to the end completes the lesson, so the course: the page says so at once.
    listen_for_progress(desk)
    expect(desk.locator("[data-course-done]")).to_be_hidden()
    play_fast(desk)
    desk.wait_for_function("() => window.answers.some(answer => answer.course_complete)")
    expect(desk.get_by_text("✓ 本课已完成")).to_be_visible()
    expect(desk.locator("[data-lessons-done]")).to_have_text("2")
    expect(desk.get_by_text("恭喜,您已学完本课程!")).to_be_visible()
    expect(desk.get_by_role("link", name="下载结业证书(PDF)")).to_be_visible()
    progress = LessonProgress.objects.get(lesson_key=saved.lesson_key)
    # Credited time is what the server's clock allows between beats: some, never more
    # than the lecture (a loaded machine answers late, so not exactly its 6 seconds).
    assert progress.completed_at and 0 < progress.credited_seconds <= 6
    certificate = Certificate.objects.get(course_id=course.pk, learner__username=PHONE)
    other_tab = desk.evaluate("() => document.querySelector('[data-video-player]').lmsPlayer.tab")
    assert sorted(progress.tabs) == sorted([tab, other_tab])
    context.close()

    # 我的学习 on the phone: the course at 100 %, this year's hours, the certificate.
    phone.locator(".tab-bar").get_by_role("link", name="学习").click()
    card = phone.locator(".course-card", has_text="光伏发电站设计")
    expect(card.get_by_role("progressbar")).to_have_attribute("value", "100")
    expect(card.locator(".progress-bar__label")).to_have_text("100%")
    expect(card.get_by_text("✓ 已学完")).to_be_visible()
    year = learner_year_progress(learner=certificate.learner, academy=None)
    expect(phone.get_by_text(f"本年度 {year.hours} / 24 学时")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    item = phone.locator(".certificate-item", has_text="光伏发电站设计")
    expect(item).to_contain_text(certificate.code)
    with phone.expect_download() as download:
        item.get_by_role("link", name="下载结业证书(PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = PdfReader(download.value.path()).pages[0].extract_text()
    assert "光伏发电站设计" in text and "赵铁柱" in text
