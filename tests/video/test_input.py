"""Input that used to answer 500 or be taken at face value: "²" as an id, "nan" as a
moment, another site as where to go next."""

import pytest
from django.urls import reverse

from video.models import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def video(make_video):
    return make_video(title="A1", visibility=Visibility.PUBLIC)


def test_progress_ids_that_are_no_numbers_are_left_out(client, units, video):
    client.force_login(units.admin_a)
    response = client.get(reverse("videos:progress"), {"id": ["²", "9" * 5000, video.pk]})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["videos"]] == [video.pk]


def test_a_poster_moment_that_is_no_moment_is_refused(
    client, units, video, django_capture_on_commit_callbacks
):
    client.force_login(units.admin_a)
    for at in ("nan", "inf", "-inf"):
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(
                reverse("videos:poster", args=[video.pk]), {"at": at}, follow=True
            )
        assert not callbacks, at
        assert "请先选择视频中的一个时间点" in response.content.decode()


def test_re_transcoding_goes_back_to_this_site_only(
    client, units, video, django_capture_on_commit_callbacks
):
    client.force_login(units.admin_a)
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("videos:retranscode", args=[video.pk]), {"next": "https://evil.example/"}
        )
    assert response.url == reverse("videos:edit", args=[video.pk])


def test_a_link_to_no_moment_starts_at_the_beginning(client, ready_video):
    video = ready_video(visibility=Visibility.PUBLIC)
    for moment in ("nan", "inf", "-5"):
        html = client.get(reverse("video:page", args=[video.pk]), {"t": moment}).content.decode()
        assert 'data-start="' not in html, moment
    html = client.get(reverse("video:page", args=[video.pk]), {"t": "90"}).content.decode()
    assert 'data-start="90' in html
