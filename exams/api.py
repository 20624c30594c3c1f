"""Exams as JSON for apps: exams open to the learner, opening one (the frozen paper),
saving answers (idempotent, with the client's answer id and revision), evidence events,
handing in, the result; and, for the unit's admins and lecturers, an exam's results.
Thin over `exams.selectors` and `exams.services`; the website's taking page uses the
same services."""

from typing import Annotated, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router
from pydantic import AwareDatetime, StrictBool, StrictInt, StrictStr

from exams import selectors, services
from exams.models import CLIENT_EVENTS, AttemptStatus, ExamKind, QuestionType
from exams.services import ExamError
from lms.api import LOGIN, ApiError, Id, In, Out, errors

router = Router(tags=["exams"])

ClientId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]
# One element of an answer: an option's number, true/false, or a text (a blank, an essay).
Part = StrictInt | StrictBool | Annotated[StrictStr, Field(max_length=5000)]


class ExamOut(Out):
    id: int
    title: str
    kind: ExamKind
    kind_label: str
    course_id: int | None
    time_limit_minutes: int | None
    opens_at: str | None
    closes_at: str | None
    max_attempts: int | None = Field(description="null: unlimited")
    pass_mark: float
    instructions: str


class OptionOut(Out):
    value: int = Field(description="Send this number to choose the option.")
    letter: str
    text: str


class QuestionOut(Out):
    position: int
    type: QuestionType
    score: float
    stem_html: str
    options: list[OptionOut]
    blanks: int = Field(description="Fill-in: how many texts to send.")
    response: list = Field(description="What the server holds for this question.")
    revision: int


class AttemptOut(Out):
    id: int
    exam_id: int
    number: int
    status: AttemptStatus
    seconds_left: int | None = Field(description="null: untimed")
    max_score: float
    questions: list[QuestionOut]


class OpenIn(In):
    device: ClientId = Field(description="An id this device keeps for itself.")


class SaveIn(In):
    device: ClientId
    position: int = Field(ge=0, le=1000)
    response: list[Part] = Field(max_length=50, description="[] clears the answer.")
    client_id: ClientId = Field(description="Unique per save; a repeat changes nothing.")
    revision: int = Field(ge=1, le=2**31 - 1, description="Newest wins.")


class SavedOut(Out):
    position: int
    client_id: str
    revision: int
    correct: bool | None = Field(None, description="Practice only.")
    answer: list | None = Field(None, description="Practice only: the answer key.")
    explanation: str = ""


class EventIn(In):
    device: ClientId
    kind: Literal[tuple(str(kind) for kind in CLIENT_EVENTS)]  # type: ignore[valid-type]
    client_id: ClientId
    at: AwareDatetime | None = None


class RecordedOut(Out):
    recorded: bool


class PointOut(Out):
    name: str
    earned: float
    possible: float


class ResultOut(Out):
    id: int
    status: AttemptStatus
    score: float | None
    max_score: float
    passed: bool | None
    seconds_used: int | None
    auto_submitted: bool
    knowledge_points: list[PointOut]


class BandOut(Out):
    scores: str
    candidates: int


class HardOut(Out):
    question_id: int
    answered: int
    share_correct: int


class ResultsOut(Out):
    exam_id: int
    attempts: int
    finished: int
    awaiting_marking: int
    passed: int
    pass_rate: int
    average: float | None
    distribution: list[BandOut]
    hardest: list[HardOut]


def _refused(error: ExamError) -> ApiError:
    return ApiError(error.code, error.message, error.status)


def exam_json(exam) -> dict:
    return {
        "id": exam.pk,
        "title": exam.title,
        "kind": exam.kind,
        "kind_label": str(exam.get_kind_display()),
        "course_id": exam.course_id,
        "time_limit_minutes": exam.time_limit_minutes,
        "opens_at": exam.opens_at.isoformat() if exam.opens_at else None,
        "closes_at": exam.closes_at.isoformat() if exam.closes_at else None,
        "max_attempts": exam.max_attempts,
        "pass_mark": float(exam.pass_mark),
        "instructions": exam.instructions,
    }


def attempt_json(attempt) -> dict:
    from wagtail.rich_text import expand_db_html

    return {
        "id": attempt.pk,
        "exam_id": attempt.exam_id,
        "number": attempt.number,
        "status": attempt.status,
        "seconds_left": selectors.seconds_left(attempt),
        "max_score": float(attempt.max_score),
        "questions": [
            {
                "position": item.position,
                "type": item.type,
                "score": float(item.score),
                "stem_html": expand_db_html(item.question.stem),
                "options": [
                    {"value": value, "letter": letter, "text": text}
                    for value, letter, text in item.options
                ],
                "blanks": item.blanks,
                "response": item.response,
                "revision": item.revision,
            }
            for item in selectors.paper_of(attempt)
        ],
    }


def _exam(request, exam_id: int):
    exam = selectors.exam_for_learner(user=request.user, exam_id=exam_id)
    if exam is None:
        raise ApiError("not_found", _("This exam does not exist."), 404)
    return exam


