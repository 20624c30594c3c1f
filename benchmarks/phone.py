"""The worker's phone: Debian Chromium at 360 × 740 with slow 3G emulated over CDP (400 ms
round trip, 50 KB/s each way) against the server `make run` starts. For the home page, a
course page and two lessons of the demo learner (logged in) — one that starts from the
beginning, one they stopped half-way through — it prints the bytes transferred,
DOMContentLoaded and load, the media requests made before play and, on the lessons, the
time from the tap on play to the first frame. Every page is opened with an empty cache
(a first visit); each lesson is then opened again (the browser's cache kept); and the
lessons again as a browser without HLS of its own plays them. Both play through
static/js/vod-player.js (MediaSource), fetched on the tap.

    .venv/bin/python benchmarks/phone.py              # runs scripts/run.sh on port 8090
    .venv/bin/python benchmarks/phone.py --url http://127.0.0.1:8000   # a running server

Targets: every page ready (load) < 3 s; the lesson < 150 KB and no media request before
play; the first frame < 3 s after the tap. Before this work: lesson ready after 14.3 s,
674 KB and 7 media requests before play, first frame 5.4 s after the tap; with hls.js
fetched on the tap, 5.2–5.3 s.
"""

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loopback import ROOT, load_average

CHROMIUM = "/usr/bin/chromium"
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50 * 1024,
    "uploadThroughput": 50 * 1024,
}
LEARNER, PASSWORD = "13800138000", "gongjiang2026"
COURSE = "/academies/new-energy/new-energy-frontiers/"  # the demo learner has completed it
RESUMED_COURSE = "/academies/new-energy/pv-station-design/"  # they stopped half-way
MEDIA = re.compile(r"\.(m3u8|m4s|mp4|m4a|ts)(\?|$)")
NO_NATIVE_HLS = (
    "HTMLMediaElement.prototype.canPlayType = (function (original) {"
    " return function (type) { return /mpegurl/i.test(type) ? '' : original.call(this, type); };"
    " })(HTMLMediaElement.prototype.canPlayType);"
)
MARK_TAP_AND_FRAME = """() => {
  const button = document.querySelector('[data-start-video]');
  const video = document.querySelector('[data-video-player] video');
  button.addEventListener('pointerdown', () => { window.__tapAt = performance.now(); },
                          {capture: true, once: true});
  video.requestVideoFrameCallback(() => { window.__frameAt = performance.now(); });
}"""


@dataclass
class Visit:
    label: str
    bytes: int
    dom_ready: float
    load: float
    media_before_play: int
    first_frame: float | None = None


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                return
        time.sleep(2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


@contextlib.contextmanager
def make_run(port: int):
    """`make run` (scripts/run.sh) on a loopback port: set up, migrate, seed, serve."""
    env = {**os.environ, "LMS_PORT": str(port), "LMS_HOST": "127.0.0.1"}
    print(f"starting scripts/run.sh on port {port} (the first run seeds the demo) …")
    process = subprocess.Popen(
        [ROOT / "scripts" / "run.sh"], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/", 1800)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


class Phone:
    """A fresh browser context (empty cache) on a slow 3G link, logged in as the learner."""

    def __init__(self, browser, base: str, session_cookies: list, native_hls: bool = True):
        self.context = browser.new_context(
            viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
            has_touch=True,
        )  # fmt: skip
        if not native_hls:
            self.context.add_init_script(NO_NATIVE_HLS)
        self.context.add_cookies(session_cookies)
        self.base = base
        self.page = self.context.new_page()
        self.page.set_default_timeout(120_000)
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        self.bytes = 0
        self.urls: list[str] = []
        cdp.on("Network.loadingFinished", self._finished)
        self.page.on("request", lambda request: self.urls.append(request.url))

    def _finished(self, event):
        self.bytes += event["encodedDataLength"]

    def visit(self, label: str, path: str) -> Visit:
        self.bytes, self.urls = 0, []
        self.page.goto(self.base + path, wait_until="load")
        self.page.wait_for_timeout(1500)  # anything a page would fetch after its load
        dom_ready, load = self.page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return [n.domContentLoadedEventEnd, n.loadEventEnd]; }"
        )
        media = [url for url in self.urls if MEDIA.search(url)]
        return Visit(label, self.bytes, dom_ready / 1000, load / 1000, len(media))

    def play(self, visit: Visit) -> Visit:
        self.page.evaluate(MARK_TAP_AND_FRAME)
        self.page.locator("[data-start-video]").tap()
        self.page.wait_for_function("() => window.__frameAt && window.__tapAt", polling=50)
        visit.first_frame = self.page.evaluate("() => (window.__frameAt - window.__tapAt) / 1000")
        return visit

    def close(self):
        self.context.close()


def log_in(browser, base: str) -> tuple[list, dict[str, str]]:
    """The learner's session cookies, and the lessons: {label: path}."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", LEARNER)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    cookies = context.cookies()
    page.goto(base + COURSE)
    first = page.locator(".lesson-list a").first.get_attribute("href")
    page.goto(base + RESUMED_COURSE)
    resumed = page.locator("a.button", has_text="继续学习").get_attribute("href")
    context.close()
    return cookies, {"lesson from the start": first, "lesson resumed": resumed}


def measure(base: str) -> list[Visit]:
    visits = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        cookies, lessons = log_in(browser, base)
        for label, path in (("home", "/"), ("course", COURSE)):
            phone = Phone(browser, base, cookies)
            visits.append(phone.visit(label, path))
            phone.close()
        for native in (True, False):
            how = "" if native else ", no native HLS"
            for label, path in lessons.items():
                phone = Phone(browser, base, cookies, native_hls=native)
                for visit in ("first visit", "again"):
                    visits.append(phone.play(phone.visit(f"{label}, {visit}{how}", path)))
                    phone.page.goto("about:blank")  # stop the video before the next visit
                phone.close()
        browser.close()
    return visits


def report(visits: list[Visit]) -> None:
    print(f"\nslow 3G (400 ms, 50 KB/s), 360 × 740, Chromium; load average {load_average()}")
    print(f"{'page':<52} {'KB':>6} {'DOM ready':>10} {'load':>7} {'media':>6} {'frame':>8}")
    for visit in visits:
        frame = f"{visit.first_frame:.2f} s" if visit.first_frame is not None else "—"
        print(
            f"{visit.label:<52} {visit.bytes / 1024:>6.1f} {visit.dom_ready:>8.2f} s"
            f" {visit.load:>5.2f} s {visit.media_before_play:>6} {frame:>8}"
        )
    print("media: requests for playlists and segments before the tap; frame: from the tap")
    print("targets: load < 3 s; lesson < 150 KB, 0 media requests before play; frame < 3 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a server already running (else scripts/run.sh)")
    parser.add_argument("--port", type=int, default=8090, help="for scripts/run.sh")
    args = parser.parse_args()
    print(f"load average at the start: {load_average()}")
    if args.url:
        report(measure(args.url.rstrip("/")))
    else:
        with make_run(args.port) as base:
            report(measure(base))


if __name__ == "__main__":
    main()
