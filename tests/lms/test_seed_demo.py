"""`manage.py seed_demo`: the real hierarchy, courses and people, and a second run that
changes nothing. Seeding transcodes the demo videos, so one test seeds twice and checks
everything, rather than several tests seeding again and again."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Revision,
)

from academies.models import HeadquartersPage, IndustryAcademyPage, TrainingBasePage
from courses.models import (
    Category,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    Follow,
    LecturerPage,
    Lesson,
)
from learning.models import Certificate, LedgerEntry, LedgerSource, YearlyHoursTarget
from learning.selectors import learner_year_progress
from lms.demo import DEMO_LEARNER_PHONE, DEMO_PASSWORD
from video.models import VideoStatus

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "pages": list(Page.objects.order_by("pk").values_list("pk", "path", "live_revision_id")),
        "revisions": Revision.objects.count(),
        "users": list(get_user_model().objects.order_by("pk").values_list("username", "password")),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "page_perms": GroupPagePermission.objects.count(),
        "collection_perms": GroupCollectionPermission.objects.count(),
        "lessons": list(Lesson.objects.order_by("pk").values_list("key", "video_id")),
        "enrolments": list(Enrolment.objects.values_list("course_id", "status")),
        "follows": Follow.objects.count(),
        "categories": Category.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "certificates": list(Certificate.objects.values_list("code", flat=True)),
        "targets": list(YearlyHoursTarget.objects.values_list("academy_id", "year", "hours")),
    }


def assert_hierarchy_and_logins(output: str):
    assert HeadquartersPage.objects.get().title == "吉林省工匠学院总部"
    assert set(IndustryAcademyPage.objects.values_list("title", flat=True)) == {
        "吉林省新能源工匠学院",
        "吉林省新旅游工匠学院",
        "吉林省新农业工匠学院",
        "吉林省新电商工匠学院",
        "吉林省新材料工匠学院",
        "吉林省新装备工匠学院",
    }
    assert str(IndustryAcademyPage.objects.get(slug="new-energy").founded_on) == "2023-02-27"
    assert TrainingBasePage.objects.count() >= 6
    assert {"吉林省精益工匠示范培育基地", "吉林省职业技能竞赛示范基地", "辽源工匠学院"} <= set(
        TrainingBasePage.objects.values_list("title", flat=True)
    )
    for username in ("admin", "new_energy_admin", "new_equipment_admin", "lecturer", "learner"):
        assert username in output
    assert DEMO_PASSWORD in output
    lecturer = get_user_model().objects.get(username="lecturer")
    assert (
        lecturer.groups.get() == IndustryAcademyPage.objects.get(slug="new-energy").lecturer_group
    )


def assert_courses():
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


def assert_learning_records():
    learner = get_user_model().objects.get(username=DEMO_LEARNER_PHONE)
    certificate = Certificate.objects.get(learner=learner)
    assert certificate.course_title == "新能源前沿技术" and certificate.revoked_at is None
    sources = set(LedgerEntry.objects.filter(learner=learner).values_list("source", flat=True))
    assert {LedgerSource.LIVE, LedgerSource.MANUAL} <= sources
    year = learner_year_progress(learner=learner, academy=Page.objects.get(slug="academies"))
    assert year.minutes >= 330 and year.target_hours


def test_seed_builds_the_real_demo_and_a_second_run_changes_nothing(capsys, client):
    call_command("seed_demo")
    assert_hierarchy_and_logins(capsys.readouterr().out)
    assert_courses()
    assert_learning_records()

    # Every learner's hours, recomputed from progress and attendance, agree with the ledger.
    call_command("audit_hours", verbosity=0)
    assert "学时与台账一致" in capsys.readouterr().out

    first = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first

    client.login(username=DEMO_LEARNER_PHONE, password=DEMO_PASSWORD)
    html = client.get("/me/").content.decode()
    assert "李学员" in html and "新能源前沿技术" in html
    assert "风电场升压站设备巡视及维护" in html and "待审核" in html
    assert "王建国" in html and "关注动态" in html
    assert snapshot() == first
