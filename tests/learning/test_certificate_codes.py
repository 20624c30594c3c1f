"""The public verification page takes any text as a code: what cannot be a certificate's
code (a NUL, which PostgreSQL refuses in a query; a slash, which no URL can hold) gets a
clear 404, never a 500."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/certificates/verify/%00/", "/certificates/verify/JL%00X/"])
def test_a_nul_in_the_code_is_not_a_certificate(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "这不是证书编号" in html and "\x00" not in html


@pytest.mark.parametrize("typed", ["a/b", "\x00", "JL2026-" + "X" * 40, "证书"])
def test_the_lookup_form_answers_whatever_is_typed(client, typed):
    response = client.get("/certificates/verify/", {"code": typed})
    assert response.status_code == 404
    assert "这不是证书编号" in response.content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/certificates/verify/", {"code": typed})
    assert (
        response.status_code == 404
        and "This is not a certificate code" in response.content.decode()
    )


def test_downloads_by_a_malformed_code_are_not_found(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("13900000001"))
    assert client.get("/certificates/%00.pdf").status_code == 404


@pytest.mark.parametrize("course", ["²", "9" * 5000])
def test_the_certificate_list_ignores_a_course_that_is_no_number(client, demo, course):
    client.force_login(get_user_model().objects.get(username="new_energy_admin"))
    response = client.get("/admin/learning/certificates/", {"course": course})
    assert response.status_code == 200
