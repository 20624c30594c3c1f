"""The learner's own record: profile with this year's hours against the province's
target, and certificates (revoked ones flagged) with their PDF and verification links."""

import pytest
from django.utils import timezone

from learning.models import LedgerSource
from learning.services import (
    certificate_issue,
    certificate_revoke,
    ledger_append,
    yearly_target_set,
)
from tests.courses.factories import make_course, make_learner, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(units):
    return make_learner("13900000001", "王芳", work_unit="国网吉林省电力有限公司")


def test_my_profile_and_hours_against_the_target(api, learner, hq, course):
    yearly_target_set(academy=hq, year=timezone.localdate().year, hours=20)
    ledger_append(learner=learner, minutes=300, source=LedgerSource.VIDEO, course=course)
    api.log_in(learner.username)
    me = api.get("/api/v1/me/").json()
    assert (me["name"], me["phone"]) == ("王芳", "13900000001")
    assert me["work_unit"] == "国网吉林省电力有限公司"
    assert me["hours"] == {
        "year": timezone.localdate().year,
        "hours": 5.0,
        "target_hours": 20,
        "percent": 25,
    }


def test_my_certificates_with_links(api, client, learner, new_energy):
    first = make_course(new_energy, "光伏发电站设计")
    second = make_course(new_energy, "新能源前沿技术")
    for course in (first, second):
        certificate_issue(
            learner=learner,
            learner_name="王芳",
            course=course,
            academy=new_energy,
        )
    ledger_append(
        learner=learner, minutes=480, source=LedgerSource.VIDEO, academy=new_energy, course=second
    )
    revoked = learner.certificates.get(course_id=first.pk)
    certificate_revoke(certificate=revoked, reason="学时记录有误", author=user("new_energy_admin"))

    api.log_in(learner.username)
    results = api.get("/api/v1/me/certificates/").json()["results"]
    assert [(c["course"]["title"], c["revoked"]) for c in results] == [
        ("新能源前沿技术", False),
        ("光伏发电站设计", True),
    ]
    valid = results[0]
    assert (valid["academy"], valid["hours"]) == ("吉林省新能源工匠学院", 8.0)
    pdf = api.get(valid["pdf_url"].removeprefix("http://testserver"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    verify = client.get(valid["verify_url"].removeprefix("http://testserver"))
    assert verify.status_code == 200 and valid["code"] in verify.content.decode()
