"""Settings shared by every environment. Configuration comes from environment variables."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("LMS_DATA_DIR") or BASE_DIR / "var").resolve()
MEDIA_ROOT = DATA_DIR / "media"
LOG_DIR = DATA_DIR / "logs"
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("LMS_SECRET_KEY", "")
DEBUG = env_bool("LMS_DEBUG", False)
ALLOWED_HOSTS = env_list("LMS_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("LMS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "accounts",
    "lms",
    "academies",
    "learning",
    "video",
    "courses",
    "search",
    "nightschool",
    "live",
    "exams",
    "dashboards",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "ninja",
    "taggit",
    "django_q",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "lms.middleware.ApiErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lms.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.middleware.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("LMS_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the queue worker share one SQLite file: WAL lets readers
    # proceed during a write, IMMEDIATE avoids deadlocking upgrades of read locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "courses:profile"

LANGUAGE_CODE = "zh-hans"
# The project's own Chinese for what Wagtail's catalogue leaves in English; read first.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploaded media (images, documents) are served by nginx in production. A pilot without
# one (`make run`) has Django serve them, DEBUG or not.
SERVE_MEDIA = env_bool("LMS_SERVE_MEDIA", False)

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    # Sessions are read from the shared cache (every request of a logged-in user, a
    # heartbeat each 15 s from every player) and still kept in the database. Not with
    # the local cache: each process would have its own copy, outliving a log-out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

Q_CLUSTER = {
    "name": "lms",
    "workers": int(os.environ.get("LMS_QUEUE_WORKERS", "2")),
    # A lecture recording may take long to transcode; our tasks keep their own
    # heartbeat and retry policy, so django-q2 must not re-deliver blindly.
    "timeout": 4 * 3600,
    "retry": 4 * 3600 + 600,
    "max_attempts": 1,
    "catch_up": False,
    "label": _("Background queue"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# The alias searches go through; a rebuild builds a new index behind it and swaps.
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "lms-courses")

# Video library. Files go under LMS_DATA_DIR/video/ unless LMS_VIDEO_ROOT says otherwise;
# nginx serves LMS_VIDEO_ROOT/hls with the secure_link settings in video/signing.py. A job
# is stale after 10 min without a heartbeat: longer than any silent step (poster, sprite).
VIDEO_ROOT = os.environ.get("LMS_VIDEO_ROOT", "")
VIDEO_UPLOAD_MAX_BYTES = int(os.environ.get("LMS_VIDEO_UPLOAD_MAX_BYTES", str(8 * 1024**3)))
VIDEO_UPLOAD_EXPIRY_SECONDS = int(os.environ.get("LMS_VIDEO_UPLOAD_EXPIRY_SECONDS", "86400"))
VIDEO_STREAM_URL = os.environ.get("LMS_VIDEO_STREAM_URL", "/hls/")
VIDEO_STREAM_SECRET = os.environ.get("LMS_VIDEO_STREAM_SECRET", "")
VIDEO_STREAM_TTL_SECONDS = int(os.environ.get("LMS_VIDEO_STREAM_TTL_SECONDS", str(6 * 3600)))
VIDEO_UPLOAD_CHUNK_BYTES = int(os.environ.get("LMS_VIDEO_UPLOAD_CHUNK_BYTES", str(8 * 1024**2)))
VIDEO_MIN_FREE_BYTES = int(os.environ.get("LMS_VIDEO_MIN_FREE_BYTES", str(1024**3)))
VIDEO_HEARTBEAT_STALE_SECONDS = int(os.environ.get("LMS_VIDEO_HEARTBEAT_STALE_SECONDS", "600"))

# seed_demo: demo lectures of a few minutes each; true cuts each to its first sentence.
DEMO_BRIEF = env_bool("LMS_DEMO_BRIEF", False)

WAGTAIL_SITE_NAME = "吉林省工匠学院"
# The admin reaches no third-party server: no avatars from Gravatar, no update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = os.environ.get("LMS_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "zip", "csv"]

# Content-Security-Policy (lms.middleware.ContentSecurityPolicyMiddleware). The public site
# runs no inline script or style: scripts are static files, data comes in data- attributes
# or json_script. hls.js plays through MediaSource (blob: media) and may start a worker
# from a blob:. The Wagtail admin still writes inline scripts and styles (its inline
# panels, date pickers), so paths under CSP_ADMIN_PREFIXES get those allowed as well.
CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "font-src": ["'self'", "data:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
CSP_ADMIN_PREFIXES = ("/admin/", "/django-admin/")
CSP_ADMIN_EXTRA = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}

# Log-in failures within AXES_COOLOFF_TIME that pause logging in (accounts.lockout): one
# client on one account, one account from any client, one client across all accounts.
AXES_HANDLER = "accounts.lockout.TieredLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
ACCOUNTS_LOGIN_FAILURE_LIMITS = (
    5,
    int(os.environ.get("LMS_LOGIN_FAILURES_PER_ACCOUNT", "10")),
    int(os.environ.get("LMS_LOGIN_FAILURES_PER_CLIENT", "20")),
)
AXES_FAILURE_LIMIT = ACCOUNTS_LOGIN_FAILURE_LIMITS[0]
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# Verification codes (registration, password reset) one client may ask for in an hour,
# for any numbers; each number also gets at most one a minute and 10 a day.
ACCOUNTS_CODES_PER_CLIENT_HOUR = int(os.environ.get("LMS_CODES_PER_CLIENT_HOUR", "10"))
# A log-in of the phone app or mini-program (a bearer token of /api/v1/) lasts this long.
APP_TOKEN_DAYS = int(os.environ.get("LMS_APP_TOKEN_DAYS", "30"))

# Where codes for learners (registration, password reset) go: a class with
# send(*, phone, text).
# The console backend prints them; plug an SMS gateway's backend in production.
LEARNER_MESSAGE_BACKEND = os.environ.get(
    "LMS_LEARNER_MESSAGE_BACKEND", "accounts.sms.ConsoleBackend"
)

# Youth workers' night school: QR check-in codes change every NIGHTSCHOOL_TOKEN_SECONDS and
# are accepted from NIGHTSCHOOL_CHECKIN_MARGIN_MINUTES before a class until as long after it;
# a seat offered to the waiting list is held for NIGHTSCHOOL_OFFER_HOURS (and never lapses
# between 22:00 and 08:00).
NIGHTSCHOOL_TOKEN_SECONDS = int(os.environ.get("LMS_NIGHTSCHOOL_TOKEN_SECONDS", "30"))
NIGHTSCHOOL_CHECKIN_MARGIN_MINUTES = int(
    os.environ.get("LMS_NIGHTSCHOOL_CHECKIN_MARGIN_MINUTES", "30")
)
# A second scan sooner than this after checking in is taken for a double scan, not a check-out.
NIGHTSCHOOL_CHECKOUT_AFTER_MINUTES = int(
    os.environ.get("LMS_NIGHTSCHOOL_CHECKOUT_AFTER_MINUTES", "10")
)
NIGHTSCHOOL_OFFER_HOURS = int(os.environ.get("LMS_NIGHTSCHOOL_OFFER_HOURS", "12"))

# Live lectures. Publishers send RTMP to LMS_LIVE_RTMP_URL (nginx with its RTMP module,
# whose on_publish calls /live/ingest/…) or SRT to LMS_LIVE_SRT_HOST on a port of
# LMS_LIVE_SRT_PORTS; `manage.py live_ingest` reads the stream back from
# LMS_LIVE_RTMP_PULL_URL and transcodes it. See live/ingest/ and the README.
LIVE_RTMP_URL = os.environ.get("LMS_LIVE_RTMP_URL", "rtmp://127.0.0.1:1935/live")
LIVE_RTMP_PULL_URL = os.environ.get("LMS_LIVE_RTMP_PULL_URL", "rtmp://127.0.0.1:1935/live")
LIVE_RTMP_CONTROL_URL = os.environ.get("LMS_LIVE_RTMP_CONTROL_URL", "")
LIVE_SRT_HOST = os.environ.get("LMS_LIVE_SRT_HOST", "127.0.0.1")
LIVE_SRT_BIND = os.environ.get("LMS_LIVE_SRT_BIND", "127.0.0.1")
LIVE_SRT_PORTS = os.environ.get("LMS_LIVE_SRT_PORTS", "10080-10179")
LIVE_INGEST_SECRET = os.environ.get("LMS_LIVE_INGEST_SECRET", "")
# A publisher who drops and comes back within this many seconds continues the lecture.
LIVE_GRACE_SECONDS = int(os.environ.get("LMS_LIVE_GRACE_SECONDS", "60"))
# Publishing is accepted from this many minutes before the scheduled start.
LIVE_EARLY_MINUTES = int(os.environ.get("LMS_LIVE_EARLY_MINUTES", "30"))
LIVE_MAX_SHORT_SIDE = int(os.environ.get("LMS_LIVE_MAX_SHORT_SIDE", "720"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LMS_LOG_LEVEL", "INFO")},
    # Per-task and per-page chatter from libraries; our own modules log at INFO.
    "loggers": {
        name: {"level": "WARNING"}
        for name in ("django_tasks", "wagtail", "axes", "django_q", "elastic_transport")
    },
}
CERTIFICATE_FONT = os.environ.get(
    "LMS_CERTIFICATE_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
)