@router.get(
    "exams/",
    response={200: list[ExamOut], **errors(401)},
    summary=gettext_lazy("Exams open to me"),
    **LOGIN,
)
def exam_list(request):
    return [exam_json(exam) for exam in selectors.exams_for_learner(user=request.user)]


@router.post(
    "exams/{int:exam_id}/attempts/",
    response={200: AttemptOut, **errors(400, 401, 403, 404, 409)},
    **LOGIN,
    summary=gettext_lazy("Open (or resume) my paper"),
    description=gettext_lazy(
        "Draws my paper once and freezes it; again, or from another device, it returns the "
        "same paper with my saved answers, and makes this device the active one."
    ),
)
def attempt_open(request, exam_id: Id, payload: OpenIn):
    exam = _exam(request, exam_id)
    try:
        attempt = services.attempt_open(exam=exam, learner=request.user, device=payload.device)
    except ExamError as error:
        raise _refused(error) from error
    return attempt_json(attempt)


@router.post(
    "exams/attempts/{int:attempt_id}/answers/",
    response={200: SavedOut, **errors(400, 401, 404, 409)},
    **LOGIN,
    summary=gettext_lazy("Save one answer"),
)
def answer_save(request, attempt_id: Id, payload: SaveIn):
    try:
        saved = services.answer_save(
            attempt_id=attempt_id, learner=request.user, device=payload.device,
            position=payload.position, response=payload.response,
            client_id=payload.client_id, revision=payload.revision,
        )  # fmt: skip
    except ExamError as error:
        raise _refused(error) from error
    return {
        "position": saved.position, "client_id": saved.client_id, "revision": saved.revision,
        "correct": saved.correct, "answer": saved.answer, "explanation": saved.explanation,
    }  # fmt: skip


@router.post(
    "exams/attempts/{int:attempt_id}/events/",
    response={200: RecordedOut, **errors(400, 401, 404)},
    **LOGIN,
    summary=gettext_lazy("Record leaving the page or losing the network (evidence, never a fail)"),
)
def event_record(request, attempt_id: Id, payload: EventIn):
    try:
        services.event_record(
            attempt_id=attempt_id, learner=request.user, device=payload.device,
            kind=payload.kind, client_id=payload.client_id, at=payload.at,
        )  # fmt: skip
    except ExamError as error:
        raise _refused(error) from error
    return {"recorded": True}


def result_json(attempt) -> dict:
    breakdown = []
    if attempt.status == AttemptStatus.DONE:
        shown = selectors.paper_of(attempt)
        breakdown = [
            {"name": p.name, "earned": float(p.earned), "possible": float(p.possible)}
            for p in selectors.knowledge_point_breakdown(attempt, shown)
        ]
    return {
        "id": attempt.pk,
        "status": attempt.status,
        "score": float(attempt.score) if attempt.score is not None else None,
        "max_score": float(attempt.max_score),
        "passed": attempt.passed,
        "seconds_used": attempt.seconds_used,
        "auto_submitted": attempt.auto_submitted,
        "knowledge_points": breakdown,
    }


@router.post(
    "exams/attempts/{int:attempt_id}/submit/",
    response={200: ResultOut, **errors(400, 401, 404, 409)},
    **LOGIN,
    summary=gettext_lazy("Hand in"),
)
def attempt_submit(request, attempt_id: Id, payload: OpenIn):
    try:
        attempt = services.attempt_submit(
            attempt_id=attempt_id, learner=request.user, device=payload.device
        )
    except ExamError as error:
        raise _refused(error) from error
    return result_json(attempt)


@router.get(
    "exams/attempts/{int:attempt_id}/result/",
    response={200: ResultOut, **errors(401, 404, 409)},
    **LOGIN,
    summary=gettext_lazy("My result"),
)
def attempt_result(request, attempt_id: Id):
    attempt = selectors.attempt_of_learner(learner=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise ApiError("not_found", _("This attempt does not exist."), 404)
    if attempt.is_open:
        raise ApiError("not_submitted", _("This paper has not been handed in yet."), 409)
    return result_json(attempt)


@router.get(
    "exams/{int:exam_id}/results/",
    response={200: ResultsOut, **errors(401, 404)},
    **LOGIN,
    summary=gettext_lazy("An exam's results (its unit's admins and lecturers)"),
)
def exam_results(request, exam_id: Id):
    exam = selectors.exams_managed_by(user=request.user).filter(pk=exam_id).first()
    if exam is None:
        raise ApiError("not_found", _("This exam does not exist."), 404)
    results = selectors.exam_results(exam=exam)
    return {
        "exam_id": exam.pk,
        "attempts": results.attempts,
        "finished": results.finished,
        "awaiting_marking": results.awaiting_marking,
        "passed": results.passed,
        "pass_rate": results.pass_rate,
        "average": float(results.average) if results.average is not None else None,
        "distribution": [
            {"scores": band, "candidates": count} for band, count in results.distribution
        ],
        "hardest": [
            {"question_id": s.question.pk, "answered": s.answered, "share_correct": s.share_correct}
            for s in results.hardest
        ],
    }
