"""django-q2 entry points. Thin: ids in, a service call, nothing else."""

from live import ingest, services


def lecture_finalize(lecture_id: int) -> str:
    """Make the ended lecture's replay; a repeated delivery does nothing."""
    return services.lecture_finalize(lecture_id=lecture_id)


def watchdog() -> dict[str, int]:
    """Every minute: end lost connections (killing their ffmpeg here), end lectures
    whose grace period is over, re-deliver stuck replays, mark missed lectures."""
    return {
        "lost": services.sessions_lost(hostname=ingest.HOSTNAME, kill=ingest.kill_session_ffmpeg),
        "ended": services.lectures_past_grace(),
        "finalize": services.finalize_stuck(),
        "missed": services.lectures_mark_missed(),
    }


def reminders() -> int:
    """Every minute: the reminders due a day and 15 minutes before lectures."""
    return services.reminders_send()
