"""The night school in the Wagtail admin: the class calendar and rosters, and the
classes, venues and terms of the administrator's own sites."""

from django.contrib.auth import get_user_model
from django.db.models import ProtectedError, Q
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.views.generic import DeleteView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from nightschool import admin_views
from nightschool.forms import SiteScopedForm
from nightschool.models import ClassSession, NightSchoolPage, Term, Venue
from nightschool.selectors import managed_sites, manages_a_site


class SitePermissionPolicy(BasePermissionPolicy):
    """Classes, venues and terms belong to a night-school site: its administrators (and
    those of a site above it) manage them, superusers manage all."""

    def user_has_permission(self, user, action):
        return user.is_active and manages_a_site(user=user)

    def user_has_permission_for_instance(self, user, action, instance):
        return user.is_active and managed_sites(user=user).filter(pk=instance.site_id).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not user.is_active:
            return self.model.objects.none()
        return self.model.objects.filter(site__in=managed_sites(user=user).values("pk"))

    def users_with_any_permission(self, actions):
        site_admins = Q(
            groups__page_permissions__permission__codename="publish_page",
            groups__page_permissions__page__in=NightSchoolPage.objects.values("pk"),
        )
        return (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | site_admins, is_active=True)
            .distinct()
        )


class OwnSitesOnly:
    """Objects of other sites are not found (404) rather than shown."""

    def get_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "change")


class OwnSitesIndexView(IndexView):
    def get_base_queryset(self):
        owned = self.permission_policy.instances_user_has_permission_for(
            self.request.user, "change"
        )
        return owned.select_related("site")


class ClassIndexView(OwnSitesIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("course", "venue")


class OwnSitesEditView(OwnSitesOnly, EditView):
    pass


class OwnSitesDeleteView(OwnSitesOnly, DeleteView):
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ProtectedError:
            messages.error(
                request,
                _(
                    "%(object)s is still in use (bookings, or classes held there) and "
                    "cannot be deleted."
                )
                % {"object": self.object},
            )
            return redirect(self.index_url_name)


class SiteScopedViewSet(ModelViewSet):
    index_view_class = OwnSitesIndexView
    edit_view_class = OwnSitesEditView
    delete_view_class = OwnSitesDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_edit_handler(self):
        return ObjectList(self.model.panels, base_form_class=SiteScopedForm).bind_to_model(
            self.model
        )


class ClassSessionViewSet(SiteScopedViewSet):
    model = ClassSession
    name = "nightschool_classes"
    url_prefix = "nightschool/manage/classes"
    index_view_class = ClassIndexView
    icon = "date"
    menu_label = gettext_lazy("Classes")
    menu_name = "nightschool-classes"
    list_display = ["__str__", "site", "venue", "capacity"]
    list_filter = ["site", "term"]
    ordering = ["-starts_at"]


class VenueViewSet(SiteScopedViewSet):
    model = Venue
    name = "nightschool_venues"
    url_prefix = "nightschool/manage/venues"
    icon = "home"
    menu_label = gettext_lazy("Venues")
    menu_name = "nightschool-venues"
    list_display = ["name", "site", "address", "seats"]
    list_filter = ["site"]


class TermViewSet(SiteScopedViewSet):
    model = Term
    name = "nightschool_terms"
    url_prefix = "nightschool/manage/terms"
    icon = "calendar-alt"
    menu_label = gettext_lazy("Terms")
    menu_name = "nightschool-terms"
    list_display = ["name", "site", "starts_on", "ends_on", "booking_limit"]
    list_filter = ["site"]


class SiteAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return managed_sites(user=request.user).exists()


class NightSchoolAdminViewSet(ViewSet):
    """The class calendar, each class's roster, its export and the actions on it."""

    name = "nightschool_admin"
    url_prefix = "nightschool"
    icon = "calendar"
    menu_label = gettext_lazy("Class calendar")
    menu_name = "nightschool-calendar"
    menu_item_class = SiteAdminMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.calendar, name="calendar"),
            path("classes/<int:session_id>/", admin_views.roster, name="roster"),
            path("classes/<int:session_id>/export/", admin_views.roster_export, name="export"),
            path(
                "bookings/<int:booking_id>/cancel/",
                admin_views.booking_cancel,
                name="cancel",
            ),
        ]


class NightSchoolGroup(ViewSetGroup):
    items = (NightSchoolAdminViewSet, ClassSessionViewSet, VenueViewSet, TermViewSet)
    menu_label = gettext_lazy("Night school")
    menu_name = "nightschool"
    menu_icon = "calendar"
    menu_order = 280
