"""Rushes on one candidate's paper: however many requests race, one paper is drawn, the
newest answer is kept, and the paper is handed in once. Real threads with their own
database connections (PostgreSQL: row locks; SQLite: BEGIN IMMEDIATE)."""

import random

import pytest

from exams import services
from exams.models import Answer, Attempt, AttemptEvent, EventKind, ExamKind
from tests.courses.factories import make_learner
from tests.exams.factories import make_bank, make_exam, make_paper, make_question
from tests.nightschool.test_concurrency import rush

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("site_tree")]


@pytest.fixture
def exam():
    from academies import demo

    unit = demo.seed_headquarters()
    bank = make_bank(unit)
    for n in range(20):
        make_question(bank, "single", stem=f"<p>题 {n}</p>")
    paper = make_paper(unit, rules=[{"banks": [bank], "type": "single", "count": 10, "score": 1}])
    return make_exam(unit, paper, ExamKind.PRACTICE, time_limit_minutes=30, max_attempts=1)


def test_twenty_opens_of_one_candidate_draw_one_paper(exam):
    learner = make_learner("13900000001")
    errors = rush(
        [
            lambda n=n: services.attempt_open(exam=exam, learner=learner, device=f"d{n}")
            for n in range(20)
        ]
    )
    assert errors == []
    [attempt] = Attempt.objects.filter(exam=exam)
    assert len({entry["question"] for entry in attempt.questions}) == 10
    assert AttemptEvent.objects.filter(attempt=attempt, kind=EventKind.OPENED).count() == 1


def test_twenty_candidates_open_at_once(exam):
    learners = [make_learner(f"139{n:08d}") for n in range(1, 21)]
    errors = rush(
        [
            lambda learner=learner: services.attempt_open(exam=exam, learner=learner, device="d")
            for learner in learners
        ]
    )
    assert errors == []
    assert Attempt.objects.filter(exam=exam).count() == 20


def test_racing_saves_keep_the_newest_revision_and_each_once(exam):
    learner = make_learner("13900000001")
    attempt = services.attempt_open(exam=exam, learner=learner, device="d")
    revisions = list(range(1, 31)) * 2  # each save sent twice, in any order
    random.Random(7).shuffle(revisions)
    errors = rush(
        [
            lambda r=r: services.answer_save(
                attempt_id=attempt.pk, learner=learner, device="d", position=3,
                response=[r % 4], client_id=f"save-{r}", revision=r,
            )
            for r in revisions
        ]
    )  # fmt: skip
    assert errors == []
    [answer] = Answer.objects.filter(attempt=attempt)
    assert (answer.revision, answer.client_id, answer.response) == (30, "save-30", [2])


def test_hand_in_races_with_saves_and_is_done_once(exam):
    learner = make_learner("13900000001")
    attempt = services.attempt_open(exam=exam, learner=learner, device="d")
    calls = [
        lambda: services.attempt_submit(attempt_id=attempt.pk, learner=learner, device="d")
        for _n in range(5)
    ]

    def save(position):
        try:
            services.answer_save(
                attempt_id=attempt.pk,
                learner=learner,
                device="d",
                position=position,
                response=[0],
                client_id=f"c{position}",
                revision=1,
            )
        except services.ExamError as error:
            assert error.code == "submitted"

    calls += [lambda p=p: save(p) for p in range(10)]
    assert rush(calls) == []
    attempt.refresh_from_db()
    assert not attempt.is_open
    assert AttemptEvent.objects.filter(attempt=attempt, kind=EventKind.SUBMITTED).count() == 1
    # Every question has one row: saved before the hand-in, or left empty by it.
    assert Answer.objects.filter(attempt=attempt).count() == 10
