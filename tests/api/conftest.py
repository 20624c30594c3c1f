"""An API client that checks every answer against the published OpenAPI document, and
the people of the permission matrix."""

import json
import re

import pytest
from django.urls import resolve
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from lms import services as lms_services
from lms.api import api_document
from lms.urls import api as api_v1
from tests.courses.conftest import hq, new_energy, new_materials, unit_slice, units  # noqa: F401
from tests.courses.factories import make_course, make_learner, user

BASE = "urn:lms-api"
# (role, username): the learner registers in the `people` fixture.
LEARNER, LECTURER, ADMIN, OTHER_ADMIN, ANONYMOUS = (
    "learner",
    "lecturer",
    "academy admin",
    "other academy's admin",
    "anonymous",
)
USERNAMES = {
    LEARNER: "13900000001",
    LECTURER: "lecturer",
    ADMIN: "new_energy_admin",
    OTHER_ADMIN: "new_materials_admin",
    ANONYMOUS: None,
}


def openapi_path(route: str) -> str:
    """Django's ``api/v1/courses/<int:course_id>/`` as ``/api/v1/courses/{course_id}/``."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


class Api:
    """Requests as an app makes them (a bearer token, or the session), each answer checked
    against the document: its status must be documented, its body match the schema."""

    def __init__(self, client, document: dict):
        self.client = client
        self.document = document
        self.registry = Registry().with_resource(
            BASE, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        self.headers = {}

    def log_in(self, username: str | None, *, session: bool = False) -> None:
        self.client.logout()
        self.headers = {}
        if username is None:
            return
        if session:
            self.client.force_login(user(username))
        else:
            _token, raw = lms_services.token_issue(user=user(username))
            self.headers = {"Authorization": f"Bearer {raw}"}

    def request(self, method: str, path: str, data=None, **kwargs):
        if method == "GET":
            response = self.client.get(path, data, headers=self.headers, **kwargs)
        else:
            response = self.client.generic(
                method,
                path,
                json.dumps(data) if data is not None else "",
                content_type="application/json",
                headers={**self.headers, **kwargs.pop("headers", {})},
                **kwargs,
            )
        self.check(method, path, response)
        return response

    def get(self, path, data=None, **kwargs):
        return self.request("GET", path, data, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.request("POST", path, data, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def check(self, method: str, path: str, response) -> None:
        route = openapi_path(resolve(path).route)
        operation = self.document["paths"][route][method.lower()]
        status = str(response.status_code)
        assert status in operation["responses"], (
            f"{method} {route} answered {status}, not documented: {response.content[:300]!r}"
        )
        documented = operation["responses"][status]
        if "$ref" in documented:  # one of the shared error answers
            pointer = documented["$ref"]
            documented = self.document["components"]["responses"][pointer.rsplit("/", 1)[1]]
        else:
            pointer = "#/" + _pointer("paths", route, method.lower(), "responses", status)
        if "content" not in documented:
            assert not response.content
            return
        content_type = response["Content-Type"].split(";")[0]
        assert content_type in documented["content"], (method, route, content_type)
        if content_type == "application/json":
            schema = {"$ref": f"{BASE}{pointer}/content/application~1json/schema"}
            Draft202012Validator(schema, registry=self.registry).validate(response.json())


@pytest.fixture
def api(client):
    return Api(client, api_document(api_v1))


@pytest.fixture
def people(units):  # noqa: F811
    """The demo admins and lecturer (of the new-energy academy) and a registered learner."""
    make_learner(USERNAMES[LEARNER], "王芳")
    return USERNAMES


@pytest.fixture
def course(new_energy):  # noqa: F811
    return make_course(new_energy, "风电场升压站设备巡视及维护", lessons=2)
