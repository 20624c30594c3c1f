"""JSON for the lesson player: resume position (GET) and heartbeats (POST).

Heartbeat body, as static/js/video-player.js sends it:
``{"position": s, "rate": r, "ranges": [[from, to], …], "visible": bool, "tab": "id"}``.
"""

import json

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses.models import Lesson
from courses.selectors import may_study
from learning.crediting import Beat
from learning.progress import progress_record, resume_position

MAX_RANGES = 50


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"message": message}}, status=status)


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


@require_http_methods(["GET", "POST"])
def lesson_progress(request, key):
    if not request.user.is_authenticated:
        return _error(_("Please log in to record your learning."), 401)
    lesson = get_object_or_404(Lesson.objects.select_related("chapter__course", "video"), key=key)
    course = lesson.chapter.course
    if not may_study(user=request.user, course=course):
        return _error(_("Enrol in the course to record your learning."), 403)
    if request.method == "GET":
        return JsonResponse({"position": resume_position(learner=request.user, lesson=lesson)})
    try:
        payload = json.loads(request.body or b"{}")
        beat = _beat(payload)
    except (ValueError, TypeError):
        return _error(_("The progress report could not be read."), 400)
    tab = str(payload.get("tab") or "")[:40] or request.session.session_key or "default"
    state = progress_record(learner=request.user, course=course, lesson=lesson, beat=beat, tab=tab)
    return JsonResponse(
        {
            "position": state.position,
            "coverage": round(state.coverage, 3),
            "credited_seconds": round(state.credited_seconds),
            "lesson_complete": state.lesson_complete,
            "course_complete": state.course_complete,
        }
    )
