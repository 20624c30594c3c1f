"""A course's learners with their progress, a learner's page, bulk decisions."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from courses.models import Enrolment, EnrolmentPolicy, EnrolmentStatus
from courses.services import course_enrol
from lms.models import AuditAction, AuditEntry
from tests.courses.factories import make_course, make_learner

pytestmark = pytest.mark.django_db


def report(client, course, **query):
    response = client.get(reverse("courses_admin:learners", args=[course.pk]), query)
    assert response.status_code == 200
    return response


def test_the_report_shows_progress_hours_and_completion_sorted_as_asked(
    client, scene, new_energy_admin
):
    client.force_login(new_energy_admin)
    rows = list(report(client, scene.solar).context["page_obj"])
    assert [(row.learner, row.lessons_done, row.completed) for row in rows] == [
        (scene.li, 2, True),
        (scene.wang, 0, False),
    ] or [(row.learner, row.lessons_done) for row in rows] == [(scene.wang, 0), (scene.li, 2)]
    li = next(row for row in rows if row.learner == scene.li)
    assert li.percent == 100 and li.minutes == 5 and li.last_activity is not None
    by_progress = report(client, scene.solar, order="-progress").context["page_obj"]
    assert [row.learner for row in by_progress] == [scene.li, scene.wang]
    by_progress = report(client, scene.solar, order="progress").context["page_obj"]
    assert [row.learner for row in by_progress] == [scene.wang, scene.li]
    by_hours = report(client, scene.solar, order="-hours").context["page_obj"]
    assert [row.learner for row in by_hours] == [scene.li, scene.wang]
    # Nonsense sorts and statuses fall back to the defaults.
    assert report(client, scene.solar, order="password", status="x").status_code == 200


def test_the_report_exports_names_not_usernames(client, scene, new_energy_admin):
    client.force_login(new_energy_admin)
    response = report(client, scene.solar, export="1", order="-progress")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("姓名", "工作单位", "手机号")
    assert rows[1][0] == "李明" and rows[1][-1] == "是"
    assert rows[2][0] == "王芳" and rows[2][-1] == "否"
    assert AuditEntry.objects.filter(action=AuditAction.EXPORTED, actor=new_energy_admin).exists()


def test_another_academys_admin_cannot_open_the_report(client, scene):
    from tests.courses.factories import user

    client.force_login(user("new_materials_admin"))
    response = client.get(reverse("courses_admin:learners", args=[scene.solar.pk]))
    assert response.status_code in (302, 403)


def test_the_course_in_the_admin_links_to_its_learners(client, scene, new_energy_admin):
    client.force_login(new_energy_admin)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[scene.solar.pk])).content.decode()
    assert reverse("courses_admin:learners", args=[scene.solar.pk]) in page


def test_a_learners_page_shows_only_what_the_admins_units_know(client, scene, new_energy_admin):
    client.force_login(new_energy_admin)
    url = reverse("courses_admin:learner", args=[scene.li.pk])
    page = client.get(url).content.decode()
    assert "光伏发电站设计" in page and "风电场升压站设备巡视及维护" in page
    # 赵强 studies only at the materials academy: not this admin's to see.
    response = client.get(reverse("courses_admin:learner", args=[scene.zhao.pk]))
    assert response.status_code in (302, 403)


@pytest.fixture
def requests(scene):
    course = make_course(
        scene.new_energy, "电工进网作业许可培训", enrolment_policy=EnrolmentPolicy.APPROVAL
    )
    learners = [make_learner(f"1390000010{n}", name=name) for n, name in enumerate("甲乙丙")]
    for learner in learners:
        course_enrol(learner=learner, course=course)
    return course, list(Enrolment.objects.filter(course=course).order_by("pk"))


def decide(client, enrolments, **data):
    return client.post(
        reverse("courses_admin:decide"),
        {"enrolment": [e.pk for e in enrolments], **data},
    )


def test_bulk_approval_asks_for_confirmation_then_decides_all(client, requests, new_energy_admin):
    course, pending = requests
    client.force_login(new_energy_admin)
    response = decide(client, pending[:2], decision="approve")
    assert response.status_code == 200 and "确认" in response.content.decode()
    assert Enrolment.objects.filter(status=EnrolmentStatus.PENDING).count() == 3
    response = decide(client, pending[:2], decision="approve", confirmed="1")
    assert response.status_code == 302
    statuses = [e.status for e in Enrolment.objects.filter(course=course).order_by("pk")]
    assert statuses == ["active", "active", "pending"]
    assert AuditEntry.objects.filter(action=AuditAction.ENROLMENT_APPROVED).count() == 2


def test_turning_down_in_bulk_needs_a_reason(client, requests, new_energy_admin):
    course, pending = requests
    client.force_login(new_energy_admin)
    decide(client, pending, decision="refuse", note="", confirmed="1")
    assert Enrolment.objects.filter(status=EnrolmentStatus.PENDING).count() == 3
    decide(client, pending, decision="refuse", note="名额已满,请报下一期", confirmed="1")
    refused = Enrolment.objects.filter(course=course)
    assert {(e.status, e.note) for e in refused} == {("rejected", "名额已满,请报下一期")}
    entry = AuditEntry.objects.filter(action=AuditAction.ENROLMENT_REFUSED).first()
    assert entry.detail == "名额已满,请报下一期" and "电工进网作业许可培训" in entry.subject


def test_a_bulk_decision_is_all_or_nothing(client, requests, new_energy_admin):
    course, pending = requests
    client.force_login(new_energy_admin)
    response = decide(client, pending, decision="approve")  # the confirmation page
    assert response.status_code == 200
    # Meanwhile another admin decided one of them.
    from courses.services import enrolment_reject

    enrolment_reject(enrolment=pending[1], by=new_energy_admin, note="重复报名")
    response = decide(client, pending, decision="approve", confirmed="1")
    statuses = sorted(e.status for e in Enrolment.objects.filter(course=course))
    assert statuses == ["pending", "pending", "rejected"]
    assert "没有做任何更改" in client.get(response.url).content.decode()


def test_requests_of_another_academy_cannot_be_decided(client, requests):
    from tests.courses.factories import user

    _course, pending = requests
    client.force_login(user("new_materials_admin"))
    decide(client, pending, decision="approve", confirmed="1")
    assert Enrolment.objects.filter(status=EnrolmentStatus.PENDING).count() == 3
