"""Demo live lecture: the night school's next online class is also a live lecture, so
its lecturer (yexiao_lecturer) finds the stream key under 管理后台 → 直播课 and can
stream to it from OBS or ffmpeg with `make run`. Running it again adds nothing."""

from django.utils import timezone

from live import services
from live.models import LiveLecture
from nightschool.models import ClassSession


def seed_lecture() -> None:
    session = (
        ClassSession.objects.filter(starts_at__gt=timezone.now(), lecturer__user__isnull=False)
        .select_related("course", "lecturer")
        .order_by("starts_at")
        .first()
    )
    if session is None or LiveLecture.objects.filter(class_session=session).exists():
        return
    services.lecture_save(
        lecture=LiveLecture(
            title=f"{session.display_title}(线上同步直播)",
            class_session=session,
            lecturer=session.lecturer,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            description="夜校课堂同步直播:不能到场的学员在手机上观看、提问,观看时长计入学时。",
        )
    )


def steps():
    yield "live lecture", seed_lecture
