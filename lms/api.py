"""What every endpoint of the JSON API (/api/v1/) shares, and the API's own endpoints:
log-in tokens, the OpenAPI document and its human-readable page.

- Authentication: ``Authorization: Bearer <token>`` (see `lms.tokens`) or the session
  cookie. CSRF is checked for session-authenticated unsafe requests only: a token is
  never sent by the browser on its own.
- Errors: ``{"error": {"code": …, "message": …}}``, the message in plain Chinese.
- Lists: ``{"count": …, "page": …, "pages": …, "results": […]}``.
"""

import json
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.forms import PhoneLoginForm
from lms import openapi, tokens

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiError(Exception):
    """An answer other than success; raise it anywhere below an `api_view`."""

    def __init__(self, code: str, message: str, status: int = 400, **extra):
        super().__init__(message)
        self.code, self.message, self.status, self.extra = code, message, status, extra

    def response(self) -> JsonResponse:
        body = {"error": {"code": self.code, "message": self.message, **self.extra}}
        response = respond(body, self.status)
        if self.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response


def respond(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def login_required_error(request) -> ApiError:
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return ApiError(
            "invalid_token", _("Your log-in has expired or was ended. Please log in again."), 401
        )
    return ApiError("login_required", _("Please log in first."), 401)


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


def read_json(request, message: str = "") -> dict:
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise ApiError("invalid", message or _("Send the request body as a JSON object."))
    return payload


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


def _csrf_refused(request) -> bool:
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None


def _authenticate(request) -> None:
    scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
    request.app_token = None
    if scheme.lower() == "bearer":
        # The token decides, whatever the session cookie says: a refused one (expired,
        # revoked) leaves the request anonymous, as Wagtail's own API does.
        request.app_token = tokens.token_holder(raw=raw.strip())
        request.user = request.app_token.user if request.app_token else AnonymousUser()
    elif (
        request.method not in SAFE_METHODS
        and request.user.is_authenticated
        and _csrf_refused(request)
    ):
        raise ApiError("csrf_failed", _("The page has expired. Reload it and try again."), 403)


def api_view(*methods: str, login: bool = False):
    """Make a view an API endpoint: only `methods`, authenticated by token or session,
    (with `login`) for logged-in users only, errors as JSON."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                response = ApiError(
                    "method_not_allowed", _("This address does not accept this method."), 405
                ).response()
                response["Allow"] = ", ".join(methods)
                return response
            try:
                _authenticate(request)
                if login and not request.user.is_authenticated:
                    raise login_required_error(request)
                return view(request, *args, **kwargs)
            except ApiError as error:
                return error.response()
            except Http404:
                return ApiError(
                    "not_found",
                    _("Not found: it does not exist, was removed, or is not open to you."),
                    404,
                ).response()

        wrapped.csrf_exempt = True  # checked in _authenticate, for sessions only
        wrapped.api_methods = methods
        return wrapped

    return decorator


# The API's own endpoints ------------------------------------------------------------


@api_view("POST", "DELETE")
def token(request):
    """POST ``{"phone", "password"}`` for a token; DELETE revokes the token sent."""
    if request.method == "DELETE":
        if request.app_token is None:
            raise login_required_error(request)
        tokens.token_revoke(token=request.app_token)
        return HttpResponse(status=204)
    payload = read_json(request)
    form = PhoneLoginForm(
        request, data={"username": payload.get("phone"), "password": payload.get("password")}
    )
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
    app_token, raw = tokens.token_issue(user=form.get_user())
    return respond({"token": raw, "expires_at": iso(app_token.expires_at)}, 201)


@api_view("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
def not_found(request):
    """Any other address under /api/: a JSON 404, not the site's HTML page."""
    raise Http404


@api_view("GET")
def schema(request):
    return respond(openapi.document())


@api_view("GET")
def docs(request):
    return render(request, "lms/api_docs.html", {"operations": openapi.operations()})
