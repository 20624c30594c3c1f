"""The lecture player on a phone: nothing but the poster before the tap, then the small
MediaSource player (static/js/vod-player.js, never hls.js for an on-demand lecture) loaded
on the tap, whether the browser plays HLS itself or not; the first rung from the link; a
resumed lesson fetching the segment at its position, not the beginning; a rung up when the
link becomes fast, never more than 30 s ahead; a seek far ahead through a network drop to
the end; a data saver that is remembered; sound only; tapping the picture; a link to a
moment; heartbeats; a portrait video with every control on the screen."""

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll
from tests.video.conftest import Units, clip, clip_folder, run_job  # noqa: F401
from video import services, signing
from video.models import Caption, Visibility

pytestmark = pytest.mark.browser

VIDEO = "document.querySelector('[data-video-player] video')"
PLAYER = "document.querySelector('[data-video-player]').lmsPlayer"
MEDIA = re.compile(r"\.(m3u8|m4s|mp4|m4a)(\?|$)")
SEGMENT = re.compile(r"/(\w+)/(\d{5})\.m4s$")
VOD = "/static/js/vod-player"
# A browser without HLS of its own (older Android Chrome, desktop Firefox, many in-app
# browsers): the player brings its own.
NO_NATIVE_HLS = (
    "HTMLMediaElement.prototype.canPlayType = (function (original) {"
    " return function (type) { return /mpegurl/i.test(type) ? '' : original.call(this, type); };"
    " })(HTMLMediaElement.prototype.canPlayType);"
)
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 51200, "uploadThroughput": 51200}
FAST = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
OFFLINE = {**FAST, "offline": True}


def make_lecture(clip, name: str, title: str):  # noqa: F811
    units = Units()
    video = services.video_create(
        source_path=clip(name), filename=name, title=title, collection=units.a.collection,
        uploaded_by=units.lecturer_a, lecturer=units.lecturer_a,
        visibility=Visibility.PUBLIC, move=True, enqueue=False,
    )  # fmt: skip
    assert run_job(video) == "ready"
    return video


@pytest.fixture
def lecture(settings, tmp_path, clip):  # noqa: F811
    """A public 640x360 lecture: renditions 360p and 240p plus sound only."""
    settings.VIDEO_ROOT = str(tmp_path / "video")
    return make_lecture(clip, "ladder.mp4", "新能源前沿技术 · 第一讲")


@pytest.fixture
def long_lecture(settings, tmp_path, clip):  # noqa: F811
    """A public 640x360 lecture of 48 s: twelve 4 s segments per rendition."""
    settings.VIDEO_ROOT = str(tmp_path / "video")
    return make_lecture(clip, "lecture.mp4", "光伏组件安装实操 · 全程")


def record_requests(page) -> list[str]:
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def media(urls) -> list[str]:
    return [url for url in urls if MEDIA.search(url)]


def segments(urls, rendition=None) -> list[tuple[str, int]]:
    """(rendition, index) of each media segment fetched, in order."""
    found = [SEGMENT.search(url.split("?")[0]) for url in urls]
    return [(m[1], int(m[2])) for m in found if m and rendition in (None, m[1])]


def network(page, conditions):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)
    return cdp


def tap_play(page, seconds=1.0):
    page.locator("[data-start-video]").tap()
    page.wait_for_function(f"() => {VIDEO}.currentTime > {seconds}")


def test_nothing_but_the_poster_before_the_tap(live_server, lecture, phone):
    urls = record_requests(phone)
    phone.goto(f"{live_server.url}/video/{lecture.pk}/")
    phone.wait_for_load_state("networkidle")
    assert_no_horizontal_scroll(phone)
    assert any(url.endswith("poster.jpg") for url in urls)
    assert media(urls) == [] and not any("hls.min" in url for url in urls)
    expect(phone.locator("[data-start-video]")).to_be_visible()
    expect(phone.locator("[data-start-audio]")).to_have_text("只听声音(省流量)")

    tap_play(phone)
    assert media(urls), "playing fetches the playlists and segments"
    # This Chromium plays HLS itself, but through MediaSource the player chooses what to
    # fetch; the small player comes with the tap, hls.js never.
    assert any(VOD in url for url in urls) and not any("hls.min" in url for url in urls)
    assert phone.evaluate(f"() => {VIDEO}.currentSrc").startswith("blob:")
    expect(phone.locator("[data-quality] option")).to_have_text(["自动", "360p", "240p"])

    # Tapping the picture pauses, tapping again goes on.
    phone.locator("[data-video-player] video").tap()
    phone.wait_for_function(f"() => {VIDEO}.paused")
    expect(phone.locator("[data-play-pause]")).to_have_attribute("aria-label", "播放")
    phone.locator("[data-video-player] video").tap()
    phone.wait_for_function(f"() => !{VIDEO}.paused")
    expect(phone.locator("[data-play-pause]")).to_have_attribute("aria-label", "暂停")
    phone.select_option("[data-speed]", "1.5")
    assert phone.evaluate(f"() => {VIDEO}.playbackRate") == 1.5


