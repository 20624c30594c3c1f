"""The learner's pages: exams open to them, taking one on a phone, the result, the
mistake book. The taking page saves through the small JSON endpoints below."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exams import selectors, services
from exams.models import AttemptStatus
from exams.services import ExamError


def error_json(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _payload(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise ExamError("bad_json", _("The request is not valid JSON.")) from error
    if not isinstance(data, dict):
        raise ExamError("bad_json", _("The request is not valid JSON."))
    return data


def _text(data: dict, name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ExamError("bad_field", _("%(field)s must be a text.") % {"field": name})
    return value


def _integer(data: dict, name: str, low: int = 0, high: int = 2**31 - 1) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ExamError(
            "bad_field",
            _("%(field)s must be a whole number from %(low)s to %(high)s.")
            % {"field": name, "low": low, "high": high},
        )
    return value


def _moment(data: dict):
    """When the page saw an event (ISO 8601); None when it did not say."""
    text = _text(data, "at")
    if not text:
        return None
    try:
        at = parse_datetime(text)
    except ValueError:
        at = None
    if at is None:
        raise ExamError("bad_field", _("at must be a date and time (ISO 8601)."))
    return timezone.make_aware(at) if timezone.is_naive(at) else at


def json_endpoint(view):
    """POST with a JSON body from a signed-in learner; refusals as {"error": …}."""

    @require_POST
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return error_json("login", _("Please log in again."), 401)
        try:
            return view(request, _payload(request), *args, **kwargs)
        except ExamError as error:
            return error_json(error.code, error.message, error.status)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_required
def exam_list(request):
    exams = selectors.exams_for_learner(user=request.user)
    return render(
        request,
        "exams/exam_list.html",
        {"exams": exams, "mistakes": len(selectors.mistakes_of(learner=request.user))},
    )


@login_required
def exam_detail(request, exam_id: int):
    exam = selectors.exam_for_learner(user=request.user, exam_id=exam_id)
    if exam is None:
        raise Http404
    attempts = selectors.attempts_of(exam=exam, learner=request.user)
    current = next((a for a in attempts if a.is_open), None)
    used = len([a for a in attempts if not a.is_open or a.status != AttemptStatus.READY])
    return render(
        request,
        "exams/exam_detail.html",
        {
            "exam": exam,
            "attempts": [a for a in attempts if a.status != AttemptStatus.READY],
            "current": current if current and current.status == AttemptStatus.OPEN else None,
            "can_start": exam.is_open()
            and (current is not None or not exam.max_attempts or used < exam.max_attempts),
        },
    )


@login_required
@require_POST
def exam_start(request, exam_id: int):
    exam = selectors.exam_for_learner(user=request.user, exam_id=exam_id)
    if exam is None:
        raise Http404
    try:
        attempt = services.attempt_open(
            exam=exam, learner=request.user, device=request.POST.get("device", "")[:64]
        )
    except ExamError as error:
        return render(
            request, "exams/refused.html", {"exam": exam, "error": error}, status=error.status
        )
    return redirect("exams:take", attempt_id=attempt.pk)


@login_required
def attempt_take(request, attempt_id: int):
    attempt = selectors.attempt_of_learner(learner=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404
    if not attempt.is_open:
        return redirect("exams:result", attempt_id=attempt.pk)
    shown = selectors.paper_of(attempt)
    return render(
        request,
        "exams/attempt_take.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "shown": shown,
            "seconds_left": selectors.seconds_left(attempt),
            "revision": max((item.revision for item in shown), default=0),
            "state": [item.as_json() for item in shown],
        },
    )


@json_endpoint
def attempt_claim(request, data, attempt_id: int):
    """The taking page, loaded on a device, makes it the attempt's active device."""
    attempt = services.attempt_claim(
        attempt_id=attempt_id, learner=request.user, device=_text(data, "device")
    )
    return JsonResponse({"seconds_left": selectors.seconds_left(attempt)})


@json_endpoint
def answer_save(request, data, attempt_id: int):
    response = data.get("response")
    saved = services.answer_save(
        attempt_id=attempt_id,
        learner=request.user,
        device=_text(data, "device"),
        position=_integer(data, "position", 0, 1000),
        response=response,
        client_id=_text(data, "client_id"),
        revision=_integer(data, "revision", 1),
    )
    body = {"position": saved.position, "client_id": saved.client_id, "revision": saved.revision}
    if saved.correct is not None:
        body.update(correct=saved.correct, answer=saved.answer, explanation=saved.explanation)
    return JsonResponse(body)


@json_endpoint
def event_record(request, data, attempt_id: int):
    services.event_record(
        attempt_id=attempt_id,
        learner=request.user,
        device=_text(data, "device"),
        kind=_text(data, "kind"),
        client_id=_text(data, "client_id"),
        at=_moment(data),
    )
    return JsonResponse({"recorded": True})


@json_endpoint
def attempt_submit(request, data, attempt_id: int):
    attempt = services.attempt_submit(
        attempt_id=attempt_id, learner=request.user, device=_text(data, "device")
    )
    return JsonResponse(
        {"status": attempt.status, "result_url": reverse("exams:result", args=(attempt.pk,))}
    )


@login_required
def attempt_result(request, attempt_id: int):
    attempt = selectors.attempt_of_learner(learner=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404
    if attempt.is_open:
        return redirect("exams:take", attempt_id=attempt.pk)
    shown = selectors.paper_of(attempt)
    exam = attempt.exam
    return render(
        request,
        "exams/attempt_result.html",
        {
            "attempt": attempt,
            "exam": exam,
            "shown": shown,
            "breakdown": selectors.knowledge_point_breakdown(attempt, shown)
            if attempt.status == AttemptStatus.DONE
            else [],
            "show_answers": exam.show_answers or exam.is_practice,
            "show_explanations": exam.show_explanations or exam.is_practice,
            "certificate_course": exam.course if attempt.passed and exam.course_id else None,
        },
    )


@login_required
def mistake_book(request):
    return render(
        request,
        "exams/mistake_book.html",
        {"mistakes": selectors.mistakes_of(learner=request.user)},
    )


@json_endpoint
def mistake_retry(request, data, question_id: int):
    result, question = services.mistake_retry(
        learner=request.user, question_id=question_id, response=data.get("response")
    )
    return JsonResponse(
        {"correct": result.correct, "answer": question.answer, "explanation": question.explanation}
    )
