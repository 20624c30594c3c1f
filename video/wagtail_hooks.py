from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from video.selectors import permission_policy
from video.viewsets import video_chooser_viewset, video_viewset


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [video_viewset, video_chooser_viewset]


class _StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return permission_policy().user_has_any_permission(request.user, ["add", "change"])


@hooks.register("register_reports_menu_item")
def register_statistics_menu_item():
    return _StatisticsMenuItem(
        _("Video plays"), reverse("videos:statistics"), icon_name="media", order=900
    )
