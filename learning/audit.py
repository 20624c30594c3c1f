"""Checking the ledger against what its hours were earned by.

Each kind of record hours are credited from registers itself at start-up (the learning
app its lesson progress, the night school its attendance, like `video.register_watch_policy`):
given learner ids, it says how many minutes the ledger should hold for each
(learner, reference) — ``lesson:<key>``, ``class:<session id>``. The audit adds up the
ledger the same way and reports every difference:

- a record whose minutes differ from the ledger's — unless manual corrections of that
  record (entries with its reference) make up the whole difference: an admin's correction
  with its reason and author, listed as adjusted, not as a disagreement;
- ledger minutes of a checked kind that no record explains;
- a learner below zero in a unit (adjustments may never take them there).

Manual adjustments that name no record stand on their reason and author. Kinds with no
registered records (live lectures, until they have a record of attendance) are counted as
not checked.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Sum

from learning.models import LedgerEntry, LedgerSource

Key = tuple[int, str]  # (learner id, ledger reference)


@dataclass(frozen=True)
class HoursSource:
    """Records hours are credited from: the ledger `sources` they credit, and the minutes
    the ledger should hold for them, by (learner id, reference), for some learners."""

    name: str  # shown in the report: what the records are
    sources: frozenset[str]
    expected: Callable[[Sequence[int]], Mapping[Key, int]]


_SOURCES: dict[frozenset[str], HoursSource] = {}


def register_hours_source(source: HoursSource) -> None:
    _SOURCES[source.sources] = source


@dataclass(frozen=True)
class Finding:
    learner_id: int
    reference: str
    expected: int | None  # minutes the records say; None: no record
    recorded: int  # minutes the ledger holds
    what: str  # the kind of record, or the unit's title for a balance below zero


@dataclass
class AuditReport:
    learners: int = 0
    # Recomputed from the records, with the adjustments and what no record checks.
    expected_minutes: int = 0
    ledger_minutes: int = 0
    disagreements: list[Finding] = field(default_factory=list)
    adjusted: list[Finding] = field(default_factory=list)
    not_checked: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _ledger_by_reference(learner_ids) -> dict[Key, dict[str, int]]:
    totals: dict[Key, dict[str, int]] = defaultdict(dict)
    for row in (
        LedgerEntry.objects.filter(learner_id__in=learner_ids)
        .order_by()
        .values("learner_id", "reference", "source")
        .annotate(total=Sum("minutes"))
    ):
        totals[(row["learner_id"], row["reference"])][row["source"]] = row["total"]
    return totals


def _below_zero(learner_ids) -> Iterable[Finding]:
    for row in (
        LedgerEntry.objects.filter(learner_id__in=learner_ids, academy_id__isnull=False)
        .order_by()
        .values("learner_id", "academy_id", "academy_title")
        .annotate(total=Sum("minutes"))
        .filter(total__lt=0)
    ):
        yield Finding(row["learner_id"], "", 0, row["total"], row["academy_title"])


def _audit_batch(learner_ids: list[int], report: AuditReport) -> None:
    ledger = _ledger_by_reference(learner_ids)
    expected: dict[Key, tuple[int, str]] = {}
    checked_by: dict[str, str] = {}
    for source in _SOURCES.values():
        checked_by.update(dict.fromkeys(source.sources, str(source.name)))
        for key, minutes in source.expected(learner_ids).items():
            expected[key] = (minutes, str(source.name))
    for key in expected.keys() | ledger.keys():
        by_source = ledger.get(key, {})
        manual = by_source.get(LedgerSource.MANUAL, 0)
        recorded = sum(by_source.values())
        report.ledger_minutes += recorded
        if key in expected:
            minutes, name = expected[key]
            finding = Finding(*key, expected=minutes, recorded=recorded, what=name)
            if recorded == minutes:
                report.expected_minutes += minutes
            elif manual and recorded - manual == minutes:
                report.expected_minutes += recorded
                report.adjusted.append(finding)
            else:
                report.expected_minutes += minutes
                report.disagreements.append(finding)
            continue
        report.expected_minutes += manual
        for source, minutes in by_source.items():
            if source in checked_by:
                report.disagreements.append(
                    Finding(*key, expected=None, recorded=minutes, what=checked_by[source])
                )
            elif source != LedgerSource.MANUAL:
                report.expected_minutes += minutes
                report.not_checked[source] += minutes
    report.disagreements.extend(_below_zero(learner_ids))


def audit_hours(*, batch_size: int = 2000, progress: Callable[[int], None] = lambda n: None):
    """Recompute every learner's hours from the registered records and compare them with
    the ledger; `progress` is told how many learners each batch checked."""
    report = AuditReport()
    ids = get_user_model().objects.order_by("pk").values_list("pk", flat=True)
    last = 0
    while batch := list(ids.filter(pk__gt=last)[:batch_size]):
        _audit_batch(batch, report)
        report.learners += len(batch)
        last = batch[-1]
        progress(len(batch))
    report.disagreements.sort(key=lambda finding: (finding.learner_id, finding.reference))
    return report
