"""What the night school tells learners, in-site and by text message.

Texts are written in the site's language (Chinese): they are stored and texted, not
shown in a request of the learner's.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lms.services import notify
from nightschool.formats import clock, when
from nightschool.models import Booking


def _place(booking: Booking) -> dict:
    session = booking.session
    return {
        "title": session.display_title,
        "when": when(session.starts_at),
        "venue": session.venue.name,
        "address": session.venue.address,
    }


def _url(booking: Booking) -> str:
    return reverse("nightschool:class", args=(booking.session_id,))


def seat_offered(booking: Booking) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Night school: a seat in %(title)s (%(when)s) is free and held for you until "
            "%(deadline)s. Confirm it on the platform before then, or it passes to the next "
            "person waiting."
        ) % {**_place(booking), "deadline": when(booking.offer_expires_at)}
    notify(user=booking.learner, text=text, url=_url(booking), sms=True)


def offer_lapsed(booking: Booking) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Night school: the seat in %(title)s (%(when)s) was held for you until "
            "%(deadline)s and has passed to the next person. You can join the waiting list "
            "again."
        ) % {**_place(booking), "deadline": when(booking.offer_expires_at)}
    notify(user=booking.learner, text=text, url=_url(booking))


def booking_cancelled_by_school(booking: Booking) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Night school: your booking for %(title)s (%(when)s) was cancelled by the night "
            "school. Contact them if you have questions."
        ) % _place(booking)
    notify(user=booking.learner, text=text, url=_url(booking), sms=True)


def reminder(booking: Booking, *, day_before: bool) -> None:
    session = booking.session
    with translation.override(settings.LANGUAGE_CODE):
        if day_before:
            text = _(
                "Night school reminder: %(title)s on %(when)s at %(venue)s, %(address)s. "
                "If you cannot come, cancel by %(deadline)s so that someone waiting gets "
                "your seat."
            ) % {**_place(booking), "deadline": when(session.cancellation_deadline)}
        else:
            text = _(
                "Night school reminder: %(title)s starts at %(time)s at %(venue)s, "
                "%(address)s. Check in by scanning the code on the lecturer's phone, and "
                "scan again at the end to have your learning hours recorded."
            ) % {**_place(booking), "time": clock(session.starts_at)}
    notify(user=booking.learner, text=text, url=_url(booking), sms=True)


def no_show_recorded(booking: Booking) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Night school: you booked %(title)s (%(when)s) but did not check in, so it is "
            "recorded as missed. Repeated misses pause booking; please cancel in time when "
            "you cannot come."
        ) % _place(booking)
    notify(user=booking.learner, text=text, url=_url(booking))
