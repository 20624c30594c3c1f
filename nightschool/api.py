"""The night school's JSON API, thin over services and selectors; authentication, errors
and lists as everywhere under /api/v1/ (see `lms.api`)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Status

from lms.api import ANYONE, LOGIN, ApiError, Id, IdName, In, Out, errors, iso, page_json
from nightschool import selectors, services
from nightschool.forms import ClassFilterForm
from nightschool.models import Booking, ClassSession

router = Router(tags=["nightschool"])
DateTime = Field(json_schema_extra={"format": "date-time"})


class BookingOut(Out):
    id: int
    status: str
    status_label: str
    queued_at: str = DateTime
    waitlist_position: int | None
    offer_expires_at: str | None
    checked_in_at: str | None
    checked_out_at: str | None
    attendance: str | None
    credited_minutes: int


class ClassCourse(Out):
    id: int
    title: str
    url: str | None


class SiteRef(Out):
    id: int
    title: str
    city: str


class VenueOut(Out):
    name: str
    address: str


class ClassOut(Out):
    id: int
    title: str
    url: str
    course: ClassCourse
    category: IdName | None
    site: SiteRef
    lecturer: IdName | None
    venue: VenueOut
    starts_at: str = DateTime
    ends_at: str = DateTime
    capacity: int
    seats_left: int
    waiting: int
    booking_opens_at: str = DateTime
    booking_closes_at: str = DateTime
    cancellation_deadline: str = DateTime
    online_url: str | None
    walk_ins_allowed: bool
    my_booking: BookingOut | None


class ClassPageOut(Out):
    count: int
    page: int
    pages: int
    results: list[ClassOut]


class ClassQuery(In):
    site: int | None = Field(None, ge=1, description="Only this site (page id).")
    category: int | None = Field(None, ge=1, description="Category id.")
    city: str | None = Field(None, max_length=50)
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")


class ScanIn(In):
    token: str = Field(max_length=200)


class ScanOut(Out):
    action: str = Field(json_schema_extra={"enum": ["checked_in", "checked_out"]})
    booking: BookingOut


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


@router.get(
    "nightschool/classes/",
    response={200: ClassPageOut, **errors(400, 404)},
    url_name="classes",
    summary=gettext_lazy("Night school: upcoming classes"),
    **ANYONE,
)
def class_list(request, filters: Query[ClassQuery]):
    """Upcoming classes of the provincial night school and its branches, or of the
    site given by ``site``; filter by ``category`` (id) and ``city``."""
    root = selectors.night_school_root()
    if filters.site:
        root = get_object_or_404(selectors.live_sites(), pk=filters.site)
    if root is None:
        return {"count": 0, "page": 1, "pages": 1, "results": []}
    # A city with no classes is a filter that finds nothing, not an error.
    form = ClassFilterForm(filters.dict(exclude_none=True, include={"category"}), site=root)
    if not form.is_valid():
        raise ApiError("not_found", _("No such category."), 404)
    listing = selectors.class_listing(
        within=root,
        user=request.user,
        page_number=filters.page,
        category=form.filters()["category"],
        city=filters.city or "",
    )
    return page_json(
        listing.page,
        [
            {
                **class_json(card.session, seats_left=card.seats_left, waiting=card.waiting),
                "my_booking": booking_json(card.booking),
            }
            for card in listing.cards
        ],
    )


def _detail(request, session: ClassSession) -> dict:
    detail = selectors.class_detail(session=session, user=request.user)
    return {
        **class_json(session, seats_left=detail["seats_left"], waiting=detail["waiting"]),
        "my_booking": booking_json(detail["booking"], position=detail["position"]),
    }


def _session(session_id: Id) -> ClassSession:
    return get_object_or_404(selectors.listed_sessions(), pk=session_id)


@router.get(
    "nightschool/classes/{int:session_id}/",
    response={200: ClassOut, **errors(400, 404)},
    url_name="class",
    summary=gettext_lazy("Night school: a class, with your booking"),
    **ANYONE,
)
def class_detail(request, session_id: Id):
    return _detail(request, _session(session_id))


@router.post(
    "nightschool/classes/{int:session_id}/book/",
    response={201: ClassOut, **errors(400, 401, 403, 404, 409)},
    url_name="book",
    summary=gettext_lazy("Night school: book a seat (or join the waiting list)"),
    **LOGIN,
)
def book(request, session_id: Id):
    session = _session(session_id)
    try:
        services.booking_create(learner=request.user, session=session)
    except services.BookingError as error:
        raise _refused(error) from error
    return Status(201, _detail(request, session))


def _own_booking(request, booking_id: Id) -> Booking:
    return get_object_or_404(Booking, pk=booking_id, learner=request.user)


@router.post(
    "nightschool/bookings/{int:booking_id}/cancel/",
    response={200: BookingOut, **errors(400, 401, 403, 404, 409)},
    url_name="cancel",
    summary=gettext_lazy("Night school: give your seat back"),
    **LOGIN,
)
def cancel(request, booking_id: Id):
    booking = _own_booking(request, booking_id)
    try:
        booking = services.booking_cancel(booking=booking)
    except services.BookingError as error:
        raise _refused(error) from error
    return booking_json(booking)


@router.post(
    "nightschool/bookings/{int:booking_id}/accept/",
    response={200: BookingOut, **errors(400, 401, 403, 404, 409)},
    url_name="accept",
    summary=gettext_lazy("Night school: take the seat offered to you from the waiting list"),
    **LOGIN,
)
def accept_offer(request, booking_id: Id):
    booking = _own_booking(request, booking_id)
    try:
        booking = services.offer_accept(booking=booking)
    except services.BookingError as error:
        raise _refused(error) from error
    return booking_json(booking)


@router.post(
    "nightschool/classes/{int:session_id}/scan/",
    response={200: ScanOut, **errors(400, 401, 403, 404, 409)},
    url_name="scan",
    summary=gettext_lazy("Night school: check in or out with the code on the lecturer's phone"),
    **LOGIN,
)
def scan(request, session_id: Id, payload: ScanIn):
    """Check in or out with the code from the lecturer's phone: ``{"token": "…"}`` (the
    last part of the URL in the QR code)."""
    session = _session(session_id)
    try:
        result = services.attendance_scan(
            learner=request.user, session=session, token=payload.token
        )
    except services.CheckInError as error:
        raise _refused(error) from error
    return {"action": result.action, "booking": booking_json(result.booking)}
