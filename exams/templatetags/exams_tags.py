from django import template

from accounts.selectors import display_name

register = template.Library()


@register.filter
def person(user) -> str:
    """A candidate as every page names them (real name, else a masked number)."""
    return display_name(user)
