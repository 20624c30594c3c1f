"""Taking an exam through the services: one frozen paper per candidate, idempotent saves,
one active device, the server's deadline, marking and the result."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from exams import services
from exams.models import Answer, Attempt, AttemptEvent, AttemptStatus, EventKind, ExamKind, Mistake
from exams.selectors import knowledge_point_breakdown, paper_of, ranking
from exams.services import ExamError
from tests.courses.factories import make_learner
from tests.exams.factories import make_bank, make_exam, make_paper, one_of_each

PHONE, TABLET = "device-phone", "device-tablet"


@pytest.fixture
def questions(new_energy):
    return one_of_each(make_bank(new_energy))


@pytest.fixture
def paper(new_energy, questions):
    return make_paper(new_energy, fixed=[(q, 2) for q in questions])


@pytest.fixture
def exam(new_energy, paper):
    return make_exam(
        new_energy, paper, ExamKind.PRACTICE, time_limit_minutes=30, pass_mark=6, max_attempts=2
    )


def right_answers(attempt):
    """The right response for each position, in the paper's order."""
    responses = []
    for item in paper_of(attempt):
        q = item.question
        if q.type == "fill":
            responses.append([blank[0] for blank in q.answer])
        elif q.type == "short":
            responses.append(["先断开直流侧,再断开交流侧"])
        else:
            responses.append(q.answer)
    return responses


def save(attempt, learner, position, response, revision, device=PHONE, client_id=None):
    return services.answer_save(
        attempt_id=attempt.pk,
        learner=learner,
        device=device,
        position=position,
        response=response,
        client_id=client_id or f"c-{position}-{revision}",
        revision=revision,
    )


def test_opening_twice_resumes_the_same_frozen_paper(exam, learner):
    first = services.attempt_open(exam=exam, learner=learner, device=PHONE)
    again = services.attempt_open(exam=exam, learner=learner, device=PHONE)
    assert again.pk == first.pk and again.seed == first.seed
    assert again.questions == first.questions
    assert Attempt.objects.filter(exam=exam, learner=learner).count() == 1
    assert first.deadline == first.started_at + datetime.timedelta(minutes=30)


def test_saves_are_idempotent_and_the_newest_revision_wins(exam, learner):
    attempt = services.attempt_open(exam=exam, learner=learner, device=PHONE)
    save(attempt, learner, 0, [2], revision=1)
    save(attempt, learner, 0, [1], revision=3)
    # A buffered older save arriving late, and the newest sent again, change nothing.
    stale = save(attempt, learner, 0, [3], revision=2)
    repeat = save(attempt, learner, 0, [1], revision=3)
    assert stale.revision == repeat.revision == 3 and stale.client_id == "c-0-3"
    [answer] = Answer.objects.filter(attempt=attempt)
    assert answer.response == [1] and answer.revision == 3


def test_a_second_device_takes_over_and_the_first_is_refused(exam, learner):
    attempt = services.attempt_open(exam=exam, learner=learner, device=PHONE)
    save(attempt, learner, 0, [1], revision=1)
    resumed = services.attempt_open(exam=exam, learner=learner, device=TABLET)
    assert resumed.pk == attempt.pk
    with pytest.raises(ExamError) as refused:
        save(attempt, learner, 1, [0], revision=2, device=PHONE)
    assert refused.value.code == "other_device" and refused.value.status == 409
    save(attempt, learner, 1, [0, 1], revision=2, device=TABLET)
    kinds = list(AttemptEvent.objects.filter(attempt=attempt).values_list("kind", flat=True))
    assert kinds == [EventKind.OPENED, EventKind.DEVICE, EventKind.REFUSED]


def test_another_learner_cannot_touch_an_attempt(exam, learner):
    attempt = services.attempt_open(exam=exam, learner=learner, device=PHONE)
    other = make_learner("13900000002", name="李四")
    with pytest.raises(ExamError) as error:
        save(attempt, other, 0, [1], revision=1)
    assert error.value.status == 404


def test_objective_marking_and_the_short_answer_queue(exam, learner, new_energy):
    attempt = services.attempt_open(exam=exam, learner=learner, device=PHONE)
    for position, response in enumerate(right_answers(attempt)):
        save(attempt, learner, position, response, revision=position + 1)
    attempt = services.attempt_submit(attempt_id=attempt.pk, learner=learner, device=PHONE)
    assert attempt.status == AttemptStatus.MARKING and attempt.score is None
    short = Answer.objects.get(attempt=attempt, score__isnull=True)
    with pytest.raises(ExamError):
        services.answer_mark(answer_id=short.pk, score=Decimal(3), marker=None)
    services.answer_mark(answer_id=short.pk, score=Decimal("1.5"), marker=None, comment="要点不全")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.DONE
    assert attempt.score == Decimal("9.5") and attempt.passed is True
    points = {
        p.name: (p.earned, p.possible)
        for p in knowledge_point_breakdown(attempt, paper_of(attempt))
    }
    assert points == {
        "光伏发电": (Decimal(8), Decimal(8)),
        "安全生产": (Decimal("1.5"), Decimal(2)),
    }


