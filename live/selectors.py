"""Reads for live lectures: who may watch or run one, what the page and the admin show,
who is watching, the questions, and whom to remind."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Page

from academies.selectors import managed_unit_ids
from courses.models import Enrolment, EnrolmentStatus, Follow
from courses.selectors import may_study
from live import conf
from live.models import FINISHED_STATUSES, LiveLecture, LiveQuestion, LiveStatus, LiveViewer
from nightschool.models import SEAT_HOLDING
from video import signing

WATCHING_SECONDS = 45
VIEWERS_CACHE_SECONDS = 5
QUESTIONS_SHOWN = 50


def lecture_for_page(lecture_id: int) -> LiveLecture | None:
    return (
        LiveLecture.objects.select_related(
            "unit", "course", "class_session__course", "lecturer", "cover", "video"
        )
        .filter(pk=lecture_id)
        .first()
    )


def may_manage(*, user, lecture: LiveLecture) -> bool:
    """The lecturer and the administrators of the lecture's unit (or a unit above it)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if lecture.lecturer_id and lecture.lecturer.user_id == user.pk:
        return True
    return lecture.unit.permissions_for_user(user).can_publish()


def may_watch(*, user, lecture: LiveLecture) -> bool:
    """A course's lecture: whoever may study the course. A night-school class broadcast
    online: any learner with an account (the class is for those who cannot come)."""
    if not user.is_authenticated:
        return False
    if may_manage(user=user, lecture=lecture):
        return True
    if lecture.course_id:
        return may_study(user=user, course=lecture.course)
    return lecture.class_session_id is not None


def managed_lectures(*, user) -> QuerySet[LiveLecture]:
    """Lectures of the units the user administers, and those they give."""
    lectures = LiveLecture.objects.all()
    if user.is_superuser:
        return lectures
    units = managed_unit_ids(user=user) or set()
    own = Q(lecturer__user=user) if user.is_authenticated else Q(pk__in=[])
    return lectures.filter(Q(unit_id__in=units) | own)


@dataclass(frozen=True)
class LivePlayback:
    master_url: str
    audio_url: str | None


def playback_for(lecture: LiveLecture) -> LivePlayback | None:
    """Signed URLs of the live playlists (the video's signed prefix covers them)."""
    if not lecture.video_id or not lecture.rendition_dir:
        return None
    inside = lecture.rendition_dir.partition("/")[2]
    prefix = signing.prefix(video_id=lecture.video_id) + inside + "/"
    audio = f"{prefix}audio/index.m3u8" if lecture.ladder.get("audio") else None
    return LivePlayback(master_url=f"{prefix}master.m3u8", audio_url=audio)


def viewers_now(*, lecture: LiveLecture) -> int:
    """Learners whose player beat in the last WATCHING_SECONDS. Every viewer's page asks
    every few seconds, and a count reads one index entry per viewer (a hundred thousand
    at a big event), so it is counted at most once each VIEWERS_CACHE_SECONDS per lecture
    (per process without Redis) and shared from the cache."""
    key = f"live:viewers:{lecture.key}"
    count = cache.get(key)
    if count is None:
        since = timezone.now() - datetime.timedelta(seconds=WATCHING_SECONDS)
        count = LiveViewer.objects.filter(lecture=lecture, last_seen_at__gte=since).count()
        cache.set(key, count, VIEWERS_CACHE_SECONDS)
    return count


def questions_for(*, lecture: LiveLecture, user, moderator: bool) -> list[LiveQuestion]:
    """The latest questions: all of them for moderators; for others the visible ones and
    their own (a hidden question is not shown back to anyone else)."""
    questions = LiveQuestion.objects.filter(lecture=lecture).select_related(
        "author", "author__learner_profile"
    )
    if not moderator:
        questions = questions.filter(Q(hidden_at=None) | Q(author=user))
    latest = list(questions.order_by("-created_at", "-pk")[:QUESTIONS_SHOWN])
    return latest[::-1]


