"""The catalogue: course cards and listings, a course's outline and who may see it, the
home page's and the units' feeds. Each read runs a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction

from academies.selectors import within_paths_q
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
from learning.selectors import (
    CourseProgress,
)

COURSE_CARD_RENDITION = "fill-480x270"


LECTURER_CARD_RENDITION = "fill-160x160"


COURSES_PER_PAGE = 12


LECTURERS_PER_PAGE = 24


TAKING_PART = (EnrolmentStatus.ACTIVE, EnrolmentStatus.PENDING, EnrolmentStatus.WAITLISTED)


def card_queryset() -> QuerySet:
    """Live, public courses with what a card shows (cover, lecturers, tags) fetched along."""
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


def course_cards(user, courses: list[CoursePage]) -> list[CourseCard]:
    """The courses as cards: their unit's title and the user's enrolment status, in two
    queries."""
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
    courses = card_queryset().descendant_of(within)
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
        cards=course_cards(user, list(page.object_list)),
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


def _feed_cards(courses: QuerySet, limit: int, user=None) -> list[CourseCard]:
    return course_cards(user or AnonymousUser(), list(courses[:limit]))


def courses_newest(*, within: Page | None = None, limit: int = 8) -> list[CourseCard]:
    """The latest live, public courses (below a unit, or anywhere)."""
    courses = card_queryset()
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
    courses = card_queryset().exclude(pk__in=list(exclude))
    if within is not None:
        courses = courses.descendant_of(within)
    return _feed_cards(_most_studied(courses), limit)


def courses_recommended(*, user, limit: int = 8) -> list[CourseCard]:
    """New courses from the academies, bases and lecturers the learner follows; without
    any, the most studied. Never a course they already take part in."""
    taking_part = Enrolment.objects.filter(learner=user, status__in=TAKING_PART)
    courses = card_queryset().exclude(pk__in=taking_part.values("course_id"))
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
