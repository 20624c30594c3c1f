"""Learner-facing views: accounts, the learner's own page, enrolling, following, lessons.

Thin: each reads a form, calls a service or selector and renders or redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST
from wagtail.models import Page

from academies.selectors import unit_of
from accounts.navigation import safe_next_url
from courses import selectors, services
from courses.hooks import lesson_panels
from courses.models import CoursePage, Enrolment, EnrolmentStatus
from video import selectors as video_selectors
from video import services as video_services


@login_required
def profile(request):
    dashboard = selectors.learner_dashboard(user=request.user)
    return render(request, "courses/account/profile.html", {"dashboard": dashboard})


ENROLLED_MESSAGES = {
    EnrolmentStatus.ACTIVE: _("You are enrolled. Start with the first lesson whenever you like."),
    EnrolmentStatus.PENDING: _(
        "Your request has been sent. The academy will review it; you will see the "
        "answer on your page."
    ),
    EnrolmentStatus.WAITLISTED: _(
        "All seats are taken, so you are on the waiting list. You get a seat "
        "automatically when one frees up."
    ),
}


@login_required
@require_POST
def enrol(request, course_id: int):
    # A course kept from the learner by its view restrictions is not there for them.
    course = selectors.course_for_visitor(request=request, course_id=course_id)
    if course is None:
        raise Http404(_("This course does not exist, or is not open to you."))
    try:
        enrolment = services.course_enrol(learner=request.user, course=course)
    except services.EnrolmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, ENROLLED_MESSAGES[enrolment.status])
    return redirect(course.get_url(request))


@login_required
@require_POST
def leave(request, course_id: int):
    enrolment = get_object_or_404(Enrolment, learner=request.user, course_id=course_id)
    services.course_unenrol(enrolment=enrolment, by=request.user)
    messages.success(request, _("You have left “%(course)s”.") % {"course": enrolment.course.title})
    return redirect(safe_next_url(request, reverse("courses:profile")))


@login_required
@require_POST
def follow(request, page_id: int):
    page = get_object_or_404(Page.objects.live(), pk=page_id)
    following = request.POST.get("following") == "1"
    try:
        services.follow_set(user=request.user, page=page, following=following)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if following:
            messages.success(request, _("You now follow %(name)s.") % {"name": page.title})
        else:
            messages.success(request, _("You no longer follow %(name)s.") % {"name": page.title})
    return redirect(safe_next_url(request, page.url))


def _player(request, *, lesson) -> dict:
    """The lesson's video for the player, if it is ready and the visitor may watch it."""
    video = video_selectors.video_for_playback(lesson.video_id) if lesson.video_id else None
    if video is None or not video_selectors.can_watch(request.user, video, request=request):
        return {}
    return {
        "video": video,
        "playback": video_selectors.playback_for(video),
        "play_ticket": video_services.play_ticket(video=video),
    }


def _studying(request, *, course: CoursePage, lesson) -> dict:
    """What a learner studying the lesson sees: the player or the text with its reading
    clock, their progress."""
    studied = selectors.studied_lesson(lesson=lesson, course=course, unit=unit_of(course))
    state = services.lesson_open(learner=request.user, lesson=studied)
    context = {
        "studying": True,
        "measure": studied.measure,
        "lesson_state": state.lesson,
        "course_progress": selectors.course_progress(learner=request.user, courses=[course])[
            course.pk
        ],
        **_player(request, lesson=lesson),
    }
    if "video" in context:
        # Where the learner stopped, in the page: the player needs no request for it.
        context["start"] = selectors.resume_position(learner=request.user, lesson=lesson)
    return context


def _previewing(request, *, lesson) -> dict:
    """A free preview (试看) for someone not enrolled: the lesson, nothing recorded."""
    return {"previewing": True, **_player(request, lesson=lesson)}


@ensure_csrf_cookie
def lesson_view(request, *, course: CoursePage, key):
    """One lesson of a course. Its enrolled learners (and administrators) study it here;
    everyone else sees what the lesson is and the course's call to enrol."""
    chapters = selectors.course_outline(course=course)
    sequence = [(chapter, lesson) for chapter in chapters for lesson in chapter.lessons.all()]
    index = next((i for i, (_c, lesson) in enumerate(sequence) if lesson.key == key), None)
    if index is None:
        raise Http404(_("This lesson is not part of the course (any more)."))
    chapter, lesson = sequence[index]
    context = {
        "page": course,
        "chapter": chapter,
        "lesson": lesson,
        "previous": sequence[index - 1][1] if index > 0 else None,
        "next": sequence[index + 1][1] if index + 1 < len(sequence) else None,
        "lesson_panels": lesson_panels(request=request, course=course, lesson=lesson),
    }
    if selectors.may_study(user=request.user, course=course):
        context.update(_studying(request, course=course, lesson=lesson))
    else:
        context.update(selectors.course_detail(course=course, user=request.user))
        if selectors.may_preview(course=course, lesson=lesson):
            context.update(_previewing(request, lesson=lesson))
    return render(request, "courses/lesson.html", context)