def test_practice_tells_right_or_wrong_at_once_and_fills_the_mistake_book(exam, learner):
    attempt = services.attempt_open(exam=exam, learner=learner, device=PHONE)
    item = next(i for i in paper_of(attempt) if i.type == "single")
    wrong = next(index for index, _l, _t in item.options if [index] != item.question.answer)
    saved = save(attempt, learner, item.position, [wrong], revision=1)
    assert saved.correct is False and saved.answer == item.question.answer
    assert saved.explanation == "串联时电压相加。"
    assert Mistake.objects.filter(learner=learner, question=item.question).exists()
    result, _question = services.mistake_retry(
        learner=learner, question_id=item.question.pk, response=item.question.answer
    )
    assert result.correct and not Mistake.objects.filter(learner=learner).exists()


def test_time_runs_on_and_the_queue_hands_in_what_was_saved(exam, learner):
    start = timezone.now() - datetime.timedelta(minutes=31)
    attempt = services.attempt_open(exam=exam, learner=learner, device=PHONE, now=start)
    services.answer_save(
        attempt_id=attempt.pk,
        learner=learner,
        device=PHONE,
        position=0,
        response=paper_of(attempt)[0].question.answer,
        client_id="early",
        revision=1,
        now=start + datetime.timedelta(minutes=1),
    )
    with pytest.raises(ExamError) as late:
        save(attempt, learner, 1, [0], revision=2)
    assert late.value.code == "submitted"
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.submitted_at == attempt.deadline


def test_the_scheduled_task_submits_overdue_attempts(exam, learner):
    start = timezone.now() - datetime.timedelta(minutes=40)
    attempt = services.attempt_open(exam=exam, learner=learner, device=PHONE, now=start)
    fresh = services.attempt_open(exam=exam, learner=make_learner("13900000003"), device=PHONE)
    from exams.tasks import attempts_submit_overdue

    assert attempts_submit_overdue() == 1
    attempt.refresh_from_db()
    fresh.refresh_from_db()
    assert attempt.status == AttemptStatus.DONE and attempt.auto_submitted
    assert attempt.seconds_used == 30 * 60 and attempt.score == 0
    assert fresh.status == AttemptStatus.OPEN
    assert AttemptEvent.objects.filter(attempt=attempt, kind=EventKind.AUTO_SUBMITTED).exists()


def test_attempts_are_limited(exam, learner):
    for _n in range(2):
        attempt = services.attempt_open(exam=exam, learner=learner, device=PHONE)
        services.attempt_submit(attempt_id=attempt.pk, learner=learner, device=PHONE)
    with pytest.raises(ExamError) as error:
        services.attempt_open(exam=exam, learner=learner, device=PHONE)
    assert error.value.code == "no_attempts_left"


def test_evidence_is_kept_once_and_never_fails_the_candidate(exam, learner):
    attempt = services.attempt_open(exam=exam, learner=learner, device=PHONE)
    for _repeat in range(2):
        services.event_record(
            attempt_id=attempt.pk,
            learner=learner,
            device=PHONE,
            kind=EventKind.HIDDEN,
            client_id="e-1",
        )
    assert AttemptEvent.objects.filter(attempt=attempt, kind=EventKind.HIDDEN).count() == 1
    with pytest.raises(ExamError):
        services.event_record(
            attempt_id=attempt.pk,
            learner=learner,
            device=PHONE,
            kind=EventKind.SUBMITTED,
            client_id="e-2",
        )
    save(attempt, learner, 0, [1], revision=1)


def test_competition_needs_registration_and_ranks_ties_by_time(new_energy, paper):
    exam = make_exam(new_energy, paper, ExamKind.COMPETITION, title="新能源锂电保护 初赛")
    a, b, c = (make_learner(f"1390000001{n}") for n in range(3))
    with pytest.raises(ExamError) as error:
        services.attempt_open(exam=exam, learner=a, device=PHONE)
    assert error.value.code == "not_registered"
    services.registrations_add(exam=exam, learners=[a, b, c])
    assert services.papers_pregenerate(exam=exam) == 3
    assert services.papers_pregenerate(exam=exam) == 0
    t0 = timezone.now() - datetime.timedelta(minutes=10)
    for learner, minutes in ((a, 8), (b, 5), (c, 2)):
        attempt = services.attempt_open(exam=exam, learner=learner, device=PHONE, now=t0)
        assert attempt.number == 1
        if learner is not c:
            save(attempt, learner, 0, paper_of(attempt)[0].question.answer, 1)
        services.attempt_submit(
            attempt_id=attempt.pk,
            learner=learner,
            device=PHONE,
            now=t0 + datetime.timedelta(minutes=minutes),
        )
    assert [x.learner for x in ranking(exam=exam)] == [b, a, c]
    with pytest.raises(ExamError):
        services.attempt_open(exam=exam, learner=a, device=PHONE)
