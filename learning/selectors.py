"""Reads of the learning-hours ledger, of progress and of certificates."""

import datetime
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Page

from academies.selectors import managed_unit_ids, unit_page_models
from learning.crediting import covered
from learning.models import Certificate, LedgerEntry, LessonProgress, YearlyHoursTarget, hours_of
from learning.requirements import unmet_requirements
from learning.study import OutlineLesson

# A player stopped this close to the end had played the video to its end.
ENDED_MARGIN_SECONDS = 1.0


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, start.replace(year=year + 1)


def learner_minutes_for_year(*, learner, year: int) -> int:
    start, end = _year_bounds(year)
    total = LedgerEntry.objects.filter(
        learner=learner, created_at__gte=start, created_at__lt=end
    ).aggregate(total=Sum("minutes"))["total"]
    return total or 0


@dataclass(frozen=True)
class YearProgress:
    year: int
    minutes: int
    target_hours: int | None

    @property
    def hours(self):
        return hours_of(self.minutes)

    @property
    def percent(self) -> int:
        if not self.target_hours:
            return 0
        return min(100, round(self.minutes * 100 / (self.target_hours * 60)))


def yearly_target_for(*, academy: Page | None, year: int) -> int | None:
    """The target of the academy, else of the nearest unit above it that has one."""
    if academy is None:
        return None
    chain = [academy.pk, *academy.get_ancestors().values_list("pk", flat=True)]
    targets = dict(
        YearlyHoursTarget.objects.filter(academy_id__in=chain, year=year).values_list(
            "academy_id", "hours"
        )
    )
    return next((targets[pk] for pk in chain if pk in targets), None)


def learner_year_progress(
    *, learner, academy: Page | None, year: int | None = None
) -> YearProgress:
    """ "本年度 X / Y 学时" for a learner whose home academy is `academy`."""
    year = year or timezone.localdate().year
    return YearProgress(
        year=year,
        minutes=learner_minutes_for_year(learner=learner, year=year),
        target_hours=yearly_target_for(academy=academy, year=year),
    )


@dataclass(frozen=True)
class CourseProgress:
    lessons_done: int
    lessons_required: int
    percent: int
    completed: bool
    resume_lesson: OutlineLesson | None
    # What the course still asks beyond its lessons (see learning.requirements).
    pending: tuple[str, ...] = ()
    started: bool = False  # any lesson opened or watched


def _resume_lesson(lessons: Sequence[OutlineLesson], progress: dict) -> OutlineLesson | None:
    """The lesson the learner was last in if unfinished, else the first unfinished required
    lesson, else (course done) the last one watched or the first of the course."""
    watched = sorted(
        (lesson for lesson in lessons if lesson.key in progress),
        key=lambda lesson: progress[lesson.key].updated_at,
    )
    if watched and not _is_done(progress[watched[-1].key]):
        return watched[-1]
    unfinished = [
        lesson for lesson in lessons if lesson.required and not _is_done(progress.get(lesson.key))
    ]
    if unfinished:
        return unfinished[0]
    if watched:
        return watched[-1]
    return lessons[0] if lessons else None


def _is_done(progress: LessonProgress | None) -> bool:
    return progress is not None and progress.completed_at is not None


def course_progress_for(
    *, learner, outlines: Mapping[int, Sequence[OutlineLesson]]
) -> dict[int, CourseProgress]:
    """Each course's progress for the learner, keyed by course id: required lessons
    complete out of all required lessons, what a registered requirement still asks (a
    final exam: see `learning.requirements`), and the lesson to continue with. `outlines`
    are the courses' lessons in order (the courses app reads them). One query, however
    many courses, and one per registered requirement."""
    progress: dict[int, dict] = {pk: {} for pk in outlines}
    for row in LessonProgress.objects.filter(learner=learner, course_id__in=list(outlines)).only(
        "course_id", "lesson_key", "completed_at", "updated_at"
    ):
        progress[row.course_id][row.lesson_key] = row
    unmet = unmet_requirements(learner=learner, course_ids=list(outlines))
    result = {}
    for pk, lessons in outlines.items():
        required = [lesson for lesson in lessons if lesson.required]
        done = sum(1 for lesson in required if _is_done(progress[pk].get(lesson.key)))
        result[pk] = CourseProgress(
            lessons_done=done,
            lessons_required=len(required),
            percent=done * 100 // len(required) if required else 0,
            completed=bool(required) and done == len(required) and pk not in unmet,
            resume_lesson=_resume_lesson(lessons, progress[pk]),
            pending=tuple(unmet.get(pk, ())),
            started=bool(progress[pk]),
        )
    return result


