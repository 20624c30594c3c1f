"""StreamField blocks: embed a library video in a lesson or page.

``VideoBlock`` renders the player only for people allowed to watch the video
(``video.selectors.can_watch``), otherwise a notice; add it to a StreamField as
``("video", VideoBlock())``.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from video import selectors, services
from video.viewsets import video_chooser_viewset

VideoChooserBlock = video_chooser_viewset.get_block_class(
    name="VideoChooserBlock", module_path="video.blocks"
)


class VideoBlock(VideoChooserBlock):
    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None) or AnonymousUser()
        if value is not None and selectors.can_watch(user, value, request=request):
            context["playback"] = selectors.playback_for(value)
            context["play_ticket"] = services.play_ticket(video=value)
        return context

    class Meta:
        icon = "media"
        label = _("Video")
        template = "video/blocks/video_block.html"
