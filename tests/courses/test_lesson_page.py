"""The lesson page: the player resuming where the learner stopped, text lessons completed
by opening them, the learner's progress, and the call to enrol for everyone else."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import CoursePage
from courses.services import course_enrol, lesson_heartbeat
from learning.crediting import Beat
from learning.models import Certificate, LessonProgress
from tests.courses.factories import heartbeat, make_course, make_learner, studied
from video.models import RenditionSet, Video, VideoStatus, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(new_energy):
    """A text lesson, then a 5-minute restricted video lesson."""
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
    page = make_course(new_energy, "光伏发电站设计", lessons=2)
    second = page.lessons()[1]
    second.video = video
    second.save()
    return CoursePage.objects.get(pk=page.pk)


@pytest.fixture
def learner(units):
    return make_learner("13900000001", name="王小明")


def lesson_url(course, lesson):
    return course.url + course.reverse_subpage("lesson", args=(lesson.key,))


def attribute(html, name):
    return re.search(rf'{name}="([^"]*)"', html).group(1)


def test_opening_a_text_lesson_completes_it(client, course, learner):
    text_lesson, video_lesson = course.lessons()
    course_enrol(learner=learner, course=course)
    client.force_login(learner)

    html = client.get(lesson_url(course, text_lesson)).content.decode()
    assert LessonProgress.objects.get(learner=learner, lesson_key=text_lesson.key).completed_at
    assert "✓ 本课已完成" in html and "data-lesson-done hidden" not in html
    assert "第1课讲义" in html
    assert "已完成必修课: <strong data-lessons-done>1</strong> / 2" in html
    assert "data-course-done hidden" in html  # the video lesson is still to do
    assert f'rel="next" href="{lesson_url(course, video_lesson)}"' in html


def test_a_video_lesson_plays_resumes_and_completes_the_course(client, course, learner):
    text_lesson, video_lesson = course.lessons()
    course_enrol(learner=learner, course=course)
    client.force_login(learner)
    client.get(lesson_url(course, text_lesson))

    response = client.get(lesson_url(course, video_lesson))
    html = response.content.decode()
    assert "csrftoken" in response.cookies  # the heartbeats are POSTed with it
    api = reverse("api:lesson_progress", args=(video_lesson.key,))
    assert attribute(html, "data-progress-url") == api
    assert "data-start=" not in html  # from the beginning
    assert attribute(html, "data-master-url").endswith("master.m3u8")
    assert "data-lesson-done hidden" in html and "已观看 <span data-coverage>0</span>%" in html
    assert not LessonProgress.objects.filter(
        lesson_key=video_lesson.key, completed_at__isnull=False
    ).exists()

    start = timezone.now() - datetime.timedelta(seconds=320)
    for step in range(11):  # a beat every 30 s from the start to the end of the video
        at = start + datetime.timedelta(seconds=step * 30)
        heartbeat(learner, course, video_lesson, max(0, step - 1) * 30, step * 30, at=at)

    html = client.get(lesson_url(course, video_lesson)).content.decode()
    assert "data-lesson-done hidden" not in html and "data-course-done hidden" not in html
    assert "已观看 <span data-coverage>100</span>%" in html
    certificate_url = reverse("learning:course_certificate", args=(course.pk,))
    assert certificate_url in html
    certificate = Certificate.objects.get(learner=learner, course_id=course.pk)
    response = client.get(certificate_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "learning:certificate_download", args=(certificate.code,)
    )
    assert response["Content-Type"] == "application/pdf"


def test_the_player_starts_where_the_learner_stopped(client, course, learner):
    """The page carries the position, so the player asks for nothing before the tap."""
    _text, video_lesson = course.lessons()
    course_enrol(learner=learner, course=course)
    client.force_login(learner)
    start = timezone.now() - datetime.timedelta(seconds=100)
    for position in (0, 90):
        lesson_heartbeat(
            learner=learner, lesson=studied(course, video_lesson),
            beat=Beat(position=position, ranges=[(0, position)] if position else [], rate=1,
                      visible=True),
            tab="t", now=start + datetime.timedelta(seconds=position),
        )  # fmt: skip
    html = client.get(lesson_url(course, video_lesson)).content.decode()
    assert attribute(html, "data-start") == "90.0"
    assert "data-resume-url" not in html


def test_visitors_who_may_not_study_see_the_call_to_enrol(client, course, learner):
    text_lesson, video_lesson = course.lessons()
    url = lesson_url(course, video_lesson)

    html = client.get(url).content.decode()
    assert "报名本课程后即可观看本课" in html
    assert f'href="/accounts/login/?next={url}">登录后报名</a>' in html

    client.force_login(learner)
    html = client.get(url).content.decode()
    assert "报名本课程后即可观看本课" in html and "报名学习" in html
    assert "data-video-player" not in html and "data-lesson-progress" not in html
    html = client.get(lesson_url(course, text_lesson)).content.decode()
    assert "报名本课程后即可学习本课" in html and "第1课讲义" not in html
    assert not LessonProgress.objects.exists()
    assert client.get(reverse("learning:course_certificate", args=(course.pk,))).status_code == 404


def test_a_text_lesson_with_a_study_time_is_read_not_just_opened(client, course, learner):
    text_lesson, _video_lesson = course.lessons()
    text_lesson.study_minutes = 25
    text_lesson.save()
    course_enrol(learner=learner, course=course)
    client.force_login(learner)

    html = client.get(lesson_url(course, text_lesson)).content.decode()
    assert not LessonProgress.objects.filter(learner=learner).exists()
    assert "data-lesson-done hidden" in html and "已阅读 <span data-coverage>0</span>%" in html
    assert "学习时长:25 分钟。页面显示在前台时计时,学满 90% 即完成本课。" in html
    api = reverse("api:lesson_progress", args=(text_lesson.key,))
    assert attribute(html, "data-reading-url") == api
    assert "js/heartbeat.js" in html and "js/lesson-reading.js" in html
    assert "js/video-player.js" not in html
