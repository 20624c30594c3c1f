"""Bearer tokens of the JSON API: issued for a mobile number and password, revoked by
the app at log-out, refused once expired or once the password has changed."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from lms.models import AppToken


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user) -> tuple[AppToken, str]:
    """A new token for `user` (already authenticated); returns the row and the token,
    which is not kept anywhere. The user's expired tokens are cleared on the way."""
    now = timezone.now()
    AppToken.objects.filter(user=user, expires_at__lte=now).delete()
    raw = secrets.token_urlsafe(32)
    token = AppToken(
        user=user,
        key_hash=_digest(raw),
        password_check=user.get_session_auth_hash(),
        expires_at=now + timedelta(days=settings.APP_TOKEN_DAYS),
    )
    token.full_clean()
    token.save()
    return token, raw


def token_revoke(*, token: AppToken) -> None:
    token.delete()


def tokens_purge_expired(*, now=None) -> int:
    """Delete every expired token (hourly by schedule); returns how many."""
    deleted, _by_model = AppToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def token_holder(*, raw: str) -> AppToken | None:
    """The valid token for what a client sent, with its user; None if unknown, expired,
    issued under an old password or held by a deactivated account."""
    token = (
        AppToken.objects.select_related("user")
        .filter(key_hash=_digest(raw), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if not constant_time_compare(token.password_check, token.user.get_session_auth_hash()):
        return None
    return token
