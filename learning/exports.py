"""Spreadsheets of learning hours for admins (XLSX, written row by row to stay small)."""

import io
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.selectors import display_name
from learning.models import hours_of
from lms.spreadsheets import append_row

GROUPINGS = {
    "academy": ("academy_id", "academy_title"),
    "course": ("course_id", "course_title"),
    "learner": ("learner_id", "learner__username"),
}


def _summary_rows(entries, group_by: str) -> Iterable[tuple]:
    """Named rows: an academy or course by its title, a learner by `display_name`."""
    key, label = GROUPINGS[group_by]
    rows = list(
        entries.order_by()
        .values(key, label)
        .annotate(minutes=Sum("minutes"), count=Count("pk"))
        .order_by(label, key)
    )
    names = {}
    if group_by == "learner":
        learners = get_user_model().objects.filter(pk__in=[row[key] for row in rows])
        names = {user.pk: display_name(user) for user in learners.select_related("learner_profile")}
    for row in rows:
        name = names.get(row[key], row[label]) if group_by == "learner" else row[label]
        extra = (row[label],) if group_by == "learner" else ()
        yield (name, *extra, float(hours_of(row["minutes"])), row["minutes"], row["count"])


def hours_workbook(entries, *, group_by: str) -> bytes:
    """A summary sheet grouped by academy, course or learner, and every entry behind it."""
    book = Workbook(write_only=True)
    headings = {
        "academy": _("Academy"),
        "course": _("Course"),
        "learner": _("Learner"),
    }
    summary = book.create_sheet(_("Summary"))
    phone = [_("Mobile number")] if group_by == "learner" else []
    append_row(summary, [headings[group_by], *phone, _("Hours"), _("Minutes"), _("Entries")])
    for row in _summary_rows(entries, group_by):
        append_row(summary, row)

    detail = book.create_sheet(_("Entries"))
    append_row(
        detail,
        [
            _("Recorded at"),
            _("Mobile number"),
            _("Name"),
            _("Minutes"),
            _("Source"),
            _("Academy"),
            _("Course"),
            _("Reason"),
            _("Recorded by"),
        ],
    )
    tz = timezone.get_current_timezone()
    for entry in (
        entries.select_related("learner__learner_profile", "author")
        .order_by("created_at", "pk")
        .iterator(chunk_size=2000)
    ):
        append_row(
            detail,
            [
                entry.created_at.astimezone(tz).replace(tzinfo=None),
                entry.learner.username,
                display_name(entry.learner),
                entry.minutes,
                entry.get_source_display(),
                entry.academy_title,
                entry.course_title,
                entry.reason,
                display_name(entry.author) if entry.author else "",
            ],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