def resume_position(*, learner, lesson_key: uuid.UUID) -> float:
    """Where the learner stopped; the beginning again once they had watched to the end."""
    return resume_position_of(
        LessonProgress.objects.filter(learner=learner, lesson_key=lesson_key).first()
    )


def resume_position_of(progress: LessonProgress | None) -> float:
    """Where to go on in a lesson from its progress row (see `resume_position`)."""
    if progress is None:
        return 0.0
    ended = progress.duration > 0 and progress.position >= progress.duration - ENDED_MARGIN_SECONDS
    return 0.0 if ended else progress.position


def lesson_minutes_by_learner(learner_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    """The whole minutes each lesson's progress has earned — of the time credited, and
    never more than the coverage it was credited for — by (learner id, ``lesson:<key>``):
    what the ledger should hold for it (see `learning.audit`)."""
    return {
        (learner_id, f"lesson:{key}"): math.floor(min(seconds, covered(watched)) / 60)
        for learner_id, key, seconds, watched in LessonProgress.objects.filter(
            learner_id__in=learner_ids
        ).values_list("learner_id", "lesson_key", "credited_seconds", "watched")
    }


def latest_lesson_progress(*, learner) -> LessonProgress | None:
    """The lesson the learner was in most recently (where 继续学习 goes)."""
    return LessonProgress.objects.filter(learner=learner).order_by("-updated_at", "-pk").first()


def ledger_for_learner(*, learner, limit: int = 50):
    return LedgerEntry.objects.filter(learner=learner).select_related("author")[:limit]


def course_minutes_for(*, learner, course_ids: Sequence[int]) -> dict[int, int]:
    """Minutes in the learner's ledger for each course (0 for none), in one query."""
    totals = dict(
        LedgerEntry.objects.filter(learner=learner, course_id__in=list(course_ids))
        .order_by()
        .values("course_id")
        .annotate(total=Sum("minutes"))
        .values_list("course_id", "total")
    )
    return {pk: totals.get(pk, 0) for pk in course_ids}


def mask_name(name: str) -> str:
    """王小明 → 王*明, 李四 → 李*, Zhang San → Z*******n: enough to recognise, not to expose."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# Certificate codes are JL<year>-<8 letters and digits>; anything else (a NUL, which
# PostgreSQL refuses in a query, or a slash) names no certificate and is not looked up.
CERTIFICATE_CODE = re.compile(r"[A-Z0-9-]{1,20}")


def certificate_code_wellformed(code: str) -> bool:
    return CERTIFICATE_CODE.fullmatch(code.strip().upper()) is not None


def certificate_by_code(*, code: str):
    if not certificate_code_wellformed(code):
        return None
    return Certificate.objects.with_hours().filter(code=code.strip().upper()).first()


def certificates_of_learner(*, learner):
    return Certificate.objects.with_hours().filter(learner=learner).order_by("-issued_at")


def certificate_of_learner_for(*, learner, course_id: int) -> Certificate | None:
    """The learner's valid certificate for a course, if they have one."""
    return (
        certificates_of_learner(learner=learner)
        .filter(course_id=course_id, revoked_at__isnull=True)
        .first()
    )


def certificates_of_course(*, course_id: int):
    return (
        Certificate.objects.with_hours()
        .filter(course_id=course_id, revoked_at__isnull=True)
        .order_by("code")
    )


def ledger_entries_visible_to(*, user, filters: dict | None = None):
    """Ledger entries of the units the user administers (all of them for superusers)."""
    unit_ids = managed_unit_ids(user=user)
    entries = LedgerEntry.objects.all()
    if unit_ids is not None:
        entries = entries.filter(academy_id__in=unit_ids)
    return entries.filter(**(filters or {}))


def certificates_visible_to(*, user):
    unit_ids = managed_unit_ids(user=user)
    certificates = Certificate.objects.with_hours()
    if unit_ids is not None:
        certificates = certificates.filter(academy_id__in=unit_ids)
    return certificates


def managed_units(*, user) -> list[Page]:
    """The units an admin may credit hours in or set targets for, in tree order."""
    unit_ids = managed_unit_ids(user=user)
    pages = Page.objects.filter(
        content_type__in=[ContentType.objects.get_for_model(model) for model in unit_page_models()]
    )
    if unit_ids is not None:
        pages = pages.filter(pk__in=unit_ids)
    return list(pages.order_by("path"))