def test_on_slow_3g_it_starts_at_the_lowest_rung_then_goes_up_when_the_link_is_fast(
    live_server, long_lecture, phone
):
    cdp = network(phone, SLOW_3G)
    urls = record_requests(phone)
    phone.goto(f"{live_server.url}/video/{long_lecture.pk}/")
    tap_play(phone, seconds=0.5)
    assert segments(urls)[0] in {("240p", 0), ("audio", 0)}
    assert phone.evaluate(f"() => {VIDEO}.videoHeight") == 240
    assert not segments(urls, "360p")
    expect(phone.locator("[data-video-player]")).to_have_attribute("data-level-height", "240")
    expect(phone.locator("[data-quality]")).to_have_value("")  # automatic

    with phone.expect_request(lambda r: "/360p/" in r.url and bool(SEGMENT.search(r.url))):
        cdp.send("Network.emulateNetworkConditions", FAST)
    phone.wait_for_timeout(1000)  # time to fetch all it would
    # Never more than 30 s ahead of the picture, on a fast link too (the lecture is 48 s).
    now = phone.evaluate(f"() => {VIDEO}.currentTime")
    fetched = [index for _, index in segments(urls)]
    assert now < 10 and max(fetched) * 4 < now + 30, (now, fetched)

    phone.evaluate(f"() => {{ {VIDEO}.muted = true; {VIDEO}.playbackRate = 2; }}")
    expect(phone.locator("[data-video-player]")).to_have_attribute(
        "data-level-height", "360", timeout=30_000
    )
    phone.wait_for_function(f"() => {VIDEO}.videoHeight === 360")


def test_a_resumed_lesson_fetches_the_segment_at_its_position(live_server, long_lecture, phone):
    urls = record_requests(phone)
    phone.goto(f"{live_server.url}/video/{long_lecture.pk}/?t=30")
    tap_play(phone, seconds=30.5)
    fetched = segments(urls)
    # 28–32 s is segment 7 of the picture and of the sound; nothing before it.
    assert ("audio", 7) in fetched and any(kind != "audio" and i == 7 for kind, i in fetched)
    assert min(index for _, index in fetched) == 7, fetched


def test_a_seek_far_ahead_through_a_network_drop_then_the_end(live_server, long_lecture, phone):
    phone.goto(f"{live_server.url}/video/{long_lecture.pk}/")
    phone.evaluate(
        """() => { window.beats = [];
        document.addEventListener('video:heartbeat', e => window.beats.push(e.detail)); }"""
    )
    urls = record_requests(phone)
    tap_play(phone)
    phone.evaluate(f"() => {{ {VIDEO}.muted = true; }}")
    cdp = network(phone, OFFLINE)
    phone.evaluate(f"() => {{ {VIDEO}.currentTime = 42; }}")  # beyond what is buffered
    message = phone.locator("[data-message]")
    expect(message).to_have_text("网络不稳定,正在重试……")
    cdp.send("Network.emulateNetworkConditions", FAST)
    phone.wait_for_function(f"() => {VIDEO}.currentTime > 42.5")
    expect(message).to_be_hidden()  # no stale warning once it plays again
    fetched = [index for kind, index in segments(urls) if kind != "audio"]
    assert 10 in fetched and 9 not in fetched, fetched  # from 40 s on, nothing skipped over

    phone.wait_for_function("() => window.beats.some(beat => beat.reason === 'ended')")
    ended = phone.evaluate("() => window.beats.find(beat => beat.reason === 'ended')")
    assert ended["position"] == pytest.approx(48, abs=0.5)
    assert ended["duration"] == pytest.approx(48, abs=0.5)
    stretches = [r for beat in phone.evaluate("() => window.beats") for r in beat["ranges"]]
    assert any(start >= 41.9 and end >= 47.5 for start, end in stretches), stretches
    assert not any(start < 40 < end for start, end in stretches)  # the jump is not counted


