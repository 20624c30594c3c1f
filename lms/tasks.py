"""Thin django-q2 entry points: take ids, re-fetch, call a service."""

from lms import services
from lms.models import Notification


def notification_sms_send(notification_id: int) -> bool:
    """Send a notification's text message (queued on commit by `notify`)."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        return False
    return services.notification_sms_send(notification=notification)


def tokens_purge_expired() -> int:
    return services.tokens_purge_expired()
