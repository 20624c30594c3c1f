"""Who may do what through the API: the learner, a lecturer, the academy's admin, another
academy's admin and anonymous visitors, with a token and with the session. Academy
admins get no powers over learners through the API: it only ever acts for the caller."""

import pytest
from wagtail.models import PageViewRestriction

from courses import services
from learning.services import certificate_issue
from nightschool.services import booking_create
from tests.api.conftest import ADMIN, ANONYMOUS, LEARNER, LECTURER, OTHER_ADMIN, USERNAMES
from tests.courses.factories import make_course, make_learner, user
from tests.nightschool.factories import make_school, make_session

pytestmark = pytest.mark.django_db
ROLES = (ANONYMOUS, LEARNER, LECTURER, ADMIN, OTHER_ADMIN)
HEARTBEAT = {"position": 5, "rate": 1, "ranges": [[0, 5]], "visible": True, "tab": "t1"}

# What each role gets, in the order of ROLES; reads first, then the writes.
MATRIX = [
    ("GET", "catalogue", None, (200, 200, 200, 200, 200)),
    ("GET", "course", None, (200, 200, 200, 200, 200)),
    ("GET", "draft", None, (404, 404, 404, 200, 404)),
    ("GET", "lecturers_only", None, (404, 404, 200, 200, 404)),
    ("GET", "progress", None, (401, 200, 403, 200, 403)),
    ("GET", "draft_progress", None, (401, 404, 404, 200, 404)),
    ("GET", "me", None, (401, 200, 200, 200, 200)),
    ("GET", "my_courses", None, (401, 200, 200, 200, 200)),
    ("GET", "my_certificates", None, (401, 200, 200, 200, 200)),
    ("GET", "learners_certificate_pdf", None, (401, 200, 404, 404, 404)),
    ("POST", "progress", HEARTBEAT, (401, 200, 403, 200, 403)),
    ("POST", "draft_enrolment", None, (401, 404, 404, 409, 404)),
    ("POST", "lecturers_only_enrolment", None, (401, 404, 200, 200, 404)),
    ("DELETE", "draft_enrolment", None, (401, 404, 404, 404, 404)),
    ("POST", "enrolment", None, (401, 200, 200, 200, 200)),
    ("DELETE", "enrolment", None, (401, 200, 200, 200, 200)),
]


@pytest.fixture
def urls(people, new_energy):
    """A public course the learner is enrolled in and has a certificate of, a draft, and
    a course only the academy's lecturers may see (a Wagtail view restriction)."""
    course = make_course(new_energy, "风电场升压站设备巡视及维护")
    draft = make_course(new_energy, "光伏发电站设计", publish=False)
    lecturers_only = make_course(new_energy, "新能源前沿技术(讲师研修)")
    restriction = PageViewRestriction.objects.create(page=lecturers_only, restriction_type="groups")
    restriction.groups.add(new_energy.lecturer_group)
    learner = user(people[LEARNER])
    services.course_enrol(learner=learner, course=course)
    certificate = certificate_issue(
        learner=learner, learner_name="王芳", course=course, academy=new_energy
    )
    courses = "/api/v1/courses/"
    return {
        "catalogue": courses,
        "course": f"{courses}{course.pk}/",
        "draft": f"{courses}{draft.pk}/",
        "lecturers_only": f"{courses}{lecturers_only.pk}/",
        "progress": f"/api/v1/lessons/{course.lessons()[0].key}/progress/",
        "draft_progress": f"/api/v1/lessons/{draft.lessons()[0].key}/progress/",
        "me": "/api/v1/me/",
        "my_courses": "/api/v1/me/courses/",
        "my_certificates": "/api/v1/me/certificates/",
        "learners_certificate_pdf": f"/api/v1/me/certificates/{certificate.code}/pdf/",
        "enrolment": f"{courses}{course.pk}/enrolment/",
        "draft_enrolment": f"{courses}{draft.pk}/enrolment/",
        "lecturers_only_enrolment": f"{courses}{lecturers_only.pk}/enrolment/",
    }


@pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(api, urls, role, session):
    api.log_in(USERNAMES[role], session=session)
    column = ROLES.index(role)
    answers = [
        (method, name, api.request(method, urls[name], body).status_code, expected[column])
        for method, name, body, expected in MATRIX
    ]
    assert [row for row in answers if row[2] != row[3]] == []


@pytest.mark.parametrize("role", ROLES[1:])
def test_everyone_sees_only_their_own_record(api, urls, role):
    api.log_in(USERNAMES[role])
    me = api.get(urls["me"]).json()
    assert me["phone"] == USERNAMES[role]
    enrolled = [course["title"] for course in api.get(urls["my_courses"]).json()["enrolled"]]
    certificates = api.get(urls["my_certificates"]).json()["results"]
    if role == LEARNER:
        assert enrolled == ["风电场升压站设备巡视及维护"] and len(certificates) == 1
    else:
        assert enrolled == [] and certificates == []
    course = api.get(urls["course"]).json()
    assert course["can_manage"] == (role == ADMIN)
    assert (course["my_enrolment"] is not None) == (role == LEARNER)


def test_admins_see_drafts_of_their_academy_only_not_in_the_catalogue(api, urls):
    for role in (ADMIN, OTHER_ADMIN):
        api.log_in(USERNAMES[role])
        titles = [course["title"] for course in api.get(urls["catalogue"]).json()["results"]]
        assert titles == ["风电场升压站设备巡视及维护"]


NIGHT_ROLES = ("anonymous", "learner", "other learner", "school admin", "branch admin")


@pytest.mark.parametrize("role", NIGHT_ROLES)
def test_night_school_bookings_are_their_learners_own(api, role):
    school = make_school()
    session = make_session(school.site, school.course, lecturer=school.lecturer, title="间架结构")
    learner, other = make_learner("13900000001"), make_learner("13900000002")
    booking = booking_create(learner=learner, session=session)
    api.log_in(
        {
            "learner": learner.username,
            "other learner": other.username,
            "school admin": school.admin.username,
            "branch admin": school.branch_admin.username,
        }.get(role)
    )
    expected = {
        "anonymous": (200, 401, 401),
        "learner": (200, 200, 200),
        "other learner": (200, 404, 404),
        "school admin": (200, 404, 404),
        "branch admin": (200, 404, 404),
    }[role]
    bookings = f"/api/v1/nightschool/bookings/{booking.pk}"
    answers = (
        api.get(f"/api/v1/nightschool/classes/{session.pk}/").status_code,
        api.post(f"{bookings}/accept/").status_code,
        api.post(f"{bookings}/cancel/").status_code,
    )
    assert answers == expected
