"""Test settings: fast hashing, media in a throw-away directory, tasks run inline."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATA_DIR = Path(os.environ.get("LMS_TEST_DATA_DIR") or tempfile.mkdtemp(prefix="lms-test-"))
MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT = DATA_DIR / "static"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
AXES_ENABLED = False
DEMO_BRIEF = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not ":memory:": browser tests talk to a live server thread, which must
    # see the same data through its own connection.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
