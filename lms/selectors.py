"""The kernel's reads: a person's messages, who holds an API token, and reads kept for the
length of a request."""

from collections.abc import Callable
from typing import TypeVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from lms.models import AppToken, Notification

T = TypeVar("T")


def notifications_of(*, user) -> QuerySet:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at=None).count()


def token_holder(*, raw: str) -> AppToken | None:
    """The valid token for what a client sent, with its user; None if unknown, expired,
    issued under an old password or held by a deactivated account."""
    token = (
        AppToken.objects.select_related("user")
        .filter(key_hash=AppToken.digest(raw), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if not constant_time_compare(token.password_check, token.user.get_session_auth_hash()):
        return None
    return token


def kept_on_user(user, key: str, compute: Callable[[], T]) -> T:
    """`compute()`, once per user object: kept on it, as Django keeps a user's permissions
    (`_perm_cache`). The admin's menu asks each viewset whether the user may use it; a
    user object lives for one request, so this asks the database once per request."""
    kept = user.__dict__.setdefault("_lms_kept", {})
    if key not in kept:
        kept[key] = compute()
    return kept[key]
