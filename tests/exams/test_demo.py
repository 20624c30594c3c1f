"""The demo exams that `seed_demo` builds, and a second run that changes nothing."""

import pytest
from django.contrib.auth import get_user_model

from academies.models import IndustryAcademyPage
from courses.models import CoursePage
from exams import services
from exams.generation import rule_shortfalls
from exams.models import Exam, ExamKind, Paper, Question, QuestionBank, Registration
from lms.demo import DEMO_LEARNER_PHONE
from tests.conftest import run_demo_steps
from tests.courses.factories import make_course

pytestmark = pytest.mark.django_db


def seed():
    """The units, the one demo course the exams need (seeding every demo course takes
    minutes), the exams."""
    run_demo_steps("academies.demo")
    if not CoursePage.objects.filter(slug="pv-station-design").exists():
        academy = IndustryAcademyPage.objects.get(slug="new-energy")
        make_course(academy, "光伏发电站设计", slug="pv-station-design")
    run_demo_steps("exams.demo")


def snapshot():
    return (
        list(QuestionBank.objects.values_list("pk", "name", "shared")),
        list(Question.objects.values_list("pk", "type", "answer")),
        list(Paper.objects.values_list("pk", "title")),
        list(Exam.objects.values_list("pk", "kind", "course_id")),
        Registration.objects.count(),
    )


def test_demo_exams_are_drawable_and_seeding_twice_changes_nothing():
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first
    assert QuestionBank.objects.get(name="安全生产公共题库").shared
    assert set(Question.objects.values_list("type", flat=True)) == {
        "single", "multiple", "true_false", "fill", "short",
    }  # fmt: skip
    for paper in Paper.objects.all():
        assert rule_shortfalls(paper) == [], paper
    final = Exam.objects.get(kind=ExamKind.FINAL)
    assert final.course.slug == "pv-station-design"
    learner = get_user_model().objects.get(username=DEMO_LEARNER_PHONE)
    competition = Exam.objects.get(kind=ExamKind.COMPETITION)
    attempt = services.attempt_open(exam=competition, learner=learner, device="demo")
    assert len(attempt.questions) == 10 and attempt.max_score == 100
