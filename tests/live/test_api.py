"""Live lectures in the JSON API, every answer checked against the OpenAPI document."""

import datetime

import pytest

from tests.api.conftest import api  # noqa: F401
from tests.live.test_lectures import on_air, video_root  # noqa: F401

from .conftest import World

pytestmark = pytest.mark.django_db


def test_apps_list_lectures_and_get_the_playlist_only_when_they_may_watch(api):  # noqa: F811
    world = World()
    lecture = on_air(world.lecture(starts_in=-datetime.timedelta(minutes=1)))
    later = world.lecture(starts_in=datetime.timedelta(days=1), title="明天的直播")
    listed = api.get("/api/v1/live/").json()["results"]
    assert [row["id"] for row in listed] == [lecture.pk, later.pk]
    assert listed[0]["status"] == "live" and listed[0]["master_url"] is None

    detail = api.get(f"/api/v1/live/{lecture.pk}/").json()
    assert detail["master_url"] is None  # anonymous: not enrolled
    lecture.video_id = world_video(world).pk
    lecture.save(update_fields=["video"])
    api.log_in(world.learner.username)
    detail = api.get(f"/api/v1/live/{lecture.pk}/").json()
    assert detail["master_url"].endswith("/live-test/master.m3u8")
    assert api.get("/api/v1/live/999999/").status_code == 404


def world_video(world):
    from video.services import video_create_for_recording

    return video_create_for_recording(
        title="直播录像",
        collection=world.academy.collection,
        lecturer=world.lecturer_user,
        uploaded_by=world.lecturer_user,
    )
