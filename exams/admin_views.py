"""Wagtail admin views for banks, results, attempts, marking and registrations. Each
looks its object up among those of the user's own units: others' are not found."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from courses.services.catalogue import Problem
from courses.tabular import TableError, read_table
from exams import exports, formats, selectors, services
from exams.forms import ImportForm, MarkForm, RegistrationForm
from exams.models import Answer, ExamKind, Registration


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _require_manager(user) -> None:
    paths = selectors.managed_unit_paths(user=user)
    if paths is not None and not paths:
        raise PermissionDenied


def template_download(request):
    _require_manager(request.user)
    return _xlsx(exports.question_workbook(), "question-template.xlsx")


def _read(form) -> tuple[list, list]:
    upload = form.cleaned_data["file"]
    kind = form.cleaned_data["format"]
    if kind == "xlsx":
        try:
            table = read_table(upload, filename=upload.name)
        except TableError as error:
            return [], [Problem(0, "", str(error))]
        return formats.read_template(table)
    raw = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], [Problem(0, "", _("The file is neither UTF-8 nor GBK text."))]
    return (formats.read_gift if kind == "gift" else formats.read_aiken)(text)


def bank_import(request, bank_id: int):
    """Upload the Excel template, GIFT or Aiken: every question is added, or none and a
    report names each bad row."""
    bank = get_object_or_404(selectors.banks_managed_by(user=request.user), pk=bank_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        rows, problems = _read(form)
        try:
            created = services.questions_import(bank=bank, rows=rows, problems=problems)
        except services.QuestionImportError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("%(count)s questions were added to %(bank)s.")
                % {"count": len(created), "bank": bank.name},
            )
            return redirect("exams_banks:index")
    status = 400 if problems or form.errors else 200
    return render(
        request,
        "exams/admin/bank_import.html",
        {"bank": bank, "form": form, "problems": problems},
        status=status,
    )


def bank_export(request, bank_id: int):
    bank = get_object_or_404(selectors.banks_managed_by(user=request.user), pk=bank_id)
    questions = bank.questions.prefetch_related("knowledge_points").order_by("pk")
    return _xlsx(exports.question_workbook(questions), f"question-bank-{bank.pk}.xlsx")


def _exam(user, exam_id: int):
    return get_object_or_404(selectors.exams_managed_by(user=user), pk=exam_id)


def exam_results(request, exam_id: int):
    exam = _exam(request.user, exam_id)
    results = selectors.exam_results(exam=exam)
    peak = max((count for _band, count in results.distribution), default=0)
    return render(
        request,
        "exams/admin/exam_results.html",
        {
            "exam": exam,
            "results": results,
            "peak": peak or 1,
            "ranking": selectors.ranking(exam=exam)[:200],
            "is_competition": exam.kind == ExamKind.COMPETITION,
        },
    )


def results_export(request, exam_id: int):
    exam = _exam(request.user, exam_id)
    return _xlsx(
        exports.results_workbook(exam, selectors.ranking(exam=exam).iterator()),
        f"exam-{exam.pk}-results.xlsx",
    )


def attempt_detail(request, attempt_id: int):
    """A candidate's paper with their answers, the marks and the evidence log."""
    attempt = get_object_or_404(selectors.attempts_managed_by(user=request.user), pk=attempt_id)
    return render(
        request,
        "exams/admin/attempt_detail.html",
        {
            "attempt": attempt,
            "shown": selectors.paper_of(attempt),
            "events": attempt.events.all(),
            "form": MarkForm(),
        },
    )


def marking_queue(request):
    _require_manager(request.user)
    answers = list(selectors.marking_queue(user=request.user)[:50])
    for answer in answers:
        answer.full = Decimal(answer.attempt.questions[answer.position]["score"])
    return render(
        request,
        "exams/admin/marking_queue.html",
        {"answers": answers, "form": MarkForm()},
    )


@require_POST
def answer_mark(request, answer_id: int):
    answer = get_object_or_404(
        Answer.objects.filter(attempt__in=selectors.attempts_managed_by(user=request.user)),
        pk=answer_id,
    )
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            services.answer_mark(
                answer_id=answer.pk,
                score=form.cleaned_data["score"],
                marker=request.user,
                comment=form.cleaned_data["comment"],
            )
        except services.ExamError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The answer was marked."))
    else:
        messages.error(request, _("Give a score from 0 to the question's full score."))
    if request.POST.get("next") == "attempt":
        return redirect("exams_admin:attempt", attempt_id=answer.attempt_id)
    return redirect("exams_admin:marking")


def registrations(request, exam_id: int):
    """A competition's registration list; pre-generating the candidates' papers."""
    exam = _exam(request.user, exam_id)
    if exam.kind != ExamKind.COMPETITION:
        raise PermissionDenied
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "pregenerate":
        services.papers_pregenerate_enqueue(exam=exam)
        messages.success(request, _("The papers are being drawn; this page shows the progress."))
        return redirect("exams_admin:registrations", exam_id=exam.pk)
    if request.method == "POST" and form.is_valid():
        numbers = [n.strip() for n in form.cleaned_data["numbers"].splitlines() if n.strip()]
        learners = get_user_model().objects.filter(username__in=numbers, is_active=True)
        found = {learner.username for learner in learners}
        added = services.registrations_add(exam=exam, learners=learners)
        messages.success(request, _("%(count)s candidates were added.") % {"count": added})
        unknown = [n for n in numbers if n not in found]
        if unknown:
            messages.warning(
                request,
                _("These numbers have no account: %(numbers)s")
                % {"numbers": "、".join(unknown[:50])},
            )
        return redirect("exams_admin:registrations", exam_id=exam.pk)
    registered = Registration.objects.filter(exam=exam).count()
    drawn = exam.attempts.count()
    return render(
        request,
        "exams/admin/registrations.html",
        {
            "exam": exam,
            "form": form,
            "registered": registered,
            "drawn": drawn,
            "percent": round(drawn * 100 / registered) if registered else 0,
            "recent": Registration.objects.filter(exam=exam)
            .select_related("learner__learner_profile")
            .order_by("-pk")[:100],
        },
    )
