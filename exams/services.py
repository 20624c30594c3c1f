"""Writes with the rules of exams: opening a paper, saving answers, submitting, marking.

Every change to an attempt locks its row first, so a save, a device switch, the
candidate's submit and the queue's auto-submit apply one after another.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from courses.selectors import may_study
from exams import marking
from exams.generation import PaperShortOfQuestions, draw, new_seed
from exams.models import (
    CLIENT_EVENTS,
    Answer,
    Attempt,
    AttemptEvent,
    AttemptStatus,
    EventKind,
    Exam,
    ExamKind,
    Mistake,
    Question,
    QuestionType,
    Registration,
)

# Saves sent in the last seconds before the deadline may arrive a little after it.
DEADLINE_GRACE = datetime.timedelta(seconds=15)


class ExamError(Exception):
    """A refusal a candidate or client sees: a code for programs, a message for people."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _paper(exam: Exam, seed: int) -> list[dict]:
    try:
        return [drawn.as_json() for drawn in draw(exam.paper, seed)]
    except PaperShortOfQuestions as short:
        raise ExamError(
            "paper_short",
            _("The paper cannot be drawn: %(problems)s Please tell the exam's organisers.")
            % {"problems": " ".join(short.args[0])},
            status=409,
        ) from short


def _check_device(device: str) -> None:
    if not isinstance(device, str) or not device or len(device) > 64 or "\x00" in device:
        raise ExamError("device", _("The page did not identify the device. Please reload."))


def _new_attempt(exam: Exam, learner, number: int, status: str, now) -> Attempt:
    seed = new_seed()
    questions = _paper(exam, seed)
    return Attempt(
        exam=exam,
        learner=learner,
        number=number,
        seed=seed,
        questions=questions,
        max_score=sum((Decimal(q["score"]) for q in questions), Decimal(0)),
        status=status,
        generated_at=now,
    )


def may_take(exam: Exam, learner, now) -> None:
    """Refuse a candidate who may not open the exam now."""
    if not exam.published:
        raise ExamError("not_found", _("This exam does not exist."), status=404)
    if exam.opens_at and now < exam.opens_at:
        raise ExamError(
            "not_open",
            _("The exam opens at %(time)s.")
            % {"time": timezone.localtime(exam.opens_at).strftime("%Y-%m-%d %H:%M")},
            status=403,
        )
    if exam.closes_at and now >= exam.closes_at:
        raise ExamError("closed", _("The exam has closed."), status=403)
    if exam.kind == ExamKind.FINAL and not may_study(user=learner, course=exam.course):
        raise ExamError(
            "not_enrolled", _("Please enrol in the course before taking its final exam."), 403
        )
    if (
        exam.kind == ExamKind.COMPETITION
        and not Registration.objects.filter(exam=exam, learner=learner).exists()
    ):
        raise ExamError(
            "not_registered",
            _("You are not on the registration list of this competition."),
            status=403,
        )


def _deadline(exam: Exam, started_at) -> datetime.datetime | None:
    ends = []
    if exam.time_limit_minutes:
        ends.append(started_at + datetime.timedelta(minutes=exam.time_limit_minutes))
    if exam.closes_at:
        ends.append(exam.closes_at)
    return min(ends) if ends else None


@transaction.atomic
def attempt_open(*, exam: Exam, learner, device: str, now=None) -> Attempt:
    """The candidate's current attempt, claimed for this device: resumed if open, else
    their pre-generated paper started, else a new paper drawn and frozen. The unique
    (exam, learner, number) row means a candidate never gets two papers, however many
    requests race."""
    now = now or timezone.now()
    _check_device(device)
    may_take(exam, learner, now)
    current = (
        Attempt.objects.select_for_update()
        .filter(exam=exam, learner=learner)
        .order_by("-number")
        .first()
    )
    if current is not None:
        current.exam = exam  # read already: its deadline is set from it
    if current is not None and current.is_open and _overdue(current, now):
        _submit(current, auto=True, now=now)
    if current is None or not current.is_open:
        used = current.number if current else 0
        if exam.max_attempts and used >= exam.max_attempts:
            raise ExamError(
                "no_attempts_left", _("You have used all your attempts at this exam."), 403
            )
        try:
            with transaction.atomic():
                current = _new_attempt(exam, learner, used + 1, AttemptStatus.READY, now)
                current.save()
        except IntegrityError:
            # Another request of the same candidate drew the paper first: use theirs.
            current = Attempt.objects.select_for_update().get(
                exam=exam, learner=learner, number=used + 1
            )
    return _claim(current, device, now)


