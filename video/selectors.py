"""Reads for the video library: who may watch or manage a video, what the player and the
admin listing need, and play statistics.

Who may watch
-------------
A video is ``public`` (anyone, signed in or not) or ``restricted``. A restricted video
plays for its uploader, its lecturer, superusers and whoever may manage or choose
videos in its collection — and for anyone a registered *watch policy* lets in. Other
apps grant access that way instead of this app knowing about them, e.g. the courses
app in its ``AppConfig.ready()``::

    from video.selectors import register_watch_policy
    register_watch_policy(learner_is_enrolled_in_a_lesson_using)

A policy is ``policy(user, video, request) -> bool`` (``user`` may be anonymous;
``request`` is the request being answered, or ``None`` when there is none, e.g. a
password a visitor typed for a page lives in its session); any ``True`` grants.
:func:`can_watch` is checked before a page hands out signed stream URLs, which are then
the only way to the playlists and segments.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone
from wagtail.permissions import policy_registry

from accounts.selectors import display_name
from video import signing
from video.models import DailyPlays, Video, VideoStatus, Visibility

WatchPolicy = Callable[[object, Video, HttpRequest | None], bool]
_watch_policies: list[WatchPolicy] = []


def register_watch_policy(policy: WatchPolicy) -> None:
    """Let ``policy(user, video, request)`` grant access to restricted videos (idempotent)."""
    if policy not in _watch_policies:
        _watch_policies.append(policy)


def permission_policy():
    return policy_registry.get_by_type(Video)


def can_manage(user, video: Video) -> bool:
    """Edit, retry, re-transcode, delete: collection admins, or the uploader with 'add'."""
    return permission_policy().user_has_permission_for_instance(user, "change", video)


def can_watch(user, video: Video, *, request: HttpRequest | None = None) -> bool:
    """Whether ``user`` may play ``video`` (see the module docstring). Pass the request
    being answered, whose user is ``user``, when there is one."""
    if video.current_rendition_set_id is None:
        return False
    if video.is_public:
        return True
    if user.is_authenticated and (
        user.is_superuser
        or user.pk in (video.uploaded_by_id, video.lecturer_id)
        or permission_policy().user_has_any_permission_for_instance(
            user, ["change", "choose"], video
        )
    ):
        return True
    return any(policy(user, video, request) for policy in _watch_policies)


def listed_videos() -> QuerySet[Video]:
    """Ready videos that anyone may watch: the only ones whose titles public pages and
    feeds may list (a restricted video's title is as private as the video)."""
    return Video.objects.filter(status=VideoStatus.READY, visibility=Visibility.PUBLIC)


def managed_videos(user) -> QuerySet[Video]:
    """Videos ``user`` may manage: their collections' (admins) or their own (lecturers)."""
    return permission_policy().instances_user_has_any_permission_for(user, ["change"])


def choosable_videos(user) -> QuerySet[Video]:
    return permission_policy().instances_user_has_any_permission_for(user, ["choose", "change"])


def collections_for_upload(user):
    return permission_policy().collections_user_has_permission_for(user, "add")


@dataclass(frozen=True)
class Rung:
    """One video rendition: its short side ("360" for 360p), bits/s with the audio, the
    signed URL of its own master playlist ("" in sets made before those existed) and of
    its media playlist."""

    size: int
    bandwidth: int
    url: str
    playlist: str


@dataclass(frozen=True)
class Playback:
    """Everything the player needs, with signed URLs valid for the TTL. ``rungs`` go from
    the lowest to the highest."""

    master_url: str
    audio_url: str | None
    poster_url: str | None
    sprite_vtt_url: str | None
    captions: list[dict]
    rungs: list[Rung]


def playback_for(video: Video) -> Playback:
    """Signed URLs for the current rendition set. Call only after :func:`can_watch`."""
    rendition_set = video.current_rendition_set
    prefix = signing.prefix(video_id=video.pk)

    def signed(path: str) -> str:
        return prefix + path.partition("/")[2]

    audio = next((r for r in rendition_set.renditions if not r["height"]), None)
    rungs = [
        Rung(
            size=min(r["width"], r["height"]),
            bandwidth=r["bandwidth"],
            url=signed(rendition_set.path(r["master"])) if r.get("master") else "",
            playlist=signed(rendition_set.path(r["playlist"])),
        )
        for r in rendition_set.renditions
        if r["height"]
    ]
    return Playback(
        master_url=signed(rendition_set.path(rendition_set.master)),
        audio_url=signed(rendition_set.path(audio["playlist"])) if audio else None,
        poster_url=signed(video.poster.name) if video.poster else None,
        sprite_vtt_url=(
            signed(rendition_set.path(rendition_set.sprite_vtt))
            if rendition_set.sprite_vtt
            else None
        ),
        captions=[
            {
                "src": signed(caption.file.name),
                "srclang": caption.language,
                "label": caption.label,
                "default": caption.is_default,
            }
            for caption in video.captions.all()
        ],
        rungs=sorted(rungs, key=lambda rung: rung.bandwidth),
    )


def video_for_playback(video_id: int) -> Video | None:
    return (
        Video.objects.select_related("current_rendition_set", "lecturer", "collection")
        .prefetch_related("captions")
        .filter(pk=video_id)
        .first()
    )


def progress_snapshot(*, user, ids: Iterable[int]) -> list[dict]:
    """Status, percent, ETA and failure reason of the given videos the user manages."""
    rows = managed_videos(user).filter(pk__in=list(ids)[:200])
    return [
        {
            "id": video.pk,
            "status": video.status,
            "status_label": str(video.get_status_display()),
            "progress": round(video.progress, 1),
            "eta_seconds": video.eta_seconds,
            "failure_reason": video.failure_reason,
            "ready": video.status == VideoStatus.READY,
        }
        for video in rows.only("pk", "status", "progress", "eta_seconds", "failure_reason")
    ]


def person_name_of_lecturer(video: Video) -> str:
    return display_name(video.lecturer)


def lecturers_of(videos: QuerySet[Video]) -> list:
    return list(
        get_user_model()
        .objects.filter(pk__in=videos.values("lecturer_id"))
        .order_by("last_name", "first_name", "username")
    )


@dataclass(frozen=True)
class PlayStatistics:
    days: list[datetime.date]
    by_lecturer: list[dict]
    by_video: list[dict]
    total: int


def play_statistics(*, user, days: int = 14, today: datetime.date | None = None):
    """Plays per day of the videos ``user`` manages, by lecturer and by video."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days - 1)
    rows = DailyPlays.objects.filter(video__in=managed_videos(user), day__gte=since)
    by_lecturer = (
        rows.values("lecturer", "lecturer__username", "lecturer__first_name",
                    "lecturer__last_name", "day")
        .annotate(plays=Sum("plays"))
        .order_by("lecturer__username", "day")
    )  # fmt: skip
    by_video = (
        rows.values("video", "video__title", "day")
        .annotate(plays=Sum("plays"))
        .order_by("video__title", "day")
    )
    dates = [since + datetime.timedelta(days=offset) for offset in range(days)]
    return PlayStatistics(
        days=dates,
        by_lecturer=_pivot(by_lecturer, dates, key="lecturer", label=_lecturer_label),
        by_video=_pivot(by_video, dates, key="video", label=lambda row: row["video__title"]),
        total=sum(row["plays"] for row in by_video),
    )


def _lecturer_label(row: dict) -> str:
    name = f"{row['lecturer__first_name'] or ''}{row['lecturer__last_name'] or ''}".strip()
    return name or row["lecturer__username"] or "—"


def _pivot(rows, dates: list[datetime.date], *, key: str, label) -> list[dict]:
    """Rows of ``{label, counts (one per date), total}``, the most played first."""
    table: dict = {}
    for row in rows:
        entry = table.setdefault(row[key], {"label": label(row), "by_day": {}, "total": 0})
        entry["by_day"][row["day"]] = row["plays"]
        entry["total"] += row["plays"]
    return [
        {"label": entry["label"], "counts": [entry["by_day"].get(d, 0) for d in dates],
         "total": entry["total"]}
        for entry in sorted(table.values(), key=lambda entry: -entry["total"])
    ]  # fmt: skip
