"""The OpenAPI 3.1 document of /api/v1/, published at /api/v1/openapi.json and shown at
/api/v1/docs/. Written by hand; tests/api keeps it true: every URL under api/v1/ must be
documented with its methods, and the responses of the API's tests are validated against
the schemas here (which list every field: an undocumented one fails them)."""

from django.conf import settings
from django.utils.translation import gettext as _

from courses.models import EnrolmentPolicy, EnrolmentStatus, Level, Mode
from courses.selectors import TAKING_PART


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict, *, optional: tuple = ()) -> dict:
    """An object with exactly these properties (all required unless `optional`)."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "unevaluatedProperties": False,
    }


def _extends(base: str, properties: dict) -> dict:
    return {
        "allOf": [_ref(base)],
        "properties": properties,
        "required": list(properties),
        "unevaluatedProperties": False,
    }


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
# Seconds into a lesson: finite, not negative, not beyond its length (checked on receipt).
SECONDS = {"type": "number", "minimum": 0}
URL = {"type": "string", "format": "uri"}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = _nullable(TIME)
NULLABLE_INTEGER = _nullable(INTEGER)
ID_AND_NAME = _object({"id": INTEGER, "name": STRING})


def _list_of(schema: dict) -> dict:
    return {"type": "array", "items": schema}


def _page_of(item: str) -> dict:
    return _object(
        {"count": INTEGER, "page": INTEGER, "pages": INTEGER, "results": _list_of(_ref(item))}
    )


def _choice(values) -> dict:
    return _object({"value": {"enum": list(values)}, "label": STRING})


def _schemas() -> dict:
    my_status = {
        "enum": [*TAKING_PART, None],
        "description": _("Your place in the course; null when not taking part."),
    }
    return {
        "Error": _object(
            {
                "error": _object(
                    {
                        "code": STRING,
                        "message": STRING,
                        "fields": {
                            "type": "object",
                            "additionalProperties": _list_of(STRING),
                            "description": _("For invalid input: the messages for each field."),
                        },
                    },
                    optional=("fields",),
                )
            }
        ),
        "TokenRequest": _object({"phone": STRING, "password": STRING}),
        "Token": _object({"token": STRING, "expires_at": TIME}),
        "CourseSummary": _object(
            {
                "id": INTEGER,
                "title": STRING,
                "summary": STRING,
                "url": URL,
                "cover_url": _nullable(URL),
                "academy": STRING,
                "category": _nullable(ID_AND_NAME),
                "level": _choice(Level.values),
                "mode": _choice(Mode.values),
                "enrolment_policy": _choice(EnrolmentPolicy.values),
                "learning_hours": NUMBER,
                "lecturers": _list_of(STRING),
                "tags": _list_of(STRING),
            }
        )
        | {"unevaluatedProperties": True},  # extended below
        "Course": _extends("CourseSummary", {"my_status": my_status}),
        "CoursePage": _page_of("Course"),
        "Lesson": _object(
            {
                "id": INTEGER,
                "key": {"type": "string", "format": "uuid"},
                "title": STRING,
                "required": BOOLEAN,
                "duration_seconds": NULLABLE_INTEGER,
                "has_video": BOOLEAN,
                "url": URL,
            }
        ),
        "Chapter": _object({"id": INTEGER, "title": STRING, "lessons": _list_of(_ref("Lesson"))}),
        "Enrolment": _object(
            {
                "status": {"enum": EnrolmentStatus.values},
                "status_label": STRING,
                "waitlist_position": NULLABLE_INTEGER,
                "note": STRING,
            }
        )
        | {"unevaluatedProperties": True},  # extended below
        "EnrolmentChange": _extends("Enrolment", {"message": STRING}),
        "Progress": _object(
            {
                "lessons_done": INTEGER,
                "lessons_required": INTEGER,
                "percent": INTEGER,
                "completed": BOOLEAN,
                "resume_lesson": _nullable(_object({"key": STRING, "title": STRING, "url": URL})),
            }
        ),
        "CourseDetail": _extends(
            "CourseSummary",
            {
                "seat_limit": NULLABLE_INTEGER,
                "seats_left": NULLABLE_INTEGER,
                "chapters": _list_of(_ref("Chapter")),
                "my_enrolment": _nullable(_extends("Enrolment", {})),
                "my_progress": _nullable(_ref("Progress")),
                "can_manage": BOOLEAN,
            },
        ),
        "MyCourses": _object(
            {
                "enrolled": _list_of(
                    _extends(
                        "CourseSummary", {"my_status": my_status, "progress": _ref("Progress")}
                    )
                ),
                "waiting": _list_of(
                    _extends(
                        "Enrolment",
                        {"course": _object({"id": INTEGER, "title": STRING, "url": URL})},
                    )
                ),
            }
        ),
        "Me": _object(
            {
                "id": INTEGER,
                "phone": STRING,
                "name": STRING,
                "work_unit": STRING,
                "phone_verified": BOOLEAN,
                "hours": _object(
                    {
                        "year": INTEGER,
                        "hours": NUMBER,
                        "target_hours": NULLABLE_INTEGER,
                        "percent": INTEGER,
                    }
                ),
            }
        ),
        "Certificate": _object(
            {
                "code": STRING,
                "course": _object({"id": INTEGER, "title": STRING}),
                "academy": STRING,
                "hours": NUMBER,
                "issued_at": TIME,
                "revoked": BOOLEAN,
                "revoked_at": NULLABLE_TIME,
                "pdf_url": URL,
                "verify_url": URL,
            }
        ),
        "Certificates": _object({"results": _list_of(_ref("Certificate"))}),
        "Heartbeat": _object(
            {
                "position": SECONDS,
                "rate": {"type": "number", "exclusiveMinimum": 0, "maximum": 16},
                "ranges": {
                    "type": "array",
                    "maxItems": 50,
                    "items": {"type": "array", "prefixItems": [SECONDS, SECONDS], "items": False},
                },
                "visible": BOOLEAN,
                "tab": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,40}$"},
            },
            optional=("position", "rate", "ranges", "visible", "tab"),
        ),
        "ProgressState": _object(
            {
                "position": NUMBER,
                "coverage": NUMBER,
                "credited_seconds": INTEGER,
                "lesson_complete": BOOLEAN,
                "course_complete": BOOLEAN,
            }
        ),
        "ResumePosition": _object({"position": NUMBER}),
        "Booking": _object(
            {
                "id": INTEGER,
                "status": STRING,
                "status_label": STRING,
                "queued_at": TIME,
                "waitlist_position": NULLABLE_INTEGER,
                "offer_expires_at": NULLABLE_TIME,
                "checked_in_at": NULLABLE_TIME,
                "checked_out_at": NULLABLE_TIME,
                "attendance": _nullable(STRING),
                "credited_minutes": INTEGER,
            }
        ),
        "ClassSession": _object(
            {
                "id": INTEGER,
                "title": STRING,
                "url": STRING,
                "course": _object({"id": INTEGER, "title": STRING, "url": _nullable(STRING)}),
                "category": _nullable(ID_AND_NAME),
                "site": _object({"id": INTEGER, "title": STRING, "city": STRING}),
                "lecturer": _nullable(ID_AND_NAME),
                "venue": _object({"name": STRING, "address": STRING}),
                "starts_at": TIME,
                "ends_at": TIME,
                "capacity": INTEGER,
                "seats_left": INTEGER,
                "waiting": INTEGER,
                "booking_opens_at": TIME,
                "booking_closes_at": TIME,
                "cancellation_deadline": TIME,
                "online_url": _nullable(URL),
                "walk_ins_allowed": BOOLEAN,
                "my_booking": _nullable(_ref("Booking")),
            }
        ),
        "ClassPage": _page_of("ClassSession"),
        "Scan": _object({"token": STRING}),
        "ScanResult": _object(
            {"action": {"enum": ["checked_in", "checked_out"]}, "booking": _ref("Booking")}
        ),
        # The search endpoints belong to the search app, which may add fields.
        "SearchResults": {
            "type": "object",
            "required": ["total", "page", "pages", "results", "facets", "suggestions", "stale"],
            "properties": {
                "total": INTEGER,
                "page": INTEGER,
                "pages": INTEGER,
                "results": _list_of({"type": "object", "required": ["title", "url"]}),
                "facets": {"type": "object"},
                "suggestions": _list_of(_ref("Suggestion")),
                "stale": BOOLEAN,
            },
        },
        "SearchErrors": {"type": "object", "required": ["errors"]},
        "Suggestion": {
            "type": "object",
            "required": ["title", "url"],
            "properties": {"title": STRING, "url": STRING},
        },
    }


ERROR_DESCRIPTIONS = {
    400: lambda: _("The request is not right; the message says what to change."),
    401: lambda: _("Not logged in, or the token has expired or was revoked."),
    403: lambda: _("Not allowed (or, with the session, the CSRF token is missing)."),
    404: lambda: _("Not found, or not open to you."),
    409: lambda: _("Not possible now; the message says why."),
    429: lambda: _("Too many wrong passwords: logging in is paused for 15 minutes."),
}
OPTIONAL_LOGIN = [{}, {"token": []}, {"session": []}]
LOGIN = [{"token": []}, {"session": []}]
NO_IDENTITY = [{}]


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(
    summary: str,
    *,
    ok: dict,
    security=OPTIONAL_LOGIN,
    errors: tuple = (),
    parameters: tuple = (),
    body: str | None = None,
    description: str = "",
) -> dict:
    """`ok`: {status: response}; `errors`: the statuses answered with an Error."""
    if security is LOGIN:
        errors = (401, *errors)
    responses = {str(status): response for status, response in ok.items()}
    for status in sorted(errors):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    operation = {"summary": summary, "security": security, "responses": responses}
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = list(parameters)
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    return operation


def _path_parameter(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query(name: str, description: str, schema: dict = STRING) -> dict:
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _paths() -> dict:
    course_id = _path_parameter("course_id", INTEGER)
    session_id = _path_parameter("session_id", INTEGER)
    booking_id = _path_parameter("booking_id", INTEGER)
    page = _query("page", _("Page number, from 1."), INTEGER)
    ok = _("Done.")
    booking = _json(_ref("Booking"), _("The booking as it is now."))
    return {
        "/api/v1/auth/token/": {
            "post": _operation(
                _("Log in: a token for the mobile number and password"),
                description=_(
                    "Send the token in the header `Authorization: Bearer <token>`. It is "
                    "valid for %(days)d days, until revoked, or until the password changes."
                )
                % {"days": settings.APP_TOKEN_DAYS},
                security=NO_IDENTITY,
                body="TokenRequest",
                ok={201: _json(_ref("Token"), _("The token; it is shown only this once."))},
                errors=(400, 403, 429),
            ),
            "delete": _operation(
                _("Log out: revoke the token sent"),
                security=[{"token": []}],
                ok={204: {"description": ok}},
                errors=(401,),
            ),
        },
        "/api/v1/courses/": {
            "get": _operation(
                _("Course catalogue: live public courses, newest first"),
                parameters=(
                    _query(
                        "academy",
                        _("Only courses below this academy, training base or site (page id)."),
                        INTEGER,
                    ),
                    _query("category", _("Category id."), INTEGER),
                    _query("level", _("Level."), {"enum": Level.values}),
                    _query("mode", _("Teaching mode."), {"enum": Mode.values}),
                    _query("tag", _("Industry or skill tag.")),
                    page,
                ),
                ok={200: _json(_ref("CoursePage"), _("One page of courses."))},
                errors=(400,),
            )
        },
        "/api/v1/courses/{course_id}/": {
            "parameters": [course_id],
            "get": _operation(
                _("A course: outline, seats, and your enrolment and progress"),
                ok={200: _json(_ref("CourseDetail"), _("The course."))},
                errors=(404,),
            ),
        },
        "/api/v1/courses/{course_id}/enrolment/": {
            "parameters": [course_id],
            "post": _operation(
                _("Enrol in the course"),
                description=_(
                    "As on the course page: enrolled at once, a request to approve, or a place "
                    "on the waiting list when the seats are taken. Enrolling again changes nothing."
                ),
                security=LOGIN,
                ok={200: _json(_ref("EnrolmentChange"), _("Your place in the course."))},
                errors=(403, 404, 409),
            ),
            "delete": _operation(
                _("Leave the course"),
                security=LOGIN,
                ok={200: _json(_ref("EnrolmentChange"), _("You have left."))},
                errors=(403, 404),
            ),
        },
        "/api/v1/lessons/{key}/progress/": {
            "parameters": [_path_parameter("key", {"type": "string", "format": "uuid"})],
            "get": _operation(
                _("Where to resume the lesson's video"),
                security=LOGIN,
                ok={200: _json(_ref("ResumePosition"), _("Seconds into the video."))},
                errors=(403, 404),
            ),
            "post": _operation(
                _("Heartbeat of the player: what was watched"),
                description=_(
                    "Sent every few seconds while a lesson plays; honest watching time is "
                    "credited as learning hours."
                ),
                security=LOGIN,
                body="Heartbeat",
                ok={200: _json(_ref("ProgressState"), _("The lesson's progress now."))},
                errors=(400, 403, 404),
            ),
        },
        "/api/v1/me/": {
            "get": _operation(
                _("Your profile and this year's learning hours against the target"),
                security=LOGIN,
                ok={200: _json(_ref("Me"), _("You."))},
            )
        },
        "/api/v1/me/courses/": {
            "get": _operation(
                _("My learning: your courses with progress, requests and waiting lists"),
                security=LOGIN,
                ok={200: _json(_ref("MyCourses"), _("Your courses."))},
            )
        },
        "/api/v1/me/certificates/": {
            "get": _operation(
                _("Your certificates, revoked ones flagged"),
                security=LOGIN,
                ok={200: _json(_ref("Certificates"), _("Your certificates, newest first."))},
            )
        },
        "/api/v1/me/certificates/{code}/pdf/": {
            "parameters": [_path_parameter("code", STRING)],
            "get": _operation(
                _("A certificate of yours as PDF"),
                security=LOGIN,
                ok={
                    200: {
                        "description": _("The certificate."),
                        "content": {"application/pdf": {"schema": {"type": "string"}}},
                    }
                },
                errors=(404,),
            ),
        },
        "/api/v1/search/": {
            "get": _operation(
                _("Search the courses"),
                security=NO_IDENTITY,
                parameters=(
                    _query("q", _("What to look for.")),
                    _query("academy", _("Facet value.")),
                    _query("category", _("Facet value.")),
                    _query("level", _("Facet value.")),
                    _query("mode", _("Facet value.")),
                    _query("hours", _("Facet value.")),
                    _query("sort", _("Order.")),
                    page,
                ),
                ok={
                    200: _json(_ref("SearchResults"), _("Results, facets and suggestions.")),
                    400: _json(_ref("SearchErrors"), _("The messages for each field.")),
                },
            )
        },
        "/api/v1/search/suggest/": {
            "get": _operation(
                _("Suggestions while typing (also by pinyin)"),
                security=NO_IDENTITY,
                parameters=(_query("q", _("What has been typed.")),),
                ok={200: _json(_list_of(_ref("Suggestion")), _("Matching courses."))},
            )
        },
        "/api/v1/nightschool/classes/": {
            "get": _operation(
                _("Night school: upcoming classes"),
                parameters=(
                    _query("site", _("Only this site (page id)."), INTEGER),
                    _query("category", _("Category id."), INTEGER),
                    _query("city", _("City.")),
                    page,
                ),
                ok={200: _json(_ref("ClassPage"), _("One page of classes."))},
                errors=(400, 404),
            )
        },
        "/api/v1/nightschool/classes/{session_id}/": {
            "parameters": [session_id],
            "get": _operation(
                _("Night school: a class, with your booking"),
                ok={200: _json(_ref("ClassSession"), _("The class."))},
                errors=(404,),
            ),
        },
        "/api/v1/nightschool/classes/{session_id}/book/": {
            "parameters": [session_id],
            "post": _operation(
                _("Night school: book a seat (or join the waiting list)"),
                security=LOGIN,
                ok={201: _json(_ref("ClassSession"), _("The class with your booking."))},
                errors=(400, 403, 404, 409),
            ),
        },
        "/api/v1/nightschool/classes/{session_id}/scan/": {
            "parameters": [session_id],
            "post": _operation(
                _("Night school: check in or out with the code on the lecturer's phone"),
                security=LOGIN,
                body="Scan",
                ok={200: _json(_ref("ScanResult"), _("Checked in or out."))},
                errors=(400, 403, 404, 409),
            ),
        },
        "/api/v1/nightschool/bookings/{booking_id}/cancel/": {
            "parameters": [booking_id],
            "post": _operation(
                _("Night school: give your seat back"),
                security=LOGIN,
                ok={200: booking},
                errors=(400, 403, 404, 409),
            ),
        },
        "/api/v1/nightschool/bookings/{booking_id}/accept/": {
            "parameters": [booking_id],
            "post": _operation(
                _("Night school: take the seat offered to you from the waiting list"),
                security=LOGIN,
                ok={200: booking},
                errors=(400, 403, 404, 409),
            ),
        },
        "/api/v1/openapi.json": {
            "get": _operation(
                _("This document"),
                security=NO_IDENTITY,
                ok={200: _json({"type": "object"}, _("OpenAPI 3.1."))},
            )
        },
        "/api/v1/docs/": {
            "get": _operation(
                _("The list of endpoints, as a web page"),
                security=NO_IDENTITY,
                ok={
                    200: {
                        "description": _("A web page."),
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            )
        },
    }


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": _("Craftsman academies learning platform API"),
            "version": "1",
            "description": _(
                "For the phone app and the WeChat mini-program. Log in with "
                "POST /api/v1/auth/token/ and send the token as `Authorization: Bearer "
                "<token>`; the website's own pages use the session cookie instead (with "
                "the X-CSRFToken header for POST and DELETE). Errors come as "
                '`{"error": {"code": …, "message": …}}`, the message for the user.'
            ),
        },
        "security": OPTIONAL_LOGIN,
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "responses": {
                f"E{status}": _json(_ref("Error"), describe())
                for status, describe in ERROR_DESCRIPTIONS.items()
            },
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer"},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": settings.SESSION_COOKIE_NAME,
                },
            },
        },
    }


def operations() -> list[dict]:
    """The document's operations, in order, for the endpoints page."""
    rows = []
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            security = operation["security"]
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation["summary"],
                    "description": operation.get("description", ""),
                    "login": {} not in security,
                }
            )
    return rows
