"""Changes to a course's outline made by the platform rather than in the page editor."""

from django.db import transaction

from courses.models import CoursePage, Lesson


@transaction.atomic
def lesson_video_attach(*, course: CoursePage, lesson_key, video) -> bool:
    """Make ``video`` the video of the course's lesson ``lesson_key`` (a live lecture's
    replay), in the live page and in its revisions; False if the lesson is gone.

    A course without unpublished changes gets a new revision that is published (so the
    search index hears of it like of any edit); a course with a draft keeps its draft,
    which gets the video too, and only the live lesson row is changed beside it.
    """
    course = CoursePage.objects.select_for_update().get(pk=course.pk)
    found = Lesson.objects.filter(chapter__course=course, key=lesson_key).update(video=video)
    revision = course.latest_revision
    if revision is None:
        return bool(found)
    draft = revision.as_object()
    lessons = [lesson for chapter in draft.chapters.all() for lesson in chapter.lessons.all()]
    for lesson in lessons:
        if lesson.key == lesson_key:
            lesson.video = video
    had_draft = course.has_unpublished_changes
    new_revision = draft.save_revision(log_action=False, changed=False)
    if not had_draft and course.live:
        new_revision.publish()
    return bool(found)
