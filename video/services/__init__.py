"""Every write of the video library: the library's videos (`videos`: upload, publish,
re-transcode, poster, plays) and their transcode jobs (`jobs`: claim, run, fail, requeue,
the watchdog and the sweeps)."""

from video.services.jobs import (
    job_create,
    job_fail,
    job_requeue,
    job_run,
    kill_ffmpeg,
    rendition_set_publish,
    sweep_rendition_sets,
    sweep_stages,
    watchdog,
)
from video.services.videos import (
    play_record,
    play_ticket,
    play_tickets_forget,
    video_create,
    video_create_for_recording,
    video_create_from_upload,
    video_poster_choose,
    video_poster_request,
    video_retranscode,
    video_retry,
)

__all__ = [
    "job_create",
    "job_fail",
    "job_requeue",
    "job_run",
    "kill_ffmpeg",
    "play_record",
    "play_ticket",
    "play_tickets_forget",
    "rendition_set_publish",
    "sweep_rendition_sets",
    "sweep_stages",
    "video_create",
    "video_create_for_recording",
    "video_create_from_upload",
    "video_poster_choose",
    "video_poster_request",
    "video_retranscode",
    "video_retry",
    "watchdog",
]
