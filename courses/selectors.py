"""Reads that span relations. Each runs a fixed number of queries, however many rows."""

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Count,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupPagePermission, Page, PageViewRestriction

from academies.models import AcademyUnitPage, HeadquartersPage
from academies.selectors import permitted_paths, unit_page_models, within_paths_q
from accounts.models import LearnerProfile
from accounts.selectors import display_name, learner_profile
from courses.models import (
    Category,
    Chapter,
    CourseLecturer,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    Follow,
    LecturerPage,
    Lesson,
)
from learning.models import Certificate, LedgerEntry, LessonProgress, hours_of
from learning.selectors import (
    CourseProgress,
    YearProgress,
    certificates_of_learner,
    certificates_visible_to,
    course_minutes_for,
    course_progress_for,
    latest_lesson_progress,
    learner_year_progress,
    ledger_entries_visible_to,
    resume_position_of,
)
from learning.selectors import resume_position as resume_position_at
from learning.study import Measure, StudiedLesson, Titled
from video.models import Video, VideoStatus
from video.selectors import can_watch as video_can_watch
from video.selectors import choosable_videos, listed_videos

COURSE_CARD_RENDITION = "fill-480x270"
LECTURER_CARD_RENDITION = "fill-160x160"
COURSES_PER_PAGE = 12
LECTURERS_PER_PAGE = 24
TAKING_PART = (EnrolmentStatus.ACTIVE, EnrolmentStatus.PENDING, EnrolmentStatus.WAITLISTED)


def _course_cards() -> QuerySet:
    images = get_image_model().objects.prefetch_renditions(COURSE_CARD_RENDITION)
    return (
        CoursePage.objects.live()
        .public()
        .select_related("category")
        .prefetch_related(
            Prefetch("cover_image", queryset=images),
            Prefetch(
                "course_lecturers",
                queryset=CourseLecturer.objects.select_related("lecturer").order_by("sort_order"),
            ),
            "tagged_items__tag",
        )
    )


def _unit_titles(pages) -> dict[str, str]:
    """The title of each page's parent unit, keyed by the parent's tree path."""
    parent_paths = {page.path[: -Page.steplen] for page in pages}
    return dict(Page.objects.filter(path__in=parent_paths).values_list("path", "title"))


def _statuses_for(user, courses) -> dict[int, str]:
    if not user.is_authenticated or not courses:
        return {}
    return dict(
        Enrolment.objects.filter(
            learner=user, course__in=[course.pk for course in courses], status__in=TAKING_PART
        ).values_list("course_id", "status")
    )


@dataclass
class CourseCard:
    course: CoursePage
    unit_title: str
    status: str | None
    tags: list[str]
    progress: CourseProgress | None = None
    hours_earned: Decimal | None = None  # the learner's hours for the course, in the ledger


def _cards(user, courses: list[CoursePage]) -> list[CourseCard]:
    units = _unit_titles(courses)
    statuses = _statuses_for(user, courses)
    return [
        CourseCard(
            course=course,
            unit_title=units.get(course.path[: -Page.steplen], ""),
            status=statuses.get(course.pk),
            tags=[item.tag.name for item in course.tagged_items.all()],
        )
        for course in courses
    ]


@dataclass
class CourseListing:
    page: PaginatorPage
    cards: list[CourseCard]
    category: Category | None = None
    filtered: bool = False


def course_listing(
    *,
    within: Page,
    user,
    page_number=None,
    category: Category | None = None,
    level: str = "",
    mode: str = "",
    tag: str = "",
    per_page: int = COURSES_PER_PAGE,
) -> CourseListing:
    """Live courses below a unit, newest first, one page of them as cards."""
    courses = _course_cards().descendant_of(within)
    if category is not None:
        courses = courses.filter(category=category)
    if level:
        courses = courses.filter(level=level)
    if mode:
        courses = courses.filter(mode=mode)
    if tag:
        courses = courses.filter(tagged_items__tag__name=tag).distinct()
    page = Paginator(courses.order_by("-first_published_at", "-pk"), per_page).get_page(page_number)
    return CourseListing(
        page=page,
        cards=_cards(user, list(page.object_list)),
        category=category,
        filtered=bool(category or level or mode or tag),
    )