def _claim(attempt: Attempt, device: str, now) -> Attempt:
    """Start the clock of a paper not started yet; make `device` the active one."""
    if attempt.status == AttemptStatus.READY:
        attempt.status = AttemptStatus.OPEN
        attempt.started_at = now
        attempt.deadline = _deadline(attempt.exam, now)
        attempt.device = device
        attempt.save(update_fields=["status", "started_at", "deadline", "device"])
        AttemptEvent.objects.create(attempt=attempt, kind=EventKind.OPENED, at=now, device=device)
    elif attempt.device != device:
        attempt.device = device
        attempt.save(update_fields=["device"])
        AttemptEvent.objects.create(attempt=attempt, kind=EventKind.DEVICE, at=now, device=device)
    return attempt


def attempt_claim(*, attempt_id: int, learner, device: str, now=None) -> Attempt:
    """A page showing this attempt was loaded on `device`: it becomes the active device
    (a reload, or the candidate going on on another phone). Never draws a new paper."""
    now = now or timezone.now()
    _check_device(device)
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("exam", "exam__paper")
            .filter(pk=attempt_id, learner=learner)
            .first()
        )
        if attempt is None:
            raise ExamError("not_found", _("This attempt does not exist."), status=404)
        if attempt.is_open and _overdue(attempt, now):
            _submit(attempt, auto=True, now=now)
        if attempt.is_open:
            return _claim(attempt, device, now)
    raise ExamError("submitted", _("This paper has been handed in."), status=409)


def papers_pregenerate_enqueue(*, exam: Exam) -> None:
    """Draw the candidates' papers in the queue (see `papers_pregenerate`), once the
    request's transaction has committed."""
    transaction.on_commit(lambda: async_task("exams.tasks.papers_pregenerate", exam.pk))


