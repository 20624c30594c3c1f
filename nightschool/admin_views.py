"""Wagtail admin views for night-school administrators: the class calendar, a class's
roster (seats, waiting list, attendance) with recording attendance by hand, and its
export to Excel. Each checks that the administrator manages the class's site."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font
from wagtail.admin import messages

from accounts.selectors import display_name
from lms.spreadsheets import append_row
from nightschool import selectors, services
from nightschool.forms import AttendanceForm
from nightschool.models import Booking, BookingStatus, ClassSession

ROSTER_ORDER = (
    BookingStatus.CONFIRMED,
    BookingStatus.OFFERED,
    BookingStatus.WAITLISTED,
    BookingStatus.CANCELLED,
    BookingStatus.LAPSED,
)


def _managed_session(user, session_id: int) -> ClassSession:
    session = get_object_or_404(
        ClassSession.objects.select_related("site", "course", "venue", "term", "lecturer"),
        pk=session_id,
    )
    if not selectors.can_manage_site(user=user, site=session.site):
        raise PermissionDenied
    return session


def _month(value: str) -> datetime.date:
    """The month asked for, or this month; years 1900-2999 (the calendar links to the
    months either side, which 0001-01 and 9999-12 do not have)."""
    try:
        month = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        month = None
    if month is None or not 1900 <= month.year <= 2999:
        return timezone.localdate().replace(day=1)
    return month


def calendar(request):
    if not selectors.managed_sites(user=request.user).exists():
        raise PermissionDenied
    first = _month(request.GET.get("month", ""))
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "nightschool/admin/calendar.html",
        {
            "month": first,
            "previous": previous,
            "following": following,
            "weeks": selectors.sessions_calendar(
                user=request.user, year=first.year, month=first.month
            ),
            "today": timezone.localdate(),
        },
    )


def roster(request, session_id: int):
    session = _managed_session(request.user, session_id)
    form = AttendanceForm(request.POST or None, initial={"minutes": session.length_minutes})
    if request.method == "POST" and form.is_valid():
        learner = get_user_model().objects.filter(username=form.cleaned_data["phone"]).first()
        if learner is None:
            form.add_error("phone", _("No learner has registered with this number."))
        else:
            try:
                services.attendance_record(
                    session=session,
                    learner=learner,
                    minutes=form.cleaned_data["minutes"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Attendance of %(name)s recorded.") % {"name": display_name(learner)},
                )
                return redirect("nightschool_admin:roster", session.pk)
    grouped = selectors.session_roster(session=session)
    return render(
        request,
        "nightschool/admin/roster.html",
        {
            "session": session,
            "groups": [(BookingStatus(status), grouped[status]) for status in ROSTER_ORDER],
            "seats_taken": len(grouped[BookingStatus.CONFIRMED])
            + len(grouped[BookingStatus.OFFERED]),
            "live": selectors.live_attendance(session=session),
            "form": form,
        },
    )


@require_POST
def booking_cancel(request, booking_id: int):
    booking = get_object_or_404(Booking.objects.select_related("learner"), pk=booking_id)
    _managed_session(request.user, booking.session_id)
    services.booking_cancel(booking=booking, by=request.user)
    messages.success(
        request,
        _("The booking of %(name)s was cancelled; they have been told.")
        % {"name": display_name(booking.learner)},
    )
    return redirect("nightschool_admin:roster", booking.session_id)


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def roster_export(request, session_id: int):
    """The class's roster and attendance as an Excel workbook."""
    session = _managed_session(request.user, session_id)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Roster")[:31]
    append_row(sheet, [session.display_title, _local(session.starts_at), session.venue.name])
    append_row(
        sheet,
        [
            _("No."),
            pgettext("person", "Name"),
            _("Mobile number"),
            _("Work unit"),
            _("Status"),
            _("Asked at"),
            _("Checked in"),
            _("Checked out"),
            _("Attendance"),
            _("Minutes credited"),
            _("Note"),
        ],
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    grouped = selectors.session_roster(session=session)
    number = 0
    for status in ROSTER_ORDER:
        for booking in grouped[status]:
            number += 1
            profile = getattr(booking.learner, "learner_profile", None)
            append_row(
                sheet,
                [
                    number,
                    display_name(booking.learner),
                    booking.learner.username,
                    profile.work_unit if profile else "",
                    booking.get_status_display() + (f"({_('walk-in')})" if booking.walk_in else ""),
                    _local(booking.queued_at),
                    _local(booking.checked_in_at),
                    _local(booking.checked_out_at),
                    booking.get_attendance_display() if booking.attendance else "",
                    booking.credited_minutes,
                    booking.attendance_note,
                ],
            )
    for column, width in zip(
        "ABCDEFGHIJK", (6, 12, 14, 28, 16, 18, 18, 18, 10, 10, 30), strict=True
    ):
        sheet.column_dimensions[column].width = width
    output = io.BytesIO()
    book.save(output)
    day = timezone.localtime(session.starts_at).strftime("%Y%m%d")
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="class-{session.pk}-{day}.xlsx"'
    return response
