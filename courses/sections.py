"""The courses app's sections of the home page and of unit pages (see lms.sections):
继续学习 with this year's hours, new, recommended and most studied courses; a unit's
courses and lecturers. Thin: each calls selectors."""

from django.utils.translation import gettext_lazy as _

from courses import selectors
from lms.sections import HOME, UNIT, Section, register_section

FEED_SIZE = 8
UNIT_FEED_SIZE = 4


def continue_learning(*, request, page) -> dict | None:
    if not request.user.is_authenticated:
        return None
    return {
        "next": selectors.continue_learning(user=request.user),
        "year": selectors.learner_year(user=request.user),
    }


def _feed(key: str, title, cards, more=None, note: str = "") -> dict | None:
    if not cards:
        return None
    return {"key": key, "title": title, "cards": cards, "more": more, "note": note}


def new_courses(*, request, page) -> dict | None:
    nav = selectors.nav_pages()
    return _feed("new", _("New courses"), selectors.courses_newest(limit=FEED_SIZE), nav.catalogue)


def popular_courses(*, request, page) -> dict | None:
    return _feed("popular", _("Most studied"), selectors.courses_most_studied(limit=FEED_SIZE))


def recommended_courses(*, request, page) -> dict | None:
    if not request.user.is_authenticated:
        return None
    cards = selectors.courses_recommended(user=request.user, limit=FEED_SIZE)
    return _feed("recommended", _("Recommended for you"), cards)


def follow_unit(*, request, page) -> dict:
    return {"target": page, "following": selectors.is_following(user=request.user, page=page)}


def unit_courses(*, request, page) -> dict:
    """The unit's newest and most studied courses and a link to all of them; a unit
    without courses of its own (a new base) shows those of the unit above it."""
    within, note = page, ""
    count = selectors.course_count(within=page)
    if not count and page.depth > 3:
        within = page.get_parent().specific
        count = selectors.course_count(within=within)
        note = _("No courses of its own yet: these are the courses of %(unit)s.") % {
            "unit": within.title
        }
    newest = selectors.courses_newest(within=within, limit=UNIT_FEED_SIZE)
    studied = selectors.courses_most_studied(
        within=within, limit=UNIT_FEED_SIZE, exclude=[card.course.pk for card in newest]
    )
    return {
        "newest": newest,
        "studied": studied,
        "count": count,
        "listing": selectors.course_listing_page(unit=within),
        "note": note,
    }


def unit_lecturers(*, request, page) -> dict | None:
    lecturers = selectors.lecturers_teaching(within=page)
    if not lecturers:
        return None
    return {"lecturers": lecturers, "faculty": selectors.nav_pages().faculty}


def register() -> None:
    feed = "courses/sections/course_feed.html"
    for section in (
        Section(HOME, "continue", 20, "courses/sections/continue.html", continue_learning),
        Section(HOME, "new_courses", 40, feed, new_courses, shared=True),
        Section(HOME, "recommended", 50, feed, recommended_courses),
        Section(HOME, "popular", 55, feed, popular_courses, shared=True),
        Section(UNIT, "follow", 0, "courses/includes/follow_button.html", follow_unit),
        Section(
            UNIT, "courses", 10, "courses/sections/unit_courses.html", unit_courses, shared=True
        ),
        Section(
            UNIT, "lecturers", 30, "courses/sections/lecturers.html", unit_lecturers, shared=True
        ),
    ):
        register_section(section)
