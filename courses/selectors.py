"""Reads that span relations. Each runs a fixed number of queries, however many rows."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
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
    CourseLecturer,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    Follow,
    LecturerPage,
    Lesson,
)
from learning.models import Certificate, LedgerEntry, LessonProgress
from learning.selectors import (
    CourseProgress,
    YearProgress,
    certificates_of_learner,
    certificates_visible_to,
    course_progress_for,
    learner_year_progress,
    ledger_entries_visible_to,
)
from video.models import Video, VideoStatus

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
    """What the course page shows: outline, lecturers, seats and the visitor's place."""
    enrolment = None
    if user.is_authenticated:
        enrolment = Enrolment.objects.filter(learner=user, course_id=course.pk).first()
    taken = seats_taken(course=course) if course.is_limited else None
    return {
        "unit": course.get_parent().specific,
        "chapters": course_outline(course=course),
        "course_lecturers": list(
            course.course_lecturers.all().select_related("lecturer", "lecturer__photo")
        ),
        "tags": [item.tag.name for item in course.tagged_items.all().select_related("tag")],
        "enrolment": enrolment,
        "waitlist_position": (
            waitlist_position(enrolment=enrolment)
            if enrolment and enrolment.status == EnrolmentStatus.WAITLISTED
            else None
        ),
        "seats_left": max(course.seat_limit - taken, 0) if taken is not None else None,
        "can_manage": can_manage_course(user=user, course=course),
    }


def lessons_to_study(*, user) -> QuerySet:
    """Lessons with their chapter, course (`lesson.chapter.course`) and video, and whether
    the user is actively enrolled in the course (`lesson.enrolled`, for `may_study`), in
    one query. Lesson texts and course descriptions are left unread."""
    lessons = Lesson.objects.select_related("chapter__course", "video").defer(
        "body", "chapter__course__description"
    )
    if not user.is_authenticated:
        return lessons.annotate(enrolled=Value(False))
    enrolments = Enrolment.objects.filter(
        learner=user, course_id=OuterRef("chapter__course_id"), status=EnrolmentStatus.ACTIVE
    )
    return lessons.annotate(enrolled=Exists(enrolments))


def may_study(*, user, course: CoursePage, enrolled: bool | None = None) -> bool:
    """Enrolled learners and the course's administrators may open its lessons. `enrolled`:
    whether the user is actively enrolled, when the caller has read it already."""
    if not user.is_authenticated:
        return False
    if enrolled is None:
        enrolled = Enrolment.objects.filter(
            learner=user, course_id=course.pk, status=EnrolmentStatus.ACTIVE
        ).exists()
    return enrolled or can_manage_course(user=user, course=course)


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


def may_see_course(*, request, course: CoursePage) -> bool:
    """Whether the course's page would be shown: live and not kept from the visitor by a
    view restriction (as Wagtail serves pages), or administered by them (drafts too)."""
    if course.live and all(
        restriction.accept_request(request) for restriction in _view_restrictions(course)
    ):
        return True
    return can_manage_course(user=request.user, course=course)


def course_for_visitor(*, request, course_id: int) -> CoursePage | None:
    course = CoursePage.objects.select_related("category").filter(pk=course_id).first()
    return course if course and may_see_course(request=request, course=course) else None


def enrolment_of(*, learner, course_id: int) -> Enrolment | None:
    return (
        Enrolment.objects.select_related("course")
        .filter(learner=learner, course_id=course_id)
        .first()
    )


def enrolled_in_a_lesson_using(user, video: Video) -> bool:
    """Whether the user is enrolled in a live course one of whose lessons uses the video."""
    return user.is_authenticated and (
        Enrolment.objects.filter(
            learner=user,
            status=EnrolmentStatus.ACTIVE,
            course__live=True,
            course__chapters__lessons__video=video,
        ).exists()
    )


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
    return Video.objects.filter(lecturer_id=lecturer.user_id, status=VideoStatus.READY).order_by(
        "-ready_at", "-pk"
    )


def lecturer_detail(*, lecturer: LecturerPage, user) -> dict:
    courses = _course_cards().filter(course_lecturers__lecturer=lecturer).distinct()
    courses = list(courses.order_by("-first_published_at", "-pk"))
    return {
        "honours": list(lecturer.honours.all()),
        "cards": _cards(user, courses),
        "videos": list(lecturer_videos(lecturer=lecturer)[:24]),
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
        Video.objects.filter(video_q, status=VideoStatus.READY)
        .select_related("lecturer")
        .order_by("-ready_at")[:limit]
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
    """我的学习: the live courses a learner is enrolled in, as cards with their progress;
    and their requests and places on waiting lists (with the place)."""
    enrolments = list(
        Enrolment.objects.filter(learner=user, status__in=TAKING_PART)
        .select_related("course")
        .order_by("-updated_at")
    )
    active_ids = [e.course_id for e in enrolments if e.status == EnrolmentStatus.ACTIVE]
    active = list(_course_cards().filter(pk__in=active_ids).order_by("title"))
    enrolled = _cards(user, active)
    progress = course_progress_for(learner=user, courses=active)
    for card in enrolled:
        card.progress = progress[card.course.pk]
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
    progress = course_progress_for(learner=learner, courses=[e.course for e in enrolments])
    return LearnerReport(
        learner=learner,
        name=display_name(learner),
        profile=learner_profile(user=learner),
        enrolments=[(e, progress[e.course_id]) for e in enrolments],
        entries=list(entries.select_related("author").order_by("-created_at", "-pk")[:200]),
        minutes=entries.aggregate(total=Sum("minutes"))["total"] or 0,
        certificates=certificates,
    )
