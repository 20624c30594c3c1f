from django import template

from lms.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many of the visitor's messages are unread (0 for visitors not logged in)."""
    request = context.get("request")
    return unread_count(user=request.user) if request is not None else 0
