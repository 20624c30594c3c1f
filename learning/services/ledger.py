"""Writes to the learning-hours ledger. Every credit in the platform goes through here."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from wagtail.models import Page

from academies.selectors import managed_unit_ids
from accounts.selectors import display_name
from learning.models import LearnerClock, LedgerEntry, LedgerSource, YearlyHoursTarget, hours_of
from learning.study import Titled
from lms.models import AuditAction
from lms.services import audit_record


def lock_learner(learner: AbstractBaseUser) -> LearnerClock:
    """The learner's clock row, locked until the transaction ends: a learner's heartbeats,
    progress and adjustments wait for one another on it."""
    clock, _created = LearnerClock.objects.select_for_update().get_or_create(learner=learner)
    return clock


def _where(academy: Page | Titled | None, course: Page | Titled | None) -> dict:
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
    academy: Page | Titled | None = None,
    course: Page | Titled | None = None,
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


@transaction.atomic
def ledger_adjust(
    *,
    learner: AbstractBaseUser,
    minutes: int,
    reason: str,
    author: AbstractBaseUser,
    academy: Page | None = None,
    course: Page | None = None,
    reference: str = "",
    corrects: LedgerEntry | None = None,
) -> LedgerEntry:
    """A manual adjustment by an admin, always with a reason and its author, in a unit
    (academy, base, night school) the author administers. It may not take the learner's
    hours in that unit below zero: an admin corrects what was credited in their own
    units, never hours earned elsewhere. A correction of an earlier entry keeps that
    entry's unit, course and reference."""
    if not reason.strip():
        raise ValidationError(_("Please give a reason for the adjustment."))
    if minutes == 0:
        raise ValidationError(_("An adjustment must add or remove at least one minute."))
    where = {**_where(academy, course), "reference": reference}
    if corrects is not None:
        if corrects.learner_id != learner.pk:
            raise ValidationError(_("The corrected entry belongs to another learner."))
        where = {name: getattr(corrects, name) for name in where}
    unit_id = where["academy_id"]
    if unit_id is None:
        raise ValidationError(_("Choose the academy or base whose hours you are adjusting."))
    managed = managed_unit_ids(user=author)
    if managed is not None and unit_id not in managed:
        raise ValidationError(
            _("You may only adjust hours credited in the academies and bases you administer.")
        )
    lock_learner(learner)
    balance = (
        LedgerEntry.objects.filter(learner=learner, academy_id=unit_id).aggregate(
            total=Sum("minutes")
        )["total"]
        or 0
    )
    if balance + minutes < 0:
        raise ValidationError(
            _(
                "The learner has %(hours)s learning hours (%(minutes)d minutes) in "
                "%(unit)s; an adjustment cannot take them below zero."
            )
            % {"hours": hours_of(balance), "minutes": balance, "unit": where["academy_title"]}
        )
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
