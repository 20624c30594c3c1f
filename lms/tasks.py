"""Thin django-q2 entry points: take ids, re-fetch, call a service."""

from lms import services
from lms.models import Notification


def notification_sms_send(notification_id: int) -> bool:
    """Send a notification's text message (queued on commit by `notify`)."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        return False
    return services.notification_sms_send(notification=notification)


def notifications_sms_send(notification_ids: list[int]) -> int:
    """Text a batch of notifications (queued by `notify_many`); every one is tried even
    if one fails, and the task fails afterwards so that the queue shows it. Returns how
    many were sent."""
    notifications = Notification.objects.select_related("user").filter(pk__in=notification_ids)
    sent, failed = 0, []
    for notification in notifications.order_by("pk"):
        try:
            sent += services.notification_sms_send(notification=notification)
        except Exception as error:  # the SMS gateway's, whatever it raises
            failed.append(f"{notification.pk}: {error!r}")
    if failed:
        raise RuntimeError(f"{len(failed)} text messages failed: " + "; ".join(failed[:10]))
    return sent


def tokens_purge_expired() -> int:
    return services.tokens_purge_expired()
