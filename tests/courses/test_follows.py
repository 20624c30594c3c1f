"""Following lecturers and academies, and the "关注动态" list on the learner's page."""

import pytest
from django.urls import reverse

from courses.models import CourseLecturer, Follow, LecturerIndexPage, LecturerPage
from tests.courses.factories import make_course, make_learner, make_listing, user
from video.models import Video, VideoStatus, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def lecturer(hq):
    faculty = LecturerIndexPage(title="师资库", slug="lecturers")
    hq.add_child(instance=faculty)
    page = LecturerPage(title="张志强", slug="zhang", user=user("lecturer"))
    faculty.add_child(instance=page)
    return page


def test_follow_and_unfollow_from_the_pages(client, new_energy, lecturer):
    listing = make_listing(new_energy)
    client.force_login(make_learner("13911112222"))
    html = client.get(listing.url).content.decode()
    assert 'aria-pressed="false"' in html

    follow_url = reverse("courses:follow", args=(new_energy.pk,))
    response = client.post(follow_url, {"following": "1", "next": listing.url}, follow=True)
    assert "已关注 吉林省新能源工匠学院。" in response.content.decode()
    assert 'aria-pressed="true"' in response.content.decode()
    client.post(follow_url, {"following": "1"})
    assert Follow.objects.count() == 1

    client.post(reverse("courses:follow", args=(lecturer.pk,)), {"following": "1"})
    html = client.get(reverse("courses:profile")).content.decode()
    assert "吉林省新能源工匠学院" in html and "张志强" in html

    client.post(follow_url, {"following": "0"})
    assert list(Follow.objects.values_list("page_id", flat=True)) == [lecturer.pk]


def test_only_lecturers_and_units_can_be_followed(client, new_energy):
    course = make_course(new_energy, "光伏发电站设计")
    client.force_login(make_learner("13911112222"))
    response = client.post(
        reverse("courses:follow", args=(course.pk,)), {"following": "1"}, follow=True
    )
    assert "只能关注讲师、学院和培训基地。" in response.content.decode()
    assert not Follow.objects.exists()


def test_news_from_followed_academies_and_lecturers(
    client, hq, new_energy, new_materials, lecturer
):
    learner = make_learner("13911112222")
    Follow.objects.create(user=learner, page=new_energy)
    Follow.objects.create(user=learner, page=lecturer)
    make_course(new_energy, "光伏发电站设计")
    pv_base = new_energy.get_children().get(slug="pv-base")
    make_course(pv_base, "光伏组件安装实操")
    make_course(hq, "焊工技能竞赛强化训练", course_lecturers=[CourseLecturer(lecturer=lecturer)])
    make_course(new_materials, "新材料检测")
    public = {"status": VideoStatus.READY, "visibility": Visibility.PUBLIC}
    Video.objects.create(title="板对接焊接示范", lecturer=user("lecturer"), **public)
    Video.objects.create(title="升压站巡视要点", collection=new_energy.collection, **public)
    # A restricted video's title is as private as the video.
    Video.objects.create(
        title="内部培训:主变检修", collection=new_energy.collection, status=VideoStatus.READY
    )
    Video.objects.create(
        title="别的学院的视频", collection=new_materials.collection, status="ready"
    )
    Video.objects.create(title="还在转码", lecturer=user("lecturer"), status="processing")

    client.force_login(learner)
    html = client.get(reverse("courses:profile")).content.decode()
    feed = html[html.index("关注动态") :]
    for title in ("光伏发电站设计", "光伏组件安装实操", "焊工技能竞赛强化训练"):
        assert title in feed
    for title in ("板对接焊接示范", "升压站巡视要点"):
        assert title in feed
    for title in ("新材料检测", "别的学院的视频", "还在转码", "内部培训:主变检修"):
        assert title not in feed
