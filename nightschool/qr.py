"""The check-in QR code: the URL a phone camera opens, drawn as an inline SVG."""

import qrcode
import qrcode.image.svg
from django.urls import reverse
from django.utils import timezone

from nightschool import tokens
from nightschool.models import ClassSession


def checkin_url(request, session: ClassSession, *, now=None) -> str:
    """The absolute check-in URL for the current code window."""
    window = tokens.window_at(now or timezone.now())
    token = tokens.make(session_id=session.pk, window=window)
    return request.build_absolute_uri(reverse("nightschool:checkin", args=(session.pk, token)))


def svg(data: str) -> str:
    # Medium error correction survives a glare on the lecturer's screen.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(data)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
