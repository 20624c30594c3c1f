"""Registries through which apps above courses add to its pages without courses
importing them (the live lectures put their lecture on the page of a 直播 lesson)."""

from collections.abc import Callable

from django.utils.safestring import SafeString

LessonPanel = Callable[..., SafeString | None]
_lesson_panels: list[LessonPanel] = []


def register_lesson_panel(panel: LessonPanel) -> None:
    """``panel(request=, course=, lesson=)`` returns HTML shown under the lesson's title,
    or None. Idempotent."""
    if panel not in _lesson_panels:
        _lesson_panels.append(panel)


def lesson_panels(*, request, course, lesson) -> list[SafeString]:
    rendered = (panel(request=request, course=course, lesson=lesson) for panel in _lesson_panels)
    return [html for html in rendered if html]
