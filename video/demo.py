"""Demo lectures that can be studied: a few minutes each, slides with Chinese text, a
presenter inset and Mandarin narration (see video/demo_render.py and video/demo_lectures.py),
uploaded into the collection of their academy or base and transcoded while seeding, so
`make run` shows a ready library.

With settings.DEMO_BRIEF (the test suite) every lecture is cut to its first sentence: the
same pipeline, seconds instead of minutes.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from wagtail.models import Page

from academies.selectors import unit_page_models
from academies.services import unit_provision
from lms.demo import ensure_user
from video import demo_render, services
from video.demo_lectures import LECTURER_ACCOUNTS, LECTURES
from video.models import Video, VideoStatus, Visibility
from video.services import jobs


def steps():
    yield "video permissions", grant_video_permissions
    yield "lecturer accounts", seed_lecturer_accounts
    for lecture in LECTURES:
        yield lecture.title, lambda lecture=lecture: seed_lecture(lecture)


def grant_video_permissions() -> None:
    """Units seeded before the video app existed get its collection permissions."""
    for model in unit_page_models():
        for page in model.objects.all():
            unit_provision(page=page)


def unit(slug: str) -> Page:
    for model in unit_page_models():
        page = model.objects.filter(slug=slug).first()
        if page is not None:
            return page
    raise LookupError(slug)


def seed_lecturer_accounts() -> None:
    for username, name, unit_slug in LECTURER_ACCOUNTS:
        ensure_user(username, groups=[unit(unit_slug).lecturer_group], first_name=name)


def lecture_video(lecture: demo_render.Lecture) -> Video | None:
    return Video.objects.filter(
        title=lecture.title, collection=unit(lecture.unit).collection
    ).first()


def seed_lecture(lecture: demo_render.Lecture) -> Video:
    existing = lecture_video(lecture)
    if existing is not None:
        return existing
    owner = unit(lecture.unit)
    source = demo_render.render(
        lecture.brief() if settings.DEMO_BRIEF else lecture, unit_title=owner.title
    )
    lecturer = get_user_model().objects.get(username=lecture.lecturer)
    video = services.video_create(
        source_path=source,
        filename=f"{lecture.key}{source.suffix}",
        title=lecture.title,
        collection=owner.collection,
        uploaded_by=lecturer,
        lecturer=lecturer,
        visibility=Visibility.PUBLIC if lecture.public else Visibility.RESTRICTED,
        description=lecture.description,
        move=False,  # the rendered file stays in the cache for the next seeding
        enqueue=False,
    )
    job = video.jobs.get()
    outcome = jobs.job_run(key=str(job.key), attempt=job.attempt)
    video.refresh_from_db()
    if video.status != VideoStatus.READY:
        reason = video.failure_reason
        raise RuntimeError(f"demo video {lecture.title!r} ended {outcome}: {reason}")
    return video
