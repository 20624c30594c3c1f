"""Studying a course: the lesson a learner studies and what learning is told of it, their
progress, 我的学习, free previews and who may watch a lesson's video."""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.models import Page, PageViewRestriction

from academies.models import HeadquartersPage
from academies.selectors import unit_page_models
from accounts.models import LearnerProfile
from accounts.selectors import learner_profile
from courses.models import (
    Chapter,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    Follow,
    Lesson,
)
from courses.selectors.catalogue import (
    TAKING_PART,
    CourseCard,
    can_manage_course,
    card_queryset,
    course_admits,
    course_cards,
    course_outline,
    may_see_course,
    seats_taken,
    waitlist_position,
)
from courses.selectors.lecturers import FeedItem, following_feed
from learning.models import Certificate, hours_of
from learning.selectors import (
    CourseProgress,
    YearProgress,
    certificates_of_learner,
    course_minutes_for,
    course_progress_for,
    latest_lesson_progress,
    learner_year_progress,
    resume_position_of,
)
from learning.selectors import resume_position as resume_position_at
from learning.study import Measure, StudiedLesson, Titled
from video.models import Video
from video.selectors import choosable_videos


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
    active = list(card_queryset().filter(pk__in=active_ids).order_by("title"))
    enrolled = course_cards(user, active)
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
