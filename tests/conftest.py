import contextlib
import json
import os
from importlib import import_module

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from wagtail.models import Page

# Playwright's sync API runs an event loop in the test thread; the Django ORM calls
# made by the same tests are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_MIGRATED = {}


def run_demo_steps(module: str) -> None:
    for _label, step in import_module(module).steps():
        step()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Right after the test database is migrated, keep a copy of what the migrations
    put in it (Wagtail's root, our home page, collections, schedules …)."""
    with django_db_blocker.unblock():
        objects = json.loads(connection.creation.serialize_db_to_string())
    # Content types first: saving the other rows fires handlers that look them up.
    objects.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
    _MIGRATED["data"] = json.dumps(objects)


@pytest.fixture
def site_tree(transactional_db):
    """Transactional tests (browser journeys, concurrency, killed workers) end with every
    table flushed; put back what the migrations created before such a test runs.
    (Django's serialized_rollback loses its copy once Playwright has run.)"""
    if not Page.objects.exists():
        # The flush's post_migrate signal re-created content types and permissions
        # with new ids; the snapshot brings back the originals.
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        connection.creation.deserialize_db_from_string(_MIGRATED["data"])


@contextlib.contextmanager
def rolled_back(django_db_blocker):
    """Data shared by the tests of a module: made in a transaction that stays open
    around them (each test runs in a savepoint inside it) and is rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_tree(django_db_setup, django_db_blocker):
    """The demo hierarchy (headquarters, six academies, bases) and the demo users, as
    `manage.py seed_demo` builds them, made once for the tests of a module: building it
    takes seconds. Courses and videos have fixtures of their own: generating the demo
    videos takes a minute."""
    with rolled_back(django_db_blocker):
        run_demo_steps("academies.demo")
        yield


@pytest.fixture
def demo(demo_tree, db):
    """The demo hierarchy, for one test (which runs in a savepoint and may change it).
    Tests on a live server override this with one committed for the test."""


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (shared page sections, search answers …):
    what one test cached must not show in another's pages."""
    from django.core.cache import cache

    cache.clear()
