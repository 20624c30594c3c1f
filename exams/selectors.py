"""Reads for exams: who manages what, the paper a candidate sees, results and rankings."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from academies.selectors import unit_page_models, within_paths_q
from exams.models import (
    OPTION_LETTERS,
    Answer,
    Attempt,
    AttemptStatus,
    Exam,
    ExamKind,
    Mistake,
    Paper,
    Question,
    QuestionBank,
    QuestionKnowledgePoint,
    QuestionType,
    Registration,
)
from lms.figures import Figure
from lms.selectors import kept_on_user

# ---------------------------------------------------------------------------------------
# Who manages what


def managed_unit_paths(*, user) -> list[str] | None:
    """Tree paths of the units whose banks, papers and exams the user manages: those
    where they are an admin or a lecturer (and everything below). None: all (superusers)."""
    if not user.is_active:
        return []
    if user.is_superuser:
        return None
    return list(kept_on_user(user, "exams.managed_unit_paths", lambda: _unit_paths(user)))


def _unit_paths(user) -> list[str]:
    group_ids = list(user.groups.values_list("pk", flat=True))
    if not group_ids:
        return []
    paths = []
    for model in unit_page_models():
        paths += model.objects.filter(
            Q(admin_group_id__in=group_ids) | Q(lecturer_group_id__in=group_ids)
        ).values_list("path", flat=True)
    return paths


def managed_units(*, user) -> QuerySet:
    """The unit pages the user manages exams in, in tree order."""
    types = [model._meta.model_name for model in unit_page_models()]
    units = Page.objects.filter(content_type__model__in=types)
    paths = managed_unit_paths(user=user)
    if paths is not None:
        q = within_paths_q(paths)
        units = units.filter(q) if q is not None else units.none()
    return units.order_by("path")


def _owned(queryset: QuerySet, user, unit_field: str = "unit") -> QuerySet:
    paths = managed_unit_paths(user=user)
    if paths is None:
        return queryset
    q = within_paths_q(paths, f"{unit_field}__path")
    return queryset.filter(q) if q is not None else queryset.none()


def banks_managed_by(*, user) -> QuerySet:
    return _owned(QuestionBank.objects.select_related("unit"), user)


def banks_usable_by(*, user) -> QuerySet:
    """Banks a paper of the user may draw from: their own and the shared ones."""
    return (banks_managed_by(user=user) | QuestionBank.objects.filter(shared=True)).distinct()


def questions_managed_by(*, user) -> QuerySet:
    return _owned(Question.objects.select_related("bank"), user, "bank__unit")


def questions_usable_by(*, user) -> QuerySet:
    return Question.objects.filter(bank__in=banks_usable_by(user=user))


def papers_managed_by(*, user) -> QuerySet:
    return _owned(Paper.objects.select_related("unit"), user)


def exams_managed_by(*, user) -> QuerySet:
    return _owned(Exam.objects.select_related("unit", "paper", "course"), user)


def attempts_managed_by(*, user) -> QuerySet:
    return _owned(Attempt.objects.select_related("exam", "learner"), user, "exam__unit")


def marking_queue(*, user) -> QuerySet:
    """Short answers waiting for a marker, in the user's units, oldest first."""
    return _owned(
        Answer.objects.filter(
            attempt__status=AttemptStatus.MARKING, score__isnull=True
        ).select_related("attempt__exam", "question"),
        user,
        "attempt__exam__unit",
    ).order_by("attempt__submitted_at", "attempt_id", "position")


# ---------------------------------------------------------------------------------------
# What learners see


def exams_for_learner(*, user) -> list[Exam]:
    """Published exams open to the learner: practice sets, final exams of the courses
    they are enrolled in, preliminaries they are registered for."""
    from courses.models import Enrolment, EnrolmentStatus

    now = timezone.now()
    open_now = Q(published=True) & (Q(closes_at__isnull=True) | Q(closes_at__gt=now))
    mine = Q(kind=ExamKind.PRACTICE)
    if user.is_authenticated:
        mine |= Q(
            kind=ExamKind.FINAL,
            course_id__in=Enrolment.objects.filter(
                learner=user, status=EnrolmentStatus.ACTIVE
            ).values("course_id"),
        )
        mine |= Q(
            kind=ExamKind.COMPETITION,
            pk__in=Registration.objects.filter(learner=user).values("exam_id"),
        )
    return list(Exam.objects.filter(open_now & mine).select_related("course").order_by("-pk"))


def exam_for_learner(*, user, exam_id: int) -> Exam | None:
    return next((exam for exam in exams_for_learner(user=user) if exam.pk == exam_id), None)


def attempts_of(*, exam: Exam, learner) -> list[Attempt]:
    return list(Attempt.objects.filter(exam=exam, learner=learner).order_by("number"))


def attempt_of_learner(*, learner, attempt_id: int) -> Attempt | None:
    return (
        Attempt.objects.select_related("exam", "exam__paper")
        .filter(pk=attempt_id, learner=learner)
        .first()
    )


