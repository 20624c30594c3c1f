"""Admin views beyond the generic ones: the tus upload page, live progress, the retry /
re-transcode / poster actions and play statistics. Thin: checks, then a service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.navigation import safe_next_url
from video import selectors, services
from video.forms import VideoUploadForm
from video.models import Video, VideoStatus


def url(name: str, *args) -> str:
    return reverse(f"videos:{name}", args=args)


def _managed(request, pk: int) -> Video:
    video = get_object_or_404(Video, pk=pk)
    if not selectors.can_manage(request.user, video):
        raise PermissionDenied
    return video


def video_status_context(*, request, video: Video) -> dict:
    """What the edit page shows above the form: status, player, actions."""
    can_play = selectors.can_watch(request.user, video, request=request)
    return {
        "video": video,
        "playback": selectors.playback_for(video) if can_play else None,
        "progress_url": url("progress"),
        "retry_url": url("retry", video.pk) if video.status == VideoStatus.FAILED else None,
        "retranscode_url": url("retranscode", video.pk),
        "poster_url": url("poster", video.pk) if can_play and video.has_video else None,
        "page_url": reverse("video:page", args=[video.pk]),
    }


@require_GET
def upload(request):
    """The upload page: a form plus tus-js-client, resumable across reloads."""
    if not selectors.permission_policy().user_has_permission(request.user, "add"):
        raise PermissionDenied
    form = VideoUploadForm(user=request.user)
    return TemplateResponse(
        request,
        "video/admin/upload.html",
        {
            "form": form,
            "header_title": _("Upload a video"),
            "endpoint": reverse("video:tus_create"),
            "chunk_size": settings.VIDEO_UPLOAD_CHUNK_BYTES,
            "max_size": settings.VIDEO_UPLOAD_MAX_BYTES,
            "progress_url": url("progress"),
            "edit_url_template": url("edit", 0),
            "index_url": url("index"),
            "placeholder_video": Video(status=VideoStatus.QUEUED),
            "page_title": _("Upload a video"),
        },
    )


@require_GET
def progress(request):
    """Status, percent and ETA of the listed videos (``?id=1&id=2``), polled every 2 s."""
    ids = [
        int(value)
        for value in request.GET.getlist("id")
        if value.isascii() and value.isdigit() and len(value) <= 18  # not "²"
    ]
    return JsonResponse({"videos": selectors.progress_snapshot(user=request.user, ids=ids)})


@require_POST
def retry(request, pk: int):
    video = _managed(request, pk)
    if video.status == VideoStatus.FAILED:
        services.video_retry(video=video)
        messages.success(request, _("“%(title)s” will be processed again.") % {"title": video})
    return redirect(safe_next_url(request, url("edit", pk)))


@require_POST
def retranscode(request, pk: int):
    video = _managed(request, pk)
    services.video_retranscode(video=video)
    messages.success(
        request,
        _("“%(title)s” will be transcoded again; the current version plays until then.")
        % {"title": video},
    )
    return redirect(safe_next_url(request, url("edit", pk)))


@require_POST
def poster(request, pk: int):
    video = _managed(request, pk)
    try:
        services.video_poster_request(video=video, at=float(request.POST["at"]))
    except (KeyError, ValueError):
        messages.error(request, _("Choose a moment of the video first."))
        return redirect(url("edit", pk))
    messages.success(request, _("The poster will be updated in a few seconds."))
    return redirect(url("edit", pk))


@require_GET
def statistics(request):
    """Plays per day for the last two weeks, by lecturer and by video."""
    if not selectors.permission_policy().user_has_any_permission(request.user, ["add", "change"]):
        raise PermissionDenied
    stats = selectors.play_statistics(user=request.user)
    return TemplateResponse(
        request,
        "video/admin/statistics.html",
        {
            "header_title": _("Video plays"),
            "page_title": _("Video plays"),
            "stats": stats,
            "days": len(stats.days),
            "tables": [
                (_("By lecturer"), _("Lecturer"), stats.by_lecturer),
                (_("By video"), _("Video"), stats.by_video),
            ],
            "index_url": url("index"),
        },
    )
