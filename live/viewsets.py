"""Live lectures in the Wagtail admin: the schedule of one's own units, and each
lecture's stream page (key, OBS and phone instructions, rotate, end)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from live import selectors, services
from live.forms import LiveLectureForm
from live.models import LiveLecture


class LecturePermissionPolicy(BasePermissionPolicy):
    """Administrators of a unit (and of the units above it) and its lecturers schedule
    that unit's lectures; a lecturer manages the lectures they give."""

    def user_has_permission(self, user, action):
        return selectors.may_schedule(user=user)

    def user_has_permission_for_instance(self, user, action, instance):
        return user.is_active and selectors.may_manage(user=user, lecture=instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not user.is_active:
            return LiveLecture.objects.none()
        return selectors.managed_lectures(user=user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


class SavesThroughService:
    """The unit, the SRT port and the checks come from ``services.lecture_save``."""

    def save_instance(self):
        lecture = self.form.save(commit=False)
        return services.lecture_save(lecture=lecture, user=self.request.user)


class LectureCreateView(SavesThroughService, CreateView):
    def get_success_url(self):
        return reverse("live_lectures:stream", args=(self.object.pk,))


class LectureEditView(SavesThroughService, EditView):
    def get_object(self, queryset=None):
        lecture = super().get_object(queryset)
        if not selectors.may_manage(user=self.request.user, lecture=lecture):
            raise PermissionDenied
        return lecture


class LectureIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.managed_lectures(user=self.request.user).select_related("lecturer")

    def get_list_more_buttons(self, instance):
        return [
            MenuItem(
                _("Stream key and instructions"),
                url=reverse("live_lectures:stream", args=(instance.pk,)),
                icon_name="media",
                priority=5,
            ),
            *super().get_list_more_buttons(instance),
        ]


class LectureDeleteView(DeleteView):
    def get_queryset(self):
        return selectors.managed_lectures(user=self.request.user)


class LiveLectureViewSet(ModelViewSet):
    model = LiveLecture
    name = "live_lectures"
    url_prefix = "live"
    icon = "media"
    menu_label = gettext_lazy("Live lectures")
    menu_name = "live-lectures"
    menu_order = 290
    add_to_admin_menu = True
    index_view_class = LectureIndexView
    add_view_class = LectureCreateView
    edit_view_class = LectureEditView
    delete_view_class = LectureDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["title", "starts_at", "status"]
    list_filter = ["status"]
    ordering = ["-starts_at"]

    def get_edit_handler(self):
        panels = [
            FieldPanel("title"),
            FieldPanel("lesson"),
            FieldPanel("class_session"),
            FieldPanel("lecturer"),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            FieldPanel("cover"),
            MultiFieldPanel([FieldPanel("description")], heading=gettext_lazy("Details")),
        ]
        return ObjectList(panels, base_form_class=LiveLectureForm).bind_to_model(LiveLecture)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/stream/", self.stream_view, name="stream"),
        ]

    def stream_view(self, request, pk):
        """The stream key page: shown only to the lecturer and the unit's admins."""
        lecture = get_object_or_404(selectors.managed_lectures(user=request.user), pk=pk)
        if request.method == "POST":
            if request.POST.get("action") == "rotate":
                services.stream_key_rotate(lecture=lecture)
                messages.success(request, _("New stream key made. The old one no longer works."))
            elif request.POST.get("action") == "end" and services.lecture_end(lecture=lecture):
                messages.success(
                    request,
                    _("The lecture has ended. The replay will be ready within a minute."),
                )
            return redirect(self.get_url_name("stream"), pk)
        lecture.refresh_from_db()
        return TemplateResponse(
            request,
            "live/admin/stream.html",
            {
                "lecture": lecture,
                "instructions": selectors.stream_instructions(lecture),
                "sessions": list(lecture.sessions.all()),
                "header_title": lecture.title,
                "index_url": self.get_url_name("index"),
            },
        )
