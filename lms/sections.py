"""Sections of pages that several apps fill.

The home page shows 继续学习 and this year's hours, new, popular and recommended courses,
upcoming night-school classes and live lectures, the academies; an academy's or a
training base's page shows its courses, lecturers and classes. `lms` is the kernel and
imports none of the apps those come from: each app registers its sections at start-up, in
its ``AppConfig.ready()``, as ``video.register_watch_policy`` does::

    from lms.sections import Section, register_section
    register_section(Section(slot=HOME, key="night_school", order=60,
                             template="nightschool/sections/upcoming.html",
                             context=upcoming_classes, shared=True, cache_seconds=60))

``context(request=…, page=…)`` returns the template's context, or None to leave the
section out. A ``shared`` section is the same for everyone (it must not show anything of
the visitor's own): it is rendered once per page and language and cached; the cache is
emptied whenever a page is published, unpublished, moved or deleted. Each section's
context runs a fixed number of queries, so a page's count does not grow with content.

Slots and the order used so far (lower first) — HOME: hot searches 10, continue learning
20, live lectures 30 (reserved for the live app), new courses 40, recommended 50, popular
55, night-school classes 60, academies 90. UNIT: follow 0, courses 10, classes 20,
lecturers 30.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

HOME = "home"
UNIT = "unit"
VERSION_KEY = "lms:sections:version"


@dataclass(frozen=True)
class Section:
    slot: str
    key: str
    order: int
    template: str
    context: Callable[..., dict | None]
    shared: bool = False
    cache_seconds: int = 300


_sections: dict[tuple[str, str], Section] = {}


def register_section(section: Section) -> None:
    """Add a section to its slot (again with the same key: replace it)."""
    _sections[(section.slot, section.key)] = section


def sections_of(slot: str) -> list[Section]:
    return sorted(
        (section for (name, _key), section in _sections.items() if name == slot),
        key=lambda section: (section.order, section.key),
    )


def sections_changed() -> None:
    """Forget every shared section rendered so far (content they show has changed)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


_MISSING = object()


def shared_value(name: str, compute: Callable[[], object], seconds: int = 300):
    """A value the same for every visitor and drawn from pages (a shared section's HTML,
    the menu's pages): computed once, forgotten when pages change (or after `seconds`:
    another process may have seen the change)."""
    version = cache.get_or_set(VERSION_KEY, 1, None)
    key = f"lms:shared:{name}:{version}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, seconds)
    return value


def render_sections(*, slot: str, request, page) -> list[SafeString]:
    """The HTML of the slot's sections for this request, in order, empty ones left out."""
    language = translation.get_language()
    rendered = []
    for section in sections_of(slot):
        if section.shared:
            html = shared_value(
                f"section:{slot}:{section.key}:{page.pk}:{language}",
                lambda section=section: _render(section, request, page),
                section.cache_seconds,
            )
        else:
            html = _render(section, request, page)
        if html:
            rendered.append(SafeString(html))
    return rendered


def _render(section: Section, request, page) -> str:
    context = section.context(request=request, page=page)
    if context is None:
        return ""
    return render_to_string(section.template, context, request=request).strip()
