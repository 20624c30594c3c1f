"""How the night school writes times for people: "11月22日(星期六) 19:00"."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext


def when(value: datetime) -> str:
    # Translators: a date format (Django's date filter syntax) for class times.
    return date_format(timezone.localtime(value), gettext("D M j, H:i"))


def clock(value: datetime) -> str:
    return date_format(timezone.localtime(value), "H:i")
