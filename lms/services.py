"""The kernel's writes: in-site messages (消息), with the same text by SMS for learners,
the bearer tokens of the JSON API (issued for a mobile number and password, revoked by
the app at log-out, refused once expired or once the password has changed), and the
back-office log every app records its admins' actions in."""

import secrets
from collections.abc import Iterable
from datetime import timedelta
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django_q.tasks import async_task

from accounts.phones import normalize_phone, phone_validator
from accounts.selectors import display_name
from accounts.sms import send_message
from lms.models import AppToken, AuditAction, AuditEntry, Notification


def notify(*, user, text: str, url: str = "", sms: bool = False) -> Notification:
    """Leave a message for `user`; with `sms`, also text it to their mobile number."""
    notification = Notification(user=user, text=text[:500], url=url)
    notification.full_clean()
    notification.save()
    if sms:
        transaction.on_commit(
            lambda: async_task("lms.tasks.notification_sms_send", notification.pk)
        )
    return notification


# Rows written per INSERT and messages texted per queued task by notify_many.
NOTIFY_BATCH = 1000


def notify_many(*, user_ids: Iterable[int], text: str, url: str = "", sms: bool = False) -> int:
    """The same message to many users (a reminder to a lecture's 100,000 followers):
    written a thousand rows per INSERT, and with ``sms`` texted by one queued task per
    thousand messages, enqueued once the caller's transaction commits. Returns how many
    were written. ``user_ids`` may be a lazy iterator (``values_list(...).iterator()``)."""
    template = Notification(text=text[:500], url=url)
    template.full_clean(exclude=["user"])
    ids = iter(user_ids)
    written = 0
    while batch := list(islice(ids, NOTIFY_BATCH)):
        rows = Notification.objects.bulk_create(
            [Notification(user_id=user_id, text=template.text, url=url) for user_id in batch]
        )
        written += len(rows)
        if sms:
            pks = [row.pk for row in rows]
            transaction.on_commit(
                lambda pks=pks: async_task("lms.tasks.notifications_sms_send", pks)
            )
    return written


def notification_sms_send(*, notification: Notification) -> bool:
    """Text the notification to the user's mobile number, at most once. Accounts whose
    username is not a mobile number (staff) only get the in-site message."""
    phone = normalize_phone(notification.user.username)
    try:
        phone_validator(phone)
    except ValidationError:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, sms_sent_at=None).update(
        sms_sent_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        send_message(phone=phone, text=notification.text)
    except Exception:
        # Give the message back so that a retry sends it; the error goes to the queue's log.
        Notification.objects.filter(pk=notification.pk).update(sms_sent_at=None)
        raise
    return True


def notification_open(*, user, notification_id: int) -> Notification | None:
    """Mark one of the user's notifications read and return it (None if not theirs)."""
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def token_issue(*, user) -> tuple[AppToken, str]:
    """A new token for `user` (already authenticated); returns the row and the token,
    which is not kept anywhere. The user's expired tokens are cleared on the way."""
    now = timezone.now()
    AppToken.objects.filter(user=user, expires_at__lte=now).delete()
    raw = secrets.token_urlsafe(32)
    token = AppToken(
        user=user,
        key_hash=AppToken.digest(raw),
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


def audit_record(
    *,
    actor,
    action: AuditAction,
    unit: Model | None = None,
    subject: str = "",
    detail: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Log one action by `actor` in `unit` (a unit page; None for the whole site). Call it
    inside the transaction of the action, so that the entry exists exactly when it did."""
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=display_name(actor)[:150] if actor is not None else "",
        action=action,
        unit_id=unit.pk if unit is not None else None,
        unit_title=(unit.title if unit is not None else "")[:255],
        subject=subject[:255],
        detail=detail[:500],
        data=data or {},
    )
