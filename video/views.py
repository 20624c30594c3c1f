"""Public views: the video page, fresh playback URLs, play reports, and the stream files.

``stream`` serves the signed ``/hls/...`` URLs for development and small installations;
in production nginx answers the same URLs itself (see ``video.signing``) and Django
never streams the bytes.
"""

import math
import mimetypes
import re
from pathlib import Path

from django.contrib.auth.views import redirect_to_login
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from video import conf, selectors, services, signing
from video.models import Video

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".jpg": "image/jpeg",
    ".vtt": "text/vtt; charset=utf-8",
}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


def _playable(video_id: int) -> Video:
    video = selectors.video_for_playback(video_id)
    if video is None or video.current_rendition_set_id is None:
        raise Http404
    return video


@ensure_csrf_cookie
@require_GET
def video_page(request, video_id: int):
    """The video page: the player, the lecturer, the description."""
    video = _playable(video_id)
    if not selectors.can_watch(request.user, video, request=request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(request, "video/not_allowed.html", {"video": video}, status=403)
    try:
        start = float(request.GET.get("t", 0))  # a link to a moment: ?t=90
    except ValueError:
        start = 0.0
    start = start if math.isfinite(start) and start > 0 else 0.0  # not "nan", "inf"
    return render(
        request,
        "video/video_page.html",
        {
            "video": video,
            "playback": selectors.playback_for(video),
            "play_ticket": services.play_ticket(video=video),
            "start": start,
        },
    )


@never_cache
@require_GET
def playback(request, video_id: int):
    """Fresh signed URLs as JSON, for a player whose URLs expired or another app's page."""
    video = _playable(video_id)
    if not selectors.can_watch(request.user, video, request=request):
        return JsonResponse({"error": "forbidden"}, status=403)
    data = selectors.playback_for(video)
    return JsonResponse(
        {
            "id": video.pk,
            "title": video.title,
            "master": data.master_url,
            "audio": data.audio_url,
            "poster": data.poster_url,
            "thumbnails": data.sprite_vtt_url,
            "captions": data.captions,
            "rungs": [
                {
                    "size": rung.size,
                    "bandwidth": rung.bandwidth,
                    "url": rung.url,
                    "playlist": rung.playlist,
                }
                for rung in data.rungs
            ],
            "plays_url": reverse("video:plays", args=[video.pk]),
            "play_ticket": services.play_ticket(video=video),
        }
    )


# The signed, single-use ticket is this request's forgery protection; players embedded in
# cached pages may have no CSRF cookie.
@csrf_exempt
@require_POST
def plays(request, video_id: int):
    """The player reports 10 s watched; counted once per ticket."""
    video = get_object_or_404(Video, pk=video_id)
    counted = services.play_record(video=video, ticket=request.POST.get("ticket", ""))
    return HttpResponse(status=204 if counted else 400)


@require_http_methods(["GET", "HEAD"])
def stream(request, token: str, expires: int, video_id: int, path: str):
    """One file of a video's directory, if the URL's token is genuine and unexpired."""
    verdict = signing.check(video_id=video_id, expires=expires, given=token)
    if verdict == "forged":
        return HttpResponseForbidden()
    if verdict == "expired":
        return HttpResponse(status=410)
    base = (conf.stream_root() / str(video_id)).resolve()
    target = (base / path).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        raise Http404
    return _ranged_file(request, target)


def _cache_control(target: Path) -> str:
    # A live lecture's playlists change every 2 s; segments and finished sets never do.
    return "private, max-age=1" if target.suffix == ".m3u8" else "private, max-age=3600"


def _ranged_file(request, target: Path):
    size = target.stat().st_size
    content_type = CONTENT_TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
    match = _RANGE.match(request.headers.get("Range", ""))
    if not match or not any(match.groups()):
        response = FileResponse(target.open("rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = _cache_control(target)
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:
        start, end = max(size - int(last), 0), size - 1
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    response = StreamingHttpResponse(
        _read_range(target, start, end - start + 1), status=206, content_type=content_type
    )
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = _cache_control(target)
    return response


def _read_range(target: Path, start: int, length: int):
    with target.open("rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
