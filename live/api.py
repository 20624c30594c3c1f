"""Live lectures in the JSON API for the phone app and the mini-program: what is live or
coming, and one lecture with its playlist (signed) for those who may watch. Heartbeats
and questions are the page's (``live.views``), which the apps' web views use."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import Field, Router

from live import selectors
from live.models import LiveLecture
from lms.api import ANYONE, Id, IdName, Out, absolute, errors, iso

router = Router(tags=["live"])
DateTime = Field(json_schema_extra={"format": "date-time"})


class LectureOut(Out):
    id: int
    title: str
    status: str
    status_label: str
    starts_at: str = DateTime
    ends_at: str = DateTime
    lecturer: IdName | None
    url: str
    viewers: int
    master_url: str | None
    audio_url: str | None


class LectureListOut(Out):
    results: list[LectureOut]


def lecture_json(request, lecture: LiveLecture, *, playback: bool) -> dict:
    urls = selectors.playback_for(lecture) if playback and lecture.is_on_air else None
    return {
        "id": lecture.pk,
        "title": lecture.title,
        "status": lecture.status,
        "status_label": str(lecture.get_status_display()),
        "starts_at": iso(lecture.starts_at),
        "ends_at": iso(lecture.ends_at),
        "lecturer": (
            {"id": lecture.lecturer_id, "name": lecture.lecturer.title}
            if lecture.lecturer_id
            else None
        ),
        "url": absolute(request, reverse("live:lecture", args=(lecture.pk,))),
        "viewers": selectors.viewers_now(lecture=lecture) if lecture.is_on_air else 0,
        "master_url": absolute(request, urls.master_url) if urls else None,
        "audio_url": absolute(request, urls.audio_url) if urls and urls.audio_url else None,
    }


@router.get(
    "live/",
    response={200: LectureListOut, **errors(400)},
    url_name="live_lectures",
    summary=gettext_lazy("Live lectures: live now and coming"),
    **ANYONE,
)
def lecture_list(request):
    """Lectures live now, then the next ones (at most six)."""
    return {
        "results": [
            lecture_json(request, lecture, playback=False) for lecture in selectors.upcoming()
        ]
    }


@router.get(
    "live/{int:lecture_id}/",
    response={200: LectureOut, **errors(400, 404)},
    url_name="live_lecture",
    summary=gettext_lazy("Live lectures: one lecture, with its playlist if you may watch"),
    **ANYONE,
)
def lecture_detail(request, lecture_id: Id):
    lecture = selectors.lecture_for_page(lecture_id)
    if lecture is None:
        raise Http404
    allowed = selectors.may_watch(user=request.user, lecture=lecture)
    return lecture_json(request, lecture, playback=allowed)
