import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from academies.models import IndustryAcademyPage
from learning.certificates import render_pdf
from learning.models import Certificate, LedgerSource
from learning.selectors import certificate_by_code, mask_name
from learning.services import certificate_issue, certificate_revoke, ledger_append
from lms.demo import DEMO_LEARNER_PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(demo):
    academy = IndustryAcademyPage.objects.get(slug="new-energy")
    learner = get_user_model().objects.get(username=DEMO_LEARNER_PHONE)
    # Any page stands in for a course here; the course app issues them on completion.
    ledger_append(
        learner=learner, minutes=480, source=LedgerSource.VIDEO, academy=academy, course=academy
    )
    certificate = certificate_issue(
        learner=learner, learner_name="李学员", course=academy, academy=academy
    )
    return certificate_by_code(code=certificate.code), learner, academy


def test_issue_is_idempotent_and_codes_are_unique(issued):
    certificate, learner, academy = issued
    again = certificate_issue(
        learner=learner, learner_name="李学员", course=academy, academy=academy
    )
    assert again.pk == certificate.pk
    assert certificate.code.startswith("JL") and len(certificate.code) == 15
    assert not set(certificate.code[7:]) & set("01OI")


def test_pdf_text_is_real_chinese_text_with_the_facts(issued):
    certificate, _learner, academy = issued
    text = PdfReader(io.BytesIO(render_pdf(certificate))).pages[0].extract_text()
    for expected in ("结业证书", "李学员", academy.title, "8.0 学时", certificate.code):
        assert expected in text, expected
    assert f"/certificates/verify/{certificate.code}/" in text


def test_verify_page_shows_a_masked_name_and_the_facts(client, issued):
    certificate, _learner, academy = issued
    html = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "证书真实有效" in html
    assert "李*" in html and "李学员" not in html
    assert academy.title in html


def test_verify_page_says_clearly_when_a_code_is_invalid_or_revoked(client, issued):
    certificate, _learner, _academy = issued
    response = client.get("/certificates/verify/JL2026-NOTREAL1/")
    assert response.status_code == 404
    assert "不是真实证书" in response.content.decode()

    admin = get_user_model().objects.get(username="new_energy_admin")
    certificate_revoke(certificate=certificate, reason="学时造假", author=admin)
    html = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "被撤销,不再有效" in html
    assert "证书真实有效" not in html


def test_lookup_form_redirects_to_the_code(client, issued):
    certificate, _learner, _academy = issued
    response = client.get("/certificates/verify/", {"code": certificate.code.lower()})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/certificates/verify/{certificate.code}/")


def test_a_revoked_certificate_can_be_issued_anew(issued):
    certificate, learner, academy = issued
    admin = get_user_model().objects.get(username="new_energy_admin")
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, reason=" ", author=admin)
    certificate_revoke(certificate=certificate, reason="重新考核", author=admin)
    fresh = certificate_issue(
        learner=learner, learner_name="李学员", course=academy, academy=academy
    )
    assert fresh.pk != certificate.pk
    assert Certificate.objects.filter(learner=learner).count() == 2


def test_only_the_owner_downloads_the_pdf(client, issued):
    certificate, learner, _academy = issued
    url = f"/certificates/{certificate.code}.pdf"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(get_user_model().objects.get(username="lecturer"))
    assert client.get(url).status_code == 404
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "masked"), [("王小明", "王*明"), ("李四", "李*"), ("欧阳娜娜", "欧**娜"), ("A", "A")]
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked
