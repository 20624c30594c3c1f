"""Video settings read at call time, so that test settings (and pytest's `settings`
fixture) that move LMS_DATA_DIR move the video directories with it."""

from pathlib import Path

from django.conf import settings
from django.utils.crypto import salted_hmac


def root() -> Path:
    return Path(settings.VIDEO_ROOT or Path(settings.DATA_DIR) / "video")


def source_root() -> Path:
    """Uploaded originals; never served over HTTP."""
    return root() / "sources"


def stream_root() -> Path:
    """Published rendition sets and posters; served only through signed URLs."""
    return root() / "hls"


def stage_root() -> Path:
    """Work directories of running jobs: on the stream disk, so publishing is a rename."""
    return stream_root() / ".stage"


def upload_root() -> Path:
    """Partial tus uploads."""
    return root() / "uploads"


def stream_secret() -> str:
    """The secret shared with nginx's secure_link; derived from SECRET_KEY if unset."""
    return (
        settings.VIDEO_STREAM_SECRET
        or salted_hmac("video.stream", "secret", secret=settings.SECRET_KEY).hexdigest()
    )
