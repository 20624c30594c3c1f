"""A lecturer uploads a phone video from a phone through tus-js-client, with a dropped
connection and a page reload in the middle, and sees it processed."""

import re

import pytest
from playwright.sync_api import expect

from lms.demo import DEMO_PASSWORD
from tests.browser.conftest import assert_no_horizontal_scroll
from tests.video.conftest import Units, clip, clip_folder  # noqa: F401
from video.models import Video, VideoStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def people(settings, tmp_path):
    settings.VIDEO_ROOT = str(tmp_path / "video")
    settings.VIDEO_UPLOAD_CHUNK_BYTES = 64 * 1024
    units = Units()
    units.lecturer_a.set_password(DEMO_PASSWORD)
    units.lecturer_a.save()
    return units


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def fill_form(page, path):
    page.fill("#id_title", "风电场升压站设备巡视(手机拍摄)")
    page.select_option("#id_visibility", "public")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传", exact=True).click()


def test_an_interrupted_upload_resumes_after_a_reload_and_is_processed(
    live_server,
    people,
    phone,
    clip,  # noqa: F811
):
    path = clip("ladder.mp4")
    size = path.stat().st_size
    assert size > 10 * 64 * 1024
    patches = []  # (page load, Upload-Offset) of every PATCH the browser sent
    state = {"load": 1, "dropped": False}

    def network(route, request):
        if request.method != "PATCH":
            return route.continue_()
        patches.append((state["load"], int(request.headers["upload-offset"])))
        if state["load"] == 1 and len(patches) == 3 and not state["dropped"]:
            state["dropped"] = True
            return route.abort("connectionreset")  # tus-js-client retries by itself
        if state["load"] == 1 and len(patches) >= 8:
            return route.abort("internetdisconnected")  # the network is gone
        return route.continue_()

    phone.route(re.compile(r"/video/uploads/"), network)
    log_in(phone, live_server.url, "lecturer_a")
    phone.goto(f"{live_server.url}/admin/videos/new/")
    assert_no_horizontal_scroll(phone)
    fill_form(phone, path)
    for _ in range(300):  # until the client has retried once after the network went away
        if len(patches) >= 9:
            break
        phone.wait_for_timeout(100)
    expect(phone.locator("[data-upload-message]")).to_contain_text("网络连接中断")
    offsets_before_reload = [offset for load, offset in patches if load == 1]
    received = max(offsets_before_reload)
    assert 0 < received < size
    # The dropped request was sent again from where the server stood.
    assert offsets_before_reload[2] == offsets_before_reload[3]

    state["load"] = 2
    phone.reload()
    fill_form(phone, path)
    expect(phone.locator("[data-upload-message]")).to_contain_text("上传完成", timeout=30_000)
    resumed = [offset for load, offset in patches if load == 2]
    assert resumed[0] == received > 0  # continued from the last byte the server had
    expect(phone.locator("[data-processing] [data-label]")).to_have_text("可以播放", timeout=30_000)

    video = Video.objects.get()
    assert video.status == VideoStatus.READY and video.uploaded_by == people.lecturer_a
    assert video.source_size == size
    assert video.source.read() == path.read_bytes()
    phone.locator("[data-edit-link]").click()
    expect(phone.locator("#id_title")).to_have_value("风电场升压站设备巡视(手机拍摄)")


def test_the_library_updates_progress_without_reloading(live_server, people, browser):
    video = Video.objects.create(
        title="光伏发电站设计", collection=people.a.collection, uploaded_by=people.lecturer_a,
        status=VideoStatus.PROCESSING, progress=10, eta_seconds=300, source="x/y.mp4",
    )  # fmt: skip
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url, "lecturer_a")
    page.goto(f"{live_server.url}/admin/videos/")
    status = page.locator(f'[data-video-status][data-id="{video.pk}"]')
    expect(status.locator("[data-percent]")).to_have_text("10%")
    Video.objects.filter(pk=video.pk).update(progress=64, eta_seconds=95)
    expect(status.locator("[data-percent]")).to_have_text("64%")
    expect(status.locator("[data-eta]")).to_have_text("预计还需 1:35")
    Video.objects.filter(pk=video.pk).update(
        status=VideoStatus.FAILED, failure_reason="文件不完整或已损坏"
    )
    expect(status.locator("[data-label]")).to_have_text("处理失败")
    expect(status.locator("[data-reason]")).to_have_text("文件不完整或已损坏")
    expect(status.locator("[data-running]")).to_be_hidden()
    context.close()
