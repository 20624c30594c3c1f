"""Where to send a person after a form: only back to this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
