"""The back-office log: each admin reads the entries of their own units."""

import pytest
from django.urls import reverse

from courses.models import Enrolment
from courses.services import course_unenrol
from learning.services import ledger_adjust
from lms.models import AuditAction, AuditEntry
from tests.courses.factories import user

pytestmark = pytest.mark.django_db
URL = reverse("dashboards:log")


@pytest.fixture
def logged(scene, hq_admin, new_energy_admin):
    ledger_adjust(
        learner=scene.li, minutes=30, reason="线下补课", author=new_energy_admin,
        academy=scene.new_energy,
    )  # fmt: skip
    ledger_adjust(
        learner=scene.zhao, minutes=-15, reason="重复计时", author=hq_admin,
        academy=scene.new_materials,
    )  # fmt: skip
    enrolment = Enrolment.objects.get(learner=scene.wang, course=scene.solar)
    course_unenrol(enrolment=enrolment, by=new_energy_admin)


def test_an_academy_admin_reads_their_units_entries_only(client, logged, new_energy_admin):
    client.force_login(new_energy_admin)
    entries = list(client.get(URL).context["page_obj"])
    assert {entry.action for entry in entries} == {
        AuditAction.LEDGER_ADJUSTED,
        AuditAction.ENROLMENT_REMOVED,
    }
    assert "赵强" not in client.get(URL).content.decode()
    only = client.get(URL, {"action": AuditAction.ENROLMENT_REMOVED}).context["page_obj"]
    assert [entry.subject for entry in only] == ["王芳 · 光伏发电站设计"]


def test_headquarters_reads_every_unit(client, logged, hq_admin):
    client.force_login(hq_admin)
    assert len(client.get(URL).context["page_obj"]) == 3
    response = client.get(URL, {"export": "1"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action=AuditAction.EXPORTED).count() == 1


def test_learners_and_lecturers_have_no_log(client, logged, scene):
    client.force_login(scene.li)
    assert client.get(URL).status_code == 302
    client.force_login(user("lecturer"))
    assert client.get(URL).status_code == 302
