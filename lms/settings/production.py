"""Production: refuses to start without a real secret key; passes `check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("LMS_DEBUG", False)

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "LMS_SECRET_KEY 未设置:生产环境必须提供至少 50 个字符的随机密钥。"
        " / LMS_SECRET_KEY is not set: production needs a random key of at least 50 characters."
    )
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:  # noqa: F405
    raise ImproperlyConfigured(
        "LMS_SECRET_KEY 太短或太简单:请使用至少 50 个字符的随机密钥。"
        " / LMS_SECRET_KEY is too short or too simple: use at least 50 random characters."
    )

# LMS_HTTPS=false: a pilot served over plain HTTP on a trusted network (`make run` on
# loopback). Everything else stays as in production.
HTTPS = env_bool("LMS_HTTPS", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS and env_bool("LMS_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
# Wagtail's live preview shows pages in a same-origin frame, so DENY would break it.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
