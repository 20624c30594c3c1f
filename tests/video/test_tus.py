"""tus 1.0 conformance of /video/uploads/: creation, offsets, termination, expiration."""

import base64
import io
import time
import tracemalloc

import pytest
from django.urls import reverse

from video import conf, tus
from video.models import JobState, Video, VideoStatus

pytestmark = pytest.mark.django_db

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


def metadata(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in values.items())


def create(client, units, length, **extra_metadata):
    fields = {
        "filename": "第一讲.mp4",
        "title": "风电场升压站设备巡视",
        "collection": units.a.collection_id,
        "visibility": "public",
        **extra_metadata,
    }
    return client.post(
        reverse("video:tus_create"),
        **TUS,
        HTTP_UPLOAD_LENGTH=str(length),
        HTTP_UPLOAD_METADATA=metadata(**fields),
    )


def patch(client, location, offset, body, content_type="application/offset+octet-stream"):
    return client.generic(
        "PATCH", location, body, content_type=content_type, HTTP_UPLOAD_OFFSET=str(offset), **TUS
    )


def head(client, location):
    return client.head(location, **TUS)


@pytest.fixture
def lecturer_client(client, units):
    client.force_login(units.lecturer_a)
    return client


def test_options_announces_version_extensions_and_size_limit(client, settings):
    settings.VIDEO_UPLOAD_MAX_BYTES = 5_000_000
    response = client.options(reverse("video:tus_create"))
    assert response.status_code == 204
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "expiration", "termination"}
    assert response["Tus-Max-Size"] == "5000000"


def test_a_whole_upload_in_chunks_becomes_a_queued_video_at_once(
    lecturer_client, units, clip, django_capture_on_commit_callbacks
):
    data = clip("landscape.mp4").read_bytes()
    created = create(lecturer_client, units, len(data), lecturer=units.lecturer_a.pk)
    assert created.status_code == 201 and created["Tus-Resumable"] == "1.0.0"
    assert created["Upload-Expires"].endswith("GMT")
    location = created["Location"]
    assert head(lecturer_client, location)["Upload-Offset"] == "0"

    offset, chunk = 0, 10_000
    while offset + chunk < len(data):
        response = patch(lecturer_client, location, offset, data[offset : offset + chunk])
        assert response.status_code == 204
        offset = int(response["Upload-Offset"])
        assert "Video-Id" not in response
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = patch(lecturer_client, location, offset, data[offset:])
    assert response.status_code == 204 and response["Upload-Offset"] == str(len(data))
    video = Video.objects.get(pk=response["Video-Id"])
    # The final request only filed the upload: probing and transcoding wait for the queue.
    assert video.status == VideoStatus.QUEUED and video.duration is None
    assert video.jobs.get().state == JobState.QUEUED
    assert len(callbacks) == 1
    assert video.title == "风电场升压站设备巡视" and video.visibility == "public"
    assert video.uploaded_by == units.lecturer_a and video.lecturer == units.lecturer_a
    assert video.collection == units.a.collection
    assert video.source_name == "第一讲.mp4" and video.source_size == len(data)
    assert video.source.read() == data
    # The client may ask again (its last response got lost): same answer, same video.
    again = head(lecturer_client, location)
    assert again["Upload-Offset"] == str(len(data)) and again["Video-Id"] == str(video.pk)
    assert patch(lecturer_client, location, len(data), b"x").status_code == 409
    assert Video.objects.count() == 1


