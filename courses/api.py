"""The catalogue, a course with its outline, enrolling and leaving, the learner's courses
and lesson heartbeats, as JSON for apps; thin over `courses.selectors` and
`courses.services`, which call `learning` for progress and hours.

Heartbeat body, as static/js/video-player.js sends it (a text lesson's page sends only
``visible`` and ``tab``): ``{"position": s, "rate": r, "ranges": [[from, to], …],
"visible": bool, "tab": "id"}``. The schema checks each number; `learning.crediting.read_beat`
then checks the beat against the lesson (nothing beyond its length, no range backwards).
"""

from typing import Annotated
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router
from wagtail.models import Page

from accounts.selectors import display_name, learner_profile
from courses import selectors, services
from courses.forms import CourseCatalogueForm
from courses.models import CoursePage, Enrolment, EnrolmentPolicy, EnrolmentStatus, Level, Mode
from courses.views import ENROLLED_MESSAGES
from learning.crediting import BeatError, read_beat
from learning.selectors import CourseProgress, resume_position
from lms.api import (
    ANYONE,
    LOGIN,
    ApiError,
    Id,
    IdName,
    In,
    Out,
    absolute,
    errors,
    form_error,
    page_json,
)

router = Router(tags=["courses"])

# Schemas -----------------------------------------------------------------------------


class LevelChoice(Out):
    value: Level
    label: str


class ModeChoice(Out):
    value: Mode
    label: str


class PolicyChoice(Out):
    value: EnrolmentPolicy
    label: str


class CourseSummary(Out):
    id: int
    title: str
    summary: str
    url: str
    cover_url: str | None
    academy: str
    category: IdName | None
    level: LevelChoice
    mode: ModeChoice
    enrolment_policy: PolicyChoice
    learning_hours: float
    lecturers: list[str]
    tags: list[str]


class Course(CourseSummary):
    my_status: EnrolmentStatus | None = Field(
        description="Your place in the course; null when not taking part."
    )


class CoursePageOut(Out):
    count: int
    page: int
    pages: int
    results: list[Course]


class LessonOut(Out):
    id: int
    key: UUID
    title: str
    required: bool
    duration_seconds: int | None
    has_video: bool
    url: str


class ChapterOut(Out):
    id: int
    title: str
    lessons: list[LessonOut]


class EnrolmentOut(Out):
    status: EnrolmentStatus
    status_label: str
    waitlist_position: int | None
    note: str


class EnrolmentChange(EnrolmentOut):
    message: str


class LessonRef(Out):
    key: str
    title: str
    url: str


class ProgressOut(Out):
    lessons_done: int
    lessons_required: int
    percent: int
    completed: bool
    resume_lesson: LessonRef | None


class CourseDetail(CourseSummary):
    seat_limit: int | None
    seats_left: int | None
    chapters: list[ChapterOut]
    my_enrolment: EnrolmentOut | None
    my_progress: ProgressOut | None
    can_manage: bool


class EnrolledCourse(Course):
    progress: ProgressOut


class CourseRef(Out):
    id: int
    title: str
    url: str


class WaitingOut(EnrolmentOut):
    course: CourseRef


class MyCourses(Out):
    enrolled: list[EnrolledCourse]
    waiting: list[WaitingOut]


class YearHours(Out):
    year: int
    hours: float
    target_hours: int | None
    percent: int


class MeOut(Out):
    id: int
    phone: str
    name: str
    work_unit: str
    phone_verified: bool
    hours: YearHours


class CatalogueQuery(In):
    academy: int | None = Field(
        None, ge=1, description="Only courses below this academy, training base or site."
    )
    category: int | None = Field(None, ge=1, description="Category id.")
    level: Level | None = None
    mode: Mode | None = None
    tag: str | None = Field(None, max_length=100, description="Industry or skill tag.")
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")


MAX_RANGES = 50
# A lesson is at most a day long; nothing a player reports can lie beyond that.
MAX_SECONDS = 86_400.0
Second = Annotated[float, Field(ge=0, le=MAX_SECONDS)]


class HeartbeatIn(In):
    position: Second = 0
    rate: float = Field(1, gt=0, le=16)
    ranges: list[tuple[Second, Second]] = Field(default_factory=list, max_length=MAX_RANGES)
    visible: bool = True
    tab: str = Field("", max_length=40, pattern=r"^[\w.:-]*$")


class ProgressState(Out):
    position: float
    coverage: float
    credited_seconds: int
    lesson_complete: bool
    course_complete: bool


class ResumePosition(Out):
    position: float


# Rendering ---------------------------------------------------------------------------


def _choice(value: str, label) -> dict:
    return {"value": value, "label": str(label)}


def lesson_url(request, course: CoursePage, lesson) -> str:
    return absolute(
        request, course.get_url(request) + course.reverse_subpage("lesson", args=(lesson.key,))
    )


