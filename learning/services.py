"""Writes to the learning-hours ledger. Every credit in the platform goes through here."""

import secrets
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from accounts.selectors import display_name
from learning.models import Certificate, LedgerEntry, LedgerSource, YearlyHoursTarget
from lms.models import AuditAction
from lms.services import audit_record


def _where(academy: Page | None, course: Page | None) -> dict:
    return {
        "academy_id": academy.pk if academy else None,
        "academy_title": academy.title if academy else "",
        "course_id": course.pk if course else None,
        "course_title": course.title if course else "",
    }


# The table's check constraints (see LedgerEntry.Meta), checked as full_clean() would but
# without its query per constraint; the database enforces them too.
CHECKS = {
    "ledger_entry_minutes_not_zero": lambda entry: entry.minutes != 0,
    "ledger_manual_entry_has_reason": lambda entry: (
        entry.source != LedgerSource.MANUAL or entry.reason != ""
    ),
}


def _validate(entry: LedgerEntry) -> None:
    """What full_clean() checks, with fewer queries: the fields (lengths, choices), then the
    check constraints. The learner, author and corrected entry are rows the caller holds
    (the database refuses others), and a repeated idempotency key is handled by `_save`."""
    entry.full_clean(
        exclude=["learner", "author", "corrects"], validate_unique=False, validate_constraints=False
    )
    errors = []
    for constraint in LedgerEntry._meta.constraints:
        check = CHECKS.get(constraint.name)
        try:
            if check is None:  # a constraint added since: Django asks the database
                constraint.validate(LedgerEntry, entry)
            elif not check(entry):
                raise ValidationError(
                    constraint.get_violation_error_message(), code=constraint.violation_error_code
                )
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError({NON_FIELD_ERRORS: errors})


def _save(entry: LedgerEntry) -> LedgerEntry:
    _validate(entry)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The credit was delivered before (or a concurrent delivery won the race): return
        # its entry. Looked up only now, as repeats are rare.
        existing = LedgerEntry.objects.filter(key=entry.key).first() if entry.key else None
        if existing is None:
            raise
        return existing
    return entry


def ledger_append(
    *,
    learner: AbstractBaseUser,
    minutes: int,
    source: str,
    academy: Page | None = None,
    course: Page | None = None,
    reference: str = "",
    key: str | None = None,
) -> LedgerEntry:
    """Credit minutes from video, class attendance or a live lecture. With a `key`, a
    second call with the same key returns the first entry instead of crediting twice
    (heartbeats and check-outs may be delivered again)."""
    return _save(
        LedgerEntry(
            learner=learner,
            minutes=minutes,
            source=source,
            reference=reference,
            key=key,
            **_where(academy, course),
        )
    )


def ledger_adjust(
    *,
    learner: AbstractBaseUser,
    minutes: int,
    reason: str,
    author: AbstractBaseUser,
    academy: Page | None = None,
    course: Page | None = None,
    corrects: LedgerEntry | None = None,
) -> LedgerEntry:
    """A manual adjustment by an admin, always with a reason and its author. A correction
    of an earlier entry keeps that entry's academy and course."""
    if not reason.strip():
        raise ValidationError(_("Please give a reason for the adjustment."))
    if minutes == 0:
        raise ValidationError(_("An adjustment must add or remove at least one minute."))
    where = _where(academy, course)
    if corrects is not None:
        if corrects.learner_id != learner.pk:
            raise ValidationError(_("The corrected entry belongs to another learner."))
        where = {name: getattr(corrects, name) for name in where}
    with transaction.atomic():
        entry = _save(
            LedgerEntry(
                learner=learner,
                minutes=minutes,
                source=LedgerSource.MANUAL,
                reason=reason.strip(),
                author=author,
                corrects=corrects,
                **where,
            )
        )
        audit_record(
            actor=author,
            action=AuditAction.LEDGER_ADJUSTED,
            unit=Page.objects.filter(pk=entry.academy_id).first() if entry.academy_id else None,
            subject=display_name(learner),
            detail=f"{minutes:+d} · {entry.reason}",
            data={"entry": entry.pk, "learner": learner.pk, "minutes": minutes},
        )
    return entry


@transaction.atomic
def yearly_target_set(*, academy: Page, year: int, hours: int) -> YearlyHoursTarget:
    target, _created = YearlyHoursTarget.objects.update_or_create(
        academy=academy, year=year, defaults={"hours": hours}
    )
    return target


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
    course: Page,
    academy: Page | None,
    hours: Decimal,
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
        hours=hours,
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
