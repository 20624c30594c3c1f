from django import template

from courses import selectors
from courses.models import EnrolmentStatus
from lms.sections import shared_value

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_pages(context):
    """The province-wide course listing and faculty (the same for everyone: kept in the
    cache until pages change), looked up once per request."""
    request = context.get("request")
    cached = getattr(request, "_courses_nav_pages", None)
    if cached is None:
        cached = shared_value("courses:nav", selectors.nav_pages)
        if request is not None:
            request._courses_nav_pages = cached
    return cached


@register.filter
def enrolment_status_label(value: str) -> str:
    return EnrolmentStatus(value).label if value in EnrolmentStatus.values else ""


@register.filter
def duration(seconds) -> str:
    """12:05 or 1:02:05."""
    if not seconds:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
