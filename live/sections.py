"""The live lectures' section of the home page (see lms.sections): lectures on air now,
then the next ones. Their status changes by the minute, so it is kept 30 seconds."""

from live import selectors
from lms.sections import HOME, Section, register_section

SHOWN = 4


def live_and_coming(*, request, page) -> dict | None:
    lectures = selectors.upcoming(limit=SHOWN)
    return {"lectures": lectures} if lectures else None


def register() -> None:
    register_section(
        Section(
            HOME,
            "live",
            30,
            "live/sections/live_and_coming.html",
            live_and_coming,
            shared=True,
            cache_seconds=30,
        )
    )
