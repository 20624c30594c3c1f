"""The back-office log: every app records its admins' actions through `audit_record`."""

from django.db.models import Model

from accounts.selectors import display_name
from lms.models import AuditAction, AuditEntry


def audit_record(
    *,
    actor,
    action: AuditAction,
    unit: Model | None = None,
    subject: str = "",
    detail: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Log one action by `actor` in `unit` (a unit page; None for the whole site). Call it
    inside the transaction of the action, so that the entry exists exactly when it did."""
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=display_name(actor)[:150] if actor is not None else "",
        action=action,
        unit_id=unit.pk if unit is not None else None,
        unit_title=(unit.title if unit is not None else "")[:255],
        subject=subject[:255],
        detail=detail[:500],
        data=data or {},
    )
