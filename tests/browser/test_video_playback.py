"""A learner plays a lecture with hls.js: position advances, a phone gets a smaller rung,
speed, quality, sound-only, a link to a moment, and the heartbeat events."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll
from tests.video.conftest import Units, clip, clip_folder, run_job  # noqa: F401
from video import services
from video.models import Visibility

pytestmark = pytest.mark.browser

HLS = "document.querySelector('[data-video-player]').lmsPlayer.hls"


@pytest.fixture
def lecture(settings, tmp_path, clip):  # noqa: F811
    """A public 640x360 lecture: renditions 360p and 240p plus sound only."""
    settings.VIDEO_ROOT = str(tmp_path / "video")
    units = Units()
    video = services.video_create(
        source_path=clip("ladder.mp4"), filename="ladder.mp4", title="新能源前沿技术 · 第一讲",
        collection=units.a.collection, uploaded_by=units.lecturer_a, lecturer=units.lecturer_a,
        visibility=Visibility.PUBLIC, move=True, enqueue=False,
    )  # fmt: skip
    assert run_job(video) == "ready"
    return video


def open_player(page, url):
    page.goto(url)
    page.wait_for_function(f"() => {HLS}?.levels?.length")


def play(page, seconds=1.0):
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    page.wait_for_function(f"() => document.querySelector('video').currentTime > {seconds}")


def test_a_learner_plays_on_a_small_phone_and_gets_a_small_rung(live_server, lecture, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    open_player(page, f"{live_server.url}/video/{lecture.pk}/")
    assert_no_horizontal_scroll(page)
    heights = page.evaluate(f"() => {HLS}.levels.map(level => level.height)")
    assert sorted(heights) == [240, 360]
    expect(page.locator("[data-quality] option")).to_have_text(["自动", "360p", "240p"])
    play(page)
    player = page.locator("[data-video-player]")
    expect(player).to_have_attribute("data-level-height", "240")
    expect(page.locator("video")).to_have_attribute("playsinline", "")
    assert page.evaluate("() => document.querySelector('video').poster").startswith(live_server.url)

    page.select_option("[data-speed]", "1.5")
    assert page.evaluate("() => document.querySelector('video').playbackRate") == 1.5
    context.close()


def test_a_wide_screen_gets_the_top_rung(live_server, lecture, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    open_player(page, f"{live_server.url}/video/{lecture.pk}/")
    play(page)
    expect(page.locator("[data-video-player]")).to_have_attribute("data-level-height", "360")
    context.close()


def test_sound_only_a_moment_link_and_heartbeats(live_server, lecture, phone):
    open_player(phone, f"{live_server.url}/video/{lecture.pk}/?t=3")
    phone.evaluate(
        """() => { window.beats = [];
        document.addEventListener('video:heartbeat', e => window.beats.push(e.detail)); }"""
    )
    play(phone, seconds=3.2)  # started at the moment linked to
    phone.evaluate("() => document.querySelector('video').pause()")
    beat = phone.wait_for_function(
        "() => window.beats.find(beat => beat.reason === 'pause')"
    ).json_value()
    assert phone.evaluate("() => window.beats[0].reason") == "playing"  # it announces the start
    assert beat["videoId"] == lecture.pk
    assert beat["position"] > 3 and beat["duration"] == pytest.approx(6, abs=0.2)
    assert beat["ranges"] and beat["ranges"][0][0] >= 2.9

    phone.get_by_role("button", name="只听声音(省流量)").click()
    expect(phone.get_by_role("button", name="只听声音(省流量)")).to_have_attribute(
        "aria-pressed", "true"
    )
    phone.wait_for_function(f"() => {HLS}.url.endsWith('audio/index.m3u8')")
    phone.evaluate("() => document.querySelector('video').play()")
    phone.wait_for_function("() => document.querySelector('video').currentTime > 4")
    assert phone.evaluate("() => document.querySelector('video').videoHeight") == 0
