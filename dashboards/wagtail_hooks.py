from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses.selectors import manages_courses
from dashboards import admin_urls


class UnitAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return manages_courses(user=request.user)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("dashboards/", include(admin_urls, namespace="dashboards"))]


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return UnitAdminMenuItem(
        _("Dashboard"), reverse("dashboards:index"), icon_name="table", order=5
    )


@hooks.register("register_admin_menu_item")
def register_log_menu_item():
    return UnitAdminMenuItem(
        _("Back-office log"), reverse("dashboards:log"), icon_name="clipboard-list", order=900
    )


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
