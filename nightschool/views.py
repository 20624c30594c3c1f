"""Learner- and lecturer-facing views: a class, booking, the QR check-in, the code screen.

Thin: each reads the request, calls a service or selector and renders or redirects."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from nightschool import qr, selectors, services, tokens
from nightschool.formats import clock
from nightschool.models import Booking, BookingStatus, ClassSession

BOOKED_MESSAGES = {
    BookingStatus.CONFIRMED: gettext_lazy(
        "Your seat is booked. We will remind you a day and an hour before the class."
    ),
    BookingStatus.WAITLISTED: gettext_lazy(
        "Every seat is taken, so you are on the waiting list. When a seat frees up it is "
        "offered to you by message, and you confirm it on this page."
    ),
    BookingStatus.OFFERED: gettext_lazy(
        "A seat is offered to you. Confirm it before the deadline shown on this page."
    ),
}
# An anonymous scan is remembered this long while the learner logs in.
PENDING_SCAN_KEY = "nightschool_pending_scan"
PENDING_SCAN_TTL = datetime.timedelta(minutes=10)
# Check-in refusals that are not mistakes in the request but a state of things.
SCAN_CONFLICTS = {"replay", "already_out", "too_soon"}


def _listed_session(session_id: int) -> ClassSession:
    return get_object_or_404(selectors.listed_sessions(), pk=session_id)


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def home(request):
    """/nightschool/: the provincial night school's page."""
    root = selectors.night_school_root()
    if root is None:
        raise Http404(_("The night school has no site yet."))
    return redirect(root.url)


def class_detail(request, session_id: int):
    session = _listed_session(session_id)
    context = {"session": session, **selectors.class_detail(session=session, user=request.user)}
    return render(request, "nightschool/class_session.html", context)


@login_required
@require_POST
def book(request, session_id: int):
    session = get_object_or_404(ClassSession, pk=session_id)
    try:
        booking = services.booking_create(learner=request.user, session=session)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, BOOKED_MESSAGES[booking.status])
    return redirect("nightschool:class", session.pk)


def _own_booking(request, booking_id: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("session"), pk=booking_id, learner=request.user
    )


@login_required
@require_POST
def cancel(request, booking_id: int):
    booking = _own_booking(request, booking_id)
    was_waiting = booking.status != BookingStatus.CONFIRMED
    try:
        services.booking_cancel(booking=booking)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You have left the waiting list.")
            if was_waiting
            else _("Your seat is given back. Thank you for letting someone else have it."),
        )
    return redirect(_next_url(request, reverse("nightschool:class", args=(booking.session_id,))))


@login_required
@require_POST
def accept_offer(request, booking_id: int):
    booking = _own_booking(request, booking_id)
    try:
        services.offer_accept(booking=booking)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The seat is yours. See you in class!"))
    return redirect(_next_url(request, reverse("nightschool:class", args=(booking.session_id,))))


def _scan(request, session: ClassSession, token: str, *, now=None):
    try:
        result = services.attendance_scan(
            learner=request.user, session=session, token=token, now=now
        )
    except services.CheckInError as error:
        status = 409 if error.code in SCAN_CONFLICTS else 400
        if error.code == "not_booked":
            status = 403
        return render(
            request,
            "nightschool/scan_result.html",
            {
                "session": session,
                "error": error,
                "code": error.code,
                "booking": Booking.objects.filter(session=session, learner=request.user).first(),
            },
            status=status,
        )
    booking = result.booking
    if result.action == "checked_in":
        messages.success(
            request,
            _("Checked in at %(time)s. Scan the code again at the end of the class to check out.")
            % {"time": clock(booking.checked_in_at)},
        )
    else:
        messages.success(
            request,
            _("Checked out at %(time)s: %(minutes)d minutes are added to your learning hours.")
            % {"time": clock(booking.checked_out_at), "minutes": booking.credited_minutes},
        )
    return redirect("nightschool:attendance", session.pk)