def seats_taken(*, course: CoursePage) -> int:
    return Enrolment.objects.filter(course=course, status=EnrolmentStatus.ACTIVE).count()


def waitlist_position(*, enrolment: Enrolment) -> int:
    """1 for the first learner waiting for a seat."""
    ahead = Enrolment.objects.filter(
        course_id=enrolment.course_id, status=EnrolmentStatus.WAITLISTED
    ).filter(
        Q(waitlisted_at__lt=enrolment.waitlisted_at)
        | Q(waitlisted_at=enrolment.waitlisted_at, pk__lt=enrolment.pk)
    )
    return ahead.count() + 1


def can_manage_course(*, user, course: Page) -> bool:
    """Administrators of the unit holding the course (or of a unit above it)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or course.permissions_for_user(user).can_publish()


def course_outline(*, course: CoursePage) -> list:
    lessons = Lesson.objects.select_related("video").order_by("sort_order")
    return list(course.chapters.all().prefetch_related(Prefetch("lessons", queryset=lessons)))


def course_detail(*, course: CoursePage, user) -> dict:
    """What the course page shows: outline, lecturers, seats, the visitor's place and, for
    an enrolled learner, their progress (where to continue, or to review once done)."""
    enrolment = None
    if user.is_authenticated:
        enrolment = Enrolment.objects.filter(learner=user, course_id=course.pk).first()
    taken = seats_taken(course=course) if course.is_limited else None
    progress = None
    if enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE:
        progress = course_progress(learner=user, courses=[course])[course.pk]
    return {
        "unit": course.get_parent().specific,
        "chapters": course_outline(course=course),
        "course_lecturers": list(
            course.course_lecturers.all().select_related("lecturer", "lecturer__photo")
        ),
        "tags": [item.tag.name for item in course.tagged_items.all().select_related("tag")],
        "enrolment": enrolment,
        "progress": progress,
        "waitlist_position": (
            waitlist_position(enrolment=enrolment)
            if enrolment and enrolment.status == EnrolmentStatus.WAITLISTED
            else None
        ),
        "seats_left": max(course.seat_limit - taken, 0) if taken is not None else None,
        "can_manage": can_manage_course(user=user, course=course),
    }


def studied_lesson(*, lesson: Lesson, course: Page, unit: Page | None) -> StudiedLesson:
    """What the learning app is told of a lesson (with its video read): how study of it is
    measured, and its length — the video's (once probed), else the stated study time."""
    return _studied(
        key=lesson.key,
        video_id=lesson.video_id,
        video_duration=lesson.video.duration if lesson.video_id and lesson.video else None,
        study_minutes=lesson.study_minutes,
        course=Titled(course.pk, course.title),
        unit=Titled(unit.pk, unit.title) if unit else None,
    )


def _studied(*, key, video_id, video_duration, study_minutes, course, unit) -> StudiedLesson:
    if video_id:
        measure, duration = Measure.VIDEO, float(video_duration or 0)
    elif study_minutes:
        measure, duration = Measure.READING, float(study_minutes * 60)
    else:
        measure, duration = Measure.NONE, 0.0
    return StudiedLesson(key=key, measure=measure, duration=duration, course=course, unit=unit)


@dataclass(frozen=True)
class LessonForStudy:
    """A lesson whose heartbeat arrived, with what decides whether it may be recorded."""

    lesson: StudiedLesson
    course_id: int
    visible: bool
    may_study: bool


