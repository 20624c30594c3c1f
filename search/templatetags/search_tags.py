from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def facet_url(context, name: str, value: str) -> str:
    """The current search with this facet value chosen, or no longer chosen if it was;
    back to the first page either way."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    if params.get(name) == value:
        params.pop(name)
    else:
        params[name] = value
    return f"?{params.urlencode()}"