def audience(*, lecture: LiveLecture) -> QuerySet:
    """Ids of the learners to remind: those enrolled in the course (or holding a seat in
    the class) and the followers of the lecturer and of the academy or base (and the
    academy above a base). A query, read in batches by ``lms.services.notify_many``: a
    famous lecturer's lecture has a hundred thousand."""
    users = get_user_model().objects
    who = Q(pk__in=[])
    course = lecture.course or (lecture.class_session.course if lecture.class_session_id else None)
    if lecture.course_id:
        who |= Q(
            pk__in=Enrolment.objects.filter(
                course_id=lecture.course_id, status=EnrolmentStatus.ACTIVE
            ).values("learner_id")
        )
    if lecture.class_session_id:
        who |= Q(
            night_school_bookings__session_id=lecture.class_session_id,
            night_school_bookings__status__in=SEAT_HOLDING,
        )
    followed = list(
        Page.objects.ancestor_of(course or lecture.unit, inclusive=True).values_list(
            "pk", flat=True
        )
    )
    if lecture.lecturer_id:
        followed.append(lecture.lecturer_id)
    who |= Q(pk__in=Follow.objects.filter(page_id__in=followed).values("user_id"))
    return users.filter(who, is_active=True).distinct().order_by("pk").values_list("pk", flat=True)


@dataclass(frozen=True)
class StreamInstructions:
    rtmp_server: str
    stream_key: str
    srt_url: str | None


def stream_instructions(lecture: LiveLecture) -> StreamInstructions:
    """What OBS or a phone streaming app needs. Show only to :func:`may_manage`."""
    srt = (
        conf.srt_publish_url(port=lecture.srt_port, passphrase=lecture.srt_passphrase)
        if lecture.srt_port
        else None
    )
    return StreamInstructions(
        rtmp_server=conf.publish_url(), stream_key=lecture.stream_key, srt_url=srt
    )


def lecture_of_lesson(*, course, lesson_key) -> LiveLecture | None:
    return (
        LiveLecture.objects.filter(course_id=course.pk, lesson_key=lesson_key)
        .order_by("-starts_at")
        .first()
    )


def lesson_panel(*, request, course, lesson):
    """The lecture of a 直播 lesson, on the lesson's page (registered with courses)."""
    lecture = lecture_of_lesson(course=course, lesson_key=lesson.key)
    if lecture is None:
        return None
    return render_to_string(
        "live/includes/lesson_panel.html", {"lecture": lecture}, request=request
    )


def upcoming(*, limit: int = 6, now: datetime.datetime | None = None) -> list[LiveLecture]:
    """Lectures live now, then the next ones (the home page's slot)."""
    now = now or timezone.now()
    return list(
        LiveLecture.objects.exclude(status__in=(*FINISHED_STATUSES, LiveStatus.ENDING))
        .filter(ends_at__gt=now - datetime.timedelta(hours=1))
        .select_related("lecturer", "cover")
        .order_by("starts_at")[:limit]
    )


def schedulable_unit_paths(*, user) -> list[str] | None:
    """Tree paths of the units where the user may schedule lectures: those they
    administer and those whose lecturers they are. None: everywhere (superusers)."""
    from academies.selectors import unit_page_models

    if user.is_superuser:
        return None
    groups = list(user.groups.values_list("pk", flat=True))
    paths = []
    for model in unit_page_models():
        paths += model.objects.filter(
            Q(admin_group_id__in=groups) | Q(lecturer_group_id__in=groups)
        ).values_list("path", flat=True)
    return paths


def _within(queryset, paths, field: str):
    if paths is None:
        return queryset
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return queryset.filter(q)


def schedulable_lessons(*, user) -> list[tuple[str, str]]:
    """(``"<course id>:<lesson key>"``, "course › lesson") for the lesson choice."""
    from courses.models import Lesson

    lessons = _within(
        Lesson.objects.select_related("chapter__course"),
        schedulable_unit_paths(user=user),
        "chapter__course__path",
    ).order_by("chapter__course__title", "chapter__sort_order", "sort_order")
    return [
        (
            f"{lesson.chapter.course_id}:{lesson.key}",
            f"{lesson.chapter.course.title} › {lesson.title}",
        )
        for lesson in lessons[:2000]
    ]


def schedulable_classes(*, user):
    from nightschool.models import ClassSession

    return _within(
        ClassSession.objects.select_related("course"),
        schedulable_unit_paths(user=user),
        "site__path",
    ).order_by("-starts_at")


def may_schedule(*, user) -> bool:
    paths = schedulable_unit_paths(user=user)
    return user.is_active and (paths is None or bool(paths))
