import json
import shutil

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from playwright.sync_api import sync_playwright
from wagtail.models import Page

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


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker):
    """What the migrations put in the database (Wagtail's root, our home page …)."""
    with django_db_blocker.unblock():
        objects = json.loads(connection.creation.serialize_db_to_string())
    # Content types first: saving the other rows fires handlers that look them up.
    objects.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
    return json.dumps(objects)


@pytest.fixture(autouse=True)
def site_tree(transactional_db, migrated_data):
    """Browser tests need committed data, so they run transactionally and every table
    is flushed after each; put back what the migrations created before each test.
    (Django's serialized_rollback loses its copy once Playwright has run.)"""
    if not Page.objects.exists():
        # The flush's post_migrate signal re-created content types and permissions
        # with new ids; the snapshot brings back the originals.
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        connection.creation.deserialize_db_from_string(migrated_data)
