"""Importing a catalogue of courses into a unit from a spreadsheet, all or nothing."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.rich_text import RichText

from academies.models import AcademyUnitPage
from courses.models import (
    Category,
    CourseLecturer,
    CoursePage,
    EnrolmentPolicy,
    LecturerPage,
    Level,
    Mode,
)
from lms.models import AuditAction
from lms.services import audit_record

# Canonical column → the header names accepted for it (compared case-insensitively).
COLUMNS = {
    "title": ("title", "课程名称", "课程", "名称"),
    "summary": ("summary", "简介", "课程简介"),
    "description": ("description", "描述", "课程描述", "介绍"),
    "category": ("category", "类别", "分类", "课程类别"),
    "level": ("level", "级别", "难度"),
    "hours": ("hours", "学时", "learning hours"),
    "lecturers": ("lecturers", "讲师", "授课讲师"),
    "tags": ("tags", "标签"),
    "mode": ("mode", "学习方式", "授课方式"),
    "enrolment": ("enrolment", "enrollment", "报名方式"),
    "seats": ("seats", "名额"),
}
REQUIRED_COLUMNS = ("title", "summary", "category", "hours")
COLUMN_LABELS = {
    "title": gettext_lazy("Course title"),
    "summary": pgettext_lazy("import column", "Summary"),
    "description": gettext_lazy("Description"),
    "category": gettext_lazy("Category"),
    "level": gettext_lazy("Level"),
    "hours": gettext_lazy("Learning hours"),
    "lecturers": gettext_lazy("Lecturers"),
    "tags": gettext_lazy("Tags"),
    "mode": gettext_lazy("Mode"),
    "enrolment": gettext_lazy("Enrolment"),
    "seats": gettext_lazy("Seats"),
}
LEVELS = {
    "入门": Level.BEGINNER,
    "初级": Level.BEGINNER,
    "beginner": Level.BEGINNER,
    "中级": Level.INTERMEDIATE,
    "intermediate": Level.INTERMEDIATE,
    "高级": Level.ADVANCED,
    "advanced": Level.ADVANCED,
}
MODES = {
    "线上": Mode.ONLINE,
    "在线": Mode.ONLINE,
    "online": Mode.ONLINE,
    "线下": Mode.IN_PERSON,
    "面授": Mode.IN_PERSON,
    "in person": Mode.IN_PERSON,
    "线上线下": Mode.BLENDED,
    "混合": Mode.BLENDED,
    "blended": Mode.BLENDED,
}
POLICIES = {
    "自由报名": EnrolmentPolicy.OPEN,
    "开放": EnrolmentPolicy.OPEN,
    "open": EnrolmentPolicy.OPEN,
    "需审核": EnrolmentPolicy.APPROVAL,
    "审核": EnrolmentPolicy.APPROVAL,
    "approval": EnrolmentPolicy.APPROVAL,
    "限额": EnrolmentPolicy.LIMITED,
    "限额报名": EnrolmentPolicy.LIMITED,
    "limited": EnrolmentPolicy.LIMITED,
}
LIST_SEPARATORS = re.compile(r"[、,,;;/|]+")
MAX_SEATS = 100_000


@dataclass
class Problem:
    row: int
    column: str
    message: str


class CatalogueImportError(Exception):
    """Nothing was imported; ``problems`` lists every bad cell (row 0: the whole file)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class CourseRow:
    row: int
    title: str
    summary: str
    paragraphs: list[str]
    category: Category
    level: str
    hours: Decimal
    lecturers: list[LecturerPage]
    tags: list[str]
    mode: str
    policy: str
    seats: int | None


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _with_labels(aliases: dict, choices) -> dict:
    """The aliases, plus each choice's value and its label in every language of the site
    (so the words the course form shows, e.g. 线上线下结合, are accepted)."""
    mapping = {alias.lower(): value for alias, value in aliases.items()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in choices:
                mapping.setdefault(str(label).lower(), value)
    for value, _label in choices:
        mapping.setdefault(value.lower(), value)
    return mapping


def _header_map(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    names = {
        alias.lower(): canonical for canonical, aliases in COLUMNS.items() for alias in aliases
    }
    positions, problems = {}, []
    for index, cell in enumerate(header):
        canonical = names.get(cell.strip().lower())
        if canonical and canonical not in positions:
            positions[canonical] = index
    for canonical in REQUIRED_COLUMNS:
        if canonical not in positions:
            problems.append(
                Problem(
                    1,
                    str(COLUMN_LABELS[canonical]),
                    _("The column is missing from the first row (accepted names: %(names)s).")
                    % {"names": "、".join(COLUMNS[canonical])},
                )
            )
    return positions, problems


class _RowReader:
    """Validates one row's cells into a CourseRow, collecting problems."""

    def __init__(self, number, cells, positions, categories, lecturers):
        self.number, self.cells, self.positions = number, cells, positions
        self.categories, self.lecturers = categories, lecturers
        self.problems: list[Problem] = []

    def cell(self, column: str) -> str:
        index = self.positions.get(column)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, str(COLUMN_LABELS[column]), message))

    def text(self, column: str, max_length: int, *, required: bool) -> str:
        value = self.cell(column)
        if required and not value:
            self.problem(column, _("This cell is empty; fill it in."))
        elif len(value) > max_length:
            self.problem(
                column,
                _("Too long: %(length)d characters, at most %(max)d.")
                % {"length": len(value), "max": max_length},
            )
        return value

    def choice(self, column: str, mapping: dict, default: str) -> str:
        value = self.cell(column)
        if not value:
            return default
        chosen = mapping.get(value.lower())
        if chosen is None:
            self.problem(
                column,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": "、".join(k for k in mapping if not k.isascii())},
            )
        return chosen or default

    def hours(self) -> Decimal:
        value = self.cell("hours")
        try:
            hours = Decimal(value)
        except InvalidOperation:
            hours = Decimal("NaN")
        if not hours.is_finite():  # also "NaN", "sNaN", "Infinity": no number of hours
            self.problem(
                "hours",
                _("“%(value)s” is not a number of hours, e.g. 8 or 1.5.") % {"value": value},
            )
            return Decimal("0")
        if not Decimal("0") <= hours <= Decimal("999.9") or hours != round(hours, 1):
            self.problem(
                "hours",
                _("Learning hours go from 0 to 999.9, with at most one decimal (e.g. 1.5)."),
            )
        return hours

    def category(self) -> Category | None:
        name = self.cell("category")
        if not name:
            self.problem("category", _("This cell is empty; fill it in."))
            return None
        category = self.categories.get(name)
        if category is None:
            self.problem(
                "category",
                _("There is no category “%(name)s”. Existing categories: %(names)s.")
                % {"name": name, "names": "、".join(self.categories)},
            )
        return category

    def lecturer_pages(self) -> list[LecturerPage]:
        pages = []
        for name in self.split("lecturers"):
            found = self.lecturers.get(name, [])
            if not found:
                self.problem(
                    "lecturers",
                    _("No lecturer called “%(name)s” in the faculty; add their page first.")
                    % {"name": name},
                )
            elif len(found) > 1:
                self.problem(
                    "lecturers",
                    _("Several lecturers are called “%(name)s”; link them in the editor instead.")
                    % {"name": name},
                )
            else:
                pages.append(found[0])
        return pages

    def split(self, column: str) -> list[str]:
        parts = (part.strip() for part in LIST_SEPARATORS.split(self.cell(column)))
        return list(dict.fromkeys(part for part in parts if part))

    def tags(self) -> list[str]:
        tags = self.split("tags")
        for tag in tags:
            if len(tag) > 100:
                self.problem("tags", _("A tag is longer than 100 characters."))
        return tags

    def seats(self, policy: str) -> int | None:
        value = self.cell("seats")
        if not value:
            if policy == EnrolmentPolicy.LIMITED:
                self.problem("seats", _("A course with limited seats needs the number of seats."))
            return None
        # ASCII digits only: "²" passes str.isdigit() and int() refuses it.
        if not (value.isascii() and value.isdigit()) or int(value) < 1:
            self.problem("seats", _("Seats must be a whole number of at least 1."))
            return None
        if int(value) > MAX_SEATS:
            self.problem(
                "seats", _("At most %(max)d seats; split the course.") % {"max": MAX_SEATS}
            )
            return None
        return int(value)

    def read(self) -> CourseRow:
        policy = self.choice(
            "enrolment", _with_labels(POLICIES, EnrolmentPolicy.choices), EnrolmentPolicy.OPEN
        )
        description = self.cell("description")
        return CourseRow(
            row=self.number,
            title=self.text("title", 255, required=True),
            summary=self.text("summary", 300, required=True),
            paragraphs=[line.strip() for line in description.splitlines() if line.strip()],
            category=self.category(),
            level=self.choice("level", _with_labels(LEVELS, Level.choices), Level.BEGINNER),
            hours=self.hours(),
            lecturers=self.lecturer_pages(),
            tags=self.tags(),
            mode=self.choice("mode", _with_labels(MODES, Mode.choices), Mode.ONLINE),
            policy=policy,
            seats=self.seats(policy),
        )