@never_cache
def checkin(request, session_id: int, token: str):
    """What the QR code opens: check in, or check out on a later scan.

    Acting on GET is what lets a phone's camera do it in one step; the code itself is
    the capability (it names the class, lives a minute at most, and each learner can
    use it once). A visitor who must log in first has the scan checked now and
    remembered for a few minutes, because logging in may outlast the code."""
    session = get_object_or_404(ClassSession, pk=session_id)
    if request.user.is_authenticated:
        return _scan(request, session, token)
    try:
        services.scan_precheck(session=session, token=token)
    except services.CheckInError as error:
        return render(
            request,
            "nightschool/scan_result.html",
            {"session": session, "error": error, "code": error.code},
            status=400,
        )
    request.session[PENDING_SCAN_KEY] = {
        "session": session.pk,
        "token": token,
        "at": timezone.now().isoformat(),
    }
    return redirect_to_login(reverse("nightschool:checkin_continue", args=(session.pk,)))


@login_required
@never_cache
def checkin_continue(request, session_id: int):
    """Finish a scan made before logging in, as of the moment of the scan."""
    session = get_object_or_404(ClassSession, pk=session_id)
    pending = request.session.pop(PENDING_SCAN_KEY, None)
    if not pending or pending.get("session") != session.pk:
        messages.info(request, _("Scan the code on the lecturer's phone to check in."))
        return redirect("nightschool:class", session.pk)
    scanned_at = datetime.datetime.fromisoformat(pending["at"])
    if timezone.now() - scanned_at > PENDING_SCAN_TTL:
        messages.error(
            request, _("That scan is too old. Scan the code on the lecturer's phone again.")
        )
        return redirect("nightschool:class", session.pk)
    return _scan(request, session, pending["token"], now=scanned_at)


@login_required
def attendance(request, session_id: int):
    """The learner's own check-in state for a class, shown after each scan."""
    session = _listed_session(session_id)
    booking = Booking.objects.filter(session=session, learner=request.user).first()
    return render(request, "nightschool/attendance.html", {"session": session, "booking": booking})


def _code_session(request, session_id: int) -> ClassSession:
    if not request.user.is_authenticated:
        raise PermissionDenied
    session = _listed_session(session_id)
    if not selectors.may_show_code(user=request.user, session=session):
        raise PermissionDenied
    return session


def _current_code(request, session: ClassSession) -> dict:
    now = timezone.now()
    if not session.checkin_opens_at <= now <= session.checkin_closes_at:
        return {"open": False, "refresh_in": settings.NIGHTSCHOOL_TOKEN_SECONDS}
    url = qr.checkin_url(request, session, now=now)
    return {
        "open": True,
        "svg": qr.svg(url),
        "url": url,
        "refresh_in": round(tokens.seconds_left_in_window(now), 1),
    }


@login_required
@never_cache
def code_screen(request, session_id: int):
    """The lecturer's phone: the rotating check-in code and who has checked in."""
    session = _code_session(request, session_id)
    return render(
        request,
        "nightschool/code_screen.html",
        {
            "session": session,
            "code": _current_code(request, session),
            "period": settings.NIGHTSCHOOL_TOKEN_SECONDS,
            "live": selectors.live_attendance(session=session),
        },
    )


@require_GET
@never_cache
def code_json(request, session_id: int):
    """The current code as SVG, for the code screen to refresh itself."""
    return JsonResponse(_current_code(request, _code_session(request, session_id)))


@require_GET
@never_cache
def live_json(request, session_id: int):
    """Who has checked in so far, polled by the code screen every few seconds."""
    live = selectors.live_attendance(session=_code_session(request, session_id))
    return JsonResponse(
        {
            "booked": live.booked,
            "checked_in": live.checked_in,
            "checked_out": live.checked_out,
            "rows": [
                {
                    "name": row["name"],
                    "phone": row["phone"],
                    "checked_in": clock(row["checked_in_at"]),
                    "checked_out": clock(row["checked_out_at"]) if row["checked_out_at"] else "",
                    "walk_in": row["walk_in"],
                }
                for row in live.rows
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
