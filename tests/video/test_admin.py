"""The video library in the Wagtail admin: who sees and manages what, live progress,
retry / re-transcode / poster actions, the chooser, the StreamField block, statistics."""

import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from video import services
from video.blocks import VideoBlock
from video.models import DailyPlays, JobReason, JobState, Video, VideoStatus, Visibility

from .conftest import run_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(make_video, units):
    """Three videos: two in academy A (by two lecturers), one in academy B. Not run."""
    return {
        "a1": make_video(title="A1", uploaded_by=units.lecturer_a),
        "a2": make_video(title="A2", uploaded_by=units.lecturer_a2),
        "b1": make_video(title="B1", uploaded_by=units.lecturer_b, collection=units.b.collection),
    }


def denied(response) -> bool:
    """Wagtail answers a refused admin request with a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def listed(client, **params) -> set[str]:
    response = client.get(reverse("videos:index"), params)
    assert response.status_code == 200
    return {video.title for video in response.context["object_list"]}


LISTINGS = {
    "lecturer_a": {"A1"},
    "lecturer_a2": {"A2"},
    "lecturer_b": {"B1"},
    "admin_a": {"A1", "A2"},
    "admin_b": {"B1"},
    "superuser": {"A1", "A2", "B1"},
}
EDITABLE = {
    "lecturer_a": {"A1"},
    "lecturer_a2": {"A2"},
    "lecturer_b": {"B1"},
    "admin_a": {"A1", "A2"},
    "admin_b": {"B1"},
    "superuser": {"A1", "A2", "B1"},
}


def test_each_person_sees_and_manages_only_their_own(client, units, library):
    for name, titles in LISTINGS.items():
        client.force_login(getattr(units, name))
        assert listed(client) == titles, name
        progress = client.get(
            reverse("videos:progress"), {"id": [video.pk for video in library.values()]}
        ).json()["videos"]
        assert {Video.objects.get(pk=row["id"]).title for row in progress} == titles, name
        for video in library.values():
            allowed = video.title in EDITABLE[name]
            jobs_before = video.jobs.count()
            edit = client.get(reverse("videos:edit", args=[video.pk]))
            retranscode = client.post(reverse("videos:retranscode", args=[video.pk]))
            delete = client.get(reverse("videos:delete", args=[video.pk]))
            if allowed:
                assert edit.status_code == 200 and delete.status_code == 200, name
                assert retranscode.url == reverse("videos:edit", args=[video.pk])
                assert video.jobs.count() == jobs_before + 1
            else:
                assert denied(edit) and denied(retranscode) and denied(delete), name
                assert video.jobs.count() == jobs_before


def test_outsiders_get_no_admin_views(client, units, library):
    video = library["a1"]
    urls = [reverse("videos:index"), reverse("videos:add"), reverse("videos:edit", args=[video.pk]),
            reverse("videos:progress"), reverse("videos:statistics")]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(units.learner)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url, url
    assert client.post(reverse("videos:retry", args=[video.pk])).status_code == 302
    assert Video.objects.get(pk=video.pk).jobs.count() == 1


def test_the_listing_filters_and_shows_live_status(client, units, library):
    Video.objects.filter(pk=library["a2"].pk).update(
        status=VideoStatus.PROCESSING, progress=42.4, eta_seconds=75
    )
    client.force_login(units.admin_a)
    assert listed(client, status="processing") == {"A2"}
    assert listed(client, lecturer=units.lecturer_a.pk) == {"A1"}
    assert listed(client, q="A1") == {"A1"}
    page = client.get(reverse("videos:index")).content.decode()
    assert f'data-video-status data-id="{library["a2"].pk}" data-status="processing"' in page
    assert 'value="42"' in page and "1:15" in page
    assert "js/video-admin.js" in page
    rows = client.get(reverse("videos:progress"), {"id": library["a2"].pk}).json()["videos"]
    assert rows == [
        {"id": library["a2"].pk, "status": "processing", "status_label": "处理中",
         "progress": 42.4, "eta_seconds": 75, "failure_reason": "", "ready": False}
    ]  # fmt: skip


def test_an_uploader_sees_why_it_failed_and_can_retry(client, units, make_video):
    video = make_video("notes.mp4")
    run_job(video)
    client.force_login(units.lecturer_a)
    page = client.get(reverse("videos:edit", args=[video.pk])).content.decode()
    assert "不是视频或音频" in page and reverse("videos:retry", args=[video.pk]) in page
    response = client.post(reverse("videos:retry", args=[video.pk]))
    assert response.status_code == 302
    job = video.jobs.order_by("-pk").first()
    assert job.reason == JobReason.RETRY and job.state == JobState.QUEUED
    assert Video.objects.get(pk=video.pk).status == VideoStatus.QUEUED


def test_editing_keeps_the_lecturer_within_their_academy(client, units, library):
    client.force_login(units.lecturer_a)
    video = library["a1"]
    form = client.get(reverse("videos:edit", args=[video.pk])).context["form"]
    assert set(form.fields["collection"].queryset) == {units.a.collection}
    assert units.lecturer_a2 in form.fields["lecturer"].queryset
    assert units.learner not in form.fields["lecturer"].queryset
    response = client.post(
        reverse("videos:edit", args=[video.pk]),
        edit_form(video, title="风电场巡视(修订)", collection=units.b.collection_id),
    )
    assert response.status_code == 200  # refused: not their academy's collection
    assert "collection" in response.context["form"].errors
    assert Video.objects.get(pk=video.pk).collection == units.a.collection


def edit_form(video, **fields) -> dict:
    return {
        "title": video.title,
        "lecturer": video.lecturer_id or "",
        "description": video.description,
        "collection": video.collection_id,
        "visibility": video.visibility,
        "captions-TOTAL_FORMS": "0",
        "captions-INITIAL_FORMS": "0",
        "captions-MIN_NUM_FORMS": "0",
        "captions-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_captions_are_uploaded_and_served_with_the_video(client, units, ready_video):
    video = ready_video(visibility=Visibility.PUBLIC)
    client.force_login(units.lecturer_a)
    caption = {
        "captions-TOTAL_FORMS": "1",
        "captions-0-language": "zh-Hans",
        "captions-0-label": "中文",
        "captions-0-is_default": "on",
        "captions-0-ORDER": "1",
    }
    srt = SimpleUploadedFile("lecture.vtt", b"1\n00:00:00,000 --> 00:00:01,000\nHi\n")
    response = client.post(
        reverse("videos:edit", args=[video.pk]),
        edit_form(video, **caption, **{"captions-0-file": srt}),
    )
    assert response.status_code == 200
    assert "WebVTT" in str(response.context["form"].formsets["captions"].errors)
    vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n安全第一\n".encode()
    response = client.post(
        reverse("videos:edit", args=[video.pk]),
        edit_form(video, **caption, **{"captions-0-file": SimpleUploadedFile("zh.vtt", vtt)}),
    )
    assert response.status_code == 302
    page = client.get(reverse("video:page", args=[video.pk])).content.decode()
    track = r'<track kind="subtitles" src="([^"]+)" srclang="zh-Hans" label="中文" default>'
    src = re.search(track, page).group(1)
    served = client.get(src)
    assert served["Content-Type"].startswith("text/vtt") and served.getvalue() == vtt


def test_the_edit_page_plays_the_video_and_picks_a_poster(
    client, units, ready_video, django_capture_on_commit_callbacks
):
    video = ready_video()
    client.force_login(units.lecturer_a)
    page = client.get(reverse("videos:edit", args=[video.pk])).content.decode()
    assert "data-video-player" in page and "data-poster-tiles" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("videos:poster", args=[video.pk]), {"at": "1.2"})
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.poster_time == 1.2 and "/posters/" in video.poster.name


def test_the_upload_page(client, units):
    client.force_login(units.lecturer_a)
    page = client.get(reverse("videos:add"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/tus.min.js" in html and 'data-endpoint="/video/uploads/"' in html
    assert set(page.context["form"].fields["collection"].queryset) == {units.a.collection}


def test_the_chooser_offers_what_the_user_may_choose(client, units, library):
    client.force_login(units.lecturer_a2)
    response = client.get(reverse("video_chooser:choose"))
    assert response.status_code == 200
    html = json.loads(response.content)["html"]
    assert "A1" in html and "A2" in html and "B1" not in html


def test_the_block_plays_for_those_allowed_and_explains_to_others(units, ready_video):
    video = ready_video(visibility=Visibility.RESTRICTED)
    block = VideoBlock()
    request = RequestFactory().get("/")
    request.user = units.admin_a
    html = block.render(video, context={"request": request})
    assert "data-video-player" in html and "/master.m3u8" in html
    request.user = units.learner
    html = block.render(video, context={"request": request})
    assert "data-video-player" not in html and "master.m3u8" not in html
    assert block.to_python(video.pk) == video


def test_play_counting(client, units, ready_video):
    video = ready_video(visibility=Visibility.PUBLIC)
    ticket = services.play_ticket(video=video)
    # Straight away is too soon: a play is at least 10 seconds watched.
    too_soon = client.post(reverse("video:plays", args=[video.pk]), {"ticket": ticket})
    assert too_soon.status_code == 400
    later = timezone.now() + datetime.timedelta(seconds=11)
    assert services.play_record(video=video, ticket=ticket, now=later)
    assert not services.play_record(video=video, ticket=ticket, now=later)  # once per ticket
    other = services.play_ticket(video=video)
    assert services.play_record(video=video, ticket=other, now=later)
    assert not services.play_record(video=video, ticket="forged", now=later)
    video.refresh_from_db()
    assert video.play_count == 2
    row = DailyPlays.objects.get(video=video)
    assert (row.plays, row.lecturer, row.day) == (2, units.lecturer_a, timezone.localdate(later))

    client.force_login(units.admin_a)
    stats = client.get(reverse("videos:statistics"))
    assert stats.status_code == 200
    assert stats.context["stats"].total == 2
    assert stats.context["stats"].by_lecturer[0]["label"] == "王师傅"
    # Each table's first column says what its rows are: lecturers, then videos (not 姓名).
    page = stats.content.decode()
    assert page.count('<th scope="col">讲师</th>') == 1
    assert page.count('<th scope="col">视频</th>') == 1 and "姓名" not in page
    client.force_login(units.admin_b)
    assert client.get(reverse("videos:statistics")).context["stats"].total == 0


def test_the_video_page_works_on_a_phone_layout(client, units, ready_video):
    video = ready_video(visibility=Visibility.PUBLIC)
    html = client.get(reverse("video:page", args=[video.pk])).content.decode()
    for needle in ("playsinline", 'preload="none"', "data-speed", "data-rung",
                   'data-vod-src="/static/js/vod-player.js"', "js/video-player.js",
                   'data-play-ticket="', "王师傅"):  # fmt: skip
        assert needle in html
    # The player's library comes when the learner taps play, not with the page; an
    # on-demand video never needs hls.js.
    assert '<script src="/static/js/vod-player.js"' not in html and "hls.min.js" not in html
    assert (
        engines["django"].from_string("{% load video_tags %}{{ 3725|video_duration }}").render({})
        == "1:02:05"
    )
