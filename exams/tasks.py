"""Thin django-q2 entry points."""

from exams import services
from exams.models import Exam


def attempts_submit_overdue() -> int:
    """Hand in attempts whose time is up (every minute, see migration 0002)."""
    return services.attempts_submit_overdue()


def papers_pregenerate(exam_id: int) -> int:
    """Draw the papers of a competition's registered candidates before it opens."""
    exam = Exam.objects.filter(pk=exam_id).select_related("paper").first()
    if exam is None:
        return 0
    return services.papers_pregenerate(exam=exam)
