"""One truth for hours: the certificate, its PDF and verification page, 我的学习 (the
certificate and the course's card), the API and the admin's export all state the hours the
ledger holds — never the hours typed on the course page."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from courses.services import course_enrol
from learning.certificates import render_pdf
from learning.models import LedgerSource
from learning.selectors import certificate_by_code
from learning.services import ledger_append
from tests.courses.factories import heartbeat, make_course, open_lesson, user, with_video_lesson

pytestmark = pytest.mark.django_db


def stated_hours(client, learner, certificate, course) -> dict[str, str]:
    """The hours of the course as every place that shows them states them."""
    certificate = certificate_by_code(code=certificate.code)
    pdf = PdfReader(io.BytesIO(render_pdf(certificate))).pages[0].extract_text()
    verify = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    client.force_login(learner)
    api = client.get("/api/v1/me/certificates/").json()["results"][0]
    page = client.get("/me/").content.decode()
    item = page[page.index('<li class="certificate-item">') :]
    client.force_login(user("new_energy_admin"))
    export = client.get("/admin/learning/hours/", {"export": "1", "group_by": "course"})
    summary = list(load_workbook(io.BytesIO(export.content)).worksheets[0].values)
    (row,) = [row for row in summary[1:] if row[0] == course.title]
    return {
        "pdf": re.search(r"共计 ([\d.]+) 学时", pdf).group(1),
        "verify": re.search(r"<dt>学时</dt><dd>([\d.]+)</dd>", verify).group(1),
        "api": f"{api['hours']:.1f}",
        "my page": re.search(r"([\d.]+) 学时", item).group(1),
        "my course card": re.search(r"已获 ([\d.]+) 学时", page).group(1),
        "export": f"{row[1]:.1f}",
    }


def test_every_view_of_a_certificate_states_the_ledgers_hours(client, new_energy, learner):
    course = with_video_lesson(make_course(new_energy, "光伏发电站设计", lessons=2), seconds=300)
    assert course.learning_hours == 8  # what the course page says it is worth
    course_enrol(learner=learner, course=course)
    video, text = course.lessons()
    start = timezone.now() - datetime.timedelta(minutes=10)
    for step in range(11):
        at = start + datetime.timedelta(seconds=30 * step)
        heartbeat(learner, course, video, max(0, step - 1) * 30, step * 30, at=at)
    assert open_lesson(learner, course, text).course_complete
    certificate = learner.certificates.get()

    assert set(stated_hours(client, learner, certificate, course).values()) == {"0.1"}

    # Later credits for the course (an optional lesson, a class) count on the certificate too.
    ledger_append(
        learner=learner, minutes=55, source=LedgerSource.CLASS, academy=new_energy, course=course
    )
    assert set(stated_hours(client, learner, certificate, course).values()) == {"1.0"}