def course_json(request, course: CoursePage, *, academy: str, lecturers, tags) -> dict:
    cover = course.cover_image
    return {
        "id": course.pk,
        "title": course.title,
        "summary": course.summary,
        "url": absolute(request, course.get_url(request)),
        "cover_url": absolute(
            request, cover.get_rendition(selectors.COURSE_CARD_RENDITION).url if cover else None
        ),
        "academy": academy,
        "category": (
            {"id": course.category_id, "name": course.category.name} if course.category else None
        ),
        "level": _choice(course.level, course.get_level_display()),
        "mode": _choice(course.mode, course.get_mode_display()),
        "enrolment_policy": _choice(course.enrolment_policy, course.get_enrolment_policy_display()),
        "learning_hours": float(course.learning_hours),
        "lecturers": [lecturer.title for lecturer in lecturers],
        "tags": tags,
    }


def card_json(request, card: selectors.CourseCard) -> dict:
    return {
        **course_json(
            request,
            card.course,
            academy=card.unit_title,
            lecturers=card.course.lecturers,
            tags=card.tags,
        ),
        "my_status": card.status,
    }


def progress_json(request, course: CoursePage, progress: CourseProgress) -> dict:
    lesson = progress.resume_lesson
    return {
        "lessons_done": progress.lessons_done,
        "lessons_required": progress.lessons_required,
        "percent": progress.percent,
        "completed": progress.completed,
        "resume_lesson": (
            {
                "key": str(lesson.key),
                "title": lesson.title,
                "url": lesson_url(request, course, lesson),
            }
            if lesson
            else None
        ),
    }


def enrolment_json(enrolment: Enrolment | None, *, position: int | None = None) -> dict | None:
    if enrolment is None:
        return None
    return {
        "status": enrolment.status,
        "status_label": enrolment.get_status_display(),
        "waitlist_position": position,
        "note": enrolment.note,
    }


def _position(enrolment: Enrolment) -> int | None:
    if enrolment.status != EnrolmentStatus.WAITLISTED:
        return None
    return selectors.waitlist_position(enrolment=enrolment)


def _visible_course(request, course_id: int) -> CoursePage:
    course = selectors.course_for_visitor(request=request, course_id=course_id)
    if course is None:
        raise ApiError("not_found", _("This course does not exist, or is not open to you."), 404)
    return course


# Operations --------------------------------------------------------------------------


@router.get(
    "courses/",
    response={200: CoursePageOut, **errors(400, 404)},
    url_name="courses",
    summary=gettext_lazy("Course catalogue: live public courses, newest first"),
    **ANYONE,
)
def course_list(request, filters: Query[CatalogueQuery]):
    """Live public courses, newest first; below one academy, base or night-school site
    with ``academy``, filtered by ``category``, ``level``, ``mode``, ``tag``."""
    form = CourseCatalogueForm(filters.dict(exclude_none=True, exclude={"page"}))
    if not form.is_valid():
        if set(form.errors) <= {"academy", "category"}:
            raise ApiError("not_found", _("No such academy or category."), 404)
        raise form_error(form)
    chosen = form.filters()
    listing = selectors.course_listing(
        within=chosen.pop("academy", None) or Page.get_first_root_node(),
        user=request.user,
        page_number=filters.page,
        **chosen,
    )
    return page_json(listing.page, [card_json(request, card) for card in listing.cards])


@router.get(
    "courses/{int:course_id}/",
    response={200: CourseDetail, **errors(400, 404)},
    url_name="course",
    summary=gettext_lazy("A course: outline, seats, and your enrolment and progress"),
    **ANYONE,
)
def course_detail(request, course_id: Id):
    course = _visible_course(request, course_id)
    detail = selectors.course_detail(course=course, user=request.user)
    enrolment = detail["enrolment"]
    studying = enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE
    return {
        **course_json(
            request,
            course,
            academy=detail["unit"].title,
            lecturers=[link.lecturer for link in detail["course_lecturers"]],
            tags=detail["tags"],
        ),
        "seat_limit": course.seat_limit if course.is_limited else None,
        "seats_left": detail["seats_left"],
        "chapters": [
            {
                "id": chapter.pk,
                "title": chapter.title,
                "lessons": [
                    {
                        "id": lesson.pk,
                        "key": lesson.key,
                        "title": lesson.title,
                        "required": lesson.required,
                        "duration_seconds": lesson.duration_seconds,
                        "has_video": lesson.video_id is not None,
                        "url": lesson_url(request, course, lesson),
                    }
                    for lesson in chapter.lessons.all()
                ],
            }
            for chapter in detail["chapters"]
        ],
        "my_enrolment": enrolment_json(enrolment, position=detail["waitlist_position"]),
        "my_progress": (
            progress_json(
                request,
                course,
                selectors.course_progress(learner=request.user, courses=[course])[course.pk],
            )
            if studying
            else None
        ),
        "can_manage": detail["can_manage"],
    }


