"""Learner accounts: registration, profile, password reset by a code sent to the phone."""

import secrets
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import LearnerProfile, VerificationCode, VerificationPurpose
from accounts.phones import normalize_phone, phone_validator
from accounts.sms import send_message

CODE_VALID_FOR = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
CODES_PER_DAY = 10
MAX_CODE_ATTEMPTS = 5


def _validated_phone(phone: str, field: str = "phone") -> str:
    phone = normalize_phone(phone)
    try:
        phone_validator(phone)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return phone


def _validated_password(password: str, user, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


@transaction.atomic
def learner_register(
    *,
    phone: str,
    password: str,
    real_name: str,
    work_unit: str,
    union_card_number: str = "",
):
    """Create a learner account whose username is the mobile number, with its profile."""
    phone = _validated_phone(phone)
    user_model = get_user_model()
    if user_model.objects.filter(username=phone).exists():
        raise ValidationError(
            {
                "phone": _(
                    "This mobile number is already registered. Log in, or reset the "
                    "password if you have forgotten it."
                )
            }
        )
    user = user_model(username=phone, first_name=real_name.strip()[:150])
    _validated_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    profile = LearnerProfile(
        user=user,
        real_name=real_name.strip(),
        work_unit=work_unit.strip(),
        union_card_number=union_card_number.strip(),
    )
    profile.full_clean()
    profile.save()
    return user


@transaction.atomic
def learner_profile_update(
    *, user, real_name: str, work_unit: str, union_card_number: str = ""
) -> LearnerProfile:
    """Change what a learner says about themselves (the mobile number stays)."""
    profile, _created = LearnerProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"real_name": real_name, "work_unit": work_unit}
    )
    profile.real_name = real_name.strip()
    profile.work_unit = work_unit.strip()
    profile.union_card_number = union_card_number.strip()
    profile.full_clean()
    profile.save()
    if user.first_name != profile.real_name[:150]:
        user.first_name = profile.real_name[:150]
        user.save(update_fields=["first_name"])
    return profile


def _code_message(code: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "Jilin Craftsman Academy: your code is %(code)s. It resets your password and "
            "is valid for %(minutes)d minutes. If you did not ask for it, ignore this message."
        ) % {"code": code, "minutes": CODE_VALID_FOR.seconds // 60}


@transaction.atomic
def password_reset_request(*, phone: str) -> None:
    """Send a one-time code to the number if it belongs to an account.

    Requests are throttled per number whether or not it is registered, so the
    answers do not reveal which numbers have accounts."""
    phone = _validated_phone(phone)
    now = timezone.now()
    recent = VerificationCode.objects.filter(
        phone=phone,
        purpose=VerificationPurpose.PASSWORD_RESET,
        created_at__gte=now - timedelta(days=1),
    )
    if recent.filter(created_at__gte=now - RESEND_AFTER).exists():
        raise ValidationError(
            _("A code was sent less than a minute ago. Wait a minute, then ask again.")
        )
    if recent.count() >= CODES_PER_DAY:
        raise ValidationError(
            _("Too many codes were asked for this number today. Please try again tomorrow.")
        )
    code = f"{secrets.randbelow(10**6):06d}"
    VerificationCode.objects.create(
        phone=phone,
        purpose=VerificationPurpose.PASSWORD_RESET,
        code_hash=make_password(code),
        expires_at=now + CODE_VALID_FOR,
    )
    if get_user_model().objects.filter(username=phone, is_active=True).exists():
        text = _code_message(code)
        transaction.on_commit(lambda: send_message(phone=phone, text=text))


def _check_code(phone: str, code: str) -> VerificationCode:
    """The matching unused code, locked; a wrong guess is counted (and committed)."""
    with transaction.atomic():
        record = (
            VerificationCode.objects.select_for_update()
            .filter(phone=phone, purpose=VerificationPurpose.PASSWORD_RESET, used_at=None)
            .order_by("-created_at")
            .first()
        )
        if record is None or record.expires_at < timezone.now():
            raise ValidationError(
                {"code": _("The code has expired or was never sent. Ask for a new code.")}
            )
        if record.attempts >= MAX_CODE_ATTEMPTS:
            raise ValidationError({"code": _("Too many wrong codes. Ask for a new code.")})
        matches = check_password(code.strip(), record.code_hash)
        if not matches:
            record.attempts += 1
            record.save(update_fields=["attempts"])
    if not matches:
        raise ValidationError(
            {"code": _("The code is not right. Check the text message and try again.")}
        )
    return record


def password_reset_confirm(*, phone: str, code: str, password: str):
    """Set a new password with the code sent to the phone; this also proves the number."""
    phone = _validated_phone(phone)
    record = _check_code(phone, code)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().filter(username=phone).first()
        used = VerificationCode.objects.filter(pk=record.pk, used_at=None).update(
            used_at=timezone.now()
        )
        if user is None or not used:
            raise ValidationError(
                {"code": _("The code has expired or was never sent. Ask for a new code.")}
            )
        _validated_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        LearnerProfile.objects.filter(user=user).update(phone_verified=True)
        transaction.on_commit(lambda: axes_reset(username=phone))
    return user
