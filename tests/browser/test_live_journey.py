"""A learner on a 360 px phone watches a live lecture pushed by ffmpeg through the real
ingest: the picture advances, rewinds to the start and comes back to live; a question is
posted and the lecturer marks it answered; then the lecture ends and the replay plays."""

import datetime

import pytest
from playwright.sync_api import expect

from live import services
from live.models import LiveLecture, LiveStatus
from tests.browser.conftest import assert_no_horizontal_scroll
from tests.live.conftest import ingest, ingest_servers, status_of, wait_for, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIDEO = "document.querySelector('[data-video-player] video')"
HLS = "document.querySelector('[data-video-player]').lmsPlayer.hls"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("手机号").fill(username)
    page.get_by_label("密码").fill("gongjiang2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_live_rewind_back_to_live_a_question_answered_then_the_replay(
    live_server,
    ingest,  # noqa: F811
    world,  # noqa: F811
    phone,
    browser,
):
    lecture = world.lecture(starts_in=datetime.timedelta(seconds=-5))
    publisher = ingest.publish(ingest.rtmp_url(lecture.stream_key), seconds=90)
    wait_for(lambda: status_of(lecture) == LiveStatus.LIVE, what="the lecture on air")

    log_in(phone, live_server.url, world.learner.username)
    phone.goto(f"{live_server.url}/live/{lecture.pk}/")
    expect(phone.locator("[data-status-label]")).to_have_text("直播中")
    phone.locator("[data-start-video]").tap()  # nothing loads before the tap
    phone.wait_for_function(f"() => {HLS}?.levels?.length")
    phone.evaluate(f"() => {{ {VIDEO}.muted = true; }}")
    phone.wait_for_function(f"() => {VIDEO}.currentTime > 0")
    started = phone.evaluate(f"() => {VIDEO}.currentTime")
    phone.wait_for_function(f"() => {VIDEO}.currentTime > {started + 2}", timeout=20_000)
    assert_no_horizontal_scroll(phone)

    # Rewind to the start of the lecture (DVR), then back to live.
    phone.wait_for_function(f"() => {HLS}.liveSyncPosition > 14", timeout=30_000)
    phone.evaluate(f"() => {{ {VIDEO}.currentTime = 1; }}")
    phone.wait_for_function(f"() => {VIDEO}.currentTime < 6 && !{VIDEO}.seeking")
    back = phone.get_by_role("button", name="回到直播")
    expect(back).to_be_visible()
    back.click()
    phone.wait_for_function(f"() => {HLS}.liveSyncPosition - {VIDEO}.currentTime < 6")
    expect(back).to_be_hidden()

    # A question, answered by the lecturer from their own phone.
    phone.get_by_label("向讲师提问").fill("巡视时发现油温偏高,先检查什么?")
    phone.get_by_role("button", name="发送").click()
    expect(phone.locator("[data-questions] li")).to_have_count(1)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    lecturer = context.new_page()
    log_in(lecturer, live_server.url, world.lecturer_user.username)
    lecturer.goto(f"{live_server.url}/live/{lecture.pk}/")
    lecturer.get_by_role("button", name="标为已回答").click()
    expect(phone.locator("[data-questions] li")).to_contain_text("已回答", timeout=15_000)

    # The lecturer ends the lecture; the learner's page turns into the replay by itself.
    lecturer.once("dialog", lambda dialog: dialog.accept())
    lecturer.get_by_role("button", name="结束直播").click()
    wait_for(lambda: status_of(lecture) == LiveStatus.ENDED, timeout=60, what="the replay")
    publisher.wait(timeout=30)
    expect(phone.locator("[data-status-label]")).to_have_text("已结束,可看回放", timeout=20_000)
    phone.locator("[data-start-video]").tap()  # nothing loads before the tap
    phone.evaluate(f"() => {{ {VIDEO}.muted = true; }}")
    phone.wait_for_function(f"() => {VIDEO}.currentTime > 1")
    assert phone.evaluate(f"() => {VIDEO}.duration") > 10
    assert_no_horizontal_scroll(phone)
    assert LiveLecture.objects.get(pk=lecture.pk).video.is_ready
    assert not services.lecture_end(lecture=lecture)
    context.close()
