"""Lecturers: listings, their pages and videos, following and the follow feed."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
)
from wagtail.images import get_image_model
from wagtail.models import Collection, Page

from academies.selectors import unit_page_models, within_paths_q
from courses.models import (
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    Follow,
    LecturerPage,
    Lesson,
)
from courses.selectors.catalogue import (
    LECTURER_CARD_RENDITION,
    LECTURERS_PER_PAGE,
    _unit_titles,
    card_queryset,
    course_cards,
)
from video.models import Video, VideoStatus
from video.selectors import can_watch as video_can_watch
from video.selectors import listed_videos


def lecturer_listing(*, within: Page, page_number=None) -> PaginatorPage:
    photos = get_image_model().objects.prefetch_renditions(LECTURER_CARD_RENDITION)
    lecturers = (
        LecturerPage.objects.live()
        .public()
        .descendant_of(within)
        .prefetch_related(Prefetch("photo", queryset=photos), "honours")
        .order_by("title")
    )
    return Paginator(lecturers, LECTURERS_PER_PAGE).get_page(page_number)


def lecturer_videos(*, lecturer: LecturerPage) -> QuerySet:
    if lecturer.user_id is None:
        return Video.objects.none()
    # Restricted ones too: `watchable_lecturer_videos` keeps those the visitor may watch.
    return Video.objects.filter(lecturer_id=lecturer.user_id, status=VideoStatus.READY).order_by(
        "-ready_at", "-pk"
    )


@dataclass
class LecturerVideo:
    """A lecture the visitor may watch, and the lesson of a course it belongs to (where it
    is watched, and credited to enrolled learners), if any."""

    video: Video
    lesson: Lesson | None = None
    opens_in_course: bool = False  # watched on the lesson's page (else the video's own)

    @property
    def course(self) -> CoursePage | None:
        return self.lesson.chapter.course if self.lesson else None


def watchable_lecturer_videos(*, lecturer: LecturerPage, user, limit: int = 24) -> list:
    """The lecturer's ready videos that `user` may watch — public ones, the free previews
    and the lessons of courses they are enrolled in, or whatever else the video library
    lets them watch — each with a live, public course it belongs to."""
    videos = list(lecturer_videos(lecturer=lecturer)[:limit])
    if not videos:
        return []
    lessons: dict[int, list[Lesson]] = {}
    for lesson in (
        Lesson.objects.filter(
            video__in=videos, chapter__course__in=CoursePage.objects.live().public().values("pk")
        )
        .select_related("chapter__course")
        .defer("body", "chapter__course__description")
        .order_by("chapter__course__path", "sort_order")
    ):
        lessons.setdefault(lesson.video_id, []).append(lesson)
    enrolled = set()
    if user.is_authenticated and lessons:
        enrolled = set(
            Enrolment.objects.filter(
                learner=user,
                status=EnrolmentStatus.ACTIVE,
                course_id__in={
                    lesson.chapter.course_id for found in lessons.values() for lesson in found
                },
            ).values_list("course_id", flat=True)
        )
    shown = []
    for video in videos:
        used_in = lessons.get(video.pk, [])
        open_lessons = [
            lesson
            for lesson in used_in
            if lesson.free_preview or lesson.chapter.course_id in enrolled
        ]
        if open_lessons:
            shown.append(LecturerVideo(video, open_lessons[0], opens_in_course=True))
        elif (video.is_public and video.current_rendition_set_id) or (
            user.is_authenticated and video_can_watch(user, video)
        ):
            shown.append(LecturerVideo(video, used_in[0] if used_in else None))
    return shown


def lecturer_detail(*, lecturer: LecturerPage, user) -> dict:
    courses = card_queryset().filter(course_lecturers__lecturer=lecturer).distinct()
    courses = list(courses.order_by("-first_published_at", "-pk"))
    return {
        "honours": list(lecturer.honours.all()),
        "cards": course_cards(user, courses),
        "videos": watchable_lecturer_videos(lecturer=lecturer, user=user),
        "is_following": is_following(user=user, page=lecturer),
    }


def lecturer_accounts(*, including: int | None = None) -> QuerySet:
    """Accounts that may be linked to a lecturer page: members of any unit's lecturer group."""
    group_ids = set()
    for model in unit_page_models():
        group_ids.update(
            model.objects.exclude(lecturer_group=None).values_list("lecturer_group_id", flat=True)
        )
    accounts = Q(groups__in=group_ids)
    if including is not None:
        accounts |= Q(pk=including)
    return get_user_model().objects.filter(accounts).distinct().order_by("username")


def is_following(*, user, page: Page) -> bool:
    return user.is_authenticated and Follow.objects.filter(user=user, page_id=page.pk).exists()


@dataclass
class FeedItem:
    kind: str  # "course" or "video"
    title: str
    when: datetime
    source: str
    course: CoursePage | None = None
    video: Video | None = None


def following_feed(*, user, limit: int = 20) -> list[FeedItem]:
    """New courses and videos from the lecturers, academies and bases a learner follows."""
    followed = [follow.page for follow in Follow.objects.filter(user=user).select_related("page")]
    unit_models = unit_page_models()
    unit_paths = [page.path for page in followed if page.specific_class in unit_models]
    lecturer_ids = [page.pk for page in followed if page.specific_class is LecturerPage]
    if not unit_paths and not lecturer_ids:
        return []
    lecturer_users = LecturerPage.objects.filter(pk__in=lecturer_ids).exclude(user=None)

    course_q = within_paths_q(unit_paths) or Q(pk__in=[])
    course_q |= Q(course_lecturers__lecturer_id__in=lecturer_ids)
    courses = (
        CoursePage.objects.live()
        .public()
        .filter(course_q)
        .distinct()
        .order_by("-first_published_at")[:limit]
    )
    courses = list(courses)
    units = _unit_titles(courses)
    items = [
        FeedItem(
            kind="course",
            title=course.title,
            when=course.first_published_at,
            source=units.get(course.path[: -Page.steplen], ""),
            course=course,
        )
        for course in courses
    ]

    collection_paths = Collection.objects.filter(
        pk__in=[
            unit.collection_id
            for model in unit_page_models()
            for unit in model.objects.filter(path__in=unit_paths).only("collection_id")
        ]
    ).values_list("path", flat=True)
    video_q = within_paths_q(collection_paths, "collection__path") or Q(pk__in=[])
    video_q |= Q(lecturer_id__in=lecturer_users.values("user_id"))
    videos = list(
        listed_videos().filter(video_q).select_related("lecturer").order_by("-ready_at")[:limit]
    )
    # Lecturers are named as on their profile page (family name first), not "first last".
    names = dict(
        LecturerPage.objects.filter(
            user_id__in={video.lecturer_id for video in videos if video.lecturer_id}
        ).values_list("user_id", "title")
    )
    items += [
        FeedItem(
            kind="video",
            title=video.title,
            when=video.ready_at or video.created_at,
            source=names.get(video.lecturer_id, ""),
            video=video,
        )
        for video in videos
    ]
    return sorted(items, key=lambda item: item.when, reverse=True)[:limit]
