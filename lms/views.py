"""我的 (the account tab), the logged-in user's messages (消息), and uploaded media for a
pilot without nginx."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from accounts.selectors import display_name
from lms import selectors, services
from lms.api import api_document, status_error

PER_PAGE = 20


def account(request):
    """我的: name, messages, details, password, language, the admin for those who run an
    academy, log out; log in or register for visitors."""
    name = display_name(request.user) if request.user.is_authenticated else ""
    return render(request, "lms/account.html", {"name": name})


@login_required
def notification_list(request):
    page = Paginator(selectors.notifications_of(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "lms/notifications.html", {"page_obj": page})


@login_required
def notification_open(request, notification_id: int):
    """Follow a notification's link, marking it read on the way."""
    notification = services.notification_open(user=request.user, notification_id=notification_id)
    if notification is None:
        raise Http404
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("lms:notifications")


@login_required
@require_POST
def notifications_read(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("lms:notifications")


@require_GET
@cache_control(public=True, max_age=86400)
def media(request, path: str):
    """An uploaded image or document, for installations where nginx does not serve
    LMS_DATA_DIR/media/ (`make run`, settings.SERVE_MEDIA). Documents are left out: they
    go through Wagtail's /documents/ view, which checks who may read them."""
    if not (settings.DEBUG or settings.SERVE_MEDIA) or path.startswith("documents/"):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


@csrf_exempt
def api_not_found(request):
    """Any other address under /api/, whatever the method: a JSON 404 (not the site's
    page, nor the CSRF refusal the site would give a POST)."""
    return status_error(404)


def api_docs(request, *, api):
    """The API's operations as a page, from the same document as /api/v1/openapi.json."""
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "login": {} not in operation.get("security", [{}]),
        }
        for path, item in api_document(api)["paths"].items()
        for method, operation in item.items()
    ]
    return render(request, "lms/api_docs.html", {"operations": operations})
