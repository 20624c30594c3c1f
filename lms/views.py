"""The logged-in user's messages (消息)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lms import selectors, services
from lms.api import api_document, status_error

PER_PAGE = 20


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
