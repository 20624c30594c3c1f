"""The OpenAPI document is generated from the code that answers (django-ninja), so it
cannot drift from the URLs; these tests check that nothing under /api/v1/ escapes it and
that it is published. (Responses are checked against it by the `api` client in every
test of this directory.)"""

import pytest
from django.urls import URLResolver, get_resolver
from jsonschema import Draft202012Validator

from lms.api import api_document
from lms.urls import api as api_v1
from tests.api.conftest import openapi_path
from tests.courses.factories import make_course

# The document itself, its page, and the root (a JSON 404).
UNDOCUMENTED = {"/api/v1/openapi.json", "/api/v1/docs/", "/api/v1/"}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif route.startswith("api/v1/"):
            yield route


def test_every_endpoint_is_documented():
    endpoints = {openapi_path(route) for route in _routes(get_resolver().url_patterns)}
    assert endpoints - UNDOCUMENTED == set(api_document(api_v1)["paths"])


def test_the_document_is_well_formed():
    document = api_document(api_v1)
    assert document["openapi"].startswith("3.1")
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for path, item in document["paths"].items():
        for operation in item.values():
            declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert declared == set(path.replace("}", "{").split("{")[1::2]), path
            assert operation["summary"], path
            assert "security" in operation, path


@pytest.mark.django_db
def test_published_as_json_and_as_a_page(api):
    document = api.client.get("/api/v1/openapi.json").json()
    assert document["paths"].keys() == api_document(api_v1)["paths"].keys()
    assert document["info"]["title"] == "工匠学院学习平台接口"
    html = api.client.get("/api/v1/docs/").content.decode()
    assert "/api/v1/courses/{course_id}/enrolment/" in html
    assert "报名课程" in html


@pytest.mark.django_db
def test_the_search_endpoints_answer_as_documented(
    api, settings, new_energy, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = ""  # the embedded index: the search app tests both
    with django_capture_on_commit_callbacks(execute=True):
        make_course(new_energy, "光伏发电站设计")
    assert api.get("/api/v1/search/", {"q": "光伏"}).json()["total"] == 1
    assert api.get("/api/v1/search/", {"page": "0"}).status_code == 400
    assert api.get("/api/v1/search/suggest/", {"q": "guangfu"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/nothing-here/", "/api/v2/courses/", "/api/v1/courses/x/"]
)
def test_an_unknown_api_address_answers_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