def test_expired_signed_urls_are_renewed_where_it_plays(
    live_server, long_lecture, phone, monkeypatch
):
    phone.goto(f"{live_server.url}/video/{long_lecture.pk}/")
    urls = record_requests(phone)
    tap_play(phone)
    # From now on the URLs the page holds have expired (410), fresh ones expire later.
    first = next(url for url in urls if SEGMENT.search(url))
    old = int(re.search(rf"/(\d+)/{long_lecture.pk}/", first)[1])  # when the page's URLs expire
    check = signing.check
    monkeypatch.setattr(signing, "expiry", lambda now=None: old + signing.WINDOW_SECONDS)
    monkeypatch.setattr(
        signing, "check",
        lambda *, video_id, expires, given, now=None: (
            "expired" if expires == old else check(video_id=video_id, expires=expires, given=given)
        ),
    )  # fmt: skip
    playing = phone.evaluate(f"() => {VIDEO}.currentSrc")
    phone.evaluate(f"() => {{ {VIDEO}.muted = true; {VIDEO}.currentTime = 40; }}")
    phone.wait_for_function(f"() => {VIDEO}.currentTime > 40.5")
    assert any(url.endswith(f"/video/{long_lecture.pk}/playback/") for url in urls)
    fresh = [
        url for url in urls if SEGMENT.search(url) and f"/{old + signing.WINDOW_SECONDS}/" in url
    ]
    assert fresh, urls
    # It went on where it was, with the same MediaSource: nothing started again.
    assert phone.evaluate(f"() => {VIDEO}.currentSrc") == playing
    assert not any(
        SEGMENT.search(u) and u.endswith("/00000.m4s") for u in urls[urls.index(fresh[0]) :]
    )


def test_without_native_hls_the_small_player_comes_with_the_tap(live_server, lecture, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)  # fmt: skip
    context.add_init_script(NO_NATIVE_HLS)
    page = context.new_page()
    page.set_default_timeout(20_000)
    urls = record_requests(page)
    page.goto(f"{live_server.url}/video/{lecture.pk}/")
    page.wait_for_load_state("networkidle")
    assert media(urls) == [] and not any("hls.min" in url for url in urls)
    tap_play(page)
    assert any(VOD in url for url in urls) and not any("hls.min" in url for url in urls)
    # A phone never gets a rung larger than the picture it shows.
    expect(page.locator("[data-video-player]")).to_have_attribute("data-level-height", "240")
    context.close()


