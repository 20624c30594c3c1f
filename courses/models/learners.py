"""Learner accounts: a Django user whose username is a mobile number, plus a profile."""

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PHONE_PATTERN = r"^1[3-9]\d{9}$"
phone_validator = RegexValidator(
    PHONE_PATTERN,
    message=_("Enter an 11-digit mainland China mobile number, for example 13800138000."),
    code="invalid_phone",
)


def normalize_phone(value: str) -> str:
    """The 11 digits of a number typed as "+86 138-0013-8000", "138 0013 8000" …"""
    digits = re.sub(r"[\s\-()()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else phone


class LearnerProfile(models.Model):
    """What a worker tells us about themselves; the mobile number is ``user.username``.

    ``phone_verified`` turns true once the learner has proved they hold the number
    (by a code sent to it, e.g. when resetting the password)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    real_name = models.CharField(_("real name"), max_length=30)
    work_unit = models.CharField(_("work unit"), max_length=120)
    union_card_number = models.CharField(
        _("union membership card number"), max_length=30, blank=True
    )
    phone_verified = models.BooleanField(_("mobile number verified"), default=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("learner profile")
        verbose_name_plural = _("learner profiles")

    def __str__(self):
        return f"{self.real_name} ({mask_phone(self.phone)})"

    @property
    def phone(self) -> str:
        return self.user.username


class VerificationPurpose(models.TextChoices):
    PASSWORD_RESET = "password_reset", pgettext_lazy("verification", "Password reset")


class VerificationCode(models.Model):
    """A one-time code sent to a mobile number. Only its hash is stored."""

    phone = models.CharField(max_length=11, db_index=True)
    purpose = models.CharField(max_length=30, choices=VerificationPurpose.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"])]

    def __str__(self):
        return f"{mask_phone(self.phone)} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class Follow(models.Model):
    """A learner follows (关注) a lecturer page or an academy / training base page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="follow_once")]

    def __str__(self):
        return f"{self.user_id} → {self.page_id}"