def _lesson_for_study_sql(unit_types: int) -> str:
    """The heartbeat's one query, written as SQL: building and compiling it with the ORM
    took more CPU than running it. "At or above the course" is a path prefix; the tables
    holding few rows (view restrictions, aliases, units) are the ones searched by it."""
    quote = connection.ops.quote_name
    page, restriction = quote(Page._meta.db_table), quote(PageViewRestriction._meta.db_table)
    above = "p.path LIKE {0}.path || '%%'"
    units = (
        f"FROM {page} u WHERE u.content_type_id IN ({', '.join(['%s'] * unit_types)})"
        f" AND {above.format('u')} ORDER BY u.depth DESC"
    )
    return (
        "SELECT l.video_id, v.duration, l.study_minutes, p.id, p.title, p.live,"
        f" EXISTS (SELECT 1 FROM {quote(Enrolment._meta.db_table)} e"
        "  WHERE e.course_id = p.id AND e.learner_id = %s AND e.status = %s),"
        f" EXISTS (SELECT 1 FROM {restriction} r JOIN {page} rp ON rp.id = r.page_id"
        f"  WHERE {above.format('rp')}),"
        f" EXISTS (SELECT 1 FROM {page} a WHERE a.alias_of_id IS NOT NULL"
        f"  AND {above.format('a')}),"
        f" (SELECT u.id {units} LIMIT 1), (SELECT u.title {units} LIMIT 1)"
        f" FROM {quote(Lesson._meta.db_table)} l"
        f" JOIN {quote(Chapter._meta.db_table)} ch ON ch.id = l.chapter_id"
        f" JOIN {page} p ON p.id = ch.course_id"
        f" LEFT JOIN {quote(Video._meta.db_table)} v ON v.id = l.video_id"
        f" WHERE l.{quote('key')} = %s LIMIT 1"
    )


