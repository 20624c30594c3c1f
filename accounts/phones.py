"""Mainland China mobile numbers: the learner's account name."""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

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