def catalogue_rows(table: list[tuple[int, list[str]]]) -> list[CourseRow]:
    """Validate a whole table; raises CatalogueImportError listing every problem."""
    if not table:
        raise CatalogueImportError([Problem(0, "", _("The file is empty."))])
    (_header_row, header), *body = table
    positions, problems = _header_map(header)
    if problems:
        raise CatalogueImportError(problems)
    if not body:
        raise CatalogueImportError([Problem(0, "", _("The file has a header but no courses."))])
    categories = {category.name: category for category in Category.objects.all()}
    lecturers: dict[str, list[LecturerPage]] = {}
    for lecturer in LecturerPage.objects.order_by("pk"):
        lecturers.setdefault(lecturer.title, []).append(lecturer)
    rows, first_row_of = [], {}
    for number, cells in body:
        reader = _RowReader(number, cells, positions, categories, lecturers)
        row = reader.read()
        if row.title and row.title in first_row_of:
            reader.problem(
                "title",
                _("The same title is already on row %(row)d.") % {"row": first_row_of[row.title]},
            )
        first_row_of.setdefault(row.title, number)
        problems += reader.problems
        rows.append(row)
    if problems:
        raise CatalogueImportError(problems)
    return rows


def _description(paragraphs: list[str]) -> list[tuple[str, RichText]]:
    return [("paragraph", RichText(f"<p>{escape(text)}</p>")) for text in paragraphs]


