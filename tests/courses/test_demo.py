"""The demo: real course names, lecturers with honours, the phone-number learner."""

import pytest
from django.core.management import call_command
from wagtail.models import Revision

from courses.models import (
    Category,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    Follow,
    LecturerPage,
    Lesson,
)
from lms.demo import DEMO_LEARNER_PHONE
from video.models import VideoStatus

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "revisions": Revision.objects.count(),
        "courses": list(CoursePage.objects.order_by("pk").values_list("pk", "live_revision_id")),
        "lessons": list(Lesson.objects.order_by("pk").values_list("key", "video_id")),
        "enrolments": list(Enrolment.objects.values_list("course_id", "status")),
        "follows": Follow.objects.count(),
        "categories": Category.objects.count(),
    }


def test_demo_content_is_real_and_seeding_twice_changes_nothing(client):
    call_command("seed_demo", verbosity=0)
    titles = set(CoursePage.objects.values_list("title", flat=True))
    for title in (
        "新能源前沿技术",
        "风电场升压站设备巡视及维护",
        "光伏发电站设计",
        "无人机智能巡检与激光三维建模技术应用",
        "党史教育",
        "劳模工匠精神",
        "公共管理",
        "焊工技能竞赛强化训练",
        "人工智能训练师",
        "衍纸画",
        "太极拳",
    ):
        assert title in titles
    assert set(Category.objects.values_list("name", flat=True)) >= {"思政引领", "直播电商"}
    wang = LecturerPage.objects.get(title="王建国")
    assert {honour.name for honour in wang.honours.all()} == {"全国劳动模范", "大国工匠"}
    assert wang.user.username == "lecturer"

    statuses = dict(
        Enrolment.objects.filter(learner__username=DEMO_LEARNER_PHONE).values_list(
            "course__title", "status"
        )
    )
    assert statuses == {
        "新能源前沿技术": EnrolmentStatus.ACTIVE,
        "光伏发电站设计": EnrolmentStatus.ACTIVE,
        "风电场升压站设备巡视及维护": EnrolmentStatus.PENDING,
    }
    with_video = Lesson.objects.exclude(video=None).select_related("video")
    assert with_video.exists()
    assert {lesson.video.status for lesson in with_video} == {VideoStatus.READY}

    first = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first

    client.login(username=DEMO_LEARNER_PHONE, password="gongjiang2026")
    html = client.get("/me/").content.decode()
    assert "李学员" in html and "新能源前沿技术" in html
    assert "风电场升压站设备巡视及维护" in html and "待审核" in html
    assert "王建国" in html and "关注动态" in html
