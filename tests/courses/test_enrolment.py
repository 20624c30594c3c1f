"""Enrolment: open courses, approval, limited seats with a waiting list, leaving."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from courses import selectors, services
from courses.models import (
    CoursePage,
    Enrolment,
    EnrolmentPolicy,
    EnrolmentSource,
    EnrolmentStatus,
)
from tests.courses.factories import make_course, make_learner, make_limited, user
from video.models import RenditionSet, Video, VideoStatus, Visibility
from video.selectors import can_watch

pytestmark = pytest.mark.django_db

ACTIVE, PENDING = EnrolmentStatus.ACTIVE, EnrolmentStatus.PENDING
WAITLISTED, WITHDRAWN = EnrolmentStatus.WAITLISTED, EnrolmentStatus.WITHDRAWN


def test_an_open_course_enrols_at_once_and_twice_changes_nothing(new_energy):
    course = make_course(new_energy, "新能源前沿技术")
    learner = make_learner("13900000001")
    first = services.course_enrol(learner=learner, course=course)
    again = services.course_enrol(learner=learner, course=course)
    assert first.status == ACTIVE and first.enrolled_at is not None
    assert again.pk == first.pk
    assert Enrolment.objects.count() == 1


def test_a_draft_course_takes_nobody(new_energy):
    course = make_course(new_energy, "尚未发布的课程", publish=False)
    with pytest.raises(services.EnrolmentError, match="不接受报名"):
        services.course_enrol(learner=make_learner("13900000001"), course=course)


def test_approval_queue_approve_reject_and_ask_again(new_energy):
    course = make_course(new_energy, "风电场升压站设备巡视及维护", enrolment_policy="approval")
    alice, bob = make_learner("13900000001", "王芳"), make_learner("13900000002", "刘强")
    admin = user("new_energy_admin")
    a = services.course_enrol(learner=alice, course=course)
    b = services.course_enrol(learner=bob, course=course)
    assert a.status == b.status == PENDING
    assert list(selectors.pending_enrolments(user=admin)) == [a, b]
    assert list(selectors.pending_enrolments(user=user("new_materials_admin"))) == []

    services.enrolment_approve(enrolment=a, by=admin)
    services.enrolment_reject(enrolment=b, by=admin, note="名额已满,请报下一期")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.decided_by) == (ACTIVE, admin)
    assert (b.status, b.note) == (EnrolmentStatus.REJECTED, "名额已满,请报下一期")
    with pytest.raises(services.EnrolmentError):
        services.enrolment_approve(enrolment=b, by=admin)

    assert services.course_enrol(learner=bob, course=course).status == PENDING


def test_other_academies_admins_cannot_decide(new_energy):
    course = make_course(new_energy, "风电场升压站设备巡视及维护", enrolment_policy="approval")
    pending = services.course_enrol(learner=make_learner("13900000001"), course=course)
    with pytest.raises(PermissionDenied):
        services.enrolment_approve(enrolment=pending, by=user("new_materials_admin"))
    with pytest.raises(PermissionDenied):
        services.course_enrol(
            learner=make_learner("13900000002"), course=course, by=user("lecturer")
        )


def test_limited_seats_fill_then_the_waiting_list_moves_up_in_order(new_energy):
    course = make_limited(new_energy, "焊工技能竞赛强化训练", seats=2)
    learners = [make_learner(f"1390000000{n}") for n in range(1, 6)]
    statuses = [services.course_enrol(learner=x, course=course).status for x in learners]
    assert statuses == [ACTIVE, ACTIVE, WAITLISTED, WAITLISTED, WAITLISTED]
    third = Enrolment.objects.get(learner=learners[2])
    fourth = Enrolment.objects.get(learner=learners[3])
    assert selectors.waitlist_position(enrolment=fourth) == 2

    promoted = services.course_unenrol(enrolment=Enrolment.objects.get(learner=learners[0]))
    assert promoted == [third]
    third.refresh_from_db()
    assert third.status == ACTIVE and third.waitlisted_at is None
    assert selectors.waitlist_position(enrolment=Enrolment.objects.get(pk=fourth.pk)) == 1

    # Leaving the waiting list frees no seat and promotes nobody.
    assert services.course_unenrol(enrolment=fourth) == []
    assert selectors.seats_taken(course=course) == 2

    # Coming back puts the learner at the end of the queue.
    again = services.course_enrol(learner=learners[0], course=course)
    assert again.status == WAITLISTED
    assert selectors.waitlist_position(enrolment=again) == 2


def test_more_seats_in_a_new_revision_promote_the_waiting_list(
    new_energy, django_capture_on_commit_callbacks
):
    course = make_limited(new_energy, "衍纸画", seats=1)
    learners = [make_learner(f"1390000000{n}") for n in range(1, 4)]
    for learner in learners:
        services.course_enrol(learner=learner, course=course)
    course.seat_limit = 2
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()
    statuses = dict(Enrolment.objects.values_list("learner__username", "status"))
    assert statuses == {"13900000001": ACTIVE, "13900000002": ACTIVE, "13900000003": WAITLISTED}

    course.enrolment_policy = EnrolmentPolicy.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()
    assert not Enrolment.objects.filter(status=WAITLISTED).exists()


def test_learners_enrol_and_leave_through_the_course_page(client, new_energy):
    course = make_limited(new_energy, "无人机智能巡检与激光三维建模技术应用", seats=1)
    make_learner("13900000001")
    client.force_login(user("13900000001"))
    html = client.get(course.url).content.decode()
    assert "报名学习" in html and "剩余 1 个(共 1 个)" in html

    response = client.post(reverse("courses:enrol", args=(course.pk,)), follow=True)
    html = response.content.decode()
    assert "报名成功" in html and "您已报名本课程" in html
    assert "开始学习" in html

    lesson = course.lessons()[0]
    lesson_url = course.url + course.reverse_subpage("lesson", args=(lesson.key,))
    assert "data-lesson-progress" in client.get(lesson_url).content.decode()

    other = make_learner("13900000002")
    client.force_login(other)
    response = client.post(reverse("courses:enrol", args=(course.pk,)), follow=True)
    assert "候补第 1 位" in response.content.decode()
    # A learner on the waiting list is asked to enrol instead of getting the lesson.
    assert "data-lesson-progress" not in client.get(lesson_url).content.decode()

    client.force_login(user("13900000001"))
    client.post(reverse("courses:leave", args=(course.pk,)), {"next": course.url})
    assert Enrolment.objects.get(learner=other).status == ACTIVE


def _phones_xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("名单.xlsx", buffer.getvalue())


def test_bulk_enrolment_is_all_or_nothing_with_a_report(client, new_energy):
    course = make_limited(new_energy, "新能源锂电保护", seats=2)
    for n in range(1, 4):
        make_learner(f"1390000000{n}")
    client.force_login(user("new_energy_admin"))
    url = reverse("courses_admin:learners", args=(course.pk,))

    bad = _phones_xlsx([["手机号"], [13900000001], ["1390000"], ["13912345678"]])
    html = client.post(url, {"file": bad}).content.decode()
    assert "不是 11 位手机号" in html and "没有学员用这个手机号注册" in html
    assert "<td>3</td>" in html and "<td>4</td>" in html
    assert not Enrolment.objects.exists()

    good = SimpleUploadedFile(
        "名单.csv", "手机号\n13900000001\n139-0000-0002\n+86 13900000003\n13900000001\n".encode()
    )
    response = client.post(url, {"file": good}, follow=True)
    assert "2 人报名成功,1 人进入候补,0 人已在课程中,文件中重复 1 个号码" in (
        response.content.decode()
    )
    assert Enrolment.objects.filter(source=EnrolmentSource.BULK, status=ACTIVE).count() == 2
    assert Enrolment.objects.filter(status=WAITLISTED).count() == 1


def test_an_admin_takes_a_learner_out_and_the_next_moves_up(client, new_energy):
    course = make_limited(new_energy, "太极拳", seats=1)
    first, second = make_learner("13900000001"), make_learner("13900000002")
    seat = services.course_enrol(learner=first, course=course)
    services.course_enrol(learner=second, course=course)
    client.force_login(user("new_energy_admin"))
    response = client.post(reverse("courses_admin:remove", args=(seat.pk,)), follow=True)
    html = response.content.decode()
    assert "已移出课程" in html and "从候补名单递补" in html
    assert Enrolment.objects.get(learner=second).status == ACTIVE
    assert Enrolment.objects.get(learner=first).status == WITHDRAWN


def test_enrolled_learners_may_watch_the_restricted_videos_of_their_lessons(client, new_energy):
    video = Video.objects.create(
        title="主变压器日常维护",
        status=VideoStatus.READY,
        visibility=Visibility.RESTRICTED,
        collection=new_energy.collection,
        duration=605,
    )
    video.current_rendition_set = RenditionSet.objects.create(
        video=video, directory=f"{video.pk}/demo", master="master.m3u8"
    )
    video.save(update_fields=["current_rendition_set"])
    course = make_course(new_energy, "风电场升压站设备巡视及维护")
    page = course.get_latest_revision().as_object()
    page.lessons()[0].video = video
    page.save_revision().publish()
    learner = make_learner("13900000001")
    assert not can_watch(learner, video)

    services.course_enrol(learner=learner, course=course)
    assert can_watch(learner, video)
    lesson = CoursePage.objects.get(pk=course.pk).lessons()[0]
    client.force_login(learner)
    html = client.get(course.url + course.reverse_subpage("lesson", args=(lesson.key,))).content
    html = html.decode()
    assert "data-video-player" in html and 'aria-label="主变压器日常维护"' in html
    assert "时长 10:05" in html
