"""A restricted video's title is as private as the video: the page refusing it, and the
admin's history, usage and chooser views of another academy's video, show nothing of it."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TITLE = "新能源学院内部培训:主变压器检修"


def text_of(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


@pytest.fixture
def private_video(ready_video):
    return ready_video("landscape.mp4", title=TITLE)


def test_the_refusal_page_does_not_name_the_video(client, units, private_video):
    client.force_login(units.learner)
    response = client.get(reverse("video:page", args=[private_video.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert TITLE not in html and "无权观看" in html


@pytest.mark.parametrize("view", ["videos:history", "videos:usage", "video_chooser:chosen"])
def test_other_academies_admins_learn_nothing_of_a_video_by_its_id(
    client, units, private_video, view
):
    url = reverse(view, args=[private_video.pk])
    client.force_login(units.admin_b)
    response = client.get(url)
    assert response.status_code == 404
    assert TITLE not in text_of(response)

    client.force_login(units.admin_a)
    response = client.get(url)
    assert response.status_code == 200 and TITLE in text_of(response)
