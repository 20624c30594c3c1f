"""Codes and log-ins are limited per client as well as per number or account: one client
cannot text 25 numbers, nor try passwords on account after account."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import VerificationCode, VerificationPurpose
from accounts.sms import MemoryBackend
from lms.demo import DEMO_PASSWORD
from tests.courses.factories import make_learner

pytestmark = pytest.mark.django_db

ONE_CLIENT = {"REMOTE_ADDR": "203.0.113.7"}
ANOTHER_CLIENT = {"REMOTE_ADDR": "198.51.100.9"}


@pytest.fixture
def outbox(settings):
    settings.LEARNER_MESSAGE_BACKEND = "accounts.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def numbers(count: int, start: int = 13900000000) -> list[str]:
    return [str(start + n) for n in range(count)]


@pytest.mark.parametrize(
    ("view", "registered"), [("accounts:password_reset", True), ("accounts:register", False)]
)
def test_one_client_cannot_text_25_numbers(
    client, settings, outbox, django_capture_on_commit_callbacks, view, registered
):
    for number in numbers(25):
        if registered:
            make_learner(number)
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for number in numbers(25):
            answers.append(client.post(reverse(view), {"phone": number}, **ONE_CLIENT))
    limit = settings.ACCOUNTS_CODES_PER_CLIENT_HOUR
    assert len(outbox) == limit == 10
    assert all(answer.status_code == 302 for answer in answers[:limit])
    for refused in answers[limit:]:
        assert refused.status_code == 200
        assert "您所在网络在过去一小时内获取验证码的次数过多" in refused.content.decode()
    assert VerificationCode.objects.count() == limit

    # Another client is not held up by the first.
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post(reverse(view), {"phone": numbers(1, 13700000000)[0]}, **ANOTHER_CLIENT)
    assert other.status_code == 302


def test_the_client_limit_covers_registration_and_reset_together(outbox, settings):
    settings.ACCOUNTS_CODES_PER_CLIENT_HOUR = 2
    services.password_reset_request(phone="13900000001", client="203.0.113.7")
    services.verification_code_send(
        phone="13900000002", purpose=VerificationPurpose.REGISTRATION, client="203.0.113.7"
    )
    with pytest.raises(ValidationError, match="一小时后再试"):
        services.verification_code_send(
            phone="13900000003", purpose=VerificationPurpose.REGISTRATION, client="203.0.113.7"
        )


def log_in(client, username, password="cuode-mima", **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def test_one_client_trying_account_after_account_is_paused(client, settings):
    settings.AXES_ENABLED = True
    make_learner("13800138000")
    per_client = settings.ACCOUNTS_LOGIN_FAILURE_LIMITS[2]
    # One wrong password for each of 20 accounts: the 20th pauses logging in.
    answers = [log_in(client, number, **ONE_CLIENT).status_code for number in numbers(per_client)]
    assert answers == [200] * (per_client - 1) + [429]
    locked = log_in(client, "13800138000", DEMO_PASSWORD, **ONE_CLIENT)
    assert locked.status_code == 429 and "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    allowed = log_in(client, "13800138000", DEMO_PASSWORD, **ANOTHER_CLIENT)
    assert allowed.status_code == 302


def test_one_account_tried_from_many_clients_is_paused(client, settings):
    settings.AXES_ENABLED = True
    make_learner("13800138000")
    per_account = settings.ACCOUNTS_LOGIN_FAILURE_LIMITS[1]
    for n in range(per_account):  # four guesses or fewer from each address
        log_in(client, "13800138000", REMOTE_ADDR=f"203.0.113.{n // 4 + 1}")
    locked = log_in(client, "13800138000", DEMO_PASSWORD, REMOTE_ADDR="198.51.100.200")
    assert locked.status_code == 429

    # Other accounts from those addresses are not held up.
    make_learner("13900139000")
    assert (
        log_in(client, "13900139000", DEMO_PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 302
    )
