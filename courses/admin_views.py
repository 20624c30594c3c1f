"""Wagtail admin views for academy administrators: the approval queue, a course's
learners (with bulk enrolment), and importing a catalogue. Each checks that the
administrator manages the course or unit concerned."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from academies.selectors import unit_of
from accounts.navigation import safe_next_url
from accounts.phones import normalize_phone
from accounts.selectors import display_name
from courses import selectors, services
from courses.forms import BulkDecisionForm, BulkEnrolForm, CatalogueUploadForm, RejectForm
from courses.models import CoursePage, Enrolment, EnrolmentStatus
from courses.services.catalogue import Problem
from courses.tabular import TableError, read_table
from lms.models import AuditAction
from lms.services import audit_record
from lms.spreadsheets import table_workbook


def _managed_course(user, course_id: int) -> CoursePage:
    course = get_object_or_404(CoursePage, pk=course_id)
    if not selectors.can_manage_course(user=user, course=course):
        raise PermissionDenied
    return course


def _managed_enrolment(user, enrolment_id: int) -> Enrolment:
    enrolment = get_object_or_404(Enrolment.objects.select_related("course"), pk=enrolment_id)
    _managed_course(user, enrolment.course_id)
    return enrolment


def enrolment_queue(request):
    return render(
        request,
        "courses/admin/enrolment_queue.html",
        {
            "pending": selectors.pending_enrolments(user=request.user),
            "reject_form": RejectForm(),
            "decision_form": BulkDecisionForm(),
        },
    )


@require_POST
def enrolment_approve(request, enrolment_id: int):
    enrolment = _managed_enrolment(request.user, enrolment_id)
    try:
        services.enrolment_approve(enrolment=enrolment, by=request.user)
    except services.EnrolmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Approved: %(name)s.") % {"name": display_name(enrolment.learner)}
        )
    return redirect(safe_next_url(request, reverse("courses_admin:queue")))


@require_POST
def enrolment_reject(request, enrolment_id: int):
    enrolment = _managed_enrolment(request.user, enrolment_id)
    form = RejectForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.enrolment_reject(enrolment=enrolment, by=request.user, note=note)
    except services.EnrolmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Turned down: %(name)s.") % {"name": display_name(enrolment.learner)}
        )
    return redirect(safe_next_url(request, reverse("courses_admin:queue")))


@require_POST
def enrolment_remove(request, enrolment_id: int):
    enrolment = _managed_enrolment(request.user, enrolment_id)
    promoted = services.course_unenrol(enrolment=enrolment, by=request.user)
    messages.success(
        request,
        _("%(name)s was taken out of the course.") % {"name": display_name(enrolment.learner)},
    )
    for other in promoted:
        messages.info(
            request,
            _("%(name)s moved up from the waiting list.") % {"name": display_name(other.learner)},
        )
    return redirect("courses_admin:learners", enrolment.course_id)


def _phone_rows(table: list[tuple[int, list[str]]]) -> list[tuple[int, str]]:
    """The mobile-number column: headed 手机号 / phone, else the first column; a first row
    that is a header rather than a number is skipped."""
    if not table:
        return []
    header = [cell.strip().lower() for cell in table[0][1]]
    column = next(
        (i for i, cell in enumerate(header) if cell in ("手机号", "手机号码", "phone", "mobile")),
        None,
    )
    rows = table
    if column is not None or not normalize_phone(table[0][1][0]).isdigit():
        rows = table[1:]
    column = column or 0
    return [(number, cells[column] if column < len(cells) else "") for number, cells in rows]


REPORT_COLUMNS = [
    ("name", gettext_lazy("Learner")),
    ("status", gettext_lazy("Status")),
    ("enrolled", gettext_lazy("Enrolled on")),
    ("progress", gettext_lazy("Progress")),
    ("activity", gettext_lazy("Last studied")),
    ("hours", gettext_lazy("Hours")),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(done: int, required: int) -> int:
    return done * 100 // required if required else 0


def _report_columns(order: str, status: str) -> list[dict]:
    """Column headings that sort the report by themselves (again: the other way)."""
    columns = []
    for key, label in REPORT_COLUMNS:
        current = order.lstrip("-") == key
        reverse_next = current and not order.startswith("-")
        query = {"order": f"-{key}" if reverse_next else key}
        if status:
            query["status"] = status
        columns.append(
            {
                "label": label,
                "url": "?" + urlencode(query),
                "sort": ("descending" if order.startswith("-") else "ascending") if current else "",
            }
        )
    return columns


def _work_unit(user) -> str:
    profile = getattr(user, "learner_profile", None)
    return profile.work_unit if profile else ""


def _report_export(request, course: CoursePage, rows, required: int) -> HttpResponse:
    tz = timezone.get_current_timezone()
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORTED,
        unit=unit_of(course),
        subject=_("Learners of %(course)s") % {"course": course.title},
    )
    body = table_workbook(
        title=_("Learners"),
        headings=[_("Name"), _("Work unit"), _("Mobile number"), _("Status"), _("Enrolled on"),
                  _("Lessons done"), _("Progress (%)"), _("Last studied"), _("Hours"),
                  _("Completed")],
        rows=(
            [display_name(row.learner), _work_unit(row.learner), row.learner.username,
             row.get_status_display(),
             row.enrolled_at.astimezone(tz).replace(tzinfo=None) if row.enrolled_at else "",
             f"{row.lessons_done} / {required}", _percent(row.lessons_done, required),
             row.last_activity.astimezone(tz).replace(tzinfo=None) if row.last_activity else "",
             round(row.minutes / 60, 1),
             _("Yes") if required and row.lessons_done >= required else _("No")]
            for row in rows.iterator(chunk_size=2000)
        ),
    )  # fmt: skip
    response = HttpResponse(body, content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="learners-{course.pk}-{stamp}.xlsx"'
    return response


def course_learners(request, course_id: int):
    """A course's learners: a sortable, exportable report of their progress, the
    requests to decide (in bulk), the waiting list, and bulk enrolment from a file."""
    course = _managed_course(request.user, course_id)
    order = request.GET.get("order", "name")
    status = request.GET.get("status", "")
    status = status if status in EnrolmentStatus.values else ""
    rows = selectors.course_learner_report(course=course, order=order, status=status)
    required = selectors.required_lessons(course=course)
    if request.GET.get("export"):
        return _report_export(request, course, rows, required)
    form = BulkEnrolForm()
    problems = []
    if request.method == "POST":
        form = BulkEnrolForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                table_rows = _phone_rows(read_table(upload, filename=upload.name))
                result = services.course_enrol_bulk(course=course, rows=table_rows, by=request.user)
            except TableError as error:
                form.add_error("file", str(error))
            except services.EnrolmentError as error:
                form.add_error(None, str(error))
            except services.BulkEnrolmentError as error:
                problems = error.problems
            else:
                messages.success(
                    request,
                    _(
                        "Bulk enrolment done: %(enrolled)d enrolled, %(waitlisted)d on the "
                        "waiting list, %(already)d already in the course, %(repeated)d "
                        "numbers repeated in the file."
                    )
                    % vars(result),
                )
                return redirect("courses_admin:learners", course.pk)
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    for row in page:
        row.percent = _percent(row.lessons_done, required)
        row.completed = bool(required) and row.lessons_done >= required
    roster = selectors.course_roster(course=course)
    return render(
        request,
        "courses/admin/course_learners.html",
        {
            "course": course,
            "page_obj": page,
            "required": required,
            "columns": _report_columns(order, status),
            "status": status,
            "statuses": [
                (value, label, len(roster[value])) for value, label in EnrolmentStatus.choices
            ],
            "query": urlencode({"order": order, "status": status}),
            "roster": roster,
            "seats_taken": selectors.seats_taken(course=course),
            "form": form,
            "decision_form": BulkDecisionForm(),
            "problems": problems,
        },
    )


@require_POST
def enrolments_decide(request):
    """Approve or turn down the chosen requests: first a page to confirm them, then the
    decision, all at once."""
    form = BulkDecisionForm(request.POST)
    back = safe_next_url(request, reverse("courses_admin:queue"))
    asked = {int(pk) for pk in request.POST.getlist("enrolment") if pk.isascii() and pk.isdigit()}
    chosen = list(selectors.pending_enrolments(user=request.user).filter(pk__in=asked))
    if request.POST.get("confirmed") and len(chosen) != len(asked):
        messages.error(
            request,
            _(
                "Nothing was changed: some of these requests have been decided meanwhile or "
                "are not yours to decide. Please choose again."
            ),
        )
        return redirect(back)
    if not chosen:
        messages.error(request, _("Please choose at least one request."))
        return redirect(back)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    approve = form.cleaned_data["decision"] == "approve"
    if not request.POST.get("confirmed"):
        return render(
            request,
            "courses/admin/decision_confirm.html",
            {"chosen": chosen, "form": form, "approve": approve, "next": back},
        )
    try:
        count = services.enrolments_decide(
            enrolments=chosen, approve=approve, by=request.user, note=form.cleaned_data["note"]
        )
    except services.EnrolmentError as error:
        messages.error(request, _("Nothing was changed: %(error)s") % {"error": error})
    else:
        text = (
            _("%(count)d requests approved.") if approve else _("%(count)d requests turned down.")
        )
        messages.success(request, text % {"count": count})
    return redirect(back)


def catalogue_import(request):
    units = selectors.importable_units(user=request.user)
    if not units:
        raise PermissionDenied
    form = CatalogueUploadForm(request.POST or None, request.FILES or None, units=units)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        unit = next(unit for unit in units if unit.pk == form.cleaned_data["unit"])
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload, filename=upload.name)
            result = services.catalogue_import(
                unit=unit,
                table=table,
                user=request.user,
                publish=form.cleaned_data["publish"],
            )
        except TableError as error:
            form.add_error("file", str(error))
        except services.CatalogueImportError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _(
                    "Imported into %(unit)s: %(created)d new, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % {
                    "unit": unit.title,
                    "created": len(result.created),
                    "updated": len(result.updated),
                    "unchanged": len(result.unchanged),
                },
            )
            return redirect("wagtailadmin_explore", unit.pk)
    return render(
        request,
        "courses/admin/catalogue_import.html",
        {"form": form, "problems": problems, "choices": services.catalogue_choices()},
    )


def catalogue_template(request):
    """A spreadsheet to fill in: the columns with an example course."""
    if not selectors.importable_units(user=request.user):
        raise PermissionDenied
    body = table_workbook(
        title=_("Courses"),
        headings=services.catalogue_template()[0],
        rows=services.catalogue_template()[1:],
    )
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="course-import-template.xlsx"'
    return response


def learner_report(request, user_id: int):
    """One learner as the admin's units know them: their courses there with progress,
    the ledger entries and certificates of those units. Nothing from other units."""
    report = selectors.learner_report(admin=request.user, learner_id=user_id)
    if report is None:
        raise PermissionDenied
    return render(request, "courses/admin/learner.html", {"report": report})
