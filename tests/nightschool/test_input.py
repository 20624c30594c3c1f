"""Input that used to answer 500: "²" (str.isdigit() passes it, int() does not), numbers
of thousands of digits, months at the ends of the calendar."""

import pytest
from django.urls import reverse

from tests.nightschool.factories import make_learner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("token", ["².².abc", "1.²." + "x" * 20, "9" * 5000 + ".1.x"])
def test_a_scanned_code_that_is_no_code_is_explained(client, session, token):
    url = reverse("nightschool:checkin", args=[session.pk, token])
    assert client.get(url).status_code == 400  # before logging in
    client.force_login(make_learner("13900000001"))
    response = client.get(url, follow=True)
    assert response.status_code == 400 and "签到码" in response.content.decode()


@pytest.mark.parametrize("site", ["²", "9" * 5000])
def test_the_class_list_refuses_a_site_that_is_no_number(client, school, site):
    response = client.get(reverse("api:classes"), {"site": site})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "²"])
def test_the_calendar_of_any_month_asked_for(client, school, month):
    client.force_login(school.admin)
    assert client.get(reverse("nightschool_admin:calendar"), {"month": month}).status_code == 200
