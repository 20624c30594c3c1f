"""Storage side of a tus 1.0 server: core protocol plus creation, expiration, termination.

Each upload is a few files in ``conf.upload_root()``, as tusd's file store does:
``<id>.bin`` holds the bytes received so far (its size *is* the offset, so a crash
mid-request loses nothing that reached the disk), ``<id>.info`` a small JSON record and
``<id>.lock`` the target of an exclusive ``flock`` held while a request writes: a second
request for the same upload (the client retrying while the server still reads the
dropped one) is refused with 423, never interleaved. The request body is copied in
fixed-size chunks, so memory stays flat.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from video import conf

VERSION = "1.0.0"
EXTENSIONS = "creation,expiration,termination"
COPY_CHUNK_BYTES = 1024 * 1024
_ID_ALPHABET = set("0123456789abcdef")


class TusError(Exception):
    """A protocol error: the HTTP status to answer with and a message for the person."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Upload:
    id: str
    length: int
    owner_id: int
    metadata: dict[str, str] = field(default_factory=dict)
    created: float = 0.0
    expires: float = 0.0
    video_id: int | None = None

    @property
    def data_path(self) -> Path:
        return conf.upload_root() / f"{self.id}.bin"

    @property
    def info_path(self) -> Path:
        return conf.upload_root() / f"{self.id}.info"

    @property
    def lock_path(self) -> Path:
        return conf.upload_root() / f"{self.id}.lock"

    @property
    def offset(self) -> int:
        if self.video_id is not None:
            return self.length
        try:
            return self.data_path.stat().st_size
        except FileNotFoundError:
            return 0

    @property
    def is_complete(self) -> bool:
        return self.offset == self.length

    def save(self) -> None:
        temporary = self.info_path.with_suffix(".info.tmp")
        temporary.write_text(json.dumps(asdict(self)))
        os.replace(temporary, self.info_path)


def parse_metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs. Values must be
    UTF-8 text without NUL characters (no database stores those in text)."""
    metadata = {}
    for pair in filter(None, (item.strip() for item in header.split(","))):
        key, _space, encoded = pair.partition(" ")
        try:
            value = base64.b64decode(encoded, validate=True).decode() if encoded else ""
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise TusError(
                400, _("The file's details could not be read. Please choose the file again.")
            ) from exc
        if "\x00" in key or "\x00" in value:
            raise TusError(
                400,
                _(
                    "The file's name or details contain a NUL character, which cannot be "
                    "stored. Rename the file and upload it again."
                ),
            )
        metadata[key] = value
    return metadata


def parse_length(value: str | None) -> int | None:
    """A byte count from a header: ASCII digits only (``int()`` also takes "١٢", "1_0"
    and " 7 ", and ``str.isdigit()`` passes "²", which ``int()`` refuses)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 19:
        return int(value)
    return None


def create(*, owner_id: int, length: int, metadata: dict[str, str], now: float | None = None):
    """Start an upload of ``length`` bytes."""
    if length > settings.VIDEO_UPLOAD_MAX_BYTES:
        raise TusError(413, "too large")
    root = conf.upload_root()
    root.mkdir(parents=True, exist_ok=True)
    # Refuse now rather than after hours of uploading: the file and its transcode need room.
    if shutil.disk_usage(root).free < length + settings.VIDEO_MIN_FREE_BYTES:
        raise TusError(507, "insufficient storage")
    now = time.time() if now is None else now
    upload = Upload(
        id=secrets.token_hex(16),
        length=length,
        owner_id=owner_id,
        metadata=metadata,
        created=now,
        expires=now + settings.VIDEO_UPLOAD_EXPIRY_SECONDS,
    )
    upload.data_path.touch(exist_ok=False)
    upload.lock_path.touch()
    upload.save()
    return upload


def get(upload_id: str, *, now: float | None = None) -> Upload | None:
    """The upload, or ``None`` if it never existed or has expired."""
    if len(upload_id) != 32 or not set(upload_id) <= _ID_ALPHABET:
        return None
    try:
        upload = Upload(**json.loads((conf.upload_root() / f"{upload_id}.info").read_text()))
    except FileNotFoundError:
        return None
    if upload.video_id is None and upload.expires < (time.time() if now is None else now):
        return None
    return upload


@contextlib.contextmanager
def locked(upload: Upload) -> Iterator[None]:
    """Exclusive use of an upload for the length of one request, or 423."""
    with open(upload.lock_path, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise TusError(423, "another request is writing to this upload") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def append(upload: Upload, *, offset: int, body, content_length: int) -> int:
    """Append a request body at ``offset``; return the new offset.

    Call inside :func:`locked`. Whatever arrived before a dropped connection is kept.
    """
    if upload.video_id is not None or offset != upload.offset:
        raise TusError(409, "Upload-Offset does not match the bytes received")
    remaining = upload.length - offset
    if content_length > remaining:
        raise TusError(413, "the body goes past Upload-Length")
    budget = content_length
    with open(upload.data_path, "ab") as handle:
        while budget > 0:
            try:
                chunk = body.read(min(COPY_CHUNK_BYTES, budget))
            except OSError:  # the client went away mid-body: keep what we have
                break
            if not chunk:
                break
            handle.write(chunk)
            budget -= len(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    upload.expires = time.time() + settings.VIDEO_UPLOAD_EXPIRY_SECONDS
    upload.save()
    return upload.offset


def mark_done(upload: Upload, *, video_id: int) -> None:
    """Remember which video an upload became, so a repeated final request is answered."""
    upload.video_id = video_id
    upload.expires = time.time() + settings.VIDEO_UPLOAD_EXPIRY_SECONDS
    upload.save()


def delete(upload: Upload) -> None:
    for path in (upload.data_path, upload.info_path, upload.lock_path):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def sweep(*, now: float | None = None) -> int:
    """Delete expired uploads (partial ones and records of finished ones); return how many."""
    now = time.time() if now is None else now
    root = conf.upload_root()
    if not root.is_dir():
        return 0
    removed = 0
    for info in root.glob("*.info"):
        try:
            expires = json.loads(info.read_text())["expires"]
        except (OSError, ValueError, KeyError):
            expires = info.stat().st_mtime + settings.VIDEO_UPLOAD_EXPIRY_SECONDS
        if expires < now:
            for path in (info, info.with_suffix(".bin"), info.with_suffix(".lock")):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            removed += 1
    return removed
