"""Uploads that used to answer 500 (or claim bytes never stored) get a clear 4xx in
Chinese or English and leave nothing behind; a long Chinese file name is no obstacle."""

import base64

import pytest
from django.conf import settings
from django.urls import reverse

from video import conf
from video.models import Video

from .test_tus import TUS, create, head, patch

pytestmark = pytest.mark.django_db


@pytest.fixture
def lecturer_client(client, units):
    client.force_login(units.lecturer_a)
    return client


def uploads_kept() -> list:
    root = conf.upload_root()
    return list(root.iterdir()) if root.exists() else []


def test_a_nul_in_the_file_name_is_refused_before_anything_is_stored(lecturer_client, units):
    response = create(lecturer_client, units, 100, filename="第一讲\x00.mp4")
    assert response.status_code == 400
    assert "NUL" in response.content.decode() and "重命名" in response.content.decode()
    assert not uploads_kept()

    lecturer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = create(lecturer_client, units, 100, title="讲座\x00")
    assert response.status_code == 400 and "Rename the file" in response.content.decode()
    assert not uploads_kept()


@pytest.mark.parametrize("length", ["²", "١٢", "1_000", " 100", "-1", "1e3", "9" * 30])
def test_an_upload_length_that_is_not_plain_digits_is_refused(lecturer_client, units, length):
    response = lecturer_client.post(
        reverse("video:tus_create"),
        **TUS,
        HTTP_UPLOAD_LENGTH=length,
        HTTP_UPLOAD_METADATA="filename " + base64.b64encode("第一讲.mp4".encode()).decode(),
    )
    assert response.status_code == 400
    assert "缺少文件大小" in response.content.decode()
    assert not uploads_kept()


def test_an_offset_that_is_not_plain_digits_is_refused(lecturer_client, units):
    location = create(lecturer_client, units, 100)["Location"]
    response = lecturer_client.generic(
        "PATCH", location, b"x" * 10, content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="²", **TUS,
    )  # fmt: skip
    assert response.status_code == 400 and "这部分文件" in response.content.decode()
    assert head(lecturer_client, location)["Upload-Offset"] == "0"


def test_a_chunked_patch_without_a_length_is_refused_not_claimed(lecturer_client, units):
    location = create(lecturer_client, units, 100)["Location"]
    # What a server passes on for "Transfer-Encoding: chunked": no Content-Length.
    response = lecturer_client.generic(
        "PATCH", location, b"x" * 10, content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0", HTTP_TRANSFER_ENCODING="chunked", CONTENT_LENGTH="", **TUS,
    )  # fmt: skip
    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()
    assert head(lecturer_client, location)["Upload-Offset"] == "0"
    assert patch(lecturer_client, location, 0, b"x" * 10).status_code == 204


def test_a_chinese_file_name_longer_than_a_file_system_allows(
    lecturer_client, units, django_capture_on_commit_callbacks
):
    filename = "风电场升压站设备巡视及维护实操讲解第一讲" * 6 + ".mp4"
    assert len(filename.encode()) > 255
    location = create(lecturer_client, units, 100, filename=filename)["Location"]
    with django_capture_on_commit_callbacks(execute=False):
        response = patch(lecturer_client, location, 0, b"x" * 100)
    assert response.status_code == 204
    video = Video.objects.get(pk=response["Video-Id"])
    assert video.source_name == filename
    stored = video.source.path.rsplit("/", 1)[1]
    assert len(stored.encode()) <= 255 and stored.endswith("实操讲解第一讲.mp4")
    assert video.source.read() == b"x" * 100
