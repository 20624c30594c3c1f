"""Signed, expiring stream URLs that nginx's secure_link module can check by itself.

A URL grants one video's directory (rendition sets, posters, captions) until it expires:

    /hls/<token>/<expires>/<video id>/<path inside the video's directory>

``token`` is the base64url MD5 of ``"<expires>/<video id> <secret>"``, exactly what
nginx computes from this configuration (``VIDEO_ROOT`` is ``LMS_DATA_DIR/video``)::

    location ~ ^/hls/(?<token>[\\w-]+)/(?<expires>\\d+)/(?<video>\\d+)/(?<file>.+)$ {
        secure_link $token,$expires;
        secure_link_md5 "$expires/$video <LMS_VIDEO_STREAM_SECRET>";
        if ($secure_link = "") { return 403; }
        if ($secure_link = "0") { return 410; }
        types { application/vnd.apple.mpegurl m3u8; video/iso.segment m4s;
                video/mp4 mp4; image/jpeg jpg; text/vtt vtt; }
        alias <VIDEO_ROOT>/hls/$video/$file;
    }

The token sits in the path, not the query, because players resolve the playlists'
relative URIs (``360p/index.m3u8``, ``00001.m4s``) against the playlist URL, which
drops a query string but keeps the path prefix. Expiry is rounded up to a window so
that everyone watching a video in the same window shares URLs a CDN can cache.
"""

import base64
import hashlib
import hmac
import math
import time

from django.conf import settings

from video import conf

WINDOW_SECONDS = 900


def token(*, video_id: int, expires: int) -> str:
    digest = hashlib.md5(
        f"{expires}/{video_id} {conf.stream_secret()}".encode(), usedforsecurity=False
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def expiry(*, now: float | None = None) -> int:
    """When a URL issued now expires: at least the TTL ahead, rounded up to a window."""
    now = time.time() if now is None else now
    return math.ceil((now + settings.VIDEO_STREAM_TTL_SECONDS) / WINDOW_SECONDS) * WINDOW_SECONDS


def prefix(*, video_id: int, now: float | None = None) -> str:
    """URL prefix for the files of one video; append a path inside its directory."""
    expires = expiry(now=now)
    base = settings.VIDEO_STREAM_URL.rstrip("/")
    return f"{base}/{token(video_id=video_id, expires=expires)}/{expires}/{video_id}/"


def url(*, video_id: int, path: str, now: float | None = None) -> str:
    """Signed URL of a file given by its path relative to the stream root."""
    head, _, rest = path.partition("/")
    if head != str(video_id):
        raise ValueError(f"{path!r} is not a file of video {video_id}")
    return prefix(video_id=video_id, now=now) + rest


def check(*, video_id: int, expires: int, given: str, now: float | None = None) -> str:
    """``"ok"``, ``"expired"`` or ``"forged"`` for a token taken from a URL."""
    expected = token(video_id=video_id, expires=expires)
    if not hmac.compare_digest(expected.encode(), given.encode()):
        return "forged"
    if expires < (time.time() if now is None else now):
        return "expired"
    return "ok"