def test_the_queued_upload_is_transcoded_by_the_queue(
    lecturer_client, units, clip, django_capture_on_commit_callbacks
):
    data = clip("landscape.mp4").read_bytes()
    location = create(lecturer_client, units, len(data))["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        response = patch(lecturer_client, location, 0, data)
    assert Video.objects.get(pk=response["Video-Id"]).status == VideoStatus.READY


def test_an_upload_whose_filing_failed_is_filed_when_the_client_asks_again(lecturer_client, units):
    location = create(lecturer_client, units, 100)["Location"]
    units.lecturer_a.groups.remove(units.a.lecturer_group)  # permission gone mid-upload
    refused = patch(lecturer_client, location, 0, b"x" * 100)
    assert refused.status_code == 403 and "权限" in refused.content.decode()
    assert not Video.objects.exists()
    units.lecturer_a.groups.add(units.a.lecturer_group)
    again = head(lecturer_client, location)  # what tus-js-client does before resuming
    assert again.status_code == 200 and again["Upload-Offset"] == "100"
    assert Video.objects.get(pk=again["Video-Id"]).source_size == 100


def test_a_wrong_offset_is_refused_and_nothing_is_written(lecturer_client, units):
    location = create(lecturer_client, units, 100)["Location"]
    assert patch(lecturer_client, location, 0, b"a" * 40).status_code == 204
    for wrong in (0, 39, 41, 100):
        response = patch(lecturer_client, location, wrong, b"b" * 10)
        assert response.status_code == 409, wrong
    assert head(lecturer_client, location)["Upload-Offset"] == "40"
    assert patch(lecturer_client, location, 40, b"c" * 61).status_code == 413
    assert head(lecturer_client, location)["Upload-Offset"] == "40"


def test_protocol_errors(lecturer_client, units, client):
    location = create(lecturer_client, units, 100)["Location"]
    response = lecturer_client.post(reverse("video:tus_create"), HTTP_UPLOAD_LENGTH="100")
    assert response.status_code == 412 and response["Tus-Version"] == "1.0.0"
    assert patch(lecturer_client, location, 0, b"x", content_type="text/plain").status_code == 415
    no_length = lecturer_client.post(reverse("video:tus_create"), **TUS)
    assert no_length.status_code == 400
    assert head(lecturer_client, location + "0").status_code == 404
    assert head(lecturer_client, location.rsplit("/", 1)[0] + "/../../etc").status_code == 404


def test_the_size_limit_is_configurable(lecturer_client, units, settings):
    settings.VIDEO_UPLOAD_MAX_BYTES = 1000
    response = create(lecturer_client, units, 1001)
    assert response.status_code == 413
    assert response.content.decode().strip()
    assert create(lecturer_client, units, 1000).status_code == 201


def test_an_upload_the_disk_cannot_hold_is_refused_up_front(lecturer_client, units, settings):
    settings.VIDEO_MIN_FREE_BYTES = 10**18
    response = create(lecturer_client, units, 1000)
    assert response.status_code == 507 and "存储空间" in response.content.decode()


def test_who_may_upload_where(client, units):
    assert create(client, units, 10).status_code == 401
    client.force_login(units.learner)
    assert create(client, units, 10).status_code == 400
    client.force_login(units.lecturer_b)
    assert create(client, units, 10).status_code == 400  # not their academy's collection
    assert create(client, units, 10, collection=units.b.collection_id).status_code == 201


def test_only_the_uploader_can_touch_an_upload(client, units):
    client.force_login(units.lecturer_a)
    location = create(client, units, 100)["Location"]
    client.force_login(units.lecturer_a2)
    assert head(client, location).status_code == 404
    assert patch(client, location, 0, b"x").status_code == 404
    assert client.delete(location, **TUS).status_code == 404


def test_termination_removes_the_partial_upload(lecturer_client, units):
    location = create(lecturer_client, units, 100)["Location"]
    patch(lecturer_client, location, 0, b"x" * 10)
    assert lecturer_client.delete(location, **TUS).status_code == 204
    assert head(lecturer_client, location).status_code == 404
    assert not any(conf.upload_root().iterdir())


def test_expired_uploads_are_gone_and_swept(lecturer_client, units, settings):
    location = create(lecturer_client, units, 100)["Location"]
    patch(lecturer_client, location, 0, b"x" * 10)
    upload_id = location.rsplit("/", 1)[1]
    upload = tus.get(upload_id)
    expected = time.time() + settings.VIDEO_UPLOAD_EXPIRY_SECONDS
    assert upload.expires == pytest.approx(expected, abs=5)
    later = upload.expires + 1
    assert tus.get(upload_id, now=later) is None
    assert tus.sweep(now=upload.expires - 1) == 0
    assert tus.sweep(now=later) == 1
    assert head(lecturer_client, location).status_code == 404
    assert not any(conf.upload_root().iterdir())


class DroppedConnection(io.RawIOBase):
    """A request body whose client goes away after ``keep`` bytes."""

    def __init__(self, data: bytes, keep: int):
        self.stream, self.keep = io.BytesIO(data), keep

    def read(self, size=-1):
        if self.stream.tell() >= self.keep:
            raise OSError("connection reset by peer")
        return self.stream.read(min(size, self.keep - self.stream.tell()))


def test_bytes_received_before_a_dropped_connection_are_kept(units):
    upload = tus.create(owner_id=units.lecturer_a.pk, length=5000, metadata={})
    with tus.locked(upload):
        offset = tus.append(upload, offset=0, body=DroppedConnection(b"z" * 5000, 1234),
                            content_length=5000)  # fmt: skip
    assert offset == 1234 == tus.get(upload.id).offset
    with tus.locked(upload), pytest.raises(tus.TusError) as second_writer, tus.locked(upload):
        pass
    assert second_writer.value.status == 423


def test_memory_stays_flat_whatever_the_size(units, tmp_path):
    size = 64 * 1024 * 1024
    body_file = tmp_path / "big.bin"
    with open(body_file, "wb") as out:
        out.truncate(size)
    upload = tus.create(owner_id=units.lecturer_a.pk, length=size, metadata={})
    with open(body_file, "rb") as body, tus.locked(upload):
        tracemalloc.start()
        offset = tus.append(upload, offset=0, body=body, content_length=size)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert offset == size
    assert peak < 4 * 1024 * 1024
