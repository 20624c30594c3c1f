"""Learner accounts: registration, profile, password reset by a code sent to the phone."""

import hashlib
import secrets
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.models import LearnerProfile, VerificationCode, VerificationPurpose
from accounts.phones import normalize_phone, phone_validator
from accounts.sms import send_message

CODE_VALID_FOR = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
CODES_PER_DAY = 10
CLIENT_WINDOW = timedelta(hours=1)
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
    """Create a learner account whose username is the mobile number, with its profile.
    The number is taken as given: people register through `learner_sign_up`, which
    proves it with a code first."""
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


CODE_TEXTS = {
    VerificationPurpose.PASSWORD_RESET: gettext_noop(
        "Jilin Craftsman Academy: your code is %(code)s. It resets your password and "
        "is valid for %(minutes)d minutes. If you did not ask for it, ignore this message."
    ),
    VerificationPurpose.REGISTRATION: gettext_noop(
        "Jilin Craftsman Academy: your code is %(code)s. It registers this number and "
        "is valid for %(minutes)d minutes. If you did not ask for it, ignore this message."
    ),
}
ALREADY_REGISTERED_TEXT = gettext_noop(
    "Jilin Craftsman Academy: someone asked to register this number, which already has an "
    "account. Log in with it, or reset the password if you have forgotten it. If it was "
    "not you, ignore this message."
)


def _in_site_language(text: str, **values) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(text) % values


def _serialise(*names: str) -> None:
    """Make concurrent transactions about the same names wait for each other until they
    end, so a count read here still holds when the transaction writes. PostgreSQL: an
    advisory lock per name (in a fixed order); SQLite lets one writer at a time anyway."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
        for name in names
    )
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _code_throttled(*, phone: str, purpose: str, client: str | None, now) -> None:
    """Refuse a code asked for too soon or too often for the number, or by the client."""
    recent = VerificationCode.objects.filter(
        phone=phone, purpose=purpose, created_at__gte=now - timedelta(days=1)
    )
    if recent.filter(created_at__gte=now - RESEND_AFTER).exists():
        raise ValidationError(
            _("A code was sent less than a minute ago. Wait a minute, then ask again.")
        )
    if recent.count() >= CODES_PER_DAY:
        raise ValidationError(
            _("Too many codes were asked for this number today. Please try again tomorrow.")
        )
    if client and (
        VerificationCode.objects.filter(client=client, created_at__gte=now - CLIENT_WINDOW).count()
        >= settings.ACCOUNTS_CODES_PER_CLIENT_HOUR
    ):
        raise ValidationError(
            _(
                "Too many codes were asked from your network in the last hour. Please try "
                "again in an hour."
            )
        )


@transaction.atomic
def verification_code_send(*, phone: str, purpose: str, client: str | None = None) -> None:
    """Send a one-time code for ``purpose`` to the number, if the number may use one: a
    password reset needs an account, a registration a number without one (it gets a
    notice instead of a code). The answer, the throttling and the code recorded are the
    same either way, so asking does not reveal which numbers have accounts.

    Throttled per number (a minute apart, ``CODES_PER_DAY`` a day) and per client
    (``ACCOUNTS_CODES_PER_CLIENT_HOUR`` an hour across all numbers); ``client`` is the
    address of whoever asked."""
    phone = _validated_phone(phone)
    now = timezone.now()
    _serialise(f"codes:phone:{phone}", f"codes:client:{client}")
    _code_throttled(phone=phone, purpose=purpose, client=client, now=now)
    code = f"{secrets.randbelow(10**6):06d}"
    VerificationCode.objects.create(
        phone=phone,
        purpose=purpose,
        client=client,
        code_hash=make_password(code),
        expires_at=now + CODE_VALID_FOR,
    )
    registered = get_user_model().objects.filter(username=phone, is_active=True).exists()
    minutes = CODE_VALID_FOR.seconds // 60
    if purpose == VerificationPurpose.REGISTRATION and registered:
        text = _in_site_language(ALREADY_REGISTERED_TEXT)
    elif purpose == VerificationPurpose.REGISTRATION or registered:
        text = _in_site_language(CODE_TEXTS[purpose], code=code, minutes=minutes)
    else:
        return
    transaction.on_commit(lambda: send_message(phone=phone, text=text))


def password_reset_request(*, phone: str, client: str | None = None) -> None:
    """Send a code that resets the password to the number, if it belongs to an account."""
    verification_code_send(phone=phone, purpose=VerificationPurpose.PASSWORD_RESET, client=client)


def _check_code(phone: str, code: str, purpose: str) -> VerificationCode:
    """The matching unused code, locked; a wrong guess is counted (and committed)."""
    with transaction.atomic():
        record = (
            VerificationCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at=None)
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


def _use(record: VerificationCode) -> bool:
    """Mark the code used; False if another request used it first."""
    return bool(
        VerificationCode.objects.filter(pk=record.pk, used_at=None).update(used_at=timezone.now())
    )


@transaction.atomic
def learner_sign_up(
    *,
    phone: str,
    code: str,
    password: str,
    real_name: str,
    work_unit: str,
    union_card_number: str = "",
):
    """Register with the code sent to the number (see `verification_code_send`): the
    account exists only once the number is proven, and its profile says so."""
    phone = _validated_phone(phone)
    # A password that will be refused costs no guess at the code.
    _validated_password(password, get_user_model()(username=phone, first_name=real_name))
    record = _check_code(phone, code, VerificationPurpose.REGISTRATION)
    if not _use(record):
        raise ValidationError(
            {"code": _("The code has expired or was never sent. Ask for a new code.")}
        )
    user = learner_register(
        phone=phone,
        password=password,
        real_name=real_name,
        work_unit=work_unit,
        union_card_number=union_card_number,
    )
    LearnerProfile.objects.filter(user=user).update(phone_verified=True)
    return user


def password_reset_confirm(*, phone: str, code: str, password: str):
    """Set a new password with the code sent to the phone; this also proves the number."""
    phone = _validated_phone(phone)
    record = _check_code(phone, code, VerificationPurpose.PASSWORD_RESET)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().filter(username=phone).first()
        if user is None or not _use(record):
            raise ValidationError(
                {"code": _("The code has expired or was never sent. Ask for a new code.")}
            )
        _validated_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        LearnerProfile.objects.filter(user=user).update(phone_verified=True)
        transaction.on_commit(lambda: axes_reset(username=phone))
    return user
