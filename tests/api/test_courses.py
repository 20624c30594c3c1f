"""The catalogue, a course with its outline, enrolling and leaving through the API, with
the same rules as the course page: open, approval, limited seats with a waiting list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Category, CourseLecturer, EnrolmentStatus
from tests.courses.factories import make_course, make_learner, make_limited
from tests.search.conftest import make_lecturer

pytestmark = pytest.mark.django_db
COURSES = "/api/v1/courses/"


def titles(response) -> list[str]:
    return [course["title"] for course in response.json()["results"]]


def test_the_catalogue_filters_by_academy_category_and_level(api, hq, new_energy, new_materials):
    lecturer = make_lecturer(hq, "张志强", honours=["首席技师"])
    make_course(
        new_energy,
        "光伏发电站设计",
        level="advanced",
        course_lecturers=[CourseLecturer(lecturer=lecturer)],
    )
    make_course(new_materials, "新材料概论", category=Category.objects.get(name="思政引领"))
    make_course(new_energy, "尚未发布", publish=False)

    everything = api.get(COURSES).json()
    assert (everything["count"], everything["page"], everything["pages"]) == (2, 1, 1)
    pv = everything["results"][1]
    assert pv["academy"] == "吉林省新能源工匠学院" and pv["lecturers"] == ["张志强"]
    assert pv["level"] == {"value": "advanced", "label": "高级"}
    assert pv["url"].startswith("http://testserver/") and pv["my_status"] is None
    assert titles(api.get(COURSES, {"academy": new_energy.pk})) == ["光伏发电站设计"]
    assert titles(api.get(COURSES, {"level": "advanced"})) == ["光伏发电站设计"]
    category = Category.objects.get(name="思政引领").pk
    assert titles(api.get(COURSES, {"category": category})) == ["新材料概论"]

    for wrong in ({"level": "expert"}, {"page": 0}):
        refused = api.get(COURSES, wrong)
        assert refused.status_code == 400
        assert set(refused.json()["error"]["fields"]) == set(wrong)
    assert api.get(COURSES, {"academy": 999999}).status_code == 404


def test_the_catalogue_is_paged_in_a_constant_number_of_queries(api, new_energy):
    learner = make_learner("13900000001")
    api.log_in(learner.username)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(COURSES).status_code == 200
        return len(captured)

    make_course(new_energy, "第1门课")
    queries()  # once to fill the caches (the sites' root paths)
    one = queries()
    for n in range(2, 15):
        make_course(new_energy, f"第{n}门课")
    assert queries() == one
    second = api.get(COURSES, {"page": 2}).json()
    assert (second["count"], second["page"], second["pages"]) == (14, 2, 2)
    assert len(second["results"]) == 2


def test_a_course_with_its_outline_and_the_learners_progress(api, new_energy, course):
    learner = make_learner("13900000001")
    url = f"{COURSES}{course.pk}/"
    anonymous = api.get(url).json()
    (chapter,) = anonymous["chapters"]
    first, second = chapter["lessons"]
    assert (chapter["title"], first["title"], first["required"]) == ("第一章", "第1课", True)
    assert first["key"] == str(course.lessons()[0].key) and first["has_video"] is False
    assert first["url"].endswith(f"/lessons/{first['key']}/")
    assert anonymous["my_enrolment"] is None and anonymous["my_progress"] is None

    api.log_in(learner.username)
    api.post(f"{url}enrolment/")
    beat = {"position": 60, "ranges": [[0, 60]], "visible": True, "tab": "t1"}
    assert api.post(f"/api/v1/lessons/{first['key']}/progress/", beat).status_code == 200
    mine = api.get(url).json()
    assert mine["my_enrolment"]["status"] == "active"
    assert mine["my_progress"]["lessons_required"] == 2
    assert mine["my_progress"]["resume_lesson"]["key"] in (first["key"], second["key"])


def test_enrolling_follows_the_course_rules(api, new_energy):
    approval = make_course(new_energy, "风电场升压站设备巡视及维护", enrolment_policy="approval")
    limited = make_limited(new_energy, "无人机智能巡检与激光三维建模技术应用", 1)
    first, second = make_learner("13900000001"), make_learner("13900000002")

    api.log_in(first.username)
    asked = api.post(f"{COURSES}{approval.pk}/enrolment/").json()
    assert asked["status"] == EnrolmentStatus.PENDING and "审核" in asked["message"]
    seat = api.post(f"{COURSES}{limited.pk}/enrolment/").json()
    assert seat["status"] == EnrolmentStatus.ACTIVE

    api.log_in(second.username)
    waiting = api.post(f"{COURSES}{limited.pk}/enrolment/").json()
    assert (waiting["status"], waiting["waitlist_position"]) == ("waitlisted", 1)
    detail = api.get(f"{COURSES}{limited.pk}/").json()
    assert (detail["seat_limit"], detail["seats_left"]) == (1, 0)
    my = api.get("/api/v1/me/courses/").json()
    assert my["enrolled"] == [] and my["waiting"][0]["waitlist_position"] == 1

    api.log_in(first.username)
    left = api.delete(f"{COURSES}{limited.pk}/enrolment/").json()
    assert left["status"] == "withdrawn" and "无人机" in left["message"]
    again = api.delete(f"{COURSES}{limited.pk}/enrolment/")
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_enrolled"

    api.log_in(second.username)
    promoted = api.get("/api/v1/me/courses/").json()["enrolled"]
    assert [course["title"] for course in promoted] == ["无人机智能巡检与激光三维建模技术应用"]
    assert promoted[0]["progress"]["lessons_done"] == 0


def test_errors_are_json_in_chinese(api, new_energy, course):
    learner = make_learner("13900000001")
    api.log_in(learner.username)
    missing = api.get(f"{COURSES}999999/")
    assert missing.status_code == 404 and "课程不存在" in missing.json()["error"]["message"]
    assert api.post(f"{COURSES}999999/enrolment/").status_code == 404
    unknown_lesson = api.get("/api/v1/lessons/00000000-0000-0000-0000-000000000000/progress/")
    assert unknown_lesson.status_code == 404
    assert unknown_lesson.json()["error"]["code"] == "not_found"
    wrong_method = api.client.put(COURSES)
    assert wrong_method.status_code == 405 and wrong_method["Allow"] == "GET"
    assert "不支持" in wrong_method.json()["error"]["message"]
