"""In-site notifications (消息) and, for learners, the same text by SMS.

`notify` writes the message; the text message goes out from the queue after the
transaction commits, through the pluggable backend of `accounts.sms`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_q.tasks import async_task

from accounts.phones import normalize_phone, phone_validator
from accounts.sms import send_message
from lms.models import Notification


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


def notifications_of(*, user) -> QuerySet:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at=None).count()
