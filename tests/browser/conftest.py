import re
import shutil

import pytest
from playwright.sync_api import expect, sync_playwright

from accounts.sms import MemoryBackend
from tests.conftest import run_demo_steps

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page in a fresh context the size of a small Android phone (360 px wide)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_no_horizontal_scroll(page):
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, (
        f"page scrolls sideways by {overflow}px at {page.viewport_size['width']}px"
    )


@pytest.fixture
def text_messages(settings):
    """Text messages the site sends, as (phone, text): kept, not sent."""
    settings.LEARNER_MESSAGE_BACKEND = "accounts.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def ask_for_a_registration_code(page, text_messages, number: str) -> str:
    """Registration's first step on the page (it opens on it): the code the text message
    brought; the page is then on the second step."""
    page.get_by_label("手机号").fill(number)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_label("验证码")).to_be_visible()
    return re.search(r"验证码是 (\d{6})", text_messages[-1][1]).group(1)


@pytest.fixture(autouse=True)
def _search_in_the_database(settings):
    """Journeys search with the embedded backend: their database is emptied after each
    test, an Elasticsearch index would keep the courses of earlier journeys (the same
    titles, other ids). tests/search runs both backends."""
    settings.ELASTICSEARCH_URL = ""


@pytest.fixture(autouse=True)
def _browser_tests_start_from_the_site_tree(site_tree):
    """Browser tests talk to a live server, so they run transactionally."""


@pytest.fixture
def demo(site_tree):
    """The demo hierarchy committed for the test, so that the live server sees it
    (the module-wide one of tests/conftest.py lives in a transaction never committed)."""
    run_demo_steps("academies.demo")
