"""Free previews (试看): anyone may open a lesson marked so before enrolling, video
included, and nothing is recorded; the course page's button says where an enrolled
learner goes next: 开始学习, 继续学习, or 复习 once the course is done."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import CoursePage
from courses.selectors import previewed_in_a_public_course
from courses.services import course_enrol
from learning.models import LessonProgress
from tests.courses.factories import make_course, make_learner, open_lesson
from video.models import RenditionSet, Video, VideoStatus, Visibility
from video.selectors import can_watch

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(new_energy):
    """Three lessons; the second, a restricted video, is a free preview."""
    video = Video.objects.create(
        title="光伏组件选型",
        status=VideoStatus.READY,
        visibility=Visibility.RESTRICTED,
        collection=new_energy.collection,
        duration=300,
    )
    video.current_rendition_set = RenditionSet.objects.create(
        video=video, directory=f"{video.pk}/demo", master="master.m3u8"
    )
    video.save(update_fields=["current_rendition_set"])
    page = make_course(new_energy, "光伏发电站设计", lessons=3)
    preview = page.lessons()[1]
    preview.video, preview.free_preview = video, True
    preview.save()
    return CoursePage.objects.get(pk=page.pk)


def lesson_url(course, lesson):
    return course.url + course.reverse_subpage("lesson", args=(lesson.key,))


def test_a_visitor_watches_the_preview_and_nothing_is_recorded(client, course):
    _first, preview, third = course.lessons()
    html = client.get(course.url).content.decode()
    # The whole outline is shown; only the preview is a link, marked 试看.
    assert f'href="{lesson_url(course, preview)}">第2课</a>' in html
    assert "<span>第1课</span>" in html and "<span>第3课</span>" in html
    assert '<span class="tag">试看</span>' in html

    html = client.get(lesson_url(course, preview)).content.decode()
    assert "data-video-player" in html and "第2课讲义" in html
    assert "data-progress-url" not in html and "data-lesson-progress" not in html
    assert "试看不计学时" in html and "登录后报名" in html
    playback = client.get(reverse("video:playback", args=[preview.video_id]))
    assert playback.status_code == 200 and playback.json()["master"].endswith("master.m3u8")

    # Other lessons still ask to enrol; their videos stay closed.
    html = client.get(lesson_url(course, third)).content.decode()
    assert "data-video-player" not in html and "第3课讲义" not in html
    assert not LessonProgress.objects.exists()


def test_a_preview_opens_only_its_own_video_of_a_public_live_course(course):
    preview = course.lessons()[1]
    video = preview.video
    visitor = AnonymousUser()
    assert previewed_in_a_public_course(visitor, video) and can_watch(visitor, video)

    PageViewRestriction.objects.create(page=course, restriction_type="login")
    assert not can_watch(visitor, video)  # a restricted course lends its video to no one
    PageViewRestriction.objects.all().delete()

    course.get_latest_revision().as_object().unpublish()
    assert not can_watch(visitor, video)
    assert not can_watch(visitor, Video.objects.get(pk=video.pk))


def test_the_button_says_start_continue_or_review(client, course):
    learner = make_learner("13900000002", name="王小明")
    course_enrol(learner=learner, course=course)
    client.force_login(learner)
    first, second, third = course.lessons()

    html = client.get(course.url).content.decode()
    assert f'href="{lesson_url(course, first)}">开始学习</a>' in html

    open_lesson(learner, course, first)
    html = client.get(course.url).content.decode()
    assert f'href="{lesson_url(course, second)}">继续学习</a>' in html

    second.video = None  # a text lesson now: opening it completes it
    second.save()
    for lesson in (second, third):
        open_lesson(learner, course, lesson)
    html = client.get(course.url).content.decode()
    assert ">复习</a>" in html and "开始学习" not in html and "继续学习" not in html
    assert "✓ 已学完" in html
