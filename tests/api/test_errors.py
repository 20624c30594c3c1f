"""Every answer under /api/ that is not a success has the one documented shape, in
Chinese, whoever produced it — a schema refusing a forged heartbeat, Django's 404, a
method the address does not take, a body too large, an unexpected error, a database that
is down — and invalid numbers never reach a service."""

import json

import pytest
from django.db import OperationalError

from tests.api.conftest import LEARNER
from tests.courses.factories import make_course

pytestmark = pytest.mark.django_db


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and not error["message"].isascii()  # said in Chinese
    return error


@pytest.fixture
def lesson_url(api, people, new_energy):
    course = make_course(new_energy, "光伏发电站设计", lessons=1)
    api.log_in(people[LEARNER])
    api.post(f"/api/v1/courses/{course.pk}/enrolment/")
    return f"/api/v1/lessons/{course.lessons()[0].key}/progress/"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"rate": "nan", "position": 3}', "rate"),
        ('{"rate": NaN}', "rate"),
        ('{"position": 1e999}', "position"),
        ('{"position": "inf"}', "position"),
        ('{"position": -5}', "position"),
        ('{"ranges": [[0, "Infinity"]]}', "ranges.0.1"),
        ('{"ranges": [[0, 1e999]]}', "ranges.0.1"),
        ('{"ranges": [[-1, 3]]}', "ranges.0.0"),
        ('{"rate": 1000}', "rate"),
        ('{"tab": "a\\u0000b"}', "tab"),
        (json.dumps({"ranges": [[0, 1]] * 51}), "ranges"),
    ],
)
def test_a_forged_heartbeat_is_refused_before_it_is_credited(api, client, lesson_url, body, field):
    response = client.post(lesson_url, body, content_type="application/json", headers=api.headers)
    error = _error(response, 400, "invalid")
    assert field in error["fields"], error
    progress = api.get(lesson_url).json()
    assert progress == {"position": 0.0}


def test_a_body_that_is_not_json_is_refused_plainly(api, client, lesson_url):
    response = client.post(
        lesson_url, "{oops", content_type="application/json", headers=api.headers
    )
    _error(response, 400, "invalid")


def test_unknown_address_and_method(client):
    _error(client.get("/api/v1/nothing/"), 404, "not_found")
    refused = client.put("/api/v1/courses/")
    _error(refused, 405, "method_not_allowed")
    assert refused["Allow"] == "GET"


def test_a_body_over_the_limit_answers_413(client, settings, api, lesson_url):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"tab": "x", "ranges": [[0, 1]] * 40, "pad": "x" * 2000})
    response = client.post(lesson_url, body, content_type="application/json", headers=api.headers)
    _error(response, 413, "too_large")


def test_an_unexpected_error_answers_500_in_the_shape(client, monkeypatch):
    from search import selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "course_suggest", broken)
    client.raise_request_exception = False
    _error(client.get("/api/v1/search/suggest/", {"q": "焊"}), 500, "server_error")


def test_a_database_that_is_down_answers_503_in_the_shape(client, monkeypatch):
    """The first thing an API request touches is who is asking: with the database gone
    (here: every query refused), an app still gets JSON it can show, not an HTML page."""
    from django.db.backends.utils import CursorWrapper

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    client.raise_request_exception = False
    monkeypatch.setattr(CursorWrapper, "execute", down)
    error = _error(
        client.get("/api/v1/me/", headers={"Authorization": "Bearer abc"}), 503, "unavailable"
    )
    assert error["message"]
