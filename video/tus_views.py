"""HTTP side of the tus 1.0 server (see ``video.tus`` for storage).

``/video/uploads/`` creates uploads; ``/video/uploads/<id>`` reports (HEAD), appends
(PATCH) and terminates (DELETE). Only signed-in users who may add videos to the
collection named in the metadata can create an upload, and only its creator can touch it.
When the last byte arrives the file becomes a queued video in the same request, which
returns at once: probing and transcoding happen in the queue.
"""

from email.utils import formatdate

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache

from video import tus
from video.forms import VideoUploadForm
from video.models import Video
from video.services import video_create_from_upload

OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
MESSAGES = {
    401: gettext_lazy("Your session has ended. Sign in again and the upload will continue."),
    404: gettext_lazy(
        "This upload no longer exists (unfinished uploads are kept for a day). "
        "Please choose the file and upload it again."
    ),
    507: gettext_lazy(
        "The server is short of storage space right now. "
        "Please try again later, or tell the site administrator."
    ),
}


def _response(status: int = 204, body: str = "", **headers) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = tus.VERSION
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _error(status: int, message: str = "") -> HttpResponse:
    return _response(status, message or str(MESSAGES.get(status, "")))


def _expires(upload: tus.Upload) -> str:
    return formatdate(upload.expires, usegmt=True)


@method_decorator(never_cache, name="dispatch")
class _TusView(View):
    def dispatch(self, request, *args, **kwargs):
        override = request.headers.get("X-HTTP-Method-Override")
        if override and request.method == "POST":
            request.method = override.upper()
        if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != tus.VERSION:
            return _response(412, Tus_Version=tus.VERSION)
        if request.method != "OPTIONS" and not request.user.is_authenticated:
            return _error(401)
        try:
            return super().dispatch(request, *args, **kwargs)
        except tus.TusError as exc:
            return _error(exc.status, exc.message)

    def options(self, request, *args, **kwargs):
        return _response(
            204,
            Tus_Version=tus.VERSION,
            Tus_Extension=tus.EXTENSIONS,
            Tus_Max_Size=str(settings.VIDEO_UPLOAD_MAX_BYTES),
        )


class UploadCreateView(_TusView):
    """POST: the creation extension."""

    def post(self, request):
        length = tus.parse_length(request.headers.get("Upload-Length"))
        if length is None:
            return _error(400, _("The upload did not say how large the file is."))
        metadata = tus.parse_metadata(request.headers.get("Upload-Metadata", ""))
        form = VideoUploadForm(metadata, user=request.user)
        if not form.is_valid():
            return _error(400, "; ".join(
                f"{form.fields[name].label}: {error}"
                for name, errors in form.errors.items() for error in errors
            ))  # fmt: skip
        try:
            upload = tus.create(owner_id=request.user.pk, length=length, metadata=metadata)
        except tus.TusError as exc:
            return _error(exc.status, _too_large_message() if exc.status == 413 else "")
        location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{upload.id}")
        return _response(201, Location=location, Upload_Expires=_expires(upload))


def _too_large_message() -> str:
    return _(
        "The file is larger than %(limit)s, the most the platform accepts. "
        "Split the recording or lower its resolution, then upload it again."
    ) % {"limit": filesizeformat(settings.VIDEO_UPLOAD_MAX_BYTES)}


class UploadView(_TusView):
    """HEAD, PATCH and DELETE on one upload."""

    def _upload(self, request, upload_id) -> tus.Upload:
        upload = tus.get(upload_id)
        if upload is None or upload.owner_id != request.user.pk:
            raise tus.TusError(404, str(MESSAGES[404]))
        return upload

    def head(self, request, upload_id):
        upload = self._upload(request, upload_id)
        if upload.is_complete and upload.video_id is None:
            # The final PATCH stored every byte but failed to file the video (e.g. the
            # database was briefly away); the client will not PATCH again, so finish here.
            with tus.locked(upload):
                upload = self._upload(request, upload_id)
                if upload.video_id is None:
                    self._finish(request, upload)
        headers = {
            "Upload_Offset": str(upload.offset),
            "Upload_Length": str(upload.length),
            "Upload_Expires": _expires(upload),
            "Cache_Control": "no-store",
        }
        if upload.video_id is not None:
            headers["Video_Id"] = str(upload.video_id)
        return _response(200, **headers)

    def patch(self, request, upload_id):
        if request.content_type != OFFSET_CONTENT_TYPE:
            return _error(415)
        offset = tus.parse_length(request.headers.get("Upload-Offset"))
        if offset is None:
            return _error(400, _("The upload did not say where this part of the file goes."))
        # Django reads nothing of a body whose length it is not told (a chunked request):
        # answering 204 would claim bytes that were never stored.
        content_length = tus.parse_length(request.META.get("CONTENT_LENGTH"))
        if content_length is None:
            return _error(411, _("Send each part of the file with its length (Content-Length)."))
        upload = self._upload(request, upload_id)
        with tus.locked(upload):
            new_offset = tus.append(
                upload, offset=offset, body=request, content_length=content_length
            )
            headers = {"Upload_Offset": str(new_offset), "Upload_Expires": _expires(upload)}
            if new_offset == upload.length:
                headers["Video_Id"] = str(self._finish(request, upload).pk)
        return _response(204, **headers)

    def _finish(self, request, upload: tus.Upload) -> Video:
        form = VideoUploadForm(upload.metadata, user=request.user)
        if not form.is_valid():
            # Permissions changed while the file was uploading.
            raise tus.TusError(403, _("You may no longer add videos to this collection."))
        return video_create_from_upload(upload=upload, user=request.user, fields=form.cleaned_data)

    def delete(self, request, upload_id):
        upload = self._upload(request, upload_id)
        with tus.locked(upload):
            tus.delete(upload)
        return _response(204)
