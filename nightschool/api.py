"""The night school's JSON API, thin over services and selectors; authentication, errors
and lists as everywhere under /api/v1/ (see `lms.api`)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from lms.api import ApiError, api_view, form_error, iso, page_json, read_json, respond
from nightschool import selectors, services
from nightschool.forms import ClassFilterForm
from nightschool.models import Booking, ClassSession

ERROR_STATUS = {
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


def _refused(error: services.BookingError | services.CheckInError) -> ApiError:
    return ApiError(error.code, str(error), ERROR_STATUS.get(error.code, 400))


def booking_json(booking: Booking | None, *, position: int | None = None) -> dict | None:
    if booking is None:
        return None
    return {
        "id": booking.pk,
        "status": booking.status,
        "status_label": booking.get_status_display(),
        "queued_at": iso(booking.queued_at),
        "waitlist_position": position,
        "offer_expires_at": iso(booking.offer_expires_at),
        "checked_in_at": iso(booking.checked_in_at),
        "checked_out_at": iso(booking.checked_out_at),
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
        "starts_at": iso(session.starts_at),
        "ends_at": iso(session.ends_at),
        "capacity": session.capacity,
        "seats_left": seats_left,
        "waiting": waiting,
        "booking_opens_at": iso(session.booking_opens_at),
        "booking_closes_at": iso(session.booking_closes_at),
        "cancellation_deadline": iso(session.cancellation_deadline),
        "online_url": session.online_url or None,
        "walk_ins_allowed": session.walk_ins_allowed,
    }


@api_view("GET")
def class_list(request):
    """Upcoming classes of the provincial night school and its branches, or of the
    site given by ``site``; filter by ``category`` (id) and ``city``."""
    root = selectors.night_school_root()
    site = request.GET.get("site", "")
    if site:
        if not (site.isascii() and site.isdigit() and len(site) <= 18):
            raise ApiError("invalid", _("Give the site by its number (its id)."))
        root = get_object_or_404(selectors.live_sites(), pk=site)
    if root is None:
        return respond({"count": 0, "page": 1, "pages": 1, "results": []})
    form = ClassFilterForm(request.GET, site=root)
    if not form.is_valid():
        raise form_error(form)
    listing = selectors.class_listing(
        within=root, user=request.user, page_number=request.GET.get("page"), **form.filters()
    )
    return respond(
        page_json(
            listing.page,
            [
                {
                    **class_json(card.session, seats_left=card.seats_left, waiting=card.waiting),
                    "my_booking": booking_json(card.booking),
                }
                for card in listing.cards
            ],
        )
    )


def _detail(request, session: ClassSession, status: int = 200):
    detail = selectors.class_detail(session=session, user=request.user)
    return respond(
        {
            **class_json(session, seats_left=detail["seats_left"], waiting=detail["waiting"]),
            "my_booking": booking_json(detail["booking"], position=detail["position"]),
        },
        status,
    )


def _session(session_id: int) -> ClassSession:
    return get_object_or_404(selectors.listed_sessions(), pk=session_id)


@api_view("GET")
def class_detail(request, session_id: int):
    return _detail(request, _session(session_id))


@api_view("POST", login=True)
def book(request, session_id: int):
    session = _session(session_id)
    try:
        services.booking_create(learner=request.user, session=session)
    except services.BookingError as error:
        raise _refused(error) from error
    return _detail(request, session, 201)


def _own_booking(request, booking_id: int) -> Booking:
    return get_object_or_404(Booking, pk=booking_id, learner=request.user)


@api_view("POST", login=True)
def cancel(request, booking_id: int):
    booking = _own_booking(request, booking_id)
    try:
        booking = services.booking_cancel(booking=booking)
    except services.BookingError as error:
        raise _refused(error) from error
    return respond(booking_json(booking))


@api_view("POST", login=True)
def accept_offer(request, booking_id: int):
    booking = _own_booking(request, booking_id)
    try:
        booking = services.offer_accept(booking=booking)
    except services.BookingError as error:
        raise _refused(error) from error
    return respond(booking_json(booking))


@api_view("POST", login=True)
def scan(request, session_id: int):
    """Check in or out with the code from the lecturer's phone: ``{"token": "…"}`` (the
    last part of the URL in the QR code)."""
    session = _session(session_id)
    payload = read_json(request, _('Send the code as JSON: {"token": "…"}.'))
    try:
        result = services.attendance_scan(
            learner=request.user, session=session, token=str(payload.get("token", ""))
        )
    except services.CheckInError as error:
        raise _refused(error) from error
    return respond({"action": result.action, "booking": booking_json(result.booking)})
