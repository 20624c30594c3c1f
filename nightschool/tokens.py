"""Rotating check-in codes.

A code is ``<class id>.<window>.<signature>``: the window is the number of
``NIGHTSCHOOL_TOKEN_SECONDS`` periods since the epoch, and the signature an HMAC of the
class id and window under the site's secret key. So a code names its class, cannot be
made up, and is only good while its window (or the one after it) lasts.
"""

import base64
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "nightschool.checkin"


@dataclass(frozen=True)
class Code:
    session_id: int
    window: int


def window_at(when: datetime) -> int:
    return int(when.timestamp()) // settings.NIGHTSCHOOL_TOKEN_SECONDS


def seconds_left_in_window(when: datetime) -> float:
    period = settings.NIGHTSCHOOL_TOKEN_SECONDS
    return period - (when.timestamp() % period)


def _signature(session_id: int, window: int) -> str:
    digest = salted_hmac(SALT, f"{session_id}.{window}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:15]).decode()


def make(*, session_id: int, window: int) -> str:
    return f"{session_id}.{window}.{_signature(session_id, window)}"


def read(token: str) -> Code | None:
    """The class and window a genuine code was made for; None for anything else."""
    parts = token.split(".")
    # ASCII digits, and few: "²" passes str.isdigit() and int() refuses it, as it does
    # more than 4,300 digits.
    if len(parts) != 3 or not all(
        part.isascii() and part.isdigit() and len(part) <= 18 for part in parts[:2]
    ):
        return None
    session_id, window = int(parts[0]), int(parts[1])
    if not constant_time_compare(parts[2], _signature(session_id, window)):
        return None
    return Code(session_id=session_id, window=window)