def _snapshot(page: CoursePage) -> tuple:
    return (
        page.summary,
        [(child.block_type, child.block.get_prep_value(child.value)) for child in page.description],
        page.category_id,
        page.level,
        page.learning_hours,
        [link.lecturer_id for link in page.course_lecturers.all()],
        sorted(tag.name for tag in page.tags.all()),
        page.mode,
        page.enrolment_policy,
        page.seat_limit,
    )


def _apply(page: CoursePage, row: CourseRow) -> None:
    page.summary = row.summary
    page.description = _description(row.paragraphs)
    page.category = row.category
    page.level = row.level
    page.learning_hours = row.hours
    page.course_lecturers = [CourseLecturer(lecturer=lecturer) for lecturer in row.lecturers]
    page.tags.set(row.tags)
    page.mode = row.mode
    page.enrolment_policy = row.policy
    page.seat_limit = row.seats


@transaction.atomic
def catalogue_import(
    *,
    unit: AcademyUnitPage,
    table: list[tuple[int, list[str]]],
    user=None,
    publish: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Create or update (matched by title among the unit's own courses) one course per
    row, as a draft to review before publishing, or published at once with `publish`.
    Every row is checked first; with any problem nothing changes. ``user`` (None from
    the command line) must be allowed to publish in the unit."""
    if user is not None:
        permissions = unit.permissions_for_user(user)
        if not (permissions.can_add_subpage() and permissions.can_publish_subpage()):
            raise PermissionDenied(_("You may only import courses into your own academy."))
    rows = catalogue_rows(table)
    existing = {page.title: page for page in CoursePage.objects.child_of(unit)}
    result = ImportResult()
    for done, row in enumerate(rows, start=1):
        page = existing.get(row.title)
        if page is None:
            page = CoursePage(title=row.title, live=publish)
            _apply(page, row)
            unit.add_child(instance=page)
            result.created.append(row.title)
        else:
            if page.has_unpublished_changes:
                # Compare with (and build on) the draft waiting to be published.
                page = page.get_latest_revision_as_object()
            before = _snapshot(page)
            _apply(page, row)
            if _snapshot(page) == before:
                result.unchanged.append(row.title)
                page = None
            else:
                result.updated.append(row.title)
        if page is not None:
            try:
                revision = page.save_revision(user=user, log_action=True)
                if publish:
                    revision.publish(user=user)
            except ValidationError as error:
                raise CatalogueImportError(
                    [Problem(row.row, "", message) for message in error.messages]
                ) from error
        if progress is not None:
            progress(done, len(rows))
    audit_record(
        actor=user,
        action=AuditAction.COURSES_IMPORTED,
        unit=unit,
        subject=_("%(created)d new, %(updated)d updated, %(unchanged)d unchanged")
        % {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        },
        detail=_("published") if publish else _("as drafts"),
    )
    return result


def catalogue_template() -> list[list[str]]:
    """The rows of a template to fill in: the column names, then an example course."""
    return [
        [next(a for a in aliases if not a.isascii()) for aliases in COLUMNS.values()],
        [
            "光伏发电站设计",
            "光伏电站选址、设计与并网的理论讲解与实操训练。",
            "第一部分:场址评估",
            "职业发展",
            str(Level.INTERMEDIATE.label),
            "12",
            "",
            "光伏、新能源",
            str(Mode.BLENDED.label),
            str(EnrolmentPolicy.LIMITED.label),
            "30",
        ],
    ]


def catalogue_choices() -> list[tuple[str, list[str]]]:
    """What may be written in the columns with fixed values, as the course form names it."""
    return [
        (str(COLUMN_LABELS["category"]), list(Category.objects.values_list("name", flat=True))),
        (str(COLUMN_LABELS["level"]), [str(label) for _value, label in Level.choices]),
        (str(COLUMN_LABELS["mode"]), [str(label) for _value, label in Mode.choices]),
        (
            str(COLUMN_LABELS["enrolment"]),
            [str(label) for _value, label in EnrolmentPolicy.choices],
        ),
    ]


CATALOGUE_PERMISSIONS = (
    ("courses", "add_category"),
    ("courses", "change_category"),
    ("courses", "delete_category"),
    ("courses", "add_honour"),
    ("courses", "change_honour"),
)


@transaction.atomic
def catalogue_permissions_grant(*, group: Group | None) -> None:
    """The headquarters' administrators keep the province's lists: the N categories the
    cities add to the fixed four, and the lecturers' honours."""
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.filter(
            reduce(
                or_,
                (
                    Q(content_type__app_label=app, codename=codename)
                    for app, codename in CATALOGUE_PERMISSIONS
                ),
            )
        )
    )
