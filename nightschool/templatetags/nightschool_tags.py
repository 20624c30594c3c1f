from django import template

from lms.sections import shared_value
from nightschool import formats, selectors

register = template.Library()


@register.filter
def when(value) -> str:
    """11月22日(星期六) 19:00"""
    return formats.when(value) if value else ""


@register.filter
def clock(value) -> str:
    return formats.clock(value) if value else ""


@register.simple_tag(takes_context=True)
def night_school_root(context):
    """The provincial night school's page (for the menu: the same for everyone, kept in
    the cache until pages change), looked up once per request."""
    request = context.get("request")
    if request is None:
        return shared_value("nightschool:root", selectors.night_school_root)
    if not hasattr(request, "_night_school_root"):
        request._night_school_root = shared_value("nightschool:root", selectors.night_school_root)
    return request._night_school_root


@register.simple_tag(takes_context=True)
def my_night_school_classes(context):
    """The visitor's night-school classes and hours, for their "My learning" page."""
    request = context["request"]
    return selectors.learner_classes(learner=request.user)
