"""The night school's JSON API, thin over services and selectors.

Same-site session authentication (send the CSRF token with POSTs). Errors come back
as ``{"error": {"code": …, "message": …}}`` with the message in plain Chinese.
"""

import json
from functools import wraps

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nightschool import selectors, services
from nightschool.forms import ClassFilterForm
from nightschool.models import Booking, ClassSession

ERROR_STATUS = {
    "login_required": 401,
    "not_booked": 403,
    "replay": 409,
    "already_out": 409,
    "too_soon": 409,
    "offer_lapsed": 409,
    "no_offer": 409,
    "deadline_passed": 409,
    "started": 409,
    "full": 409,
}


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(code: str, message: str) -> JsonResponse:
    return _json({"error": {"code": code, "message": message}}, ERROR_STATUS.get(code, 400))


def login_required_json(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error("login_required", _("Please log in first."))
        return view(request, *args, **kwargs)

    return wrapped


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def booking_json(booking: Booking | None, *, position: int | None = None) -> dict | None:
    if booking is None:
        return None
    return {
        "id": booking.pk,
        "status": booking.status,
        "status_label": booking.get_status_display(),
        "queued_at": _iso(booking.queued_at),
        "waitlist_position": position,
        "offer_expires_at": _iso(booking.offer_expires_at),
        "checked_in_at": _iso(booking.checked_in_at),
        "checked_out_at": _iso(booking.checked_out_at),
        "attendance": booking.attendance or None,
        "credited_minutes": booking.credited_minutes,
    }


def class_json(session: ClassSession, *, seats_left: int, waiting: int) -> dict:
    course = session.course
    return {
        "id": session.pk,
        "title": session.display_title,
        "url": reverse("nightschool:class", args=(session.pk,)),
        "course": {"id": course.pk, "title": course.title, "url": course.url},
        "category": (
            {"id": course.category_id, "name": course.category.name} if course.category else None
        ),
        "site": {"id": session.site_id, "title": session.site.title, "city": session.site.city},
        "lecturer": (
            {"id": session.lecturer_id, "name": session.lecturer.title}
            if session.lecturer
            else None
        ),
        "venue": {"name": session.venue.name, "address": session.venue.address},
        "starts_at": _iso(session.starts_at),
        "ends_at": _iso(session.ends_at),
        "capacity": session.capacity,
        "seats_left": seats_left,
        "waiting": waiting,
        "booking_opens_at": _iso(session.booking_opens_at),
        "booking_closes_at": _iso(session.booking_closes_at),
        "cancellation_deadline": _iso(session.cancellation_deadline),
        "online_url": session.online_url or None,
        "walk_ins_allowed": session.walk_ins_allowed,
    }


@require_GET
def class_list(request):
    """Upcoming classes of the provincial night school and its branches, or of the
    site given by ``site``; filter by ``category`` (id) and ``city``."""
    root = selectors.night_school_root()
    if request.GET.get("site"):
        root = get_object_or_404(selectors.live_sites(), pk=request.GET["site"])
    if root is None:
        return _json({"count": 0, "page": 1, "pages": 1, "results": []})
    form = ClassFilterForm(request.GET, site=root)
    if not form.is_valid():
        return _json({"error": {"code": "invalid", "fields": form.errors.get_json_data()}}, 400)
    listing = selectors.class_listing(
        within=root, user=request.user, page_number=request.GET.get("page"), **form.filters()
    )
    return _json(
        {
            "count": listing.page.paginator.count,
            "page": listing.page.number,
            "pages": listing.page.paginator.num_pages,
            "results": [
                {
                    **class_json(card.session, seats_left=card.seats_left, waiting=card.waiting),
                    "my_booking": booking_json(card.booking),
                }
                for card in listing.cards
            ],
        }
    )


def _detail(request, session: ClassSession, status: int = 200) -> JsonResponse:
    detail = selectors.class_detail(session=session, user=request.user)
    return _json(
        {
            **class_json(session, seats_left=detail["seats_left"], waiting=detail["waiting"]),
            "my_booking": booking_json(detail["booking"], position=detail["position"]),
        },
        status,
    )


def _session(session_id: int) -> ClassSession:
    return get_object_or_404(
        ClassSession.objects.select_related("course__category", "site", "venue", "lecturer"),
        pk=session_id,
        site__live=True,
    )


@require_GET
def class_detail(request, session_id: int):
    return _detail(request, _session(session_id))


@require_POST
@login_required_json
def book(request, session_id: int):
    session = _session(session_id)
    try:
        services.booking_create(learner=request.user, session=session)
    except services.BookingError as error:
        return _error(error.code, str(error))
    return _detail(request, session, 201)


def _own_booking(request, booking_id: int) -> Booking:
    return get_object_or_404(Booking, pk=booking_id, learner=request.user)


@require_POST
@login_required_json
def cancel(request, booking_id: int):
    booking = _own_booking(request, booking_id)
    try:
        booking = services.booking_cancel(booking=booking)
    except services.BookingError as error:
        return _error(error.code, str(error))
    return _json(booking_json(booking))


@require_POST
@login_required_json
def accept_offer(request, booking_id: int):
    booking = _own_booking(request, booking_id)
    try:
        booking = services.offer_accept(booking=booking)
    except services.BookingError as error:
        return _error(error.code, str(error))
    return _json(booking_json(booking))


@require_POST
@login_required_json
def scan(request, session_id: int):
    """Check in or out with the code from the lecturer's phone: ``{"token": "…"}`` (the
    last part of the URL in the QR code)."""
    session = _session(session_id)
    try:
        token = str(json.loads(request.body or b"{}").get("token", ""))
    except (ValueError, AttributeError):
        return _error("invalid", _('Send the code as JSON: {"token": "…"}.'))
    try:
        result = services.attendance_scan(learner=request.user, session=session, token=token)
    except services.CheckInError as error:
        return _error(error.code, str(error))
    return _json({"action": result.action, "booking": booking_json(result.booking)})
