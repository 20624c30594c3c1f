"""Tokens for apps: issued for the mobile number and password, refused once revoked,
expired or after a new password; throttled like the log-in page; CSRF only for sessions."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from lms import tasks
from lms.api import api_document
from lms.demo import DEMO_PASSWORD
from lms.models import AppToken
from lms.urls import api as api_v1
from tests.api.conftest import Api
from tests.courses.factories import make_learner

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def learner(db):
    return make_learner("13912345678", "李学员")


def log_in(api, phone="13912345678", password=DEMO_PASSWORD):
    return api.post(TOKEN, {"phone": phone, "password": password})


def test_a_token_for_the_phone_and_password_opens_the_api(api, learner):
    response = log_in(api, phone="+86 139-1234-5678")
    assert response.status_code == 201
    token = response.json()["token"]
    stored = AppToken.objects.get(user=learner)
    assert token not in stored.key_hash and len(stored.key_hash) == 64
    assert api.get("/api/v1/me/").status_code == 401
    api.headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/me/").json()["name"] == "李学员"


def test_wrong_or_missing_credentials_are_refused_in_chinese(api, learner):
    wrong = log_in(api, password="cuode-mima")
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "invalid_login"
    assert "手机号" in wrong.json()["error"]["message"]
    missing = api.post(TOKEN, {"password": DEMO_PASSWORD})
    assert list(missing.json()["error"]["fields"]) == ["phone"]
    assert api.post(TOKEN, data=["not", "an", "object"]).status_code == 400
    assert not AppToken.objects.exists()


def test_a_revoked_token_is_refused(api, learner):
    api.headers = {"Authorization": f"Bearer {log_in(api).json()['token']}"}
    assert api.delete(TOKEN).status_code == 204
    refused = api.get("/api/v1/me/")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token"
    assert refused["WWW-Authenticate"].startswith("Bearer")
    # Where no log-in is needed, a refused token counts as none, even with a session.
    api.client.force_login(learner)
    assert api.get("/api/v1/courses/").status_code == 200
    assert api.get("/api/v1/me/").status_code == 401
    assert not AppToken.objects.exists()


def test_revoking_needs_the_token(api, learner):
    api.log_in("13912345678", session=True)
    assert api.delete(TOKEN).status_code == 401


def test_tokens_expire_and_end_with_a_new_password(api, learner):
    api.headers = {"Authorization": f"Bearer {log_in(api).json()['token']}"}
    token = AppToken.objects.get()
    lifetime = token.expires_at - token.created_at
    assert abs(lifetime - datetime.timedelta(days=30)) < datetime.timedelta(seconds=1)
    AppToken.objects.update(expires_at=token.created_at)
    assert api.get("/api/v1/me/").status_code == 401

    api.headers = {"Authorization": f"Bearer {log_in(api).json()['token']}"}
    assert api.get("/api/v1/me/").status_code == 200
    learner.set_password("xin-mima-2026")
    learner.save()
    assert api.get("/api/v1/me/").status_code == 401
    # The expired token was cleared when the next one was issued.
    assert AppToken.objects.count() == 1


def test_five_wrong_passwords_pause_logging_in(api, learner, settings):
    settings.AXES_ENABLED = True
    for _attempt in range(5):
        log_in(api, password="cuode-mima")
    locked = log_in(api)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    assert "15 分钟" in locked.json()["error"]["message"]
    assert not AppToken.objects.exists()


def test_csrf_is_checked_for_sessions_not_for_tokens(learner, course):
    enrol = f"/api/v1/courses/{course.pk}/enrolment/"
    api = Api(Client(enforce_csrf_checks=True), api_document(api_v1))
    api.log_in("13912345678", session=True)
    refused = api.post(enrol)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    secret = "abcdefghijklmnopqrstuvwxyzABCDEF"
    api.client.cookies["csrftoken"] = secret
    assert api.post(enrol, headers={"X-CSRFToken": secret}).status_code == 200
    api.client.cookies.pop("csrftoken")

    api.log_in("13912345678")
    assert api.delete(enrol).status_code == 200


def test_expired_tokens_are_purged_on_schedule(api, learner):
    log_in(api)
    log_in(api)
    AppToken.objects.filter(pk=AppToken.objects.earliest("pk").pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert tasks.tokens_purge_expired() == 1
    assert AppToken.objects.count() == 1
    assert Schedule.objects.get(func="lms.tasks.tokens_purge_expired").minutes == 60
