from django import template
from django.apps import apps
from django.template.loader import render_to_string

register = template.Library()


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value} %"


@register.filter
def quarters(curve: list) -> list:
    """The curve's values nearest a quarter, half, three quarters and the end."""
    if not curve:
        return []
    last = len(curve) - 1
    return [curve[min(last, round(share * len(curve) - 0.5))] for share in (0.25, 0.5, 0.75, 1)]


@register.simple_tag
def chart(name: str, data: dict, label: str):
    """A chart drawn by static/js/dashboard.js from its data; the numbers are also in the
    table that follows it, which screen readers read instead (the canvas is hidden)."""
    return render_to_string(
        "dashboards/admin/chart.html", {"chart_id": f"chart-{name}", "data": data, "label": label}
    )


@register.filter
def app_name(app_label: str) -> str:
    """An app as people call it (its verbose name), e.g. courses → 课程."""
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return app_label
