"""A lesson's video is one its editor may choose: posting another academy's video id (the
chooser never lists it) is refused in the editor and by any other way of saving."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from courses.models import CoursePage
from tests.courses.factories import make_course, user
from tests.courses.test_outline import edit_form, in_editor
from video.models import Video, VideoStatus, Visibility

pytestmark = pytest.mark.django_db

VIDEO_FIELD = "chapters-0-lessons-0-video"


def library_video(unit, title) -> Video:
    return Video.objects.create(
        title=title,
        status=VideoStatus.READY,
        visibility=Visibility.RESTRICTED,
        collection=unit.collection,
        duration=600,
    )


def post_lesson_video(client, course, video) -> object:
    data = edit_form(course, in_editor(course), initial=2, publish=True)
    data[VIDEO_FIELD] = str(video.pk)
    return client.post(reverse("wagtailadmin_pages:edit", args=(course.pk,)), data)


def lesson_video_id(course) -> int | None:
    return CoursePage.objects.get(pk=course.pk).lessons()[0].video_id


def test_an_editor_cannot_give_a_lesson_another_academys_video(client, new_energy, new_materials):
    course = make_course(new_energy, "光伏发电站设计")
    foreign = library_video(new_materials, "新材料实验室内部培训")
    own = library_video(new_energy, "光伏组件安装")
    revisions = course.revisions.count()
    client.force_login(user("new_energy_admin"))

    response = post_lesson_video(client, course, foreign)
    assert response.status_code == 200
    assert "您不能选用这个视频" in response.content.decode()
    assert lesson_video_id(course) is None
    assert course.revisions.count() == revisions

    assert post_lesson_video(client, course, own).status_code == 302
    assert lesson_video_id(course) == own.pk


def test_a_video_the_course_already_had_may_stay(client, new_energy, hq):
    course = make_course(new_energy, "光伏发电站设计")
    # The headquarters' administrators gave the lesson a video of their own library.
    hq_video = library_video(hq, "安全生产总论")
    page = course.get_latest_revision().as_object()
    page.lessons()[0].video = hq_video
    page.save_revision(user=user("hq_admin")).publish()
    assert lesson_video_id(course) == hq_video.pk

    client.force_login(user("new_energy_admin"))
    assert post_lesson_video(client, course, hq_video).status_code == 302
    assert lesson_video_id(course) == hq_video.pk


def test_saving_a_revision_in_code_refuses_the_video_too(new_energy, new_materials):
    course = make_course(new_energy, "光伏发电站设计")
    foreign = library_video(new_materials, "新材料实验室内部培训")
    revisions = course.revisions.count()
    page = course.get_latest_revision().as_object()
    page.lessons()[0].video = foreign
    with pytest.raises(PermissionDenied):
        page.save_revision(user=user("new_energy_admin"))
    assert course.revisions.count() == revisions
    page.save_revision(user=user("new_materials_admin"))  # theirs to choose
    assert course.revisions.count() == revisions + 1
