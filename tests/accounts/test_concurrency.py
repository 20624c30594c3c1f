"""Codes asked for at the same moment from one client: the limit holds (on PostgreSQL an
advisory lock per client and number orders them; SQLite has one writer at a time)."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import VerificationCode, VerificationPurpose
from tests.courses.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("site_tree"),
]


def test_the_client_limit_holds_under_concurrent_requests(settings):
    settings.ACCOUNTS_CODES_PER_CLIENT_HOUR = 3
    settings.LEARNER_MESSAGE_BACKEND = "accounts.sms.MemoryBackend"

    def ask(number):
        return lambda: services.verification_code_send(
            phone=number, purpose=VerificationPurpose.REGISTRATION, client="203.0.113.7"
        )

    errors = run_together([ask(f"1390000000{n}") for n in range(8)])
    assert VerificationCode.objects.filter(client="203.0.113.7").count() == 3
    assert len(errors) == 5 and all(isinstance(error, ValidationError) for error in errors)