def _points_of(question_ids) -> dict[int, list[str]]:
    points = defaultdict(list)
    for question_id, name in QuestionKnowledgePoint.objects.filter(
        content_object_id__in=question_ids
    ).values_list("content_object_id", "tag__name"):
        points[question_id].append(name)
    return points


@dataclass
class ShownQuestion:
    position: int
    question: Question
    score: Decimal
    options: list[tuple[int, str, str]]  # (index in the question, letter shown, text)
    blanks: int
    response: list = field(default_factory=list)
    revision: int = 0
    answer: object = None  # the Answer row, once handed in

    @property
    def type(self) -> str:
        return self.question.type

    def as_json(self) -> dict:
        return {
            "position": self.position,
            "type": self.type,
            "score": str(self.score),
            "blanks": self.blanks,
            "options": [{"value": index, "letter": letter} for index, letter, _ in self.options],
            "response": self.response,
        }

    @property
    def name(self) -> str:
        return f"q{self.position}-{self.question.pk}"

    @property
    def verdict(self) -> str:
        if self.type == QuestionType.TRUE_FALSE and self.response:
            return "true" if self.response == [True] else "false"
        return ""

    @property
    def fill_values(self) -> list[str]:
        return [*self.response, *[""] * self.blanks][: self.blanks]

    @property
    def short_text(self) -> str:
        return self.response[0] if self.type == QuestionType.SHORT and self.response else ""

    @property
    def key_letters(self) -> str:
        """The right answer as the candidate saw it (letters in their order)."""
        q = self.question
        if q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            shown = {index: letter for index, letter, _text in self.options}
            return "".join(sorted(shown[i] for i in q.answer))
        if q.type == QuestionType.TRUE_FALSE:
            return _("True") if q.answer == [True] else _("False")
        if q.type == QuestionType.FILL:
            return ";".join(" / ".join(blank) for blank in q.answer)
        return q.reference_answer

    @property
    def response_text(self) -> str:
        q, response = self.question, self.response
        if not response:
            return ""
        if q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            shown = {index: letter for index, letter, _text in self.options}
            return "".join(sorted(shown.get(i, "?") for i in response))
        if q.type == QuestionType.TRUE_FALSE:
            return _("True") if response == [True] else _("False")
        return ";".join(str(part) for part in response)


def _shown_options(question: Question, order: list[int]) -> list[tuple[int, str, str]]:
    return [(index, OPTION_LETTERS[n], question.options[index]) for n, index in enumerate(order)]


def paper_of(attempt: Attempt) -> list[ShownQuestion]:
    """The attempt's frozen paper as the candidate sees it, with what they saved."""
    questions = Question.objects.in_bulk([entry["question"] for entry in attempt.questions])
    answers = {a.position: a for a in attempt.answers.all()}
    shown = []
    for position, entry in enumerate(attempt.questions):
        question = questions[entry["question"]]
        options = _shown_options(question, entry["options"])
        answer = answers.get(position)
        shown.append(
            ShownQuestion(
                position=position,
                question=question,
                score=Decimal(entry["score"]),
                options=options,
                blanks=len(question.answer) if question.type == QuestionType.FILL else 0,
                response=answer.response if answer else [],
                revision=answer.revision if answer else 0,
                answer=answer,
            )
        )
    return shown


def seconds_left(attempt: Attempt, now=None) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - (now or timezone.now())).total_seconds()))


@dataclass(frozen=True)
class PointScore:
    name: str
    earned: Decimal
    possible: Decimal
    questions: int

    @property
    def percent(self) -> int:
        return int(self.earned * 100 / self.possible) if self.possible else 0


def knowledge_point_breakdown(attempt: Attempt, shown: list[ShownQuestion]) -> list[PointScore]:
    """Score per knowledge point (a question with two points counts in both)."""
    points = _points_of([s.question.pk for s in shown])
    earned, possible, count = Counter(), Counter(), Counter()
    for item in shown:
        for name in points.get(item.question.pk) or [_("Other")]:
            possible[name] += item.score
            earned[name] += (item.answer.score if item.answer and item.answer.score else 0) or 0
            count[name] += 1
    return [
        PointScore(name, Decimal(earned[name]), Decimal(possible[name]), count[name])
        for name in sorted(possible, key=lambda n: (-possible[n], n))
    ]


def mistakes_of(*, learner) -> list[tuple[Mistake, ShownQuestion]]:
    """The learner's mistake book, each question ready to be answered again."""
    return [
        (
            mistake,
            ShownQuestion(
                position=0,
                question=mistake.question,
                score=Decimal(0),
                options=_shown_options(
                    mistake.question, list(range(len(mistake.question.options)))
                ),
                blanks=len(mistake.question.answer)
                if mistake.question.type == QuestionType.FILL
                else 0,
            ),
        )
        for mistake in Mistake.objects.filter(learner=learner).select_related("question")
    ]


# ---------------------------------------------------------------------------------------
# Results for admins


