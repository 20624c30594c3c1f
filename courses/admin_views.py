"""Wagtail admin views for academy administrators: the approval queue, a course's
learners (with bulk enrolment), and importing a catalogue. Each checks that the
administrator manages the course or unit concerned."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.navigation import safe_next_url
from accounts.phones import normalize_phone
from accounts.selectors import display_name
from courses import selectors, services
from courses.forms import BulkEnrolForm, CatalogueUploadForm, RejectForm
from courses.models import CoursePage, Enrolment
from courses.services.catalogue import Problem
from courses.tabular import TableError, read_table


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


def course_learners(request, course_id: int):
    course = _managed_course(request.user, course_id)
    form = BulkEnrolForm()
    problems = []
    if request.method == "POST":
        form = BulkEnrolForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = _phone_rows(read_table(upload, filename=upload.name))
                result = services.course_enrol_bulk(course=course, rows=rows, by=request.user)
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
    return render(
        request,
        "courses/admin/course_learners.html",
        {
            "course": course,
            "roster": selectors.course_roster(course=course),
            "seats_taken": selectors.seats_taken(course=course),
            "form": form,
            "problems": problems,
        },
    )


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
            result = services.catalogue_import(unit=unit, table=table, user=request.user)
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
        request, "courses/admin/catalogue_import.html", {"form": form, "problems": problems}
    )
