"""django-q2 entry points. Thin: ids in, a service call, nothing else."""

from video import services, tus
from video.models import Video
from video.services import jobs


def transcode(job_key: str, attempt: int) -> str:
    """Run one delivery of a transcoding job; a duplicate delivery is a no-op."""
    return jobs.job_run(key=job_key, attempt=attempt)


def watchdog() -> dict[str, int]:
    """Every minute: re-queue stale and due jobs, kill hung ffmpeg, sweep old files."""
    return jobs.watchdog()


def sweep_uploads() -> int:
    """Every hour: delete expired partial uploads."""
    return tus.sweep()


def forget_play_tickets() -> int:
    """Every hour: forget play tickets too old to be counted anyway."""
    return services.play_tickets_forget()


def choose_poster(video_id: int, at: float) -> None:
    """Take the poster from the frame at ``at`` seconds."""
    video = Video.objects.filter(pk=video_id).first()
    if video is not None:
        services.video_poster_choose(video=video, at=at)
