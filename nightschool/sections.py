"""The night school's sections (see lms.sections): the next classes on the home page, and
a unit's classes on its page. Seats change as people book, so they are kept a minute."""

from lms.sections import HOME, UNIT, Section, register_section
from nightschool import selectors


def upcoming(*, request, page) -> dict | None:
    cards = selectors.upcoming_classes(limit=4)
    return {"cards": cards, "night_school": selectors.night_school_root()} if cards else None


def unit_classes(*, request, page) -> dict | None:
    cards = selectors.upcoming_classes(within=page, limit=4)
    return {"cards": cards, "night_school": selectors.night_school_root()} if cards else None


def register() -> None:
    template = "nightschool/sections/upcoming.html"
    register_section(
        Section(HOME, "night_school", 60, template, upcoming, shared=True, cache_seconds=60)
    )
    register_section(
        Section(UNIT, "classes", 20, template, unit_classes, shared=True, cache_seconds=60)
    )
