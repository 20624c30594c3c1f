from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from academies import admin_urls
from academies.models import AcademyUnitPage
from academies.selectors import manages_staff, may_delete_unit


@hooks.register("before_delete_page")
def keep_units_of_their_own_admins(request, page):
    if isinstance(page.specific, AcademyUnitPage) and not may_delete_unit(
        user=request.user, page=page
    ):
        messages.error(
            request,
            _("Only the administrators of the unit above can delete %(title)s.")
            % {"title": page.title},
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return manages_staff(user=request.user)


@hooks.register("register_admin_urls")
def register_staff_urls():
    return [path("staff/", include(admin_urls, namespace="academies_admin"))]


@hooks.register("register_admin_menu_item")
def register_staff_menu_item():
    return StaffMenuItem(
        gettext_lazy("Staff"), reverse("academies_admin:staff"), icon_name="user", order=280
    )
