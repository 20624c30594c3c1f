"""The OpenAPI document cannot drift from the URLs: every endpoint under api/v1/ is in it
with exactly its methods, and nothing else is. (Responses are checked against it by the
`api` client in every test of this directory.)"""

import pytest
from django.urls import URLResolver, get_resolver
from jsonschema import Draft202012Validator

from lms import openapi
from tests.api.conftest import openapi_path
from tests.courses.factories import make_course

METHODS = {"get", "post", "put", "patch", "delete"}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif route.startswith("api/v1/"):
            yield route, pattern.callback


def api_endpoints() -> dict:
    return {openapi_path(route): view for route, view in _routes(get_resolver().url_patterns)}


def test_every_endpoint_is_documented_with_its_methods():
    paths = openapi.document()["paths"]
    endpoints = api_endpoints()
    assert set(endpoints) == set(paths)
    for path, view in endpoints.items():
        documented = {method.upper() for method in paths[path] if method in METHODS}
        # Views made with lms.api.api_view say which methods they take; the search
        # app's two are GET only.
        assert documented == set(getattr(view, "api_methods", {"GET"})), path


def test_the_document_is_well_formed():
    document = openapi.document()
    assert document["openapi"].startswith("3.1")
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for path, item in document["paths"].items():
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        assert declared == set(path.replace("}", "{").split("{")[1::2]), path


@pytest.mark.django_db
def test_published_as_json_and_as_a_page(api):
    document = api.get("/api/v1/openapi.json").json()
    assert document["paths"].keys() == openapi.document()["paths"].keys()
    assert document["info"]["title"] == "工匠学院学习平台接口"
    html = api.get("/api/v1/docs/").content.decode()
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
    "path", ["/api/v1/nothing-here/", "/api/v2/courses/", "/api/v1/courses/x/"]
)
def test_an_unknown_api_address_answers_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
