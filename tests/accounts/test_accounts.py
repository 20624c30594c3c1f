"""Learner accounts: a mobile number and a password, a profile, reset by text message."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import LearnerProfile, VerificationCode
from accounts.sms import MemoryBackend
from lms.demo import DEMO_PASSWORD
from tests.courses.factories import make_learner

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "phone": "138 0013 8000",
    "password": "gongjiang2026",
    "password_again": "gongjiang2026",
    "real_name": "李明",
    "work_unit": "国网吉林省电力有限公司长春供电公司",
    "union_card_number": "22010012345",
}


@pytest.fixture
def outbox(settings):
    settings.LEARNER_MESSAGE_BACKEND = "accounts.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def ask_for_a_code(client, phone="13800138000", **extra):
    return client.post(reverse("accounts:register"), {"phone": phone}, **extra)


def test_registration_proves_the_number_then_creates_the_account_and_logs_in(
    client, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_a_code(client, "138 0013 8000")
    assert response["Location"] == reverse("accounts:register_confirm") + "?phone=13800138000"
    code = _sent_code(outbox)
    assert "【吉林省工匠学院】您的注册验证码是" in outbox[-1][1]
    assert not get_user_model().objects.exists()

    url = reverse("accounts:register_confirm")
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(url, {**REGISTRATION, "code": wrong})
    assert "验证码不正确" in response.content.decode()
    assert not get_user_model().objects.exists()

    response = client.post(url, {**REGISTRATION, "code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("courses:profile")
    html = response.content.decode()
    assert "欢迎!您的账号已注册成功。" in html
    assert "李明" in html and "国网吉林省电力有限公司长春供电公司" in html
    user = get_user_model().objects.get(username="13800138000")
    profile = user.learner_profile
    assert (profile.real_name, profile.union_card_number) == ("李明", "22010012345")
    assert profile.phone_verified
    assert user.check_password("gongjiang2026")


def test_no_account_without_a_code_sent_to_the_number(client):
    response = client.post(reverse("accounts:register_confirm"), {**REGISTRATION, "code": "123456"})
    assert "验证码已过期或未发送" in response.content.decode()
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "12800138000"}, "请输入 11 位中国大陆手机号,例如 13800138000。"),
        ({"phone": "1380013800"}, "请输入 11 位中国大陆手机号,例如 13800138000。"),
        ({"password_again": "gongjiang2025"}, "两次输入的密码不一致。"),
        ({"password": "12345678", "password_again": "12345678"}, "密码只包含数字"),
        ({"real_name": ""}, "请填写真实姓名。"),
        ({"code": ""}, "请填写验证码。"),
    ],
)
def test_registration_explains_what_is_wrong_in_chinese(client, changes, message):
    data = {**REGISTRATION, "code": "123456", **changes}
    response = client.post(reverse("accounts:register_confirm"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.exists()


def test_a_registered_number_gets_the_same_answer_and_a_notice_instead_of_a_code(
    client, outbox, django_capture_on_commit_callbacks
):
    make_learner("13800138000")
    with django_capture_on_commit_callbacks(execute=True):
        registered = ask_for_a_code(client, "13800138000")
        unregistered = ask_for_a_code(client, "13900139000")
    assert (registered.status_code, unregistered.status_code) == (302, 302)
    assert registered["Location"].endswith("13800138000")
    assert unregistered["Location"].endswith("13900139000")
    notice = dict(outbox)["13800138000"]
    assert "已有账号" in notice and not re.search(r"\d{6}", notice)
    # Throttled alike: a second request within the minute is refused for both numbers.
    for number in ("13800138000", "13900139000"):
        again = ask_for_a_code(client, number)
        assert "验证码刚刚发送过" in again.content.decode(), number
    response = client.post(reverse("accounts:register_confirm"), {**REGISTRATION, "code": "123456"})
    assert "验证码不正确" in response.content.decode()
    assert LearnerProfile.objects.count() == 1


def test_login_with_the_number_however_it_is_typed(client):
    make_learner("13800138000")
    response = client.post(
        reverse("accounts:login"), {"username": "+86 138-0013-8000", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("courses:profile")
    client.logout()
    wrong = client.post(reverse("accounts:login"), {"username": "13800138000", "password": "x"})
    assert "手机号或密码不正确" in wrong.content.decode()


def test_the_profile_is_private_and_editable(client):
    assert client.get(reverse("courses:profile"))["Location"].startswith("/accounts/login/")
    learner = make_learner("13800138000", name="王芳")
    client.force_login(learner)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"real_name": "王芳", "work_unit": "吉林化纤集团", "union_card_number": ""},
        follow=True,
    )
    assert "资料已保存。" in response.content.decode()
    learner.learner_profile.refresh_from_db()
    assert learner.learner_profile.work_unit == "吉林化纤集团"


def _sent_code(outbox) -> str:
    phone, text = outbox[-1]
    assert phone == "13800138000"
    return re.search(r"验证码是 (\d{6})", text).group(1)


def test_password_reset_by_a_code_sent_to_the_phone(
    client, outbox, django_capture_on_commit_callbacks
):
    make_learner("13800138000")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"phone": "13800138000"})
    assert response["Location"] == reverse("accounts:password_reset_confirm") + "?phone=13800138000"
    code = _sent_code(outbox)
    assert "【吉林省工匠学院】" in outbox[-1][1]
    assert VerificationCode.objects.get().code_hash != code

    data = {"phone": "13800138000", "password": "xinmima2026", "password_again": "xinmima2026"}
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("accounts:password_reset_confirm"), {**data, "code": wrong})
    assert "验证码不正确" in response.content.decode()

    response = client.post(
        reverse("accounts:password_reset_confirm"), {**data, "code": code}, follow=True
    )
    assert "密码已重设,请用新密码登录。" in response.content.decode()
    user = get_user_model().objects.get(username="13800138000")
    assert user.check_password("xinmima2026")
    assert user.learner_profile.phone_verified

    # A code works once.
    with pytest.raises(ValidationError):
        services.password_reset_confirm(phone="13800138000", code=code, password="lingyige2026")


def test_codes_are_throttled_and_guessing_is_bounded(
    client, outbox, django_capture_on_commit_callbacks
):
    make_learner("13800138000")
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_request(phone="13800138000")
        response = client.post(reverse("accounts:password_reset"), {"phone": "13800138000"})
    assert "验证码刚刚发送过" in response.content.decode()
    assert len(outbox) == 1

    code = _sent_code(outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        with pytest.raises(ValidationError, match="验证码不正确"):
            services.password_reset_confirm(phone="13800138000", code=wrong, password="x")
    with pytest.raises(ValidationError, match="输错次数过多"):
        services.password_reset_confirm(phone="13800138000", code=code, password="xinmima2026")


def test_unknown_numbers_get_the_same_answer_and_no_message(
    client, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"phone": "13912345678"})
    assert response.status_code == 302
    assert outbox == []


def test_login_is_locked_after_five_wrong_passwords(client, settings):
    settings.AXES_ENABLED = True
    make_learner("13800138000")
    for _attempt in range(5):
        client.post(reverse("accounts:login"), {"username": "13800138000", "password": "cuode"})
    response = client.post(
        reverse("accounts:login"), {"username": "13800138000", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录失败次数过多" in html and "密码输错次数过多" in html
    assert "_auth_user_id" not in client.session
