from django import template

from lms.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many of the visitor's messages are unread (0 for visitors not logged in)."""
    request = context.get("request")
    return unread_count(user=request.user) if request is not None else 0


# Paths of the 我的 tab (the account, messages, log-in and passwords) and of 学习.
MINE_PREFIXES = ("/me/account/", "/me/edit/", "/messages/", "/accounts/")
LEARNING_PREFIXES = ("/me/", "/certificates/")


@register.simple_tag(takes_context=True)
def active_tab(context, catalogue=None, night_school=None) -> str:
    """Which tab of the tab bar the page belongs to: home, courses, nightschool, learning,
    mine, or "" for none. `catalogue` and `night_school` are the pages of those tabs."""
    request = context.get("request")
    path = request.path if request is not None else ""
    if path == "/":
        return "home"
    if path.startswith(MINE_PREFIXES):
        return "mine"
    if path.startswith(LEARNING_PREFIXES):
        return "learning"
    if night_school is not None and path.startswith(night_school.url):
        return "nightschool"
    if path.startswith("/search/") or (catalogue is not None and path.startswith(catalogue.url)):
        return "courses"
    return ""
