"""What course admins see: the courses they manage, enrolment decisions, rosters and
learner progress reports."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from wagtail.models import GroupPagePermission

from academies.models import AcademyUnitPage
from academies.selectors import permitted_paths, unit_page_models, within_paths_q
from accounts.models import LearnerProfile
from accounts.selectors import display_name, learner_profile
from courses.models import (
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    Lesson,
)
from courses.selectors.study import course_progress
from learning.models import Certificate, LedgerEntry, LessonProgress
from learning.selectors import (
    CourseProgress,
    certificates_visible_to,
    ledger_entries_visible_to,
)


def managed_courses(*, user) -> QuerySet:
    """Courses whose learners the user administers."""
    if user.is_superuser:
        return CoursePage.objects.all()
    q = within_paths_q(permitted_paths(user=user, codename="publish_page"))
    return CoursePage.objects.filter(q) if q is not None else CoursePage.objects.none()


def importable_units(*, user) -> list[AcademyUnitPage]:
    """Units into which the user may import courses (they may add and publish pages there)."""
    if user.is_superuser:
        q = Q()
    else:
        add = permitted_paths(user=user, codename="add_page")
        publish = set(permitted_paths(user=user, codename="publish_page"))
        q = within_paths_q([path for path in add if path in publish])
        if q is None:
            return []
    units = [unit for model in unit_page_models() for unit in model.objects.filter(q)]
    return sorted(units, key=lambda unit: unit.path)


def pending_enrolments(*, user) -> QuerySet:
    """Requests awaiting approval in the courses the user administers, oldest first."""
    return (
        Enrolment.objects.filter(
            status=EnrolmentStatus.PENDING,
            course__in=managed_courses(user=user).values("pk"),
        )
        .select_related("course", "learner", "learner__learner_profile")
        .order_by("created_at", "pk")
    )


def course_roster(*, course: CoursePage) -> dict[str, list[Enrolment]]:
    """A course's learners grouped by status; the waiting list in queue order."""
    roster = {status: [] for status in EnrolmentStatus.values}
    enrolments = (
        Enrolment.objects.filter(course=course)
        .select_related("learner", "learner__learner_profile")
        .order_by("waitlisted_at", "created_at", "pk")
    )
    for enrolment in enrolments:
        roster[enrolment.status].append(enrolment)
    return roster


def manages_courses(*, user) -> bool:
    """Whether the user administers any unit (and so its courses and learners)."""
    return (
        user.is_superuser
        or GroupPagePermission.objects.filter(
            group__user=user, permission__codename="publish_page"
        ).exists()
    )


REPORT_ORDERS = {
    "name": ("learner__learner_profile__real_name", "learner__first_name", "learner__username"),
    "status": ("status", "pk"),
    "enrolled": ("enrolled_at", "pk"),
    "progress": ("lessons_done", "pk"),
    "activity": ("last_activity", "pk"),
    "hours": ("minutes", "pk"),
}


def course_learner_report(*, course: CoursePage, order: str = "name", status: str = "") -> QuerySet:
    """A course's learners with their progress, for the admin's report: required lessons
    complete (`lessons_done`, out of `required_lessons(course)`), when they last studied
    (`last_activity`) and the minutes the ledger credits them in this course (`minutes`).
    Sorted in the database by `order` (a key of REPORT_ORDERS, "-" first to reverse)."""
    required = Lesson.objects.filter(chapter__course=course, required=True).values("key")
    progress = LessonProgress.objects.filter(
        learner=OuterRef("learner_id"), course_id=course.pk
    ).order_by()
    minutes = (
        LedgerEntry.objects.filter(learner=OuterRef("learner_id"), course_id=course.pk)
        .order_by()
        .values("learner")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    rows = (
        Enrolment.objects.filter(course=course)
        .select_related("learner", "learner__learner_profile")
        .annotate(
            lessons_done=Coalesce(
                Subquery(
                    progress.filter(completed_at__isnull=False, lesson_key__in=required)
                    .values("learner")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            last_activity=Subquery(
                progress.values("learner").annotate(last=Max("updated_at")).values("last")
            ),
            minutes=Coalesce(Subquery(minutes), 0),
        )
    )
    if status in EnrolmentStatus.values:
        rows = rows.filter(status=status)
    descending = order.startswith("-")
    fields = REPORT_ORDERS.get(order.lstrip("-"), REPORT_ORDERS["name"])
    return rows.order_by(
        *(F(name).desc(nulls_last=True) if descending else F(name).asc() for name in fields)
    )


def required_lessons(*, course: CoursePage) -> int:
    return Lesson.objects.filter(chapter__course=course, required=True).count()


@dataclass
class LearnerReport:
    learner: object
    name: str
    profile: LearnerProfile | None
    enrolments: list[tuple[Enrolment, CourseProgress]]
    entries: list
    minutes: int
    certificates: list[Certificate]


def learner_report(*, admin, learner_id: int) -> LearnerReport | None:
    """What the units `admin` manages know of a learner; None if they know nothing (the
    learner is not theirs to see)."""
    learner = (
        get_user_model().objects.filter(pk=learner_id).select_related("learner_profile").first()
    )
    if learner is None:
        return None
    enrolments = list(
        Enrolment.objects.filter(
            learner=learner, course__in=managed_courses(user=admin).values("pk")
        )
        .select_related("course")
        .order_by("-updated_at")
    )
    entries = ledger_entries_visible_to(user=admin).filter(learner=learner)
    certificates = list(certificates_visible_to(user=admin).filter(learner=learner))
    if not enrolments and not certificates and not entries.exists():
        return None
    progress = course_progress(learner=learner, courses=[e.course for e in enrolments])
    return LearnerReport(
        learner=learner,
        name=display_name(learner),
        profile=learner_profile(user=learner),
        enrolments=[(e, progress[e.course_id]) for e in enrolments],
        entries=list(entries.select_related("author").order_by("-created_at", "-pk")[:200]),
        minutes=entries.aggregate(total=Sum("minutes"))["total"] or 0,
        certificates=certificates,
    )
