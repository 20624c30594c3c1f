"""The night school in the Wagtail admin: each school's administrators see and manage
their own classes (and their branches'), with calendar, roster, export and attendance."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from academies.models import HeadquartersPage
from courses.models import CourseIndexPage, CoursePage
from learning.models import LedgerEntry
from lms.models import HomePage
from nightschool import services
from nightschool.models import Booking, BookingStatus, ClassSession, NightSchoolPage, Venue
from tests.nightschool.conftest import minutes
from tests.nightschool.factories import at, make_course, make_learner, make_session

pytestmark = pytest.mark.django_db


def refused(response) -> bool:
    """Wagtail's admin answers a forbidden page by going back to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.fixture
def branch_session(school):
    course = make_course(school.branch, "直播带货入门", category="社会融入")
    return make_session(school.branch, course, title="第一场直播")


def test_each_site_is_provisioned_like_an_academy(school):
    site = school.site
    assert site.collection and site.admin_group and site.lecturer_group
    assert school.branch.collection.get_parent() == site.collection
    assert site.admin_group.name == "吉林省青年职工夜校 管理员"


def test_the_calendar_shows_the_admins_own_classes(client, school, session, branch_session):
    month = session.starts_at.strftime("%Y-%m")
    client.force_login(school.admin)
    page = client.get(reverse("nightschool_admin:calendar"), {"month": month}).content.decode()
    assert "间架结构" in page and "第一场直播" in page and "0/10" in page
    client.force_login(school.branch_admin)
    page = client.get(reverse("nightschool_admin:calendar"), {"month": month}).content.decode()
    assert "第一场直播" in page and "间架结构" not in page
    client.force_login(school.academy_admin)
    assert refused(client.get(reverse("nightschool_admin:calendar")))
    # The menu shows the night school to its admins only.
    assert "/admin/nightschool/" not in client.get("/admin/").content.decode()
    client.force_login(school.branch_admin)
    assert "/admin/nightschool/" in client.get("/admin/").content.decode()


def test_roster_waiting_list_export_and_cancelling(client, school, session, before):
    session.capacity = 1
    session.save()
    names = ["王芳", "刘强", "陈静"]
    for n, name in enumerate(names, start=1):
        services.booking_create(
            learner=make_learner(f"1390000000{n}", name), session=session, now=before + minutes(n)
        )
    roster_url = reverse("nightschool_admin:roster", args=(session.pk,))
    client.force_login(school.branch_admin)
    assert refused(client.get(roster_url))
    assert refused(client.get(reverse("nightschool_admin:export", args=(session.pk,))))

    client.force_login(school.admin)
    page = client.get(roster_url).content.decode()
    assert page.index("王芳") < page.index("刘强") < page.index("陈静")
    assert "候补中 (2)" in page

    response = client.get(reverse("nightschool_admin:export", args=(session.pk,)))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "姓名", "手机号")
    assert [(row[1], row[4]) for row in rows[2:]] == [
        ("王芳", "已预约"),
        ("刘强", "候补中"),
        ("陈静", "候补中"),
    ]

    seat = Booking.objects.get(learner__username="13900000001")
    client.post(reverse("nightschool_admin:cancel", args=(seat.pk,)))
    assert Booking.objects.get(pk=seat.pk).status == BookingStatus.CANCELLED
    assert Booking.objects.get(learner__username="13900000002").status == BookingStatus.OFFERED


def test_recording_attendance_by_hand_in_the_roster(client, school):
    session = make_session(
        school.site,
        school.course,
        starts_at=at(days=-1),
        booking_opens_at=at(days=-8),
        title="昨天的课",
    )
    learner = make_learner("13900000001", "王芳")
    client.force_login(school.admin)
    url = reverse("nightschool_admin:roster", args=(session.pk,))
    response = client.post(url, {"phone": "139 0000 0001", "minutes": 90, "reason": ""})
    assert "必需字段" in response.content.decode()
    response = client.post(url, {"phone": "13900000099", "minutes": 90, "reason": "补录"})
    assert "没有学员用这个手机号注册" in response.content.decode()
    response = client.post(url, {"phone": "13900000001", "minutes": 120, "reason": "补录"})
    assert "0 到 90" in response.content.decode()
    response = client.post(
        url, {"phone": "+86 139-0000-0001", "minutes": 90, "reason": "签到表补录"}, follow=True
    )
    assert "已登记 王芳 的出勤" in response.content.decode()
    entry = LedgerEntry.objects.get(learner=learner)
    assert (entry.minutes, entry.reason, entry.author) == (90, "签到表补录", school.admin)


def test_class_editing_is_limited_to_the_admins_own_sites(client, school, session, branch_session):
    client.force_login(school.branch_admin)
    index = client.get(reverse("nightschool_classes:index")).content.decode()
    assert "第一场直播" in index and "间架结构" not in index
    assert client.get(reverse("nightschool_classes:edit", args=(session.pk,))).status_code == 404
    assert (
        client.get(reverse("nightschool_classes:edit", args=(branch_session.pk,))).status_code
        == 200
    )
    form = client.get(reverse("nightschool_classes:add")).content.decode()
    assert "辽源市青年职工夜校" in form and "吉林省青年职工夜校</option>" not in form
    venues = client.get(reverse("nightschool_venues:index")).content.decode()
    assert "辽源市工人文化宫" in venues and "长春市工人文化宫" not in venues
    client.force_login(school.academy_admin)
    assert refused(client.get(reverse("nightschool_classes:index")))


def test_an_admin_creates_a_class_for_their_school(client, school):
    client.force_login(school.branch_admin)
    course = make_course(school.branch, "直播带货入门", category="社会融入")
    venue = Venue.objects.get(site=school.branch)
    start = at(days=5)
    data = {
        "site": school.branch.pk,
        "term": school.branch.terms.get().pk,
        "course": course.pk,
        "title": "选品与脚本",
        "venue": venue.pk,
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (start + minutes(90)).strftime("%Y-%m-%d %H:%M"),
        "capacity": 20,
        "booking_opens_at": "",
        "booking_closes_at": "",
        "cancellation_deadline": "",
        "online_url": "",
    }
    response = client.post(reverse("nightschool_classes:add"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    session = ClassSession.objects.get(title="选品与脚本")
    assert session.booking_closes_at == session.starts_at
    assert session.cancellation_deadline == session.starts_at - minutes(120)
    # A course of another school, or a venue of another school, is refused.
    data["title"] = "别的学校"
    data["course"] = school.course.pk
    data["venue"] = Venue.objects.get(site=school.site).pk
    response = client.post(reverse("nightschool_classes:add"), data)
    assert response.status_code == 200
    assert not ClassSession.objects.filter(title="别的学校").exists()


def test_a_class_with_bookings_cannot_be_deleted(client, school, session, before):
    services.booking_create(learner=make_learner("13900000001"), session=session, now=before)
    client.force_login(school.admin)
    response = client.post(reverse("nightschool_classes:delete", args=(session.pk,)), follow=True)
    assert response.status_code == 200 and "不能删除" in response.content.decode()
    assert ClassSession.objects.filter(pk=session.pk).exists()


def test_the_page_tree_around_night_schools(school):
    home = HomePage.objects.get()
    assert NightSchoolPage.can_create_at(home) and NightSchoolPage.can_create_at(school.site)
    assert CoursePage.can_create_at(school.site) and CourseIndexPage.can_create_at(school.site)
    assert not NightSchoolPage.can_create_at(HeadquartersPage.objects.get())
