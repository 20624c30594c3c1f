import os
from importlib import import_module

import pytest

# Playwright's sync API runs an event loop in the test thread; the Django ORM calls
# made by the same tests are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def run_demo_steps(module: str) -> None:
    for _label, step in import_module(module).steps():
        step()


@pytest.fixture
def demo(db):
    """The demo hierarchy (headquarters, six academies, bases) and the demo users, as
    `manage.py seed_demo` builds them. Courses and videos have fixtures of their own:
    generating the demo videos takes a minute, too long to repeat for every test."""
    run_demo_steps("academies.demo")
