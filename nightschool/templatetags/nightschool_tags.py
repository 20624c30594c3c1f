from django import template

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
    """The provincial night school's page, looked up once per request (for the menu)."""
    request = context.get("request")
    if request is None:
        return selectors.night_school_root()
    if not hasattr(request, "_night_school_root"):
        request._night_school_root = selectors.night_school_root()
    return request._night_school_root


@register.simple_tag(takes_context=True)
def my_night_school_classes(context):
    """The visitor's night-school classes and hours, for their "My learning" page."""
    request = context["request"]
    return selectors.learner_classes(learner=request.user)
