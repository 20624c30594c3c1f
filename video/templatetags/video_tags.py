from django import template

from accounts.selectors import display_name
from video import signing

register = template.Library()


@register.filter
def video_duration(seconds) -> str:
    """1:02:03 or 4:05, as video players show lengths."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


@register.filter
def person_name(user) -> str:
    return display_name(user)


@register.filter
def eta(seconds) -> str:
    """Time left, rounded the way people say it."""
    if seconds is None:
        return ""
    return video_duration(max(int(seconds), 1))


@register.filter
def poster_url(video) -> str:
    """Signed URL of a video's poster (posters of restricted videos are protected too)."""
    return signing.url(video_id=video.pk, path=video.poster.name) if video.poster else ""
