"""The catalogue, a course with its outline, enrolling and leaving, the learner's courses
and profile, and the lesson heartbeat, as JSON for apps; thin over `courses.selectors` and
`courses.services`.

Heartbeat body, as static/js/video-player.js sends it (a text lesson's page sends only
``visible`` and ``tab``): ``{"position": s, "rate": r, "ranges": [[from, to], …],
"visible": bool, "tab": "id"}``; checked by `learning.crediting.read_beat`.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from wagtail.models import Page

from accounts.selectors import learner_profile
from courses import selectors, services
from courses.forms import CourseCatalogueForm
from courses.models import CoursePage, Enrolment, EnrolmentStatus
from courses.views import ENROLLED_MESSAGES
from learning.crediting import BeatError, read_beat, read_tab
from learning.selectors import CourseProgress, resume_position
from lms.api import ApiError, absolute, api_view, form_error, page_json, read_json, respond


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


@api_view("GET")
def course_list(request):
    """Live public courses, newest first; below one academy, base or night-school site
    with ``academy``, filtered by ``category``, ``level``, ``mode``, ``tag``."""
    form = CourseCatalogueForm(request.GET)
    if not form.is_valid():
        raise form_error(form)
    filters = form.filters()
    listing = selectors.course_listing(
        within=filters.pop("academy", None) or Page.get_first_root_node(),
        user=request.user,
        page_number=request.GET.get("page"),
        **filters,
    )
    return respond(page_json(listing.page, [card_json(request, card) for card in listing.cards]))


@api_view("GET")
def course_detail(request, course_id: int):
    course = _visible_course(request, course_id)
    detail = selectors.course_detail(course=course, user=request.user)
    enrolment = detail["enrolment"]
    studying = enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE
    return respond(
        {
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
                            "key": str(lesson.key),
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
    )


@api_view("POST", "DELETE", login=True)
def enrolment(request, course_id: int):
    """POST: enrol as on the course page (at once, as a request, or on the waiting list).
    DELETE: leave the course; a freed seat goes to the first learner waiting."""
    if request.method == "DELETE":
        return _leave(request, course_id)
    course = _visible_course(request, course_id)
    try:
        enrolment = services.course_enrol(learner=request.user, course=course)
    except services.EnrolmentError as error:
        raise ApiError("not_open", str(error), 409) from error
    return respond(
        {
            **enrolment_json(enrolment, position=_position(enrolment)),
            "message": str(ENROLLED_MESSAGES[enrolment.status]),
        }
    )


def _leave(request, course_id: int):
    enrolment = selectors.enrolment_of(learner=request.user, course_id=course_id)
    if enrolment is None or not enrolment.takes_part:
        raise ApiError("not_enrolled", _("You are not enrolled in this course."), 404)
    services.course_unenrol(enrolment=enrolment, by=request.user)
    enrolment.refresh_from_db()
    return respond(
        {
            **enrolment_json(enrolment),
            "message": _("You have left “%(course)s”.") % {"course": enrolment.course.title},
        }
    )


@api_view("GET", login=True)
def my_courses(request):
    """我的学习: the courses the learner is enrolled in, with progress and the lesson to
    continue with; and their requests and places on waiting lists."""
    courses = selectors.learner_courses(user=request.user)
    return respond(
        {
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
    )


@api_view("GET", "POST", login=True)
def lesson_progress(request, key):
    """GET: where to resume the lesson. POST: a heartbeat of its player or text page."""
    # The hottest address of the site (every studying learner, every 15 s): a few queries.
    found = selectors.lesson_for_study(request=request, key=key)
    if found is None or not found.visible:
        raise Http404
    if not found.may_study:
        raise ApiError("not_enrolled", _("Enrol in the course to record your learning."), 403)
    if request.method == "GET":
        return respond({"position": resume_position(learner=request.user, lesson_key=key)})
    payload = read_json(request, _("The progress report could not be read."))
    try:
        beat = read_beat(payload, duration=found.lesson.duration)
        tab = read_tab(payload.get("tab"), default=request.session.session_key or "app")
    except BeatError as error:
        raise ApiError(
            "invalid",
            _("The progress report was refused and nothing was recorded: %(reason)s")
            % {"reason": error.message},
        ) from error
    state = services.lesson_heartbeat(learner=request.user, lesson=found.lesson, beat=beat, tab=tab)
    return respond(
        {
            "position": state.lesson.position,
            "coverage": round(state.lesson.coverage, 3),
            "credited_seconds": round(state.lesson.credited_seconds),
            "lesson_complete": state.lesson.lesson_complete,
            "course_complete": state.course_complete,
        }
    )


@api_view("GET", login=True)
def me(request):
    user = request.user
    profile = learner_profile(user=user)
    year = selectors.learner_year(user=user)
    return respond(
        {
            "id": user.pk,
            "phone": user.username,
            "name": profile.real_name if profile else user.get_full_name(),
            "work_unit": profile.work_unit if profile else "",
            "phone_verified": profile.phone_verified if profile else False,
            "hours": {
                "year": year.year,
                "hours": float(year.hours),
                "target_hours": year.target_hours,
                "percent": year.percent,
            },
        }
    )
