"""The plumbing of the JSON API (/api/v1/), declared once with django-ninja.

`api_create()` makes the one `NinjaAPI`; the project's URLs mount a `Router` from each
app's `api.py` on it. Typed schemas are the contract: they validate what comes in and
shape what goes out, and the OpenAPI document at /api/v1/openapi.json is generated from
them.

- Who is asking: ``Authorization: Bearer <token>`` (see `lms.services`) or the session
  cookie, CSRF checked for the session's unsafe requests (a token is never sent by the
  browser on its own). A bearer token decides, whatever the session cookie says.
  Operations take `LOGIN` (logged-in only), `ANYONE` (identified when possible) or
  `PUBLIC` (no identity) as their keyword arguments.
- Errors, every one of them: ``{"error": {"code": …, "message": …}}`` with the message
  for the person (Chinese unless English was chosen); invalid input adds ``fields``.
- Lists: ``{"count": …, "page": …, "pages": …, "results": […]}``.
"""

import json
import logging
from typing import Annotated

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from ninja import Field, NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InvalidInput
from ninja.responses import NinjaJSONEncoder
from ninja.security.base import AuthBase
from pydantic import ConfigDict

from accounts.forms import PhoneLoginForm
from lms import selectors, services

logger = logging.getLogger(__name__)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiError(Exception):
    """An answer other than success; raise it anywhere in an operation."""

    def __init__(self, code: str, message: str, status: int = 400, **extra):
        super().__init__(message)
        self.code, self.message, self.status, self.extra = code, message, status, extra

    def response(self) -> JsonResponse:
        return error_response(self.code, self.message, self.status, **self.extra)


