"""The search app's section of the home page (see lms.sections): what people search for
most, from the anonymous query counts."""

from lms.sections import HOME, Section, register_section
from search.selectors import popular_queries

HOT_SEARCHES = 8


def hot_searches(*, request, page) -> dict | None:
    queries = popular_queries(limit=HOT_SEARCHES)
    return {"queries": queries} if queries else None


def register() -> None:
    register_section(
        Section(
            HOME, "hot_searches", 10, "search/sections/hot_searches.html", hot_searches, shared=True
        )
    )