@router.post(
    "courses/{int:course_id}/enrolment/",
    response={200: EnrolmentChange, **errors(400, 401, 403, 404, 409)},
    url_name="enrolment",
    summary=gettext_lazy("Enrol in the course"),
    description=gettext_lazy(
        "As on the course page: enrolled at once, a request to approve, or a place on the "
        "waiting list when the seats are taken. Enrolling again changes nothing."
    ),
    **LOGIN,
)
def enrol(request, course_id: Id):
    course = _visible_course(request, course_id)
    try:
        enrolment = services.course_enrol(learner=request.user, course=course)
    except services.EnrolmentError as error:
        raise ApiError("not_open", str(error), 409) from error
    return {
        **enrolment_json(enrolment, position=_position(enrolment)),
        "message": str(ENROLLED_MESSAGES[enrolment.status]),
    }


@router.delete(
    "courses/{int:course_id}/enrolment/",
    response={200: EnrolmentChange, **errors(400, 401, 403, 404)},
    summary=gettext_lazy("Leave the course"),
    description=gettext_lazy("A freed seat goes to the first learner waiting."),
    **LOGIN,
)
def leave(request, course_id: Id):
    enrolment = selectors.enrolment_of(learner=request.user, course_id=course_id)
    if enrolment is None or not enrolment.takes_part:
        raise ApiError("not_enrolled", _("You are not enrolled in this course."), 404)
    services.course_unenrol(enrolment=enrolment, by=request.user)
    enrolment.refresh_from_db()
    return {
        **enrolment_json(enrolment),
        "message": _("You have left “%(course)s”.") % {"course": enrolment.course.title},
    }


@router.get(
    "me/",
    response={200: MeOut, **errors(401)},
    url_name="me",
    summary=gettext_lazy("Your profile and this year's learning hours against the target"),
    **LOGIN,
)
def me(request):
    user = request.user
    profile = learner_profile(user=user)
    year = selectors.learner_year(user=user)
    return {
        "id": user.pk,
        "phone": user.username,
        "name": display_name(user),
        "work_unit": profile.work_unit if profile else "",
        "phone_verified": profile.phone_verified if profile else False,
        "hours": {
            "year": year.year,
            "hours": float(year.hours),
            "target_hours": year.target_hours,
            "percent": year.percent,
        },
    }


@router.get(
    "me/courses/",
    response={200: MyCourses, **errors(401)},
    url_name="my_courses",
    summary=gettext_lazy("My learning: your courses with progress, requests and waiting lists"),
    **LOGIN,
)
def my_courses(request):
    """我的学习: the courses the learner is enrolled in, with progress and the lesson to
    continue with; and their requests and places on waiting lists."""
    courses = selectors.learner_courses(user=request.user)
    return {
        "enrolled": [
            {
                **card_json(request, card),
                "progress": progress_json(request, card.course, card.progress),
            }
            for card in courses.enrolled
        ],
        "waiting": [
            {
                "course": {
                    "id": enrolment.course_id,
                    "title": enrolment.course.title,
                    "url": absolute(request, enrolment.course.get_url(request)),
                },
                **enrolment_json(enrolment, position=position),
            }
            for enrolment, position in courses.waiting
        ],
    }


def _lesson_to_study(request, key: UUID) -> selectors.LessonForStudy:
    """The lesson, if the learner may record progress in it (the course's rules)."""
    found = selectors.lesson_for_study(request=request, key=key)
    if found is None or not found.visible:
        raise Http404
    if not found.may_study:
        raise ApiError("not_enrolled", _("Enrol in the course to record your learning."), 403)
    return found


@router.get(
    "lessons/{uuid:key}/progress/",
    response={200: ResumePosition, **errors(401, 403, 404)},
    url_name="lesson_progress",
    summary=gettext_lazy("Where to resume the lesson's video"),
    **LOGIN,
)
def lesson_resume(request, key: UUID):
    _lesson_to_study(request, key)
    return {"position": resume_position(learner=request.user, lesson_key=key)}


@router.post(
    "lessons/{uuid:key}/progress/",
    response={200: ProgressState, **errors(400, 401, 403, 404)},
    summary=gettext_lazy("Heartbeat of the player or of a text lesson's page"),
    description=gettext_lazy(
        "Sent every 15 s while a lesson plays, or while a text lesson's page is in front (then "
        "with only visible and tab). Time is credited as the learner's one clock allows; a "
        "report no player sends is refused whole (400) and nothing is recorded."
    ),
    **LOGIN,
)
def lesson_heartbeat(request, key: UUID, beat: HeartbeatIn):
    # The hottest address of the site (every studying learner, every 15 s): a few queries.
    found = _lesson_to_study(request, key)
    try:
        checked = read_beat(beat.model_dump(exclude={"tab"}), duration=found.lesson.duration)
    except BeatError as error:
        raise ApiError(
            "invalid",
            _("The progress report was refused and nothing was recorded: %(reason)s")
            % {"reason": error.message},
        ) from error
    state = services.lesson_heartbeat(
        learner=request.user,
        lesson=found.lesson,
        beat=checked,
        tab=beat.tab or request.session.session_key or "app",
    )
    return {
        "position": state.lesson.position,
        "coverage": round(state.lesson.coverage, 3),
        "credited_seconds": round(state.lesson.credited_seconds),
        "lesson_complete": state.lesson.lesson_complete,
        "course_complete": state.course_complete,
    }
