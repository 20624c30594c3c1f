"""Every admin page an academy admin can reach speaks Chinese: a crawl of the admin from
its home and menu, following links, fails on English interface text. Content and names
(course titles, user names, codes, file formats) are allowed."""

import pytest
from wagtail.models import Collection

from courses.models import EnrolmentPolicy
from courses.services import course_enrol
from dashboards.services import figures_refresh
from tests.admin_crawl import crawl, menu_urls
from tests.courses.factories import make_course, make_learner, user
from video.models import Video, VideoStatus

pytestmark = pytest.mark.django_db

# Demo account names shown beside people's names, and letters the exams' help texts give as
# examples of answers (多选 "ACD", a blank matching "ABC" and "abc").
NAMES = {"lecturer", "acd", "abc"}


def skip(path: str) -> bool:
    return any(part in path for part in ("/logout", "/export", ".zip", ".xlsx", "template.xlsx"))


def test_an_academy_admin_meets_no_english(client, scene):
    approval = make_course(
        scene.new_energy, "电工进网作业许可培训", enrolment_policy=EnrolmentPolicy.APPROVAL
    )
    course_enrol(learner=make_learner("13900000051", name="周敏"), course=approval)
    Video.objects.create(
        title="光伏组件安装演示",
        collection=Collection.objects.get(pk=scene.new_energy.collection_id),
        status=VideoStatus.READY,
        duration=300,
        source_name="demo.mp4",
    )
    figures_refresh()
    admin = user("new_energy_admin")
    client.force_login(admin)
    findings, seen = crawl(client, ["/admin/", *menu_urls(admin)], skip=skip, allowed=NAMES)
    # The crawl reached the back office and the content screens.
    for part in (
        "/admin/dashboards/",
        "/admin/courses/enrolments/",
        "/admin/staff/",
        "/learners/",
        "/admin/videos/",
        "/edit/",
        "/admin/dashboards/log/",
    ):
        assert any(part in url for url in seen), part  # fmt: skip
    assert len(seen) > 60
    english = sorted({text for texts in findings.values() for text in texts})
    assert not english, (english, sorted(findings)[:20])
