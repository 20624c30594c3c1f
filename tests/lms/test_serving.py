"""How pages and files leave the server: the Content-Security-Policy, compression of
pages, uploaded media for a pilot without nginx, and the pilot's settings."""

import gzip

import pytest
from django.test import Client, override_settings

from tests.lms.test_settings import STRONG_KEY, run_manage

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";")]
    return {name: sources for name, *sources in directives}


def test_public_pages_allow_no_inline_script_or_style(client):
    found = policy(client.get("/"))
    assert found["script-src"] == ["'self'"]
    assert found["style-src"] == ["'self'"]
    assert found["object-src"] == ["'none'"]
    assert "blob:" in found["media-src"]  # hls.js plays through MediaSource


def test_the_admin_gets_the_inline_code_wagtail_still_writes(client):
    found = policy(client.get("/admin/login/"))
    assert "'unsafe-inline'" in found["script-src"]
    assert "'unsafe-inline'" in found["style-src"]
    assert found["object-src"] == ["'none'"]


@override_settings(VIDEO_STREAM_URL="https://cdn.example.org/hls/")
def test_streams_from_a_cdn_are_allowed_to_play():
    found = policy(Client().get("/"))
    for name in ("media-src", "img-src", "connect-src"):
        assert "https://cdn.example.org" in found[name], name
    assert "https://cdn.example.org" not in found["script-src"]


def test_pages_are_gzipped_for_slow_links(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 404  # not 200: left alone
    assert "Content-Encoding" not in response.headers
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.headers["Content-Encoding"] == "gzip"
    assert "<html" in gzip.decompress(response.content).decode()


@override_settings(SERVE_MEDIA=True)
def test_uploaded_images_are_served_with_a_cache_lifetime(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "cover.jpg").write_bytes(b"\xff\xd8\xff" + b"x" * 500)
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "private.pdf").write_bytes(b"%PDF-1.4 secret")
    client = Client()
    response = client.get("/media/images/cover.jpg", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert "Content-Encoding" not in response.headers  # an image gains nothing
    # Documents are Wagtail's to serve, after checking who may read them.
    assert client.get("/media/documents/private.pdf").status_code == 404


def test_a_missing_page_is_the_chinese_404_not_a_list_of_urls(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "URLconf" not in html


def test_the_pilot_over_plain_http_keeps_cookies_usable_and_debug_off(tmp_path):
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SERVE_MEDIA)",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        LMS_SECRET_KEY=STRONG_KEY,
        LMS_HTTPS="false",
        LMS_SERVE_MEDIA="true",
        LMS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "True"]
