"""Reads of the academy hierarchy. Each runs a fixed number of queries."""

from dataclasses import dataclass, field

from wagtail.models import Page

from academies.models import HeadquartersPage, IndustryAcademyPage, TrainingBasePage


@dataclass
class AcademyNode:
    academy: IndustryAcademyPage
    bases: list[TrainingBasePage] = field(default_factory=list)


@dataclass
class Hierarchy:
    headquarters: HeadquartersPage | None
    academies: list[AcademyNode]
    direct_bases: list[TrainingBasePage]

    @property
    def base_count(self) -> int:
        return len(self.direct_bases) + sum(len(node.bases) for node in self.academies)


def _live_bases_under(page: Page) -> list[TrainingBasePage]:
    return list(
        TrainingBasePage.objects.live()
        .public()
        .descendant_of(page)
        .select_related("cover_image")
        .order_by("path")
    )


def academies_with_bases(*, headquarters: HeadquartersPage):
    """The live academies under the headquarters with their bases, and bases directly under it."""
    academies = list(
        IndustryAcademyPage.objects.live()
        .public()
        .child_of(headquarters)
        .select_related("cover_image")
        .order_by("path")
    )
    nodes = {academy.path: AcademyNode(academy) for academy in academies}
    direct = []
    for base in _live_bases_under(headquarters):
        parent_path = base.path[: -Page.steplen]
        if parent_path in nodes:
            nodes[parent_path].bases.append(base)
        else:
            direct.append(base)
    return list(nodes.values()), direct


def hierarchy_for_home(*, home: Page) -> Hierarchy:
    """The "1+N+N" tree shown on the home page."""
    headquarters = (
        HeadquartersPage.objects.live()
        .public()
        .child_of(home)
        .select_related("cover_image")
        .first()
    )
    if headquarters is None:
        return Hierarchy(headquarters=None, academies=[], direct_bases=[])
    academies, direct = academies_with_bases(headquarters=headquarters)
    return Hierarchy(headquarters=headquarters, academies=academies, direct_bases=direct)


def bases_of(*, unit: Page) -> list[TrainingBasePage]:
    """Live training bases below a unit."""
    return _live_bases_under(unit)


def may_delete_unit(*, user, page: Page) -> bool:
    """A unit page may only be deleted by someone who manages the unit above it:
    an academy admin keeps their academy, even though Wagtail lets editors of a
    leaf page delete it."""
    parent = page.get_parent()
    return user.is_superuser or parent.permissions_for_user(user).can_edit()
