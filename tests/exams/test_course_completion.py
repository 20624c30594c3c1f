"""A course with a published final exam is complete only once the learner passed it;
its certificate then shows the score. Learning learns this through its hooks."""

from decimal import Decimal

import pytest

from courses.models import Enrolment, EnrolmentStatus
from courses.selectors import course_progress
from exams import services
from exams.models import ExamKind
from exams.selectors import paper_of
from learning.certificates import render_pdf
from learning.models import Certificate
from tests.courses.factories import make_course, open_lesson
from tests.exams.factories import make_bank, make_exam, make_paper, make_question


@pytest.fixture
def course(new_energy, learner):
    course = make_course(new_energy, "光伏发电站设计", lessons=1)
    Enrolment.objects.create(learner=learner, course=course, status=EnrolmentStatus.ACTIVE)
    return course


@pytest.fixture
def final(new_energy, course):
    bank = make_bank(new_energy)
    questions = [make_question(bank, "single", stem=f"<p>第{n}题</p>") for n in range(4)]
    paper = make_paper(
        new_energy,
        rules=[{"banks": [bank], "type": "single", "count": 4, "score": 25}],
    )
    assert len(questions) == 4
    return make_exam(
        new_energy,
        paper,
        ExamKind.FINAL,
        course=course,
        pass_mark=60,
        max_attempts=None,
        time_limit_minutes=30,
    )


def take(exam, learner, right: int):
    attempt = services.attempt_open(exam=exam, learner=learner, device="d")
    for item in paper_of(attempt):
        answer = item.question.answer if item.position < right else [0]
        services.answer_save(
            attempt_id=attempt.pk,
            learner=learner,
            device="d",
            position=item.position,
            response=answer,
            client_id=f"{attempt.pk}-{item.position}",
            revision=1,
        )
    return services.attempt_submit(attempt_id=attempt.pk, learner=learner, device="d")


def test_lessons_alone_do_not_complete_a_course_with_a_final_exam(
    django_capture_on_commit_callbacks, course, final, learner
):
    [lesson] = course.lessons()
    state = open_lesson(learner, course, lesson)
    assert not state.course_complete
    progress = course_progress(learner=learner, courses=[course])[course.pk]
    assert not progress.completed and progress.pending == ("通过结业考试",)
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        failed = take(final, learner, right=2)
    assert failed.passed is False and not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        passed = take(final, learner, right=3)
    assert passed.passed is True and passed.score == Decimal(75)
    certificate = Certificate.objects.get(learner=learner, course_id=course.pk)
    assert course_progress(learner=learner, courses=[course])[course.pk].completed

    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(render_pdf(certificate))).pages[0].extract_text()
    assert "结业考试成绩" in text and "75.0" in text


def test_passing_before_the_lessons_are_done_waits_for_them(
    django_capture_on_commit_callbacks, course, final, learner, client
):
    with django_capture_on_commit_callbacks(execute=True):
        take(final, learner, right=4)
    assert not Certificate.objects.exists()
    [lesson] = course.lessons()
    assert open_lesson(learner, course, lesson).course_complete
    certificate = Certificate.objects.get(learner=learner)
    page = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "结业考试成绩:100.0 分" in page


def test_a_course_without_a_final_exam_is_unchanged(new_energy, learner):
    course = make_course(new_energy, "风电场升压站设备巡视及维护", lessons=1)
    [lesson] = course.lessons()
    assert open_lesson(learner, course, lesson).course_complete
    certificate = Certificate.objects.get(learner=learner)
    assert "结业考试" not in certificate_extra_text(certificate)


def certificate_extra_text(certificate) -> str:
    from learning.requirements import certificate_lines

    return " ".join(certificate_lines(certificate))