def lesson_for_study(*, request, key) -> LessonForStudy | None:
    """The lesson with its course, the course's unit and whether the user may study it
    (sees the course and is actively enrolled, or administers it), for the lesson's
    heartbeat: the busiest address of the site. One query when, as almost always, no view
    restriction or alias is above the course; None for no such lesson."""
    user = request.user
    unit_types = [ct.pk for ct in ContentType.objects.get_for_models(*unit_page_models()).values()]
    with connection.cursor() as cursor:
        cursor.execute(
            _lesson_for_study_sql(len(unit_types)),
            [
                user.pk,
                EnrolmentStatus.ACTIVE,
                *unit_types,
                *unit_types,
                Lesson._meta.get_field("key").get_db_prep_value(key, connection),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    video_id, duration, study_minutes, course_id, title, live = row[:6]
    enrolled, restricted, aliased, unit_id, unit_title = row[6:]
    lesson = _studied(
        key=key,
        video_id=video_id,
        video_duration=duration,
        study_minutes=study_minutes,
        course=Titled(course_id, title),
        unit=Titled(unit_id, unit_title) if unit_id else None,
    )
    course = None
    visible = bool(live) and not (restricted or aliased)
    if not visible:
        course = CoursePage.objects.get(pk=course_id)
        visible = may_see_course(request=request, course=course)
    may_study = visible and user.is_authenticated and bool(enrolled)
    if visible and user.is_authenticated and not may_study:
        course = course or CoursePage.objects.get(pk=course_id)
        may_study = can_manage_course(user=user, course=course)
    return LessonForStudy(lesson=lesson, course_id=course_id, visible=visible, may_study=may_study)


def may_study(*, user, course: CoursePage) -> bool:
    """Enrolled learners and the course's administrators may open its lessons."""
    if not user.is_authenticated:
        return False
    enrolled = Enrolment.objects.filter(
        learner=user, course_id=course.pk, status=EnrolmentStatus.ACTIVE
    ).exists()
    return enrolled or can_manage_course(user=user, course=course)


@dataclass(frozen=True)
class StudyTime:
    """What the required lessons of a course take, against the hours typed on it."""

    video_seconds: float
    reading_seconds: float
    unmeasured: int  # required lessons with neither a video nor a stated study time
    typed_hours: Decimal

    @property
    def minutes(self) -> int:
        return math.floor((self.video_seconds + self.reading_seconds) / 60)

    @property
    def hours(self) -> Decimal:
        return hours_of(self.minutes)

    @property
    def difference(self) -> Decimal:
        """How many more hours the course announces than its lessons take (negative:
        fewer)."""
        return self.typed_hours - self.hours

    @property
    def shortfall(self) -> Decimal:
        return -self.difference


def course_study_time(*, course: CoursePage) -> StudyTime:
    """The study time of the course's required lessons as the editor holds them (the
    latest revision's outline): a learner who studies all of them is credited this many
    hours — the video's length, or the text's stated study time — and no more."""
    seconds = {Measure.VIDEO: 0.0, Measure.READING: 0.0, Measure.NONE: 0.0}
    unmeasured = 0
    for lesson in course.lessons():
        if not lesson.required:
            continue
        studied = studied_lesson(lesson=lesson, course=course, unit=None)
        seconds[studied.measure] += studied.duration
        unmeasured += studied.measure == Measure.NONE
    return StudyTime(
        video_seconds=seconds[Measure.VIDEO],
        reading_seconds=seconds[Measure.READING],
        unmeasured=unmeasured,
        typed_hours=course.learning_hours or Decimal(0),
    )


def course_outlines(*, course_ids) -> dict[int, list[Lesson]]:
    """The lessons of each course in outline order (key, required, title; no texts), in
    one query."""
    outlines: dict[int, list[Lesson]] = {pk: [] for pk in course_ids}
    for lesson in (
        Lesson.objects.filter(chapter__course_id__in=list(course_ids))
        .select_related("chapter")
        .defer("body")
        .order_by("chapter__sort_order", "chapter_id", "sort_order", "pk")
    ):
        outlines[lesson.chapter.course_id].append(lesson)
    return outlines


def resume_position(*, learner, lesson: Lesson) -> float:
    """Where the learner stopped in the lesson (see `learning.selectors.resume_position`)."""
    return resume_position_at(learner=learner, lesson_key=lesson.key)


def course_progress(*, learner, courses) -> dict[int, CourseProgress]:
    """The learner's progress in each course, by course id (see
    `learning.selectors.course_progress_for`). Two queries, however many courses."""
    return course_progress_for(
        learner=learner, outlines=course_outlines(course_ids=[course.pk for course in courses])
    )


def _view_restrictions(page: Page) -> list[PageViewRestriction]:
    """The view restrictions on the page and the pages above it, as
    `Page.get_view_restrictions()` finds them. When, as almost always, none of these pages
    is restricted or an alias, one query says so (instead of Wagtail's two)."""
    steplen = Page.steplen
    paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    rows = Page.objects.filter(path__in=paths).values_list("alias_of_id", "view_restrictions")
    if not any(alias_of or restriction for alias_of, restriction in rows):
        return []
    return list(page.get_view_restrictions())


def course_admits(*, course: CoursePage, user, request=None) -> bool:
    """Whether the live course's page is open to the user: no view restriction on it or
    above it (its privacy) keeps them out, as Wagtail decides when it serves the page.
    Without a request only the account counts: a password typed for the page lives in
    a browser's session, so a password-protected course admits nobody then."""
    if not course.live:
        return False
    visitor = request if request is not None else SimpleNamespace(user=user, session={})
    return all(restriction.accept_request(visitor) for restriction in _view_restrictions(course))


def may_see_course(*, request, course: CoursePage) -> bool:
    """Whether the course's page would be shown: live and not kept from the visitor by a
    view restriction (as Wagtail serves pages), or administered by them (drafts too)."""
    return course_admits(course=course, user=request.user, request=request) or (
        can_manage_course(user=request.user, course=course)
    )


def course_for_visitor(*, request, course_id: int) -> CoursePage | None:
    course = CoursePage.objects.select_related("category").filter(pk=course_id).first()
    return course if course and may_see_course(request=request, course=course) else None


def enrolment_of(*, learner, course_id: int) -> Enrolment | None:
    return (
        Enrolment.objects.select_related("course")
        .filter(learner=learner, course_id=course_id)
        .first()
    )


def enrolled_in_a_lesson_using(user, video: Video, request=None) -> bool:
    """Whether the user is enrolled in a live course one of whose lessons uses the video
    and whose page is open to them (its view restrictions and privacy, see
    `course_admits`): enrolling must not unlock a course the learner may not see."""
    if not user.is_authenticated:
        return False
    courses = CoursePage.objects.filter(
        live=True,
        enrolments__learner=user,
        enrolments__status=EnrolmentStatus.ACTIVE,
        chapters__lessons__video=video,
    ).distinct()
    return any(course_admits(course=course, user=user, request=request) for course in courses)


def lesson_videos_not_choosable(*, user, course: CoursePage, video_ids) -> set[int]:
    """Of the videos about to be set on the course's lessons, those the user may not
    choose (another academy's library) and that the course did not hold already
    (published or in its latest revision), so an editor can keep a lesson that someone
    else gave a video. The chooser lists only choosable videos; posting another id must
    not get round it."""
    wanted = {video_id for video_id in video_ids if video_id}
    if not wanted or user.is_superuser:
        return set()
    refused = wanted - set(
        choosable_videos(user).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if refused and course.pk:
        refused -= set(
            Lesson.objects.filter(chapter__course_id=course.pk, video_id__in=refused).values_list(
                "video_id", flat=True
            )
        )
        revision = course.get_latest_revision()
        if refused and revision is not None:
            refused -= {lesson.video_id for lesson in revision.as_object().lessons()}
    return refused


def previewed_in_a_public_course(user, video: Video, request=None) -> bool:
    """Whether the video is the free preview (试看) of a live course under no view
    restriction: visitors may watch it before enrolling."""
    return Lesson.objects.filter(
        video=video,
        free_preview=True,
        chapter__course__in=CoursePage.objects.live().public().values("pk"),
    ).exists()


def may_preview(*, course: CoursePage, lesson: Lesson) -> bool:
    """A free preview of a live course: open to anyone who may see the course page."""
    return lesson.free_preview and course.live


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
    courses = _course_cards().filter(course_lecturers__lecturer=lecturer).distinct()
    courses = list(courses.order_by("-first_published_at", "-pk"))
    return {
        "honours": list(lecturer.honours.all()),
        "cards": _cards(user, courses),
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


@dataclass
class LearnerDashboard:
    profile: LearnerProfile | None
    enrolled: list[CourseCard] = field(default_factory=list)
    waiting: list[tuple[Enrolment, int | None]] = field(default_factory=list)
    follows: list[Page] = field(default_factory=list)
    feed: list[FeedItem] = field(default_factory=list)
    year: YearProgress | None = None
    certificates: list[Certificate] = field(default_factory=list)


@dataclass
class LearnerCourses:
    enrolled: list[CourseCard]
    waiting: list[tuple[Enrolment, int | None]]


def learner_courses(*, user) -> LearnerCourses:
    """我的学习: the live courses a learner is enrolled in, as cards with their progress and
    the hours they have earned in each (from the ledger); and their requests and places on
    waiting lists (with the place)."""
    enrolments = list(
        Enrolment.objects.filter(learner=user, status__in=TAKING_PART)
        .select_related("course")
        .order_by("-updated_at")
    )
    active_ids = [e.course_id for e in enrolments if e.status == EnrolmentStatus.ACTIVE]
    active = list(_course_cards().filter(pk__in=active_ids).order_by("title"))
    enrolled = _cards(user, active)
    progress = course_progress(learner=user, courses=active)
    minutes = course_minutes_for(learner=user, course_ids=[course.pk for course in active])
    for card in enrolled:
        card.progress = progress[card.course.pk]
        card.hours_earned = hours_of(minutes[card.course.pk])
    waiting = [
        (
            enrolment,
            waitlist_position(enrolment=enrolment)
            if enrolment.status == EnrolmentStatus.WAITLISTED
            else None,
        )
        for enrolment in enrolments
        if enrolment.status != EnrolmentStatus.ACTIVE
    ]
    return LearnerCourses(enrolled=enrolled, waiting=waiting)


def learner_year(*, user) -> YearProgress:
    """This year's hours of a learner against the province's target (the headquarters')."""
    return learner_year_progress(
        learner=user, academy=HeadquartersPage.objects.live().order_by("path").first()
    )


def learner_dashboard(*, user) -> LearnerDashboard:
    """A learner's own page: profile, courses with progress, this year's hours against the
    province's target, certificates, requests, what they follow and its news."""
    courses = learner_courses(user=user)
    follows = [
        follow.page.specific
        for follow in Follow.objects.filter(user=user).select_related("page").order_by("-pk")
    ]
    return LearnerDashboard(
        profile=learner_profile(user=user),
        enrolled=courses.enrolled,
        waiting=courses.waiting,
        follows=follows,
        feed=following_feed(user=user),
        year=learner_year(user=user),
        certificates=list(certificates_of_learner(learner=user)),
    )


def managed_courses(*, user) -> QuerySet:
    """Courses whose learners the user administers."""
    if user.is_superuser:
        return CoursePage.objects.all()
    q = within_paths_q(permitted_paths(user=user, codename="publish_page"))
    return CoursePage.objects.filter(q) if q is not None else CoursePage.objects.none()


def importable_units(*, user) -> list[AcademyUnitPage]:
    """Units into which the user may import courses (they may add and publish pages there)."""
    if user.is_superuser:
        q = Q()
    else:
        add = permitted_paths(user=user, codename="add_page")
        publish = set(permitted_paths(user=user, codename="publish_page"))
        q = within_paths_q([path for path in add if path in publish])
        if q is None:
            return []
    units = [unit for model in unit_page_models() for unit in model.objects.filter(q)]
    return sorted(units, key=lambda unit: unit.path)


def pending_enrolments(*, user) -> QuerySet:
    """Requests awaiting approval in the courses the user administers, oldest first."""
    return (
        Enrolment.objects.filter(
            status=EnrolmentStatus.PENDING,
            course__in=managed_courses(user=user).values("pk"),
        )
        .select_related("course", "learner", "learner__learner_profile")
        .order_by("created_at", "pk")
    )


def course_roster(*, course: CoursePage) -> dict[str, list[Enrolment]]:
    """A course's learners grouped by status; the waiting list in queue order."""
    roster = {status: [] for status in EnrolmentStatus.values}
    enrolments = (
        Enrolment.objects.filter(course=course)
        .select_related("learner", "learner__learner_profile")
        .order_by("waitlisted_at", "created_at", "pk")
    )
    for enrolment in enrolments:
        roster[enrolment.status].append(enrolment)
    return roster


@dataclass
class NavPages:
    catalogue: Page | None
    faculty: Page | None


def nav_pages() -> NavPages:
    """The province-wide course listing and faculty: the shallowest of each kind."""
    from courses.models import CourseIndexPage, LecturerIndexPage

    return NavPages(
        catalogue=CourseIndexPage.objects.live().order_by("depth", "path").first(),
        faculty=LecturerIndexPage.objects.live().order_by("depth", "path").first(),
    )


def manages_courses(*, user) -> bool:
    """Whether the user administers any unit (and so its courses and learners)."""
    return (
        user.is_superuser
        or GroupPagePermission.objects.filter(
            group__user=user, permission__codename="publish_page"
        ).exists()
    )


REPORT_ORDERS = {
    "name": ("learner__learner_profile__real_name", "learner__first_name", "learner__username"),
    "status": ("status", "pk"),
    "enrolled": ("enrolled_at", "pk"),
    "progress": ("lessons_done", "pk"),
    "activity": ("last_activity", "pk"),
    "hours": ("minutes", "pk"),
}


def course_learner_report(*, course: CoursePage, order: str = "name", status: str = "") -> QuerySet:
    """A course's learners with their progress, for the admin's report: required lessons
    complete (`lessons_done`, out of `required_lessons(course)`), when they last studied
    (`last_activity`) and the minutes the ledger credits them in this course (`minutes`).
    Sorted in the database by `order` (a key of REPORT_ORDERS, "-" first to reverse)."""
    required = Lesson.objects.filter(chapter__course=course, required=True).values("key")
    progress = LessonProgress.objects.filter(
        learner=OuterRef("learner_id"), course_id=course.pk
    ).order_by()
    minutes = (
        LedgerEntry.objects.filter(learner=OuterRef("learner_id"), course_id=course.pk)
        .order_by()
        .values("learner")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    rows = (
        Enrolment.objects.filter(course=course)
        .select_related("learner", "learner__learner_profile")
        .annotate(
            lessons_done=Coalesce(
                Subquery(
                    progress.filter(completed_at__isnull=False, lesson_key__in=required)
                    .values("learner")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            last_activity=Subquery(
                progress.values("learner").annotate(last=Max("updated_at")).values("last")
            ),
            minutes=Coalesce(Subquery(minutes), 0),
        )
    )
    if status in EnrolmentStatus.values:
        rows = rows.filter(status=status)
    descending = order.startswith("-")
    fields = REPORT_ORDERS.get(order.lstrip("-"), REPORT_ORDERS["name"])
    return rows.order_by(
        *(F(name).desc(nulls_last=True) if descending else F(name).asc() for name in fields)
    )


def required_lessons(*, course: CoursePage) -> int:
    return Lesson.objects.filter(chapter__course=course, required=True).count()


@dataclass
class LearnerReport:
    learner: object
    name: str
    profile: LearnerProfile | None
    enrolments: list[tuple[Enrolment, CourseProgress]]
    entries: list
    minutes: int
    certificates: list[Certificate]


def learner_report(*, admin, learner_id: int) -> LearnerReport | None:
    """What the units `admin` manages know of a learner; None if they know nothing (the
    learner is not theirs to see)."""
    learner = (
        get_user_model().objects.filter(pk=learner_id).select_related("learner_profile").first()
    )
    if learner is None:
        return None
    enrolments = list(
        Enrolment.objects.filter(
            learner=learner, course__in=managed_courses(user=admin).values("pk")
        )
        .select_related("course")
        .order_by("-updated_at")
    )
    entries = ledger_entries_visible_to(user=admin).filter(learner=learner)
    certificates = list(certificates_visible_to(user=admin).filter(learner=learner))
    if not enrolments and not certificates and not entries.exists():
        return None
    progress = course_progress(learner=learner, courses=[e.course for e in enrolments])
    return LearnerReport(
        learner=learner,
        name=display_name(learner),
        profile=learner_profile(user=learner),
        enrolments=[(e, progress[e.course_id]) for e in enrolments],
        entries=list(entries.select_related("author").order_by("-created_at", "-pk")[:200]),
        minutes=entries.aggregate(total=Sum("minutes"))["total"] or 0,
        certificates=certificates,
    )


# The home page's and the units' feeds: a fixed number of queries each, however many
# courses there are.


def _feed_cards(courses: QuerySet, limit: int, user=None) -> list[CourseCard]:
    return _cards(user or AnonymousUser(), list(courses[:limit]))


def courses_newest(*, within: Page | None = None, limit: int = 8) -> list[CourseCard]:
    """The latest live, public courses (below a unit, or anywhere)."""
    courses = _course_cards()
    if within is not None:
        courses = courses.descendant_of(within)
    return _feed_cards(courses.order_by("-first_published_at", "-pk"), limit)


def _most_studied(courses: QuerySet) -> QuerySet:
    active = Q(enrolments__status=EnrolmentStatus.ACTIVE)
    return courses.annotate(studying=Count("enrolments", filter=active)).order_by(
        "-studying", "-first_published_at", "-pk"
    )


def courses_most_studied(
    *, within: Page | None = None, limit: int = 8, exclude: list[int] = ()
) -> list[CourseCard]:
    """The courses most learners are enrolled in (below a unit, or anywhere)."""
    courses = _course_cards().exclude(pk__in=list(exclude))
    if within is not None:
        courses = courses.descendant_of(within)
    return _feed_cards(_most_studied(courses), limit)


def courses_recommended(*, user, limit: int = 8) -> list[CourseCard]:
    """New courses from the academies, bases and lecturers the learner follows; without
    any, the most studied. Never a course they already take part in."""
    taking_part = Enrolment.objects.filter(learner=user, status__in=TAKING_PART)
    courses = _course_cards().exclude(pk__in=taking_part.values("course_id"))
    followed = list(Follow.objects.filter(user=user).values_list("page__path", "page_id"))
    followed_q = within_paths_q([path for path, _id in followed])
    if followed_q is not None:
        followed_q |= Q(course_lecturers__lecturer_id__in=[page_id for _path, page_id in followed])
        chosen = courses.filter(followed_q).distinct().order_by("-first_published_at", "-pk")
        cards = _feed_cards(chosen, limit, user)
        if cards:
            return cards
    return _feed_cards(_most_studied(courses), limit, user)


def course_count(*, within: Page) -> int:
    return CoursePage.objects.live().public().descendant_of(within).count()


def course_listing_page(*, unit: Page) -> Page | None:
    """The unit's own course listing (its 全部课程 link)."""
    from courses.models import CourseIndexPage

    return CourseIndexPage.objects.live().child_of(unit).first()


def lecturers_teaching(*, within: Page, limit: int = 8) -> list[LecturerPage]:
    """Lecturers of the live courses below a unit, the busiest first."""
    photos = get_image_model().objects.prefetch_renditions(LECTURER_CARD_RENDITION)
    courses = CoursePage.objects.live().public().descendant_of(within)
    return list(
        LecturerPage.objects.live()
        .public()
        .filter(course_links__course__in=courses.values("pk"))
        .annotate(taught=Count("course_links"))
        .prefetch_related(Prefetch("photo", queryset=photos), "honours")
        .order_by("-taught", "title")[:limit]
    )


@dataclass
class ContinueLearning:
    course: CoursePage
    lesson: Lesson
    position: float
    duration: float
    progress: CourseProgress

    @property
    def percent(self) -> int:
        return min(100, round(self.position * 100 / self.duration)) if self.duration else 0


def continue_learning(*, user) -> ContinueLearning | None:
    """Where the learner goes on: the lesson they were last in (at the second they
    stopped), or the next one of that course once it is done."""
    last = latest_lesson_progress(learner=user)
    if last is None:
        return None
    course = (
        CoursePage.objects.live()
        .filter(
            pk=last.course_id,
            enrolments__learner=user,
            enrolments__status=EnrolmentStatus.ACTIVE,
        )
        .first()
    )
    if course is None:
        return None
    progress = course_progress(learner=user, courses=[course])[course.pk]
    lesson = progress.resume_lesson
    if lesson is None:
        return None
    same = lesson.key == last.lesson_key
    return ContinueLearning(
        course=course,
        lesson=lesson,
        position=resume_position_of(last) if same else 0.0,
        duration=last.duration if same else 0.0,
        progress=progress,
    )
