"""Local development and `make run`: debug on unless LMS_DEBUG says otherwise."""

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("LMS_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
ALLOWED_HOSTS = env_list("LMS_ALLOWED_HOSTS", ["*"])
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
