"""Reads of the academy hierarchy. Each runs a fixed number of queries."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.models import GroupPagePermission, Page

from academies.models import (
    AcademyUnitPage,
    HeadquartersPage,
    IndustryAcademyPage,
    TrainingBasePage,
)
from lms.selectors import kept_on_user


def unit_page_models() -> list[type[AcademyUnitPage]]:
    """Every concrete unit page type, including those other apps define (night schools)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AcademyUnitPage) and not model._meta.abstract
    ]


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


def within_paths_q(paths, field_name: str = "path") -> Q | None:
    """Pages (or collections) at or below any of the given tree paths; None for no paths."""
    clauses = [Q(**{f"{field_name}__startswith": path}) for path in paths]
    return reduce(or_, clauses) if clauses else None


def permitted_paths(*, user, codename: str) -> list[str]:
    """Tree paths of the pages on which the user's groups hold a page permission."""
    return list(
        GroupPagePermission.objects.filter(group__user=user, permission__codename=codename)
        .values_list("page__path", flat=True)
        .distinct()
    )


def managed_unit_ids(*, user) -> set[int] | None:
    """Ids of the units (headquarters, academies, bases …) whose content the user may
    publish; None means every unit (superusers)."""
    if user.is_superuser:
        return None
    return set(kept_on_user(user, "academies.managed_unit_ids", lambda: _managed_ids(user)))


def _managed_ids(user) -> set[int]:
    q = within_paths_q(permitted_paths(user=user, codename="publish_page"))
    if q is None:
        return set()
    return {page.pk for model in unit_page_models() for page in model.objects.filter(q).only("pk")}


def unit_of(page: Page) -> Page | None:
    """The nearest academy, base or other unit at or above a page (a course's owner)."""
    types = [model._meta.model_name for model in unit_page_models()]
    return (
        Page.objects.ancestor_of(page, inclusive=True)
        .filter(content_type__model__in=types)
        .order_by("-depth")
        .first()
    )


@dataclass
class StaffUnit:
    """A unit whose groups an admin may change: its admins (only for units below the
    admin's own) and its lecturers."""

    unit: AcademyUnitPage
    admins_editable: bool
    admins: list = field(default_factory=list)
    lecturers: list = field(default_factory=list)


def staff_units(*, user) -> list[StaffUnit]:
    """The units whose admin and lecturer groups `user` may change: every unit below a
    unit they administer (both groups) and their own units (lecturers only). Never a
    unit above or beside their own. Superusers: every unit, both groups."""
    units = sorted(
        (unit for model in unit_page_models() for unit in model.objects.all()),
        key=lambda unit: unit.path,
    )
    if user.is_superuser:
        return [StaffUnit(unit=unit, admins_editable=True) for unit in units]
    group_ids = set(user.groups.values_list("pk", flat=True))
    own_paths = [unit.path for unit in units if unit.admin_group_id in group_ids]
    result = []
    for unit in units:
        if unit.path in own_paths:
            result.append(StaffUnit(unit=unit, admins_editable=False))
        elif any(unit.path.startswith(path) for path in own_paths):
            result.append(StaffUnit(unit=unit, admins_editable=True))
    return result


def manages_staff(*, user) -> bool:
    """Whether the user may change any unit's groups (asked once per request)."""
    return kept_on_user(user, "academies.manages_staff", lambda: bool(staff_units(user=user)))


def staff_unit(*, user, unit_id: int) -> StaffUnit | None:
    """One of `staff_units`, with the members of its groups (None: not the user's)."""
    found = next((item for item in staff_units(user=user) if item.unit.pk == unit_id), None)
    if found is None:
        return None
    user_model = get_user_model()
    members = user_model.objects.select_related("learner_profile").order_by(
        "first_name", "username"
    )
    found.admins = list(members.filter(groups=found.unit.admin_group_id))
    found.lecturers = list(members.filter(groups=found.unit.lecturer_group_id))
    return found
