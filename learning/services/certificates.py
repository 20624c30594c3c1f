"""Issuing and revoking completion certificates. What a certificate states about hours is
read from the ledger (`Certificate.objects.with_hours()`), so it is not stored here."""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from learning.models import Certificate
from learning.study import Titled
from lms.models import AuditAction
from lms.services import audit_record

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over a phone


def _new_certificate_code() -> str:
    year = timezone.localdate().year
    while True:
        code = f"JL{year}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Certificate.objects.filter(code=code).exists():
            return code


def certificate_issue(
    *,
    learner: AbstractBaseUser,
    learner_name: str,
    course: Page | Titled,
    academy: Page | Titled | None,
) -> Certificate:
    """Issue the learner's certificate for a course, or return the valid one they have."""
    existing = Certificate.objects.filter(
        learner=learner, course_id=course.pk, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    certificate = Certificate(
        code=_new_certificate_code(),
        learner=learner,
        learner_name=learner_name,
        course_id=course.pk,
        course_title=course.title,
        academy_id=academy.pk if academy else None,
        academy_title=academy.title if academy else "",
    )
    certificate.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        return Certificate.objects.get(
            learner=learner, course_id=course.pk, revoked_at__isnull=True
        )
    return certificate


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, reason: str, author: AbstractBaseUser
) -> Certificate:
    if not reason.strip():
        raise ValidationError(_("Please give a reason for revoking the certificate."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason.strip()
        certificate.revoked_by = author
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        audit_record(
            actor=author,
            action=AuditAction.CERTIFICATE_REVOKED,
            unit=Page.objects.filter(pk=certificate.academy_id).first()
            if certificate.academy_id
            else None,
            subject=f"{certificate.code} · {certificate.learner_name} · {certificate.course_title}",
            detail=certificate.revoked_reason,
            data={"certificate": certificate.pk},
        )
    return certificate
