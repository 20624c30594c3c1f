from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils import translation

from lms.api import status_error


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the visitor chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; our users
    expect Chinese, so only the language cookie (set by the switch) changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        # Only for this request: a language left active would leak into whatever the
        # thread runs next (another request's rendering, a command in a test).
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ApiErrorShapeMiddleware:
    """Every error under /api/ in the API's one shape, whoever answered it: Django's 404
    for an unknown address, django-ninja's 405, a 500 page when the database is down.
    First in the chain, so it also sees what the other middleware turned into pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and response.get("Content-Type", "").split(";")[0] != "application/json"
        ):
            shaped = status_error(response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    shaped[header] = response[header]
            return shaped
        return response


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy of settings.CSP with every response; paths under
    settings.CSP_ADMIN_PREFIXES get settings.CSP_ADMIN_EXTRA added. When video streams come
    from another origin (LMS_VIDEO_STREAM_URL on a CDN), that origin may serve media,
    posters and playlists."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = {name: list(sources) for name, sources in settings.CSP.items()}
        stream = urlsplit(settings.VIDEO_STREAM_URL)
        if stream.scheme and stream.netloc:
            for name in ("media-src", "img-src", "connect-src"):
                policy.setdefault(name, []).append(f"{stream.scheme}://{stream.netloc}")
        admin = {name: list(sources) for name, sources in policy.items()}
        for name, sources in settings.CSP_ADMIN_EXTRA.items():
            admin.setdefault(name, []).extend(sources)
        self.public = _header(policy)
        self.admin = _header(admin)
        self.admin_prefixes = tuple(settings.CSP_ADMIN_PREFIXES)

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.admin if request.path.startswith(self.admin_prefixes) else self.public
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


def _header(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


class TextGZipMiddleware(GZipMiddleware):
    """Gzip pages, JSON and playlists for phones on slow links, where no proxy in front
    does it (`make run`). Nothing else: video segments and images gain nothing, and a
    ranged answer must stay byte for byte. Static files are WhiteNoise's, compressed
    ahead of time. (Django's gzip pads with random bytes against BREACH.)"""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if response.status_code != 200 or not (
            content_type.startswith("text/") or content_type in COMPRESSED_TYPES
        ):
            return response
        return super().process_response(request, response)


COMPRESSED_TYPES = {"application/json", "application/vnd.apple.mpegurl"}
