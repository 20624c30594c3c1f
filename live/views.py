"""The lecture page and what it polls and posts, and the ingest server's callbacks.

Thin: each reads the request, calls a selector or a service, and answers. JSON errors
have the platform's shape ``{"error": {"code", "message"}}``, the message in Chinese.
"""

import hmac
import json
import math

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import display_name
from learning.crediting import Beat
from live import conf, selectors, services
from live.models import LiveQuestion, LiveStatus, Protocol
from video import selectors as video_selectors
from video import services as video_services

MAX_BODY_BYTES = 4096
MAX_RANGES = 50


def _error(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _lecture_or_404(lecture_id: int):
    lecture = selectors.lecture_for_page(lecture_id)
    if lecture is None:
        raise Http404
    return lecture


@ensure_csrf_cookie
@require_GET
def lecture_page(request, lecture_id: int):
    """Before: the countdown. Live: the player, back-to-live, viewers, Q&A. After: the
    replay in the library player."""
    lecture = _lecture_or_404(lecture_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not selectors.may_watch(user=request.user, lecture=lecture):
        return render(request, "live/not_allowed.html", {"lecture": lecture}, status=403)
    context = {
        "lecture": lecture,
        "moderator": selectors.may_manage(user=request.user, lecture=lecture),
        "questions": selectors.questions_for(
            lecture=lecture,
            user=request.user,
            moderator=selectors.may_manage(user=request.user, lecture=lecture),
        ),
        "viewers": selectors.viewers_now(lecture=lecture),
        "now": timezone.now(),
    }
    if lecture.is_on_air and lecture.video_id:
        context["playback"] = selectors.playback_for(lecture)
        context["video"] = lecture.video
        context["play_ticket"] = video_services.play_ticket(video=lecture.video)
    elif lecture.status == LiveStatus.ENDED and lecture.video_id:
        video = video_selectors.video_for_playback(lecture.video_id)
        if video is not None and video.is_ready:
            context["replay"] = True
            context["video"] = video
            context["playback"] = video_selectors.playback_for(video)
            context["play_ticket"] = video_services.play_ticket(video=video)
    return render(request, "live/live_lecture.html", context)


def _question_json(question: LiveQuestion, user) -> dict:
    return {
        "id": question.pk,
        "text": question.text,
        "author": display_name(question.author),
        "answered": question.answered_at is not None,
        "hidden": question.hidden_at is not None,
        "mine": question.author_id == user.pk,
    }


@never_cache
@require_GET
def lecture_state(request, lecture_id: int):
    """What the page polls every few seconds: status, viewers, the questions."""
    lecture = _lecture_or_404(lecture_id)
    if not selectors.may_watch(user=request.user, lecture=lecture):
        return _error("forbidden", _("You cannot watch this lecture."), 403)
    moderator = selectors.may_manage(user=request.user, lecture=lecture)
    questions = selectors.questions_for(lecture=lecture, user=request.user, moderator=moderator)
    return JsonResponse(
        {
            "status": lecture.status,
            "status_label": str(lecture.get_status_display()),
            "viewers": selectors.viewers_now(lecture=lecture),
            "starts_in": max((lecture.starts_at - timezone.now()).total_seconds(), 0),
            "questions": [_question_json(question, request.user) for question in questions],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _json_body(request) -> dict | None:
    if len(request.body) > MAX_BODY_BYTES:
        return None
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _number(value, *, low: float, high: float) -> float:
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(value)
    return number


def _beat(payload: dict, limit: float) -> Beat:
    ranges = payload.get("ranges") or []
    if not isinstance(ranges, list) or len(ranges) > MAX_RANGES:
        raise ValueError("ranges")
    parsed = []
    for pair in ranges:
        start, end = (_number(value, low=0, high=limit) for value in pair)
        if end < start:
            raise ValueError("range runs backwards")
        parsed.append((start, end))
    return Beat(
        position=_number(payload.get("position") or 0, low=0, high=limit),
        ranges=parsed,
        rate=_number(payload.get("rate") or 1, low=0, high=16),
        visible=payload.get("visible", True) is True,
    )


@require_POST
def lecture_progress(request, lecture_id: int):
    """The live player's heartbeat: counts the learner as watching and credits honest
    live time to the ledger as 直播课."""
    lecture = _lecture_or_404(lecture_id)
    if not request.user.is_authenticated:
        return _error("login_required", _("Please log in first."), 401)
    if not selectors.may_watch(user=request.user, lecture=lecture):
        return _error("forbidden", _("You cannot watch this lecture."), 403)
    if not lecture.is_on_air:
        return _error("not_live", _("The lecture is not live now."), 409)
    payload = _json_body(request)
    recorded = services.live_seconds(lecture=lecture)
    try:
        beat = _beat(payload or {}, limit=recorded + 60) if payload is not None else None
    except (TypeError, ValueError):
        beat = None
    if beat is None:
        return _error("invalid", _("The progress report could not be read."))
    tab = str(payload.get("tab") or "")[:40].replace("\x00", "") or "default"
    state = services.watch_record(
        lecture=lecture, learner=request.user, beat=beat, tab=tab, live_seconds=recorded
    )
    return JsonResponse(
        {
            "credited_seconds": round(state.credited_seconds),
            "viewers": selectors.viewers_now(lecture=lecture),
        }
    )


@require_POST
def question_create(request, lecture_id: int):
    lecture = _lecture_or_404(lecture_id)
    if not request.user.is_authenticated:
        return _error("login_required", _("Please log in first."), 401)
    if not selectors.may_watch(user=request.user, lecture=lecture):
        return _error("forbidden", _("You cannot watch this lecture."), 403)
    payload = _json_body(request)
    text = payload.get("text") if payload else None
    if not isinstance(text, str):
        return _error("invalid", _("Write your question first."))
    try:
        question = services.question_post(lecture=lecture, author=request.user, text=text)
    except ValidationError as error:
        return _error("invalid", " ".join(error.messages))
    return JsonResponse(
        _question_json(question, request.user),
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
def question_moderate(request, lecture_id: int, question_id: int):
    lecture = _lecture_or_404(lecture_id)
    if not selectors.may_manage(user=request.user, lecture=lecture):
        return _error(
            "forbidden", _("Only the lecturer and the academy's administrators can do this."), 403
        )
    question = get_object_or_404(LiveQuestion, pk=question_id, lecture=lecture)
    action = (_json_body(request) or {}).get("action")
    if action not in ("answered", "hidden", "shown"):
        return _error("invalid", _("Unknown action."))
    services.question_moderate(question=question, by=request.user, action=action)
    return JsonResponse(
        _question_json(question, request.user), json_dumps_params={"ensure_ascii": False}
    )


@require_POST
def lecture_end(request, lecture_id: int):
    """结束直播: the lecturer or an admin ends the lecture; the replay follows."""
    lecture = _lecture_or_404(lecture_id)
    if not selectors.may_manage(user=request.user, lecture=lecture):
        raise Http404
    if services.lecture_end(lecture=lecture):
        messages.success(
            request, _("The lecture has ended. The replay will be ready within a minute.")
        )
    else:
        messages.info(request, _("The lecture is not live, so there is nothing to end."))
    return redirect(reverse("live:lecture", args=(lecture.pk,)))


# The ingest server's callbacks --------------------------------------------------------


def _from_ingest(secret: str) -> bool:
    return hmac.compare_digest(secret.encode(), conf.ingest_secret().encode())


@csrf_exempt
@require_POST
def on_publish(request, secret: str):
    """nginx-rtmp asks whether a publisher may stream on a key: 2xx accepts."""
    if not _from_ingest(secret):
        return HttpResponseForbidden()
    via = request.POST.get("via", "")
    try:
        services.publish_authorize(
            stream_key=request.POST.get("name", ""),
            protocol=Protocol.SRT if via == "srt" else Protocol.RTMP,
            client_addr=request.POST.get("addr", ""),
            client_id=request.POST.get("clientid", ""),
        )
    except services.PublishRefused:
        return HttpResponseForbidden()
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def on_publish_done(request, secret: str):
    if not _from_ingest(secret):
        return HttpResponseForbidden()
    services.publish_done(stream_key=request.POST.get("name", ""))
    return HttpResponse("ok")
