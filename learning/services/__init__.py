"""Every write of the learning app: the ledger, progress from heartbeats, certificates."""

from learning.services.certificates import certificate_issue, certificate_revoke
from learning.services.ledger import (
    CHECKS,
    ledger_adjust,
    ledger_append,
    lock_learner,
    yearly_target_set,
)
from learning.services.progress import ProgressState, lesson_opened, progress_record

__all__ = [
    "CHECKS",
    "ProgressState",
    "certificate_issue",
    "certificate_revoke",
    "ledger_adjust",
    "ledger_append",
    "lesson_opened",
    "lock_learner",
    "progress_record",
    "yearly_target_set",
]
