"""The academies' section of the home page (see lms.sections): the "1+6+N" units as a
compact strip."""

from academies.selectors import hierarchy_for_home
from lms.sections import HOME, Section, register_section


def academies_strip(*, request, page) -> dict | None:
    hierarchy = hierarchy_for_home(home=page)
    return {"hierarchy": hierarchy} if hierarchy.headquarters else None


def register() -> None:
    register_section(
        Section(
            HOME, "academies", 90, "academies/sections/strip.html", academies_strip, shared=True
        )
    )
