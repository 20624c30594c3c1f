from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from learning import admin_urls
from learning.selectors import managed_units


class ManagersMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(managed_units(user=request.user))


@hooks.register("register_admin_urls")
def register_learning_admin_urls():
    return [path("learning/", include(admin_urls, namespace="learning_admin"))]


@hooks.register("register_admin_menu_item")
def register_ledger_menu_item():
    return ManagersMenuItem(
        _("Learning hours"), reverse("learning_admin:ledger"), icon_name="time", order=310
    )


@hooks.register("register_admin_menu_item")
def register_certificate_menu_item():
    return ManagersMenuItem(
        _("Certificates"), reverse("learning_admin:certificates"), icon_name="doc-full", order=311
    )
