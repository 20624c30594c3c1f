import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from openpyxl import load_workbook

from academies.models import IndustryAcademyPage
from learning.models import Certificate, LedgerEntry
from learning.services import certificate_issue, ledger_append
from lms.demo import DEMO_LEARNER_PHONE
from lms.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo):
    users = get_user_model().objects
    learner = users.get(username=DEMO_LEARNER_PHONE)
    energy = IndustryAcademyPage.objects.get(slug="new-energy")
    materials = IndustryAcademyPage.objects.get(slug="new-materials")
    ledger_append(learner=learner, minutes=90, source="video", academy=energy, course=energy)
    ledger_append(learner=learner, minutes=45, source="class", academy=materials)
    certificate_issue(learner=learner, learner_name="李学员", course=energy, academy=energy)
    certificate_issue(
        learner=learner,
        learner_name="李学员",
        course=materials,
        academy=materials,
    )
    return learner, energy, materials


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def test_an_academy_admin_sees_and_exports_only_their_academys_hours(client, world):
    login(client, "new_energy_admin")
    html = client.get("/admin/learning/hours/").content.decode()
    assert "吉林省新能源工匠学院" in html
    assert "吉林省新材料工匠学院</td>" not in html

    response = client.get("/admin/learning/hours/", {"export": "1", "group_by": "academy"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    summary = list(book.worksheets[0].values)
    assert summary[0][0] == "颁发单位"  # named, not numbered
    assert summary[1][0:3] == ("吉林省新能源工匠学院", 1.5, 90)
    assert len(summary) == 2
    assert [row[3] for row in list(book.worksheets[1].values)[1:]] == [90]


def test_the_headquarters_admin_exports_every_academy_by_learner(client, world):
    login(client, "hq_admin")
    response = client.get("/admin/learning/hours/", {"export": "1", "group_by": "learner"})
    book = load_workbook(io.BytesIO(response.content))
    summary = list(book.worksheets[0].values)
    # Learners by name (with their mobile number beside it), never by id or username.
    assert summary[1][0:2] == ("李学员", DEMO_LEARNER_PHONE)
    assert summary[1][3] == 135
    assert {row[2] for row in list(book.worksheets[1].values)[1:]} == {"李学员"}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor.username) == (AuditAction.EXPORTED, "hq_admin")


@pytest.mark.parametrize("username", ["lecturer", DEMO_LEARNER_PHONE])
def test_people_who_manage_no_unit_are_refused(client, world, username):
    login(client, username)
    assert client.get("/admin/learning/hours/").status_code in (302, 403)
    assert client.get("/admin/learning/certificates/").status_code in (302, 403)


def test_an_adjustment_records_the_admin_and_reason(client, world):
    learner, energy, _materials = world
    login(client, "new_energy_admin")
    client.post(
        "/admin/learning/hours/adjust/",
        {"learner": learner.username, "unit": energy.pk, "minutes": "-30", "reason": "重复计时"},
    )
    entry = LedgerEntry.objects.order_by("-pk").first()
    assert (entry.minutes, entry.reason, entry.author.username) == (
        -30,
        "重复计时",
        "new_energy_admin",
    )
    logged = AuditEntry.objects.get(action=AuditAction.LEDGER_ADJUSTED)
    assert (logged.actor.username, logged.unit_id, logged.detail) == (
        "new_energy_admin",
        energy.pk,
        "-30 · 重复计时",
    )


def test_an_admin_cannot_take_away_hours_earned_in_another_academy(client, world):
    """An academy admin once subtracted 100,000 minutes from a learner whose hours came
    from another academy: the learner's total went to −1,661 学时."""
    learner, energy, materials = world
    login(client, "new_energy_admin")
    before = list(LedgerEntry.objects.values_list("pk", flat=True))
    for unit in (energy, materials):
        response = client.post(
            "/admin/learning/hours/adjust/",
            {"learner": learner.username, "unit": unit.pk, "minutes": "-100000", "reason": "清零"},
            follow=True,
        )
        assert response.status_code == 200
    assert list(LedgerEntry.objects.values_list("pk", flat=True)) == before
    assert learner.ledger_entries.aggregate(total=Sum("minutes"))["total"] == 135
    # The own academy: not below what was credited there (90 minutes).
    client.post(
        "/admin/learning/hours/adjust/",
        {"learner": learner.username, "unit": energy.pk, "minutes": "-100000", "reason": "清零"},
    )
    page = client.get("/admin/learning/hours/").content.decode()
    assert "调整后不能低于零" in page and "1.5 学时(90 分钟)" in page


def test_an_admin_may_take_back_hours_credited_in_their_own_academy(client, world):
    learner, energy, _materials = world
    login(client, "new_energy_admin")
    client.post(
        "/admin/learning/hours/adjust/",
        {"learner": learner.username, "unit": energy.pk, "minutes": "-90", "reason": "重复计时"},
    )
    assert LedgerEntry.objects.filter(academy_id=energy.pk).aggregate(t=Sum("minutes"))["t"] == 0
    client.post(
        "/admin/learning/hours/adjust/",
        {"learner": learner.username, "unit": energy.pk, "minutes": "-1", "reason": "再减一分钟"},
    )
    assert LedgerEntry.objects.filter(academy_id=energy.pk).aggregate(t=Sum("minutes"))["t"] == 0


def test_an_admin_cannot_credit_hours_in_another_academy(client, world):
    learner, _energy, materials = world
    login(client, "new_energy_admin")
    count = LedgerEntry.objects.count()
    client.post(
        "/admin/learning/hours/adjust/",
        {"learner": learner.username, "unit": materials.pk, "minutes": "600", "reason": "x"},
    )
    assert LedgerEntry.objects.count() == count


def test_certificates_zip_and_revoke_are_limited_to_own_academy(client, world):
    _learner, energy, materials = world
    login(client, "new_energy_admin")
    response = client.get(f"/admin/learning/certificates/course/{energy.pk}.zip")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 1 and names[0].endswith("-李学员.pdf")
    refused = client.get(f"/admin/learning/certificates/course/{materials.pk}.zip")
    assert refused.status_code in (302, 403) and refused["Content-Type"] != "application/zip"

    other = Certificate.objects.get(course_id=materials.pk)
    assert (
        client.post(f"/admin/learning/certificates/{other.pk}/revoke/", {"reason": "x"}).status_code
        == 404
    )
    own = Certificate.objects.get(course_id=energy.pk)
    client.post(f"/admin/learning/certificates/{own.pk}/revoke/", {"reason": "考核未通过"})
    own.refresh_from_db()
    assert own.revoked_reason == "考核未通过" and own.revoked_by.username == "new_energy_admin"
    logged = AuditEntry.objects.get(action=AuditAction.CERTIFICATE_REVOKED)
    assert own.code in logged.subject and logged.detail == "考核未通过"