@dataclass(frozen=True)
class QuestionStat:
    question: Question
    answered: int
    correct: int

    @property
    def share_correct(self) -> int:
        return round(self.correct * 100 / self.answered) if self.answered else 0


@dataclass
class ExamResults:
    exam: Exam
    attempts: int
    finished: int
    awaiting_marking: int
    passed: int
    average: Decimal | None
    distribution: list[tuple[str, int]]
    hardest: list[QuestionStat]

    @property
    def pass_rate(self) -> int:
        return round(self.passed * 100 / self.finished) if self.finished else 0


def _bands(max_score: Decimal) -> list[tuple[Decimal, Decimal]]:
    step = max_score / 10 if max_score else Decimal(10)
    return [(step * n, step * (n + 1)) for n in range(10)]


def exam_results(*, exam: Exam, hardest: int = 10) -> ExamResults:
    """Scores, pass rate, distribution in tenths of the full score, hardest questions
    (lowest share answered correctly)."""
    attempts = Attempt.objects.filter(exam=exam).exclude(status=AttemptStatus.READY)
    done = list(
        attempts.filter(status=AttemptStatus.DONE).values_list("score", "max_score", "passed")
    )
    top = max((m for _s, m, _p in done), default=Decimal(100))
    bands = _bands(top)
    counts = [0] * len(bands)
    for score, _max, _passed in done:
        index = min(len(bands) - 1, int(score * len(bands) / top) if top else 0)
        counts[index] += 1
    stats = (
        Answer.objects.filter(attempt__exam=exam, attempt__status=AttemptStatus.DONE)
        .values("question_id")
        .annotate(answered=Count("pk"), right=Count("pk", filter=Q(correct=True)))
        .order_by()
    )
    rows = sorted(stats, key=lambda r: (r["right"] / r["answered"], -r["answered"]))[:hardest]
    questions = Question.objects.in_bulk([r["question_id"] for r in rows])
    return ExamResults(
        exam=exam,
        attempts=attempts.count(),
        finished=len(done),
        awaiting_marking=attempts.filter(status=AttemptStatus.MARKING).count(),
        passed=sum(1 for _s, _m, passed in done if passed),
        average=(sum(s for s, _m, _p in done) / len(done)).quantize(Decimal("0.1"))
        if done
        else None,
        distribution=[
            (f"{low:.0f}–{high:.0f}", count)
            for (low, high), count in zip(bands, counts, strict=True)
        ],
        hardest=[
            QuestionStat(questions[r["question_id"]], r["answered"], r["right"]) for r in rows
        ],
    )


def ranking(*, exam: Exam) -> QuerySet:
    """Marked attempts, best score first; equal scores by less time used, then by who
    handed in first."""
    return (
        Attempt.objects.filter(exam=exam, status=AttemptStatus.DONE)
        .select_related("learner__learner_profile")
        .order_by("-score", "seconds_used", "submitted_at", "pk")
    )


# ---------------------------------------------------------------------------------------
# Hooks for learning (registered in ExamsConfig.ready)


def final_exam_passed(*, learner, course_ids) -> dict[int, str]:
    """Courses with a published final exam the learner has not passed yet (one query:
    it runs for every course listing)."""
    passed = Attempt.objects.filter(
        learner=learner,
        exam__kind=ExamKind.FINAL,
        exam__course_id=OuterRef("course_id"),
        passed=True,
    )
    unmet = (
        Exam.objects.filter(kind=ExamKind.FINAL, published=True, course_id__in=course_ids)
        .exclude(Exists(passed))
        .values_list("course_id", flat=True)
    )
    return {course_id: _("Pass the final exam") for course_id in unmet}


def certificate_score_lines(certificate) -> list[str]:
    """ "结业考试成绩:92.0 分" on the certificate of a course with a final exam."""
    best = (
        Attempt.objects.filter(
            learner_id=certificate.learner_id,
            exam__kind=ExamKind.FINAL,
            exam__course_id=certificate.course_id,
            passed=True,
        )
        .order_by("-score")
        .values_list("score", "max_score")
        .first()
    )
    if best is None:
        return []
    return [_("Final exam score: %(score)s of %(full)s") % {"score": best[0], "full": best[1]}]


def pass_rate_figures(*, unit_ids, start, end) -> list[Figure]:
    """The back-office dashboards' exam figures for some units and a period: marked
    attempts handed in, and the share of them passed. Registered in `ExamsConfig.ready`."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time(), tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz)
    marked = Attempt.objects.filter(
        status=AttemptStatus.DONE,
        exam__unit_id__in=unit_ids,
        submitted_at__gte=since,
        submitted_at__lt=until,
    ).aggregate(total=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
    rate = round(marked["passed"] * 100 / marked["total"], 1) if marked["total"] else "—"
    return [
        Figure(label=_("Exam attempts marked"), value=marked["total"]),
        Figure(label=_("Exam pass rate"), value=rate, unit=" %" if marked["total"] else ""),
    ]
