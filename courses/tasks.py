"""Thin django-q2 entry points: take ids, re-fetch, call a service."""

from courses import services
from courses.models import CoursePage


def waitlist_promote(course_id: int) -> int:
    """Give seats freed by an edit of the course (more seats, opened up) to those waiting."""
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        return 0
    return len(services.waitlist_promote(course=course))
