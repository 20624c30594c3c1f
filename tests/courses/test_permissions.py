"""Academy admins manage only their own academy's courses and learners, shown through
real requests by every kind of user."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses import services
from courses.models import CoursePage, Enrolment, EnrolmentStatus
from lms.demo import DEMO_LEARNER_PHONE
from tests.courses.factories import make_course, make_learner, user

pytestmark = pytest.mark.django_db

# username, may manage the new-energy academy's courses
ROLES = [
    ("admin", True),
    ("hq_admin", True),
    ("new_energy_admin", True),
    ("new_materials_admin", False),
    ("lecturer", False),
    (DEMO_LEARNER_PHONE, False),
    (None, False),
]


@pytest.fixture
def course(new_energy):
    return make_course(new_energy, "风电场升压站设备巡视及维护", enrolment_policy="approval")


@pytest.fixture
def pending(course):
    return services.course_enrol(learner=make_learner("13900000001", "王芳"), course=course)


def login(client, username):
    if username is not None:
        client.force_login(user(username))


def refused(response, username) -> bool:
    if username is None:
        return response.status_code == 302 and "/login/" in response["Location"]
    # Wagtail answers a refused admin request with 403, or a redirect away from the area.
    return response.status_code == 403 or (
        response.status_code == 302 and reverse("courses_admin:queue") not in response["Location"]
    )


@pytest.mark.parametrize(("username", "allowed"), ROLES)
def test_course_learners_page(client, course, pending, username, allowed):
    login(client, username)
    response = client.get(reverse("courses_admin:learners", args=(course.pk,)))
    if allowed:
        assert response.status_code == 200
        assert "王芳" in response.content.decode()
    else:
        assert refused(response, username), response.status_code


@pytest.mark.parametrize(("username", "allowed"), ROLES)
def test_approving_a_request(client, pending, username, allowed):
    login(client, username)
    client.post(reverse("courses_admin:approve", args=(pending.pk,)))
    pending.refresh_from_db()
    assert (pending.status == EnrolmentStatus.ACTIVE) == allowed


@pytest.mark.parametrize(("username", "allowed"), ROLES)
def test_the_queue_shows_own_requests_only(client, pending, username, allowed):
    login(client, username)
    response = client.get(reverse("courses_admin:queue"))
    shown = response.status_code == 200 and "王芳" in response.content.decode()
    assert shown == allowed


@pytest.mark.parametrize(("username", "allowed"), ROLES)
def test_bulk_enrolment_and_taking_out(client, course, username, allowed):
    make_learner("13900000002")
    seat = services.course_enrol(
        learner=make_learner("13900000003"), course=course, by=user("admin")
    )
    login(client, username)
    upload = SimpleUploadedFile("名单.csv", b"13900000002\n")
    client.post(reverse("courses_admin:learners", args=(course.pk,)), {"file": upload})
    assert Enrolment.objects.filter(learner__username="13900000002").exists() == allowed
    client.post(reverse("courses_admin:remove", args=(seat.pk,)))
    seat.refresh_from_db()
    assert (seat.status == EnrolmentStatus.WITHDRAWN) == allowed


@pytest.mark.parametrize(("username", "allowed"), ROLES)
def test_importing_into_the_academy(client, new_energy, username, allowed):
    login(client, username)
    csv = "课程名称,简介,类别,学时\n光伏发电站设计,光伏电站设计全流程,职业发展,12\n"
    upload = SimpleUploadedFile("课程.csv", csv.encode())
    client.post(reverse("courses_admin:import"), {"unit": new_energy.pk, "file": upload})
    assert CoursePage.objects.filter(title="光伏发电站设计").exists() == allowed


@pytest.mark.parametrize(("username", "allowed"), ROLES)
def test_editing_the_course_page(client, course, username, allowed):
    login(client, username)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(course.pk,)))
    assert (response.status_code == 200) == allowed


def test_the_import_form_offers_only_managed_units(client, new_energy, new_materials):
    login(client, "new_materials_admin")
    html = client.get(reverse("courses_admin:import")).content.decode()
    assert "吉林省新材料工匠学院" in html
    assert "吉林省新能源工匠学院" not in html and "光伏发电实训基地" not in html
    login(client, "new_energy_admin")
    html = client.get(reverse("courses_admin:import")).content.decode()
    assert "吉林省新能源工匠学院" in html and "光伏发电实训基地" in html
    assert "吉林省新材料工匠学院" not in html
