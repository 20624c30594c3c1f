"""Admin pages for the ledger and certificates. Every list is limited to the units the
admin manages (`academies.selectors.managed_unit_ids`)."""

import io
import zipfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from learning.certificates import render_pdf
from learning.exports import hours_workbook
from learning.forms import AdjustmentForm, LedgerFilterForm, RevokeForm, TargetForm
from learning.models import YearlyHoursTarget
from learning.selectors import (
    certificates_visible_to,
    ledger_entries_visible_to,
    managed_units,
)
from learning.services import certificate_revoke, ledger_adjust, yearly_target_set
from lms.models import AuditAction
from lms.services import audit_record


def _units(request):
    units = managed_units(user=request.user)
    if not units:
        raise PermissionDenied
    return Page.objects.filter(pk__in=[unit.pk for unit in units]).order_by("path")


def ledger_index(request):
    units = _units(request)
    form = LedgerFilterForm(request.GET or None, units=units)
    entries = ledger_entries_visible_to(user=request.user, filters=form.filters())
    if request.GET.get("export"):
        group_by = (form.cleaned_data.get("group_by") if form.is_valid() else "") or "learner"
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORTED,
            unit=form.cleaned_data.get("unit") if form.is_valid() else None,
            subject=_("Learning hours"),
            detail=request.GET.urlencode()[:500],
        )
        response = HttpResponse(
            hours_workbook(entries, group_by=group_by),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="hours-{group_by}-{stamp}.xlsx"'
        return response
    page = Paginator(
        entries.select_related("learner", "author").order_by("-created_at", "-pk"), 50
    ).get_page(request.GET.get("p"))
    targets = YearlyHoursTarget.objects.filter(academy__in=units).select_related("academy")
    return render(
        request,
        "learning/admin/ledger_index.html",
        {
            "form": form,
            "page_obj": page,
            "query": request.GET.urlencode(),
            "adjust_form": AdjustmentForm(units=units),
            "target_form": TargetForm(units=units),
            "targets": targets.order_by("-year", "academy__path"),
        },
    )


def ledger_adjust_view(request):
    units = _units(request)
    form = AdjustmentForm(request.POST, units=units)
    if form.is_valid():
        try:
            ledger_adjust(
                learner=form.cleaned_data["learner"],
                minutes=form.cleaned_data["minutes"],
                reason=form.cleaned_data["reason"],
                author=request.user,
                academy=form.cleaned_data["unit"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The adjustment was recorded."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("learning_admin:ledger")


def target_set_view(request):
    form = TargetForm(request.POST, units=_units(request))
    if form.is_valid():
        yearly_target_set(
            academy=form.cleaned_data["unit"],
            year=form.cleaned_data["year"],
            hours=form.cleaned_data["hours"],
        )
        messages.success(request, _("The yearly target was saved."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("learning_admin:ledger")


def certificate_index(request):
    _units(request)
    certificates = certificates_visible_to(user=request.user).order_by("-issued_at")
    course = request.GET.get("course", "")
    if not (course.isascii() and course.isdigit() and len(course) <= 18):
        course = ""  # "²" passes str.isdigit(), and int() refuses it
    if course:
        certificates = certificates.filter(course_id=int(course))
    page = Paginator(certificates, 50).get_page(request.GET.get("p"))
    courses = (
        certificates_visible_to(user=request.user)
        .filter(revoked_at__isnull=True)
        .values_list("course_id", "course_title")
        .distinct()
        .order_by("course_title")
    )
    return render(
        request,
        "learning/admin/certificate_index.html",
        {"page_obj": page, "courses": courses, "course": course, "revoke_form": RevokeForm()},
    )


def certificate_revoke_view(request, pk):
    certificate = get_object_or_404(certificates_visible_to(user=request.user), pk=pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        certificate_revoke(
            certificate=certificate, reason=form.cleaned_data["reason"], author=request.user
        )
        messages.success(
            request, _("Certificate %(code)s was revoked.") % {"code": certificate.code}
        )
    else:
        messages.error(request, _("Please give a reason for revoking the certificate."))
    return redirect("learning_admin:certificates")


def certificate_zip(request, course_id):
    certificates = list(
        certificates_visible_to(user=request.user).filter(
            course_id=course_id, revoked_at__isnull=True
        )
    )
    if not certificates:
        raise PermissionDenied
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(
                f"{certificate.code}-{certificate.learner_name}.pdf", render_pdf(certificate)
            )
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="certificates-{course_id}.zip"'
    return response
