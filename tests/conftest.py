import os

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; the Django ORM calls
# made by the same tests are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def demo(db):
    """The demo hierarchy and users, as `manage.py seed_demo` builds them."""
    call_command("seed_demo", verbosity=0)
