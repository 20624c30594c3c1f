"""JSON for the lesson player (resume position, heartbeats) and the learner's own record:
profile with this year's hours, certificates.

Heartbeat body, as static/js/video-player.js sends it:
``{"position": s, "rate": r, "ranges": [[from, to], …], "visible": bool, "tab": "id"}``.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import learner_profile
from courses.selectors import (
    learner_year,
    lessons_to_study,
    may_see_course,
    may_study,
)
from learning import views
from learning.crediting import Beat
from learning.progress import progress_record, resume_position
from learning.selectors import certificates_of_learner
from lms.api import ApiError, absolute, api_view, iso, read_json, respond

MAX_RANGES = 50


def _beat(payload: dict) -> Beat:
    ranges = payload.get("ranges") or []
    if not isinstance(ranges, list) or len(ranges) > MAX_RANGES:
        raise ValueError
    return Beat(
        position=float(payload.get("position") or 0),
        ranges=[(float(start), float(end)) for start, end in ranges],
        rate=float(payload.get("rate") or 1),
        visible=bool(payload.get("visible", True)),
    )


@api_view("GET", "POST", login=True)
def lesson_progress(request, key):
    # The hottest address of the site (every playing learner, every 15 s): a few queries.
    lesson = get_object_or_404(lessons_to_study(user=request.user), key=key)
    course = lesson.chapter.course
    if not may_see_course(request=request, course=course):
        raise Http404
    if not may_study(user=request.user, course=course, enrolled=lesson.enrolled):
        raise ApiError("not_enrolled", _("Enrol in the course to record your learning."), 403)
    if request.method == "GET":
        return respond({"position": resume_position(learner=request.user, lesson=lesson)})
    message = _("The progress report could not be read.")
    payload = read_json(request, message)
    try:
        beat = _beat(payload)
    except (ValueError, TypeError) as error:
        raise ApiError("invalid", message) from error
    tab = str(payload.get("tab") or "")[:40] or request.session.session_key or "default"
    state = progress_record(learner=request.user, course=course, lesson=lesson, beat=beat, tab=tab)
    return respond(
        {
            "position": state.position,
            "coverage": round(state.coverage, 3),
            "credited_seconds": round(state.credited_seconds),
            "lesson_complete": state.lesson_complete,
            "course_complete": state.course_complete,
        }
    )


@api_view("GET", login=True)
def me(request):
    user = request.user
    profile = learner_profile(user=user)
    year = learner_year(user=user)
    return respond(
        {
            "id": user.pk,
            "phone": user.username,
            "name": profile.real_name if profile else user.get_full_name(),
            "work_unit": profile.work_unit if profile else "",
            "phone_verified": profile.phone_verified if profile else False,
            "hours": {
                "year": year.year,
                "hours": year.hours,
                "target_hours": year.target_hours,
                "percent": year.percent,
            },
        }
    )


@api_view("GET", login=True)
def my_certificates(request):
    return respond(
        {
            "results": [
                {
                    "code": certificate.code,
                    "course": {"id": certificate.course_id, "title": certificate.course_title},
                    "academy": certificate.academy_title,
                    "hours": float(certificate.hours),
                    "issued_at": iso(certificate.issued_at),
                    "revoked": not certificate.is_valid,
                    "revoked_at": iso(certificate.revoked_at),
                    "pdf_url": absolute(
                        request, reverse("learning:api_certificate_pdf", args=(certificate.code,))
                    ),
                    "verify_url": absolute(
                        request, reverse("learning:certificate_verify", args=(certificate.code,))
                    ),
                }
                for certificate in certificates_of_learner(learner=request.user)
            ]
        }
    )


@api_view("GET", login=True)
def certificate_pdf(request, code: str):
    """The page's download, for apps too: they authenticate with their token."""
    return views.certificate_download(request, code)