def papers_pregenerate(*, exam: Exam, progress=None) -> int:
    """Draw and freeze the paper of every registered candidate who has none yet, before
    a competition opens (so its opening minute only starts the clocks). Returns how many
    were drawn; safe to run again."""
    have = set(Attempt.objects.filter(exam=exam).values_list("learner_id", flat=True))
    registered = Registration.objects.filter(exam=exam).exclude(learner_id__in=have)
    drawn, now = 0, timezone.now()
    batch = []
    for learner_id in registered.values_list("learner_id", flat=True).iterator():
        attempt = _new_attempt(exam, None, 1, AttemptStatus.READY, now)
        attempt.learner_id = learner_id
        batch.append(attempt)
        if len(batch) == 500:
            drawn += len(Attempt.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
            if progress:
                progress(drawn)
    if batch:
        drawn += len(Attempt.objects.bulk_create(batch, ignore_conflicts=True))
    if progress:
        progress(drawn)
    return drawn


def _overdue(attempt: Attempt, now) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


def _locked_open_attempt(attempt_id: int, learner, device: str, now):
    """The attempt, locked, and the refusal to raise once the transaction is committed
    (None: the device may write to it). An attempt past its deadline is handed in, and a
    refused device is recorded as evidence: both must be kept."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("exam", "exam__paper")
        .filter(pk=attempt_id, learner=learner)
        .first()
    )
    if attempt is None:
        raise ExamError("not_found", _("This attempt does not exist."), status=404)
    if attempt.is_open and _overdue(attempt, now):
        _submit(attempt, auto=True, now=now)
    if not attempt.is_open:
        return attempt, ExamError("submitted", _("This paper has been handed in."), status=409)
    if attempt.device != device:
        AttemptEvent.objects.create(attempt=attempt, kind=EventKind.REFUSED, at=now, device=device)
        return attempt, ExamError(
            "other_device",
            _(
                "This exam is being answered on another device. Answers are saved only "
                "from the device that opened it last; reload this page to continue here."
            ),
            status=409,
        )
    return attempt, None


@dataclass(frozen=True)
class Saved:
    position: int
    client_id: str
    revision: int
    # Practice mode only: whether the answer is right, the key and the explanation.
    correct: bool | None = None
    answer: list | None = None
    explanation: str = ""


def answer_save(
    *,
    attempt_id: int,
    learner,
    device: str,
    position: int,
    response: list,
    client_id: str,
    revision: int,
    now=None,
) -> Saved:
    """Save the candidate's answer to one question. Idempotent: a save the server has
    already applied, or one older than what it holds (buffered saves arrive in any
    order), changes nothing, and the answer the server holds is returned."""
    now = now or timezone.now()
    _check_device(device)
    if not client_id or len(client_id) > 64 or "\x00" in client_id:
        raise ExamError("client_id", _("Each save needs the answer id the page gave it."))
    with transaction.atomic():
        attempt, refusal = _locked_open_attempt(attempt_id, learner, device, now)
        if refusal is None:
            return _save(attempt, learner, position, response, client_id, revision, now)
    raise refusal


UPSERT = """
    INSERT INTO exams_answer (attempt_id, position, question_id, response, client_id,
                              revision, saved_at, marker_comment)
    VALUES (%s, %s, %s, %s, %s, %s, %s, '')
    ON CONFLICT (attempt_id, position) DO UPDATE
        SET response = excluded.response, client_id = excluded.client_id,
            revision = excluded.revision, saved_at = excluded.saved_at
        WHERE exams_answer.revision < excluded.revision
    RETURNING client_id, revision, response
"""


def _upsert(attempt_id, position, question_id, response, client_id, revision, now) -> dict:
    """Store the save unless the row holds this revision or a newer one; one statement
    (PostgreSQL and SQLite both know INSERT … ON CONFLICT … RETURNING). What the row
    holds afterwards is returned."""
    field = Answer._meta.get_field
    params = [
        attempt_id,
        position,
        question_id,
        field("response").get_db_prep_save(response, connection),
        client_id,
        revision,
        field("saved_at").get_db_prep_save(now, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, params)
        row = cursor.fetchone()
    if row is not None:
        return {"client_id": row[0], "revision": row[1], "response": response}
    # An older or repeated save: the row keeps what it has.
    return Answer.objects.filter(attempt_id=attempt_id, position=position).values(
        "client_id", "revision", "response"
    )[0]


def _save(attempt, learner, position, response, client_id, revision, now) -> Saved:
    if not 0 <= position < len(attempt.questions):
        raise ExamError("position", _("The paper has no such question."))
    entry = attempt.questions[position]
    question = Question.objects.only(
        "type", "options", "answer", "explanation", "loose_matching"
    ).get(pk=entry["question"])  # read each time: a question corrected mid-exam counts
    error = marking.response_error(
        question.type,
        option_count=len(question.options),
        blanks=len(question.answer) if question.type == QuestionType.FILL else 0,
        response=response,
    )
    if error:
        raise ExamError("invalid_answer", error)
    held = _upsert(attempt.pk, position, question.pk, response, client_id, revision, now)
    saved = Saved(position, held["client_id"], held["revision"])
    if attempt.exam.kind != ExamKind.PRACTICE or not held["response"]:
        return saved
    result = _mark(question, entry, held["response"], attempt.exam.paper)
    if result.correct is False:
        _mistakes_note(learner, [question.pk], now)
    return Saved(
        position,
        saved.client_id,
        saved.revision,
        correct=result.correct,
        answer=question.answer,
        explanation=question.explanation,
    )


@transaction.atomic
def event_record(
    *, attempt_id: int, learner, device: str, kind: str, client_id: str, at=None
) -> None:
    """Evidence for the marker (left the page, lost the network …), never a fail. Sent
    again after a dropped connection, an event is kept once."""
    _check_device(device)
    if kind not in CLIENT_EVENTS:
        raise ExamError("event", _("Unknown event."))
    if not client_id or len(client_id) > 64 or "\x00" in client_id:
        raise ExamError("client_id", _("Each event needs the id the page gave it."))
    attempt = Attempt.objects.filter(pk=attempt_id, learner=learner).only("pk").first()
    if attempt is None:
        raise ExamError("not_found", _("This attempt does not exist."), status=404)
    now = timezone.now()
    at = min(at or now, now)
    AttemptEvent.objects.bulk_create(
        [AttemptEvent(attempt=attempt, kind=kind, at=at, device=device, client_id=client_id)],
        ignore_conflicts=True,
    )


def _mark(question: Question, entry: dict, response: list, paper) -> marking.Mark:
    return marking.mark(
        question.type,
        answer=question.answer,
        response=response,
        score=Decimal(entry["score"]),
        loose=question.loose_matching,
        partial=paper.multiple_partial_credit,
    )


def _mistakes_note(learner, question_ids, now) -> None:
    if not question_ids:
        return
    Mistake.objects.filter(learner=learner, question_id__in=question_ids).update(
        times_wrong=F("times_wrong") + 1, last_wrong_at=now
    )
    Mistake.objects.bulk_create(
        [Mistake(learner=learner, question_id=pk, last_wrong_at=now) for pk in question_ids],
        ignore_conflicts=True,
    )


def _finish(attempt: Attempt) -> None:
    """Total the marks once no answer waits for a marker; a passed final exam may
    complete its course."""
    total = sum((a.score or Decimal(0) for a in attempt.answers.all()), Decimal(0))
    attempt.score = total
    attempt.passed = total >= attempt.exam.pass_mark
    attempt.status = AttemptStatus.DONE
    attempt.save(update_fields=["score", "passed", "status"])
    exam = attempt.exam
    if attempt.passed and exam.kind == ExamKind.FINAL and exam.course_id:
        from courses.services import certificate_issue_if_complete

        learner, course = attempt.learner, exam.course
        transaction.on_commit(lambda: certificate_issue_if_complete(learner=learner, course=course))


def _submit(attempt: Attempt, *, auto: bool, now) -> Attempt:
    """Hand in (the attempt's row is locked by the caller): mark what can be marked at
    once, create empty answers for questions left out, queue short answers for a person."""
    attempt.submitted_at = min(now, attempt.deadline) if auto and attempt.deadline else now
    attempt.auto_submitted = auto
    attempt.seconds_used = int(
        (attempt.submitted_at - (attempt.started_at or attempt.submitted_at)).total_seconds()
    )
    answers = {a.position: a for a in attempt.answers.all()}
    questions = Question.objects.in_bulk([q["question"] for q in attempt.questions])
    wrong, pending = [], False
    for position, entry in enumerate(attempt.questions):
        question = questions[entry["question"]]
        answer = answers.get(position)
        if answer is None:
            answer = Answer.objects.create(
                attempt=attempt, position=position, question=question, client_id="", response=[]
            )
        result = _mark(question, entry, answer.response, attempt.exam.paper)
        if question.type == QuestionType.SHORT and answer.response:
            pending = True
            continue
        if question.type == QuestionType.SHORT:
            result = marking.Mark(False, Decimal(0))
        answer.correct, answer.score = result.correct, result.score
        answer.save(update_fields=["correct", "score"])
        if result.correct is False and answer.response:
            wrong.append(question.pk)
    # Practice notes mistakes as they are made; exams once their answers may be shown.
    if attempt.exam.show_answers and attempt.exam.kind != ExamKind.PRACTICE:
        _mistakes_note(attempt.learner, wrong, now)
    AttemptEvent.objects.create(
        attempt=attempt,
        kind=EventKind.AUTO_SUBMITTED if auto else EventKind.SUBMITTED,
        at=now,
    )
    attempt.status = AttemptStatus.MARKING if pending else AttemptStatus.DONE
    attempt.save(update_fields=["submitted_at", "auto_submitted", "seconds_used", "status"])
    if not pending:
        _finish(attempt)
    return attempt


def attempt_submit(*, attempt_id: int, learner, device: str, now=None) -> Attempt:
    """The candidate hands in. Handing in twice (a repeated request) is harmless."""
    now = now or timezone.now()
    _check_device(device)
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("exam", "exam__paper")
            .filter(pk=attempt_id, learner=learner)
            .first()
        )
        if attempt is None:
            raise ExamError("not_found", _("This attempt does not exist."), status=404)
        if not attempt.is_open:
            return attempt
        if attempt.device != device and not _overdue(attempt, now):
            raise ExamError(
                "other_device",
                _("This exam is being answered on another device; hand it in there."),
                status=409,
            )
        return _submit(attempt, auto=_overdue(attempt, now), now=now)


def attempts_submit_overdue(*, now=None) -> int:
    """Hand in every attempt whose time is up, with what was saved (run by the queue)."""
    now = now or timezone.now()
    due = Attempt.objects.filter(
        status=AttemptStatus.OPEN, deadline__lt=now - DEADLINE_GRACE
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(due[:2000]):
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("exam", "exam__paper")
                .filter(pk=pk, status=AttemptStatus.OPEN)
                .first()
            )
            if attempt is not None:
                _submit(attempt, auto=True, now=now)
                done += 1
    return done


@transaction.atomic
def answer_mark(*, answer_id: int, score: Decimal, marker, comment: str = "") -> Answer:
    """A lecturer or admin marks a short answer; the attempt's result follows once its
    last one is marked."""
    answer = (
        Answer.objects.select_for_update(of=("self",)).select_related("attempt").get(pk=answer_id)
    )
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("exam")
        .get(pk=answer.attempt_id)
    )
    entry = attempt.questions[answer.position]
    full = Decimal(entry["score"])
    if score is None or not Decimal(0) <= score <= full:
        raise ExamError("score", _("Give a score from 0 to %(full)s.") % {"full": full})
    answer.score = score.quantize(Decimal("0.1"))
    answer.correct = answer.score == full
    answer.marked_by = marker
    answer.marked_at = timezone.now()
    answer.marker_comment = comment[:500]
    answer.save(update_fields=["score", "correct", "marked_by", "marked_at", "marker_comment"])
    if (
        attempt.status == AttemptStatus.MARKING
        and not attempt.answers.filter(score__isnull=True).exists()
    ):
        _finish(attempt)
    return answer


@transaction.atomic
def registrations_add(*, exam: Exam, learners) -> int:
    """Put candidates on a competition's registration list (again: no change)."""
    before = Registration.objects.filter(exam=exam).count()
    Registration.objects.bulk_create(
        [Registration(exam=exam, learner=learner) for learner in learners], ignore_conflicts=True
    )
    return Registration.objects.filter(exam=exam).count() - before


@transaction.atomic
def mistake_retry(*, learner, question_id: int, response: list) -> tuple[marking.Mark, Question]:
    """Answer a question of the mistake book again: right takes it out of the book."""
    mistake = (
        Mistake.objects.select_for_update(of=("self",))
        .select_related("question")
        .filter(learner=learner, question_id=question_id)
        .first()
    )
    if mistake is None:
        raise ExamError("not_found", _("This question is not in your mistake book."), 404)
    question = mistake.question
    error = marking.response_error(
        question.type,
        option_count=len(question.options),
        blanks=len(question.answer) if question.type == QuestionType.FILL else 0,
        response=response,
    )
    if error:
        raise ExamError("invalid_answer", error)
    result = marking.mark(
        question.type,
        answer=question.answer,
        response=response,
        score=Decimal(1),
        loose=question.loose_matching,
        partial=False,
    )
    if result.correct:
        mistake.delete()
    else:
        Mistake.objects.filter(pk=mistake.pk).update(
            times_wrong=F("times_wrong") + 1, last_wrong_at=timezone.now()
        )
    return result, question


class QuestionImportError(Exception):
    """Nothing was imported; ``problems`` lists every bad row (row 0: the whole file)."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@transaction.atomic
def questions_import(*, bank, rows, problems) -> list[Question]:
    """Add the questions read from a file to a bank: all of them, or none when any row
    has a problem."""
    if problems:
        raise QuestionImportError(problems)
    created = []
    for row in rows:
        question = Question(
            bank=bank,
            type=row.type,
            stem=row.stem,
            options=row.options,
            answer=row.answer,
            reference_answer=row.reference_answer,
            explanation=row.explanation,
            difficulty=row.difficulty,
        )
        question.full_clean()
        question.save()
        if row.points:
            question.knowledge_points.set(row.points)
        created.append(question)
    return created
