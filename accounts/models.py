"""Learner accounts: a Django user whose username is a mobile number, plus a profile.

The tables keep the names they had when these models lived in `courses`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.phones import mask_phone


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
        db_table = "courses_learnerprofile"
        verbose_name = _("learner profile")
        verbose_name_plural = _("learner profiles")

    def __str__(self):
        return f"{self.real_name} ({mask_phone(self.phone)})"

    @property
    def phone(self) -> str:
        return self.user.username


class VerificationPurpose(models.TextChoices):
    PASSWORD_RESET = "password_reset", pgettext_lazy("verification", "Password reset")
    REGISTRATION = "registration", pgettext_lazy("verification", "Registration")


class VerificationCode(models.Model):
    """A one-time code sent to a mobile number. Only its hash is stored. ``client`` is
    the address that asked for it: codes are limited per client as well as per number."""

    phone = models.CharField(max_length=11, db_index=True)
    client = models.GenericIPAddressField(null=True, blank=True)
    purpose = models.CharField(max_length=30, choices=VerificationPurpose.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "courses_verificationcode"
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        indexes = [
            models.Index(fields=["phone", "purpose", "-created_at"]),
            models.Index(fields=["client", "-created_at"], name="verificationcode_client"),
        ]

    def __str__(self):
        return f"{mask_phone(self.phone)} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
