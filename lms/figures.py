"""Figures other apps add to the back-office dashboards.

The dashboards sit at the top of the apps; an app beside them (exams: pass rates) cannot
be imported by them, so it registers a provider here at start-up, in its
`AppConfig.ready()`, the way `video.register_watch_policy` works.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One figure on a unit's dashboard, e.g. 考试通过率 86.5 %."""

    label: str
    value: int | float | str
    unit: str = ""
    help: str = ""


# Called with the ids of the unit and every unit below it, and the period (both days
# included); returns the figures to show for them.
FigureProvider = Callable[..., Iterable[Figure]]

_providers: list[FigureProvider] = []


def register_figure_provider(provider: FigureProvider) -> None:
    """`provider(*, unit_ids: list[int], start: date, end: date) -> Iterable[Figure]`."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_figure_provider(provider: FigureProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def figure_providers() -> list[FigureProvider]:
    return list(_providers)
