"""Real processes on the test database, as the queue's and the web server's workers are:
for tests that commit (run them transactionally) and need a second process to see it."""

import os
import subprocess
import sys

from django.conf import settings
from django.db import connection


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def django_process(code: str, **popen) -> subprocess.Popen:
    """``python -c code`` with Django set up on the test database and video root."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url(),
        "LMS_VIDEO_ROOT": settings.VIDEO_ROOT,
    }
    return subprocess.Popen(
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        env=env,
        cwd=settings.BASE_DIR,
        **popen,
    )
