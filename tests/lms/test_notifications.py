"""One message to many users: a thousand rows per INSERT, texts queued a thousand per
task, and a gateway failure that neither stops the batch nor loses the message."""

import pytest
from django.contrib.auth import get_user_model

from lms import tasks
from lms.models import Notification
from lms.services import NOTIFY_BATCH, notify_many

pytestmark = pytest.mark.django_db

REFUSED = "13900000002"


class FlakyGateway:
    """An SMS gateway (mocked) that refuses one number."""

    sent: list[str] = []

    def send(self, *, phone: str, text: str) -> None:
        if phone == REFUSED:
            raise ConnectionError("gateway timeout")
        self.sent.append(phone)


def test_texts_go_a_batch_per_task_and_a_failed_one_stays_to_be_retried(
    settings, django_capture_on_commit_callbacks
):
    settings.LEARNER_MESSAGE_BACKEND = f"{__name__}.FlakyGateway"
    FlakyGateway.sent = []
    users = get_user_model().objects
    learners = [users.create_user(f"1390000000{n}") for n in range(1, 4)]
    staff = users.create_user("admin_zhang")  # not a mobile number: the message only
    ids = [user.pk for user in (*learners, staff)]

    with django_capture_on_commit_callbacks() as queued:
        assert notify_many(user_ids=iter(ids), text="直播明天开始", url="/live/1/", sms=True) == 4
    assert len(queued) == 1 and NOTIFY_BATCH >= 4
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(ids)

    batch = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    with pytest.raises(RuntimeError, match="1 text messages failed"):
        tasks.notifications_sms_send(batch)
    assert sorted(FlakyGateway.sent) == ["13900000001", "13900000003"]
    unsent = Notification.objects.filter(sms_sent_at=None).values_list("user__username", flat=True)
    assert sorted(unsent) == [REFUSED, "admin_zhang"]

    FlakyGateway.sent = []
    with pytest.raises(RuntimeError):
        tasks.notifications_sms_send(batch)  # delivered again: the sent ones are not re-sent
    assert FlakyGateway.sent == []


def test_a_message_too_long_for_its_link_is_refused_before_anything_is_written():
    user = get_user_model().objects.create_user("13900000009")
    with pytest.raises(Exception, match="300"):
        notify_many(user_ids=[user.pk], text="提醒", url="/" + "x" * 400)
    assert not Notification.objects.exists()
