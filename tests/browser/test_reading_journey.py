"""A worker reads a text lesson on a 360 px phone: the time the page is in front is
credited, the time it is hidden is not, and the lesson completes once 90 % of its stated
study time has been spent — then the course, at once, without a reload."""

import time

import pytest
from playwright.sync_api import expect

from academies import demo as academies_demo
from courses.models import CoursePage
from courses.services import course_enrol
from learning.models import LessonProgress
from tests.browser.conftest import assert_no_horizontal_scroll
from tests.courses.factories import make_course, make_learner

pytestmark = pytest.mark.browser

PHONE, PASSWORD = "13912345678", "gongjiang2026"


@pytest.fixture
def lesson_url(live_server):
    """An open course of one text lesson to read in one minute; the learner enrolled."""
    academies_demo.seed_headquarters()
    academy = academies_demo.seed_academy(academies_demo.ACADEMIES[0])
    page = make_course(academy, "班组安全管理", lessons=1)
    lesson = page.lessons()[0]
    lesson.study_minutes = 1
    lesson.save()
    course = CoursePage.objects.get(pk=page.pk)
    course_enrol(learner=make_learner(PHONE, name="赵铁柱"), course=course)
    return live_server.url + course.url + f"lessons/{lesson.key}/"


def set_visibility(page, state: str):
    """What switching to another app or tab does to the page (headless Chromium's pages
    are always visible)."""
    page.evaluate(
        """state => {
            const hidden = {configurable: true, get: () => state};
            Object.defineProperty(document, 'visibilityState', hidden);
            document.dispatchEvent(new Event('visibilitychange'));
        }""",
        state,
    )


def beats_answered(page) -> list[dict]:
    answers = []

    def record(response):
        if response.request.method == "POST" and response.url.endswith("/progress/"):
            answers.append({"sent": response.request.post_data_json, **response.json()})

    page.on("response", record)
    return answers


def credited() -> float:
    progress = LessonProgress.objects.first()
    return progress.credited_seconds if progress else 0.0


def test_reading_time_counts_while_the_page_is_in_front(live_server, lesson_url, phone):
    phone.goto(f"{live_server.url}/accounts/login/?next={lesson_url}")
    phone.get_by_label("手机号").fill(PHONE)
    phone.get_by_label("密码").fill(PASSWORD)
    answers = beats_answered(phone)
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("heading", name="第1课")).to_be_visible()
    expect(phone.get_by_text("学习时长:1 分钟")).to_be_visible()
    expect(phone.get_by_text("✓ 本课已完成")).to_be_hidden()
    assert_no_horizontal_scroll(phone)
    phone.wait_for_function("() => document.querySelector('[data-coverage]') !== null")
    expect(phone.locator("[data-coverage]")).to_have_text("0")
    opened = time.monotonic()
    while not answers:  # the page's clock starts with its first beat
        phone.wait_for_timeout(100)
    assert answers[0]["sent"]["reason"] == "opened" and answers[0]["credited_seconds"] == 0

    # Read for about 3 s, then switch away: the beat closing the stretch credits it.
    phone.wait_for_timeout(3000)
    set_visibility(phone, "hidden")
    while len(answers) < 2:
        phone.wait_for_timeout(100)
    read = time.monotonic() - opened
    assert answers[1]["sent"] == {"visible": True, "tab": answers[0]["sent"]["tab"],
                                  "reason": "hidden"}  # fmt: skip
    assert 2.5 <= credited() <= read + 0.5

    # Away for 4 s: coming back reports the hidden time, which earns nothing.
    phone.wait_for_timeout(4000)
    before = credited()
    set_visibility(phone, "visible")
    while len(answers) < 3:
        phone.wait_for_timeout(100)
    assert answers[2]["sent"]["visible"] is False and credited() == before

    # Most of the minute read meanwhile (as if the learner had kept the page in front);
    # a few more seconds in front complete the lesson, and so the course.
    LessonProgress.objects.update(credited_seconds=50, watched=[[0, 50]], position=50)
    phone.wait_for_timeout(6000)
    set_visibility(phone, "hidden")
    expect(phone.get_by_text("✓ 本课已完成")).to_be_visible()
    expect(phone.get_by_text("恭喜,您已学完本课程!")).to_be_visible()
    progress = LessonProgress.objects.get()
    assert progress.completed_at and progress.credited_seconds >= 54
    assert progress.credited_seconds <= 50 + time.monotonic() - opened
    assert int(phone.locator("[data-coverage]").inner_text()) >= 90
