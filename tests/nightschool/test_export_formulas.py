"""What learners and editors typed is text in the roster export, never a formula."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import LearnerProfile
from nightschool import services
from tests.nightschool.factories import make_course, make_learner, make_session

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/","x")'
DDE = "=cmd|' /C calc'!A0"


def test_the_roster_export_holds_formulas_as_text(client, school, before):
    course = make_course(school.site, DDE)
    session = make_session(school.site, course, title="=2+5")
    learner = make_learner("13900000001", "王芳")
    LearnerProfile.objects.filter(user=learner).update(work_unit=HYPERLINK)
    services.booking_create(learner=learner, session=session, now=before)

    client.force_login(school.admin)
    response = client.get(reverse("nightschool_admin:export", args=(session.pk,)))
    sheet = load_workbook(io.BytesIO(response.content)).active
    title, work_unit = sheet["A1"], sheet["D3"]
    assert (title.value, title.data_type) == (f"{DDE} · =2+5", "s")
    assert (work_unit.value, work_unit.data_type) == (HYPERLINK, "s")
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
