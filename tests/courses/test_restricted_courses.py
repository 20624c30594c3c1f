"""A course kept from a learner by its view restrictions (its privacy, or an academy's above
it) cannot be joined, and enrolling does not unlock its restricted videos."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses import services
from courses.models import CoursePage, Enrolment, EnrolmentStatus
from lms import services as lms_services
from tests.courses.factories import make_course, make_learner, user
from video.models import RenditionSet, Video, VideoStatus, Visibility
from video.selectors import can_watch

pytestmark = pytest.mark.django_db


def restricted_video(collection) -> Video:
    video = Video.objects.create(
        title="主变压器日常维护",
        status=VideoStatus.READY,
        visibility=Visibility.RESTRICTED,
        collection=collection,
        duration=605,
    )
    video.current_rendition_set = RenditionSet.objects.create(
        video=video, directory=f"{video.pk}/demo", master="master.m3u8"
    )
    video.save(update_fields=["current_rendition_set"])
    return video


def course_with(video, parent) -> CoursePage:
    course = make_course(parent, "风电场升压站设备巡视及维护")
    page = course.get_latest_revision().as_object()
    page.lessons()[0].video = video
    page.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def restrict_to_group(page, name="风电运维班组") -> Group:
    group = Group.objects.create(name=name)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    return group


def test_the_enrol_button_does_not_open_a_course_restricted_to_a_group(client, new_energy):
    course = make_course(new_energy, "风电场升压站设备巡视及维护")
    group = restrict_to_group(course)
    learner = make_learner("13900000001")
    client.force_login(learner)

    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 404
    assert "不存在" in response.content.decode()
    assert not Enrolment.objects.exists()

    learner.groups.add(group)
    assert client.post(reverse("courses:enrol", args=[course.pk])).status_code == 302
    assert Enrolment.objects.get(learner=learner).status == EnrolmentStatus.ACTIVE


def test_the_api_does_not_enrol_in_a_course_restricted_above_it(client, new_energy):
    course = make_course(new_energy, "风电场升压站设备巡视及维护")
    restrict_to_group(new_energy)  # the academy's privacy covers its courses
    learner = make_learner("13900000001")
    _token, raw = lms_services.token_issue(user=learner)
    url = f"/api/v1/courses/{course.pk}/enrolment/"

    response = client.post(url, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_an_enrolment_does_not_unlock_the_videos_of_a_course_kept_from_the_learner(
    client, new_energy
):
    video = restricted_video(new_energy.collection)
    course = course_with(video, new_energy)
    learner = make_learner("13900000001")
    # Enrolled by an administrator (or before the course was made private).
    services.course_enrol(learner=learner, course=course, by=user("new_energy_admin"))
    assert can_watch(learner, video)
    group = restrict_to_group(course)

    assert not can_watch(learner, video)
    client.force_login(learner)
    assert client.get(reverse("video:playback", args=[video.pk])).status_code == 403
    page = client.get(reverse("video:page", args=[video.pk]))
    assert page.status_code == 403 and "data-master-url" not in page.content.decode()

    learner.groups.add(group)
    assert can_watch(learner, video)
    playback = client.get(reverse("video:playback", args=[video.pk]))
    assert playback.status_code == 200 and playback.json()["master"].endswith("/master.m3u8")


def test_a_password_protected_course_plays_only_once_its_password_was_given(client, new_energy):
    video = restricted_video(new_energy.collection)
    course = course_with(video, new_energy)
    learner = make_learner("13900000001")
    services.course_enrol(learner=learner, course=course)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="fengdian2026"
    )
    client.force_login(learner)
    assert client.get(reverse("video:playback", args=[video.pk])).status_code == 403
    assert not can_watch(learner, video)  # no browser session, no password

    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]),
        {"password": "fengdian2026", "return_url": course.url},
    )
    assert client.get(reverse("video:playback", args=[video.pk])).status_code == 200
