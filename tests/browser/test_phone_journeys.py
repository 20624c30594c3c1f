"""A worker on a 360 px phone: finds a course from the home page's search box, watches a
free preview (试看) without an account, goes on from 继续学习 at the second they stopped;
every page passes axe-core (no serious or critical violations) and runs under the
Content-Security-Policy without a single violation, and so do a few admin pages."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from academies.models import IndustryAcademyPage, TrainingBasePage
from courses.models import CourseLecturer, CoursePage
from courses.services import course_enrol, lesson_heartbeat
from learning.crediting import Beat
from lms.demo import DEMO_PASSWORD
from tests.browser.conftest import assert_no_horizontal_scroll
from tests.courses.factories import make_course, make_learner, make_listing, studied
from tests.nightschool.factories import make_lecturer
from tests.video.conftest import clip, clip_folder, run_job  # noqa: F401
from video import services
from video.models import Visibility

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VIDEO = "document.querySelector('[data-video-player] video')"
# Kept on every page from its first line, before any script of the page runs.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): `
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


@pytest.fixture
def catalogue(demo, settings, tmp_path, clip):  # noqa: F811
    """The demo's academies; a course whose second lesson is a restricted lecture marked as
    a free preview, taught by 王建国; a learner half-way through that lecture."""
    settings.VIDEO_ROOT = str(tmp_path / "video")
    academy = IndustryAcademyPage.objects.get(slug="new-energy")
    make_listing(academy)
    wang = make_lecturer(academy, "王建国")
    video = services.video_create(
        source_path=clip("ladder.mp4"), filename="ladder.mp4", title="光伏组件安装实操",
        collection=academy.collection, visibility=Visibility.RESTRICTED, move=True,
        enqueue=False, uploaded_by=None,
    )  # fmt: skip
    assert run_job(video) == "ready"
    course = make_course(academy, "光伏发电站设计", lessons=3,
                         course_lecturers=[CourseLecturer(lecturer=wang)])  # fmt: skip
    revision = course.get_latest_revision().as_object()
    lesson = revision.lessons()[1]
    lesson.title, lesson.video, lesson.free_preview = "组件安装实操", video, True
    revision.save_revision().publish()
    make_course(academy, "新能源前沿技术")
    learner = make_learner("13912345678", name="赵铁柱")
    course = CoursePage.objects.get(pk=course.pk)
    course_enrol(learner=learner, course=course)
    started = timezone.now() - datetime.timedelta(seconds=10)
    for position in (0.0, 3.0):
        lesson_heartbeat(
            learner=learner, lesson=studied(course, course.lessons()[1]),
            beat=Beat(position=position, ranges=[(0.0, position)] if position else [], rate=1,
                      visible=True),
            tab="t", now=started + datetime.timedelta(seconds=position),
        )  # fmt: skip
    return {"course": course, "academy": academy, "lecturer": wang}


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_the_home_pages_search_box_finds_a_course(live_server, catalogue, phone):
    phone.goto(live_server.url + "/")
    header = phone.locator(".site-header")
    assert header.bounding_box()["height"] <= 56
    box = header.get_by_role("combobox", name="搜索课程")
    box.fill("gfd")  # the initials of 光伏发电, typed on a phone keyboard
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(phone.locator(".tab-bar")).to_be_hidden()  # the keyboard is open
    phone.get_by_role("option", name="光伏发电站设计").click()
    expect(phone.get_by_role("heading", name="光伏发电站设计", level=1)).to_be_visible()
    expect(phone.locator(".tab-bar")).to_be_visible()

    phone.goto(live_server.url + "/")
    box = phone.locator(".site-header").get_by_role("combobox", name="搜索课程")
    box.fill("新能源")
    box.press("Enter")
    expect(phone.get_by_role("heading", name=re.compile("“新能源”共找到"))).to_be_visible()


def test_a_visitor_plays_a_free_preview(live_server, catalogue, phone):
    course = catalogue["course"]
    posts = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    phone.goto(live_server.url + course.url)
    assert_no_horizontal_scroll(phone)
    outline = phone.get_by_role("region", name="课程大纲")
    expect(outline.get_by_text("第1课")).to_be_visible()  # the outline is for everyone
    expect(outline.get_by_role("link", name="第1课")).to_have_count(0)
    outline.get_by_role("link", name="组件安装实操").click()
    expect(phone.get_by_text("试看不计学时")).to_be_visible()
    phone.locator("[data-start-video]").tap()
    phone.wait_for_function(f"() => {VIDEO}.currentTime > 1")
    phone.evaluate(f"() => {VIDEO}.pause()")
    assert not [url for url in posts if "/progress/" in url]  # nothing is recorded
    expect(phone.get_by_role("link", name="登录后报名")).to_be_visible()


def test_continue_learning_goes_on_at_the_second_it_stopped(live_server, catalogue, phone):
    log_in(phone, live_server.url, "13912345678")
    phone.goto(live_server.url + "/")
    card = phone.locator(".continue__card")
    expect(card).to_contain_text("组件安装实操")
    expect(card).to_contain_text("上次看到 0:03")
    card.click()
    expect(phone.get_by_role("heading", name="组件安装实操")).to_be_visible()
    phone.wait_for_load_state("networkidle")
    urls = []
    phone.on("request", lambda request: urls.append(request.url))
    phone.locator("[data-start-video]").tap()
    phone.wait_for_function(f"() => {VIDEO}.currentTime > 0")
    assert phone.evaluate(f"() => {VIDEO}.currentTime") == pytest.approx(3.0, abs=0.6)
    # The tap brought the small player, not hls.js.
    assert any("/static/js/vod-player" in u for u in urls) and not any("hls.min" in u for u in urls)


def pages_to_check(base, catalogue) -> list[str]:
    course, academy = catalogue["course"], catalogue["academy"]
    preview = course.lessons()[1]
    base_page = TrainingBasePage.objects.live().first()
    return [
        "/",
        course.url,
        course.url + course.reverse_subpage("lesson", args=(preview.key,)),
        academy.url,
        academy.url + "courses/",
        base_page.url,
        catalogue["lecturer"].url,
        "/search/?q=%E5%85%89%E4%BC%8F",
        "/me/account/",
        "/accounts/login/",
        "/no-such-page/",
    ]


def check(page, url, axe_source) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    problems = [f"{url}: CSP {v}" for v in page.evaluate("() => window.__cspViolations")]
    page.evaluate(axe_source)
    problems += [f"{url}: {v}" for v in page.evaluate(AXE_RUN)]
    return problems


def test_every_page_passes_axe_and_the_content_security_policy(live_server, catalogue, browser):
    axe_source = AXE.read_text(encoding="utf-8")
    problems = []
    for who in ("visitor", "13912345678"):
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                      has_touch=True)  # fmt: skip
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        page.set_default_timeout(20_000)
        if who != "visitor":
            log_in(page, live_server.url, who)
        pages = pages_to_check(live_server.url, catalogue)
        if who != "visitor":
            pages += ["/me/", "/messages/"]
        for path in pages:
            problems += [f"[{who}] {p}" for p in check(page, live_server.url + path, axe_source)]
        # The player, playing: its own controls are checked too.
        page.goto(live_server.url + pages[2])
        page.locator("[data-start-video]").tap()
        page.wait_for_function(f"() => {VIDEO}.currentTime > 0.5")
        page.evaluate(axe_source)
        problems += [f"[{who}] playing: {v}" for v in page.evaluate(AXE_RUN)]
        problems += [
            f"[{who}] playing: CSP {v}" for v in page.evaluate("() => window.__cspViolations")
        ]
        context.close()
    assert not problems, "\n".join(problems)


def test_the_admin_works_under_its_content_security_policy(live_server, catalogue, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    course = catalogue["course"]
    problems = []
    for path in ("/admin/", f"/admin/pages/{course.pk}/edit/", f"/admin/pages/{course.pk}/",
                 "/admin/videos/", "/admin/images/", "/admin/search/queries/"):  # fmt: skip
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert response.status < 400, path
        problems += [f"{path}: {v}" for v in page.evaluate("() => window.__cspViolations")]
    # The course editor's outline is an inline panel: adding a chapter runs its script.
    page.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")
    page.get_by_role("button", name="增加 章", exact=True).click()
    problems += [f"editor: {v}" for v in page.evaluate("() => window.__cspViolations")]
    # The public page seen by an editor carries Wagtail's user bar.
    page.goto(live_server.url + course.url)
    page.wait_for_load_state("load")
    problems += [f"user bar: {v}" for v in page.evaluate("() => window.__cspViolations")]
    context.close()
    assert not problems, "\n".join(problems)
