"""What live lectures tell learners, in-site (消息) and by text message.

Texts are written in the site's language (Chinese): they are stored and texted, not
shown in a request of the learner's.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.services import notify_many


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%m-%d %H:%M}"


def _url(lecture) -> str:
    return reverse("live:lecture", args=(lecture.pk,))


def _lecturer(lecture) -> str:
    return lecture.lecturer.title if lecture.lecturer_id else ""


def reminder(*, lecture, learner_ids, day_before: bool) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        if day_before:
            text = _(
                "Live lecture tomorrow: %(title)s by %(lecturer)s at %(when)s. Open the "
                "platform a few minutes early to watch and ask questions."
            )
        else:
            text = _(
                "Live lecture in 15 minutes: %(title)s by %(lecturer)s at %(when)s. Tap the "
                "link to join; watching live counts towards your learning hours."
            )
        text = text % {
            "title": lecture.title,
            "lecturer": _lecturer(lecture),
            "when": _when(lecture.starts_at),
        }
    return notify_many(user_ids=learner_ids, text=text, url=_url(lecture), sms=True)


def replay_ready(*, lecture, learner_ids) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "The replay of the live lecture %(title)s is ready. Watch it any time; it "
            "counts towards your learning hours like any video lesson."
        ) % {"title": lecture.title}
    return notify_many(user_ids=learner_ids, text=text, url=_url(lecture))