def test_a_wide_screen_gets_the_top_rung_and_the_quality_menu_holds_one(
    live_server, long_lecture, browser
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(NO_NATIVE_HLS)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/video/{long_lecture.pk}/")
    page.locator("[data-start-video]").click()
    player = page.locator("[data-video-player]")
    expect(player).to_have_attribute("data-level-height", "360")
    page.wait_for_function(f"() => {VIDEO}.currentTime > 1")
    page.select_option("[data-quality]", "240")  # held, however fast the link
    expect(player).to_have_attribute("data-level-height", "240")
    page.wait_for_function(f"() => {VIDEO}.videoHeight === 240 && {VIDEO}.currentTime > 2")
    page.select_option("[data-quality]", "")  # automatic again
    expect(player).to_have_attribute("data-level-height", "360")
    context.close()


def test_the_data_saver_is_remembered(live_server, lecture, phone):
    phone.goto(f"{live_server.url}/video/{lecture.pk}/")
    saver = phone.get_by_role("button", name="省流量", exact=True)
    saver.click()
    expect(saver).to_have_attribute("aria-pressed", "true")
    phone.reload()
    expect(saver).to_have_attribute("aria-pressed", "true")
    urls = record_requests(phone)
    tap_play(phone)
    assert {kind for kind, _ in segments(urls)} == {"240p", "audio"}
    expect(phone.locator("[data-video-player]")).to_have_attribute("data-level-height", "240")
    expect(phone.locator("[data-quality]")).to_have_value("240")
    expect(phone.locator("[data-quality] option[value='360']")).to_be_disabled()
    # Turned off, the picture may grow again (this phone shows 720 device pixels).
    phone.get_by_role("button", name="省流量", exact=True).click()
    expect(phone.locator("[data-video-player]")).to_have_attribute("data-level-height", "360")


def test_sound_only_a_moment_link_and_heartbeats(live_server, lecture, phone):
    fetched = []
    phone.on("request", lambda request: fetched.append(request.url))
    phone.goto(f"{live_server.url}/video/{lecture.pk}/?t=3")
    phone.evaluate(
        """() => { window.beats = [];
        document.addEventListener('video:heartbeat', e => window.beats.push(e.detail)); }"""
    )
    phone.get_by_role("button", name="只听声音(省流量)").tap()  # offered on the poster
    phone.wait_for_function(f"() => {VIDEO}.currentTime > 3.2")  # at the moment linked to
    # The sound alone is fetched.
    playlists = [url.split("?")[0] for url in fetched if ".m3u8" in url]
    assert playlists and all(url.endswith("audio/index.m3u8") for url in playlists), playlists
    assert phone.evaluate(f"() => {VIDEO}.videoHeight") == 0
    expect(phone.get_by_role("button", name="只听声音", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    phone.evaluate(f"() => {VIDEO}.pause()")
    beat = phone.wait_for_function(
        "() => window.beats.find(beat => beat.reason === 'pause')"
    ).json_value()
    assert phone.evaluate("() => window.beats[0].reason") == "playing"  # it announces the start
    assert beat["videoId"] == lecture.pk
    assert beat["position"] > 3 and beat["duration"] == pytest.approx(6, abs=0.2)
    assert beat["ranges"] and beat["ranges"][0][0] >= 2.9


def test_a_portrait_video_keeps_every_control_on_the_screen(
    live_server,
    settings,
    tmp_path,
    clip,  # noqa: F811
    phone,
):
    settings.VIDEO_ROOT = str(tmp_path / "video")
    video = make_lecture(clip, "portrait.mp4", "升压站设备巡视要点(手机竖屏)")
    phone.goto(f"{live_server.url}/video/{video.pk}/")
    assert_no_horizontal_scroll(phone)
    tap_play(phone, seconds=0.5)
    expect(phone.locator(".tab-bar")).to_be_hidden()  # it steps aside while the video plays
    height = phone.viewport_size["height"]
    picture = phone.locator("[data-video-player] video").bounding_box()
    assert picture["height"] > picture["width"] * 1.5  # shown upright, not letterboxed small
    for control in ("[data-play-pause]", "[data-seek]", "[data-fullscreen]", "[data-speed]",
                    "[data-data-saver]", "[data-audio-only]"):  # fmt: skip
        box = phone.locator(control).bounding_box()
        assert box and box["y"] >= 56 and box["y"] + box["height"] <= height, control
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, control
    phone.locator("[data-play-pause]").tap()
    phone.wait_for_function(f"() => {VIDEO}.paused")
    expect(phone.locator(".tab-bar")).to_be_visible()


def test_captions_show_when_the_video_has_them(live_server, lecture, phone):
    Caption.objects.create(
        video=lecture, language="zh-Hans", label="中文字幕", is_default=True,
        file=ContentFile(b"WEBVTT\n\n00:00.000 --> 00:05.000\n\xe5\xb7\xa5\xe5\x8c\xa0\n",
                         name="zh.vtt"),
    )  # fmt: skip
    phone.goto(f"{live_server.url}/video/{lecture.pk}/")
    expect(phone.get_by_label("字幕")).to_have_value("0")
    tap_play(phone, seconds=0.5)
    phone.wait_for_function(
        f"() => {VIDEO}.textTracks[0].mode === 'showing'"
        f" && {VIDEO}.textTracks[0].activeCues?.length === 1"
    )
    assert phone.evaluate(f"() => {VIDEO}.textTracks[0].activeCues[0].text") == "工匠"
    phone.get_by_label("字幕").select_option("")
    assert phone.evaluate(f"() => {VIDEO}.textTracks[0].mode") == "disabled"