def error_response(code: str, message: str, status: int, **extra) -> JsonResponse:
    response = JsonResponse(
        {"error": {"code": code, "message": str(message), **extra}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


# Schemas shared by every app ----------------------------------------------------------


class Out(Schema):
    """An answer's shape: exactly these fields (an undocumented one is refused)."""

    model_config = ConfigDict(extra="forbid")


class In(Schema):
    """What a client sends: unknown fields are ignored, numbers must be finite."""

    model_config = ConfigDict(allow_inf_nan=False, str_max_length=1000)


class ErrorDetail(Out):
    code: str
    message: str
    fields: dict[str, list[str]] | None = Field(
        None, description="For invalid input: the messages for each field."
    )


class ErrorOut(Out):
    error: ErrorDetail


class IdName(Out):
    id: int
    name: str


# A row's id in a path: what a database integer key can hold.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


def errors(*statuses: int) -> dict:
    """The error answers an operation may give, for its `response=`. A 400 is always
    among them: any request can carry something the schemas refuse."""
    return {frozenset({400, *statuses}): ErrorOut}


# Who is asking ---------------------------------------------------------------------


def _bearer(request) -> str | None:
    scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
    return raw.strip() if scheme.lower() == "bearer" else None


class token(AuthBase):
    """A bearer token from POST /api/v1/auth/token/. It decides when sent: a refused one
    (expired, revoked) leaves the request anonymous, as Wagtail's own API does."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request):
        raw = _bearer(request)
        if raw is None:
            return None
        request.app_token = selectors.token_holder(raw=raw) if raw else None
        request.user = request.app_token.user if request.app_token else AnonymousUser()
        return request.user if request.app_token else None


class session(AuthBase):
    """The website's own log-in; unsafe requests must carry the CSRF token."""

    openapi_type = "apiKey"
    openapi_in = "cookie"
    openapi_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        if _bearer(request) is not None or not request.user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and _csrf_refused(request):
            raise ApiError("csrf_failed", _("The page has expired. Reload it and try again."), 403)
        return request.user


class anyone:
    """Lets the anonymous in, once the token or the session had their say."""

    def __call__(self, request):
        request.app_token = getattr(request, "app_token", None)
        return True


def _csrf_refused(request) -> bool:
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None


LOGIN = {"auth": [token(), session()]}
ANYONE = {"auth": [token(), session(), anyone()], "openapi_extra": {"security": [{}]}}
PUBLIC = {"auth": None, "openapi_extra": {"security": [{}]}}


def login_required_error(request) -> ApiError:
    if _bearer(request) is not None:
        return ApiError(
            "invalid_token", _("Your log-in has expired or was ended. Please log in again."), 401
        )
    return ApiError("login_required", _("Please log in first."), 401)


# One error shape -------------------------------------------------------------------

ERROR_CODES = {
    400: "invalid",
    401: "login_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


def status_message(status: int) -> str:
    """What a person is told when nothing more specific can be said."""
    messages = {
        400: _("The request is not right; check what was sent."),
        401: _("Please log in first."),
        403: _("You are not allowed to do this."),
        404: _("Not found: it does not exist, was removed, or is not open to you."),
        405: _("This address does not accept this method."),
        413: _("What was sent is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        503: _("The service is busy or being maintained. Please try again in a minute."),
    }
    return messages.get(status) or _("Something went wrong on our side. Please try again later.")


def status_error(status: int) -> JsonResponse:
    return error_response(ERROR_CODES.get(status, "error"), status_message(status), status)


# pydantic's error types, said for a person; the rest get the generic message.
INPUT_MESSAGES = {
    "missing": pgettext_lazy("api input", "This field is required."),
    "finite_number": pgettext_lazy("api input", "Must be a finite number."),
    "float_parsing": pgettext_lazy("api input", "Must be a number."),
    "float_type": pgettext_lazy("api input", "Must be a number."),
    "int_parsing": pgettext_lazy("api input", "Must be a whole number."),
    "int_type": pgettext_lazy("api input", "Must be a whole number."),
    "int_from_float": pgettext_lazy("api input", "Must be a whole number."),
    "bool_parsing": pgettext_lazy("api input", "Must be true or false."),
    "bool_type": pgettext_lazy("api input", "Must be true or false."),
    "string_type": pgettext_lazy("api input", "Must be text."),
    "string_too_long": pgettext_lazy("api input", "At most %(max_length)s characters."),
    "string_too_short": pgettext_lazy("api input", "At least %(min_length)s characters."),
    "string_pattern_mismatch": pgettext_lazy(
        "api input", "Contains characters that are not allowed."
    ),
    "too_long": pgettext_lazy("api input", "At most %(max_length)s items."),
    "too_short": pgettext_lazy("api input", "At least %(min_length)s items."),
    "greater_than_equal": pgettext_lazy("api input", "Must be at least %(ge)s."),
    "greater_than": pgettext_lazy("api input", "Must be more than %(gt)s."),
    "less_than_equal": pgettext_lazy("api input", "Must be at most %(le)s."),
    "less_than": pgettext_lazy("api input", "Must be less than %(lt)s."),
    "enum": pgettext_lazy("api input", "Must be one of: %(expected)s."),
    "literal_error": pgettext_lazy("api input", "Must be one of: %(expected)s."),
    "uuid_parsing": pgettext_lazy("api input", "Not a valid id."),
    "json_invalid": gettext_lazy("Send the request body as a JSON object."),
}


def _input_message(error: dict) -> str:
    template = INPUT_MESSAGES.get(error.get("type", ""))
    if template is None:
        return _("This value is not valid.")
    try:
        return str(template) % {key: value for key, value in (error.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return _("This value is not valid.")


def _field_name(location) -> str:
    """("body", "payload", "ranges", 0) → "ranges.0"; ("query", "page") → "page"."""
    parts = [str(part) for part in location[1:]]
    if len(location) > 2 and location[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _invalid(request, exc: InvalidInput) -> JsonResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_input_message(error))
    return error_response(
        "invalid", _("Some of what was sent is not right; see the fields."), 400, fields=fields
    )


def _http_error(request, exc: HttpError) -> JsonResponse:
    status = exc.status_code
    if status == 400 and "parse" in str(exc).lower():  # ninja: the body is not JSON
        return error_response("invalid", _("Send the request body as a JSON object."), 400)
    return status_error(status)


def _unexpected(request, exc: Exception) -> JsonResponse:
    # As Django does for a view's exception: logged with the request, and the test client
    # re-raises it.
    logger.error("Error in API %s %s", request.method, request.path, exc_info=exc)
    got_request_exception.send(sender=None, request=request)
    return status_error(500)


def _database_unavailable(request, exc: Exception) -> JsonResponse:
    logger.error("Database unavailable for API %s", request.path, exc_info=exc)
    response = status_error(503)
    response["Retry-After"] = "30"
    return response


def api_create() -> NinjaAPI:
    """The one API of the project; its URLs mount the apps' routers on it."""
    api = NinjaAPI(
        title=gettext_lazy("Craftsman academies learning platform API"),
        version="1",
        description=gettext_lazy(
            "For the phone app and the WeChat mini-program. Log in with "
            "POST /api/v1/auth/token/ and send the token as `Authorization: Bearer "
            "<token>`; the website's own pages use the session cookie instead (with "
            "the X-CSRFToken header for POST and DELETE). Errors come as "
            '`{"error": {"code": …, "message": …}}`, the message for the user.'
        ),
        urls_namespace="api",
        docs_url=None,
        openapi_url="openapi.json",
    )
    api.add_exception_handler(ApiError, lambda request, exc: exc.response())
    api.add_exception_handler(InvalidInput, _invalid)
    api.add_exception_handler(
        AuthenticationError, lambda request, exc: login_required_error(request).response()
    )
    api.add_exception_handler(Http404, lambda request, exc: status_error(404))
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(RequestDataTooBig, lambda request, exc: status_error(413))
    api.add_exception_handler(
        MultiPartParserError,
        lambda request, exc: error_response(
            "invalid", _("Send the request body as a JSON object."), 400
        ),
    )
    api.add_exception_handler(OperationalError, _database_unavailable)
    api.add_exception_handler(InterfaceError, _database_unavailable)
    api.add_exception_handler(Exception, _unexpected)
    api.add_router("", router)
    return api


def api_document(api: NinjaAPI) -> dict:
    """The OpenAPI document as clients read it (JSON: string keys, translated text)."""
    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


def page_json(page, results: list) -> dict:
    """One page of a list, as a Django paginator page with its items already rendered."""
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": results,
    }


def iso(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def absolute(request, url: str | None) -> str | None:
    """Apps have no page to resolve a link against: every URL they get is absolute."""
    return request.build_absolute_uri(url) if url else None


def form_error(form, *, names: dict | None = None) -> ApiError:
    """The form's errors by field; `names` renames fields to what the API calls them."""
    names = names or {}
    return ApiError(
        "invalid",
        _("Some of what was sent is not right; see the fields."),
        fields={
            names.get(name, name): [error["message"] for error in errors]
            for name, errors in form.errors.get_json_data().items()
        },
    )


# The API's own endpoints ------------------------------------------------------------

router = Router(tags=["auth"])


class TokenIn(In):
    phone: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)


class TokenOut(Out):
    token: str
    expires_at: str = Field(json_schema_extra={"format": "date-time"})


@router.post(
    "auth/token/",
    response={201: TokenOut, **errors(400, 403, 429)},
    url_name="token",
    summary=gettext_lazy("Log in: a token for the mobile number and password"),
    description=gettext_lazy(
        "Send the token in the header `Authorization: Bearer <token>`. It is valid until it "
        "expires, until revoked, or until the password changes."
    ),
    **PUBLIC,
)
def token_create(request, payload: TokenIn):
    form = PhoneLoginForm(request, data={"username": payload.phone, "password": payload.password})
    if not form.is_valid():
        if getattr(request, "axes_locked_out", False):
            # Answered here in JSON; django-axes' middleware would put its HTML page instead.
            request.axes_locked_out = False
            raise ApiError(
                "locked_out",
                _(
                    "Too many wrong passwords: logging in to this account is paused. Try "
                    "again in 15 minutes, or set a new password with a code sent to your phone."
                ),
                429,
            )
        if form.non_field_errors():
            raise ApiError("invalid_login", " ".join(form.non_field_errors()), 400)
        raise form_error(form, names={"username": "phone"})
    app_token, raw = services.token_issue(user=form.get_user())
    return Status(201, {"token": raw, "expires_at": iso(app_token.expires_at)})


@router.delete(
    "auth/token/",
    response={204: None, **errors(401)},
    summary=gettext_lazy("Log out: revoke the token sent"),
    auth=[token()],
)
def token_delete(request):
    services.token_revoke(token=request.app_token)
    return HttpResponse(status=204)
