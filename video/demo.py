"""Demo lectures: short generated clips in the new-energy academy's collection, uploaded
by the demo lecturer and transcoded while seeding, so `make run` shows a ready library."""

import subprocess
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model

from academies.models import IndustryAcademyPage
from academies.selectors import unit_page_models
from academies.services import unit_provision
from video import services
from video.models import Video, VideoStatus, Visibility
from video.services import jobs

LAVFI_VIDEO = "testsrc2=size={size}:rate=25:duration={seconds}"
LAVFI_TONE = "sine=frequency={frequency}:sample_rate=48000:duration={seconds}"

LECTURES = [
    {
        "title": "新能源前沿技术 · 第一讲(演示)",
        "description": "新能源工匠学院理论讲解示例视频:横屏课堂录像。",
        "size": "640x360",
        "seconds": 5,
        "visibility": Visibility.PUBLIC,
    },
    {
        "title": "风电场升压站设备巡视要点(手机竖屏演示)",
        "description": "一线讲师用手机竖屏拍摄的实操训练示例视频,仅本学院学员可看。",
        "size": "360x640",
        "seconds": 4,
        "visibility": Visibility.RESTRICTED,
    },
    {
        "title": "劳模工匠精神宣讲(音频演示)",
        "description": "只有声音的宣讲录音示例。",
        "size": None,
        "seconds": 4,
        "visibility": Visibility.PUBLIC,
    },
]


def steps():
    yield "video permissions", grant_video_permissions
    for lecture in LECTURES:
        yield lecture["title"], lambda lecture=lecture: seed_lecture(lecture)


def grant_video_permissions() -> None:
    """Units seeded before the video app existed get its collection permissions."""
    for model in unit_page_models():
        for page in model.objects.all():
            unit_provision(page=page)


def _make_clip(path: Path, lecture: dict) -> None:
    seconds = lecture["seconds"]
    inputs = ["-f", "lavfi", "-i", LAVFI_TONE.format(frequency=440, seconds=seconds)]
    codecs = ["-c:a", "aac", "-b:a", "64k"]
    if lecture["size"]:
        inputs += ["-f", "lavfi", "-i", LAVFI_VIDEO.format(size=lecture["size"], seconds=seconds)]
        codecs += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *inputs, *codecs, str(path)],
        check=True,
    )


def seed_lecture(lecture: dict) -> Video:
    academy = IndustryAcademyPage.objects.get(slug="new-energy")
    lecturer = get_user_model().objects.get(username="lecturer")
    existing = Video.objects.filter(title=lecture["title"], collection=academy.collection).first()
    if existing is not None:
        return existing
    with tempfile.TemporaryDirectory(prefix="lms-demo-video-") as folder:
        clip = Path(folder) / ("lecture.mp4" if lecture["size"] else "lecture.m4a")
        _make_clip(clip, lecture)
        video = services.video_create(
            source_path=clip,
            filename=clip.name,
            title=lecture["title"],
            collection=academy.collection,
            uploaded_by=lecturer,
            lecturer=lecturer,
            visibility=lecture["visibility"],
            description=lecture["description"],
            move=True,
            enqueue=False,
        )
    job = video.jobs.get()
    outcome = jobs.job_run(key=str(job.key), attempt=job.attempt)
    video.refresh_from_db()
    if video.status != VideoStatus.READY:
        reason = video.failure_reason
        raise RuntimeError(f"demo video {lecture['title']!r} ended {outcome}: {reason}")
    return video
