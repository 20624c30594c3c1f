"""What learners and editors typed is text in the hours export, never a formula."""

import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from academies.models import IndustryAcademyPage
from learning.services import ledger_adjust, ledger_append
from tests.courses.factories import make_course, make_learner

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/","x")'
DDE = "=cmd|' /C calc'!A0"
NAME = '=HYPERLINK("http://e.x/","x")'  # a name has at most 30 characters


def test_the_hours_export_holds_formulas_as_text(client, demo):
    energy = IndustryAcademyPage.objects.get(slug="new-energy")
    course = make_course(energy, DDE)
    learner = make_learner("13900000001", name=NAME, work_unit=HYPERLINK)
    admin = get_user_model().objects.get(username="new_energy_admin")
    ledger_append(learner=learner, minutes=90, source="video", academy=energy, course=course)
    ledger_adjust(
        learner=learner, minutes=30, reason="=2+5", author=admin, academy=energy, course=course
    )

    client.force_login(admin)
    for group_by in ("course", "learner"):
        response = client.get("/admin/learning/hours/", {"export": "1", "group_by": group_by})
        book = load_workbook(io.BytesIO(response.content))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"], group_by
        texts = {cell.value for cell in cells if cell.data_type == "s"}
        assert {DDE, "=2+5", NAME} <= texts, group_by
