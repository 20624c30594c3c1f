"""Who may watch what, signed stream URLs (nginx secure_link compatible), MIME types and
HTTP Range requests."""

import base64
import hashlib
import re
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from video import selectors, signing
from video.models import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(ready_video):
    return ready_video("landscape.mp4", visibility=Visibility.RESTRICTED)


@pytest.fixture
def public(ready_video, units):
    return ready_video("audio.mp3", visibility=Visibility.PUBLIC, uploaded_by=units.lecturer_b,
                       collection=units.b.collection)  # fmt: skip


def master_url_of(response) -> str:
    return re.search(r'data-master-url="([^"]+)"', response.content.decode()).group(1)


WATCHERS = {
    "anonymous": False,
    "learner": False,
    "lecturer_a": True,  # uploaded it
    "lecturer_a2": True,  # a colleague in the same academy may choose it for a lesson
    "lecturer_b": False,
    "admin_a": True,
    "admin_b": False,
    "superuser": True,
}


def test_who_may_watch_what(client, units, restricted, public):
    for name, allowed in WATCHERS.items():
        client.logout()
        user = AnonymousUser() if name == "anonymous" else getattr(units, name)
        assert selectors.can_watch(user, restricted) is allowed, name
        assert selectors.can_watch(user, public) is True, name
        if name != "anonymous":
            client.force_login(user)
        page = client.get(reverse("video:page", args=[restricted.pk]))
        playback = client.get(reverse("video:playback", args=[restricted.pk]))
        if allowed:
            assert page.status_code == 200 and playback.status_code == 200, name
            assert master_url_of(page).endswith("/master.m3u8")
            assert client.get(playback.json()["master"]).status_code == 200
        else:
            assert page.status_code == (302 if name == "anonymous" else 403), name
            assert playback.status_code == 403, name
            assert "data-master-url" not in page.content.decode()
        assert client.get(reverse("video:page", args=[public.pk])).status_code == 200, name


def test_a_registered_policy_lets_enrolled_learners_watch(units, restricted, monkeypatch):
    monkeypatch.setattr(selectors, "_watch_policies", [])
    assert not selectors.can_watch(units.learner, restricted)
    selectors.register_watch_policy(lambda user, video, request: user.username == "learner")
    assert selectors.can_watch(units.learner, restricted)
    assert not selectors.can_watch(units.lecturer_b, restricted)


def test_a_video_without_a_published_set_is_not_found(client, units, make_video):
    video = make_video(visibility=Visibility.PUBLIC)
    assert not selectors.can_watch(units.superuser, video)
    assert client.get(reverse("video:page", args=[video.pk])).status_code == 404


def test_the_token_is_what_nginx_secure_link_computes(settings):
    settings.VIDEO_STREAM_SECRET = "s3cret"
    expected = base64.urlsafe_b64encode(hashlib.md5(b"1893456000/42 s3cret").digest())
    assert signing.token(video_id=42, expires=1893456000) == expected.decode().rstrip("=")
    url = signing.url(video_id=42, path="42/abc/master.m3u8", now=1_000_000)
    assert re.fullmatch(r"/hls/[\w-]{22}/\d+/42/abc/master\.m3u8", url)
    expires = int(url.split("/")[3])
    assert expires >= 1_000_000 + settings.VIDEO_STREAM_TTL_SECONDS and expires % 900 == 0


def test_playlists_and_segments_are_served_with_the_right_types(client, restricted):
    master_url = selectors.playback_for(restricted).master_url
    master = client.get(master_url)
    assert master.status_code == 200
    assert master["Content-Type"] == "application/vnd.apple.mpegurl"
    variant_uri = next(line for line in master.getvalue().decode().splitlines()
                       if line and not line.startswith("#"))  # fmt: skip
    base = master_url.rsplit("/", 1)[0]
    playlist = client.get(f"{base}/{variant_uri}")
    assert playlist["Content-Type"] == "application/vnd.apple.mpegurl"
    text = playlist.getvalue().decode()
    init = re.search(r'#EXT-X-MAP:URI="([^"]+)"', text).group(1)
    segment = next(line for line in text.splitlines() if line.endswith(".m4s"))
    folder = f"{base}/{variant_uri.rsplit('/', 1)[0]}"
    assert client.get(f"{folder}/{init}")["Content-Type"] == "video/mp4"
    response = client.get(f"{folder}/{segment}")
    assert response.status_code == 200 and response["Content-Type"] == "video/iso.segment"
    assert response["Accept-Ranges"] == "bytes"
    poster = client.get(selectors.playback_for(restricted).poster_url)
    assert poster["Content-Type"] == "image/jpeg"


def test_range_requests(client, restricted):
    url = selectors.playback_for(restricted).master_url
    whole = client.get(url).getvalue()
    part = client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(whole)}"
    assert part["Content-Length"] == "10" and part.getvalue() == whole[10:20]
    tail = client.get(url, HTTP_RANGE="bytes=-5")
    assert tail.status_code == 206 and tail.getvalue() == whole[-5:]
    rest = client.get(url, HTTP_RANGE="bytes=20-")
    assert rest.getvalue() == whole[20:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(whole)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(whole)}"


def test_forged_expired_and_misused_urls_are_refused(client, restricted, public):
    url = selectors.playback_for(restricted).master_url
    _, hls, token, expires, video_id, rest = url.split("/", 5)
    # Another token: the last characters changed (a genuine one may end in "AA").
    other_token = token[:-2] + ("BA" if token.endswith("AA") else "AA")
    forged = f"/{hls}/{other_token}/{expires}/{video_id}/{rest}"
    assert client.get(forged).status_code == 403
    longer = f"/{hls}/{token}/{int(expires) + 900}/{video_id}/{rest}"
    assert client.get(longer).status_code == 403
    other_video = f"/{hls}/{token}/{expires}/{public.pk}/{rest}"
    assert client.get(other_video).status_code == 403
    old = signing.url(video_id=restricted.pk, path=f"{restricted.pk}/{rest}",
                      now=time.time() - 2 * 86400)  # fmt: skip
    assert client.get(old).status_code == 410
    own_prefix = url.rsplit("/", 2)[0]
    assert client.get(f"{own_prefix}/../../{public.pk}/x").status_code == 404
    stage_probe = f"/{hls}/{token}/{expires}/{video_id}/../.stage"
    assert client.get(stage_probe).status_code in (403, 404)
    assert client.get(url.replace("master.m3u8", "missing.m3u8")).status_code == 404
