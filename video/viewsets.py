"""Wagtail admin viewsets: the video library listing/editing and the video chooser."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import CollectionFilter, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.selectors import display_name
from video import admin_views, selectors
from video.forms import VideoAdminForm
from video.models import Video, VideoStatus, Visibility


class StatusColumn(Column):
    """Status with a live progress bar; video-admin.js keeps it up to date."""

    cell_template_name = "video/admin/status_cell.html"


class PosterColumn(Column):
    cell_template_name = "video/admin/poster_cell.html"


class DurationColumn(Column):
    cell_template_name = "video/admin/duration_cell.html"


class VideoFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VideoStatus.choices)
    visibility = django_filters.ChoiceFilter(label=_("Who may watch"), choices=Visibility.choices)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        collections = selectors.permission_policy().collections_user_has_any_permission_for(
            request.user, ["add", "change"]
        )
        if collections.count() > 1:
            self.filters["collection_id"] = CollectionFilter(
                field_name="collection_id", label=_("Collection"), queryset=collections
            )
        lecturers = selectors.lecturers_of(selectors.managed_videos(request.user))
        if len(lecturers) > 1:
            self.filters["lecturer"] = django_filters.ChoiceFilter(
                label=_("Lecturer"),
                field_name="lecturer_id",
                choices=[(user.pk, display_name(user)) for user in lecturers],
            )

    class Meta:
        model = Video
        fields = []


class VideoIndexView(generic.IndexView):
    any_permission_required = ["add", "change", "delete"]
    template_name = "video/admin/index.html"
    default_ordering = "-created_at"
    paginate_by = 30

    def get_base_queryset(self):
        return selectors.managed_videos(self.request.user).select_related("lecturer", "collection")

    @cached_property
    def columns(self):
        columns = [
            PosterColumn("poster", label=_("Poster"), width="90px"),
            self._get_title_column("title"),
            Column("lecturer", label=_("Lecturer"), accessor=selectors.person_name_of_lecturer),
            StatusColumn("status", label=_("Status"), sort_key="status"),
            DurationColumn("duration", label=_("Duration"), sort_key="duration"),
            Column("play_count", label=_("Plays"), sort_key="play_count"),
            DateColumn("created_at", label=_("Uploaded"), sort_key="created_at"),
        ]
        if self.filters and "collection_id" in self.filters.filters:
            # Only people managing several academies need to see whose video it is.
            columns.insert(
                3, Column("collection", label=_("Collection"), accessor="collection.name")
            )
        return columns

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress_url"] = admin_views.url("progress")
        context["statistics_url"] = admin_views.url("statistics")
        return context


class _InstancePermissionMixin:
    """The generic views check the model-level permission only; lecturers may change
    just their own videos, so check the instance too."""

    instance_permission = "change"

    def get_object(self, queryset=None):
        video = super().get_object(queryset)
        if not selectors.permission_policy().user_has_permission_for_instance(
            self.request.user, self.instance_permission, video
        ):
            raise PermissionDenied
        return video


class VideoEditView(_InstancePermissionMixin, generic.EditView):
    template_name = "video/admin/edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        video = self.object
        context.update(admin_views.video_status_context(request=self.request, video=video))
        return context


class VideoDeleteView(_InstancePermissionMixin, generic.DeleteView):
    instance_permission = "delete"


class _ManagedObjectMixin:
    """Views of one video that check only the model-level permission: a video the user
    does not manage is not found, so its title (in the header) stays unseen."""

    def get_base_object_queryset(self):
        return selectors.managed_videos(self.request.user)


class VideoHistoryView(_ManagedObjectMixin, generic.HistoryView):
    pass


class VideoUsageView(_ManagedObjectMixin, generic.UsageView):
    pass


class VideoViewSet(ModelViewSet):
    model = Video
    name = "videos"
    icon = "media"
    menu_label = _("Video library")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = VideoIndexView
    edit_view_class = VideoEditView
    delete_view_class = VideoDeleteView
    history_view_class = VideoHistoryView
    usage_view_class = VideoUsageView
    filterset_class = VideoFilterSet
    search_fields = ["title", "description"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("lecturer"),
            FieldPanel("description"),
            FieldPanel("collection"),
            FieldPanel("visibility"),
            InlinePanel("captions", heading=_("Captions"), label=_("Caption track")),
        ],
        base_form_class=VideoAdminForm,
    )

    def get_urlpatterns(self):
        patterns = [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]
        return [
            *patterns,
            path("new/", admin_views.upload, name="add"),
            path("progress/", admin_views.progress, name="progress"),
            path("statistics/", admin_views.statistics, name="statistics"),
            path("<int:pk>/retry/", admin_views.retry, name="retry"),
            path("<int:pk>/retranscode/", admin_views.retranscode, name="retranscode"),
            path("<int:pk>/poster/", admin_views.poster, name="poster"),
        ]


class _ChoosableMixin:
    def get_object_list(self):
        return selectors.choosable_videos(self.request.user).select_related("collection")


class VideoChooseView(_ChoosableMixin, chooser_views.ChooseView):
    pass


class VideoChooseResultsView(_ChoosableMixin, chooser_views.ChooseResultsView):
    pass


class VideoChosenView(chooser_views.ChosenView):
    """The chooser's answer for one id: only a video the user may choose (any other id
    is not found, rather than answering with its title)."""

    def get_object(self, pk):
        return selectors.choosable_videos(self.request.user).get(pk=pk)


class VideoChooserViewSet(ChooserViewSet):
    model = Video
    icon = "media"
    choose_one_text = _("Choose a video")
    choose_another_text = _("Choose another video")
    edit_item_text = _("Edit this video")
    choose_view_class = VideoChooseView
    choose_results_view_class = VideoChooseResultsView
    chosen_view_class = VideoChosenView


video_viewset = VideoViewSet()
video_chooser_viewset = VideoChooserViewSet("video_chooser")
