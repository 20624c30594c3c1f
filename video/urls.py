from django.urls import path

from video import tus_views, views

app_name = "video"

urlpatterns = [
    path("video/<int:video_id>/", views.video_page, name="page"),
    path("video/<int:video_id>/playback/", views.playback, name="playback"),
    path("video/<int:video_id>/plays/", views.plays, name="plays"),
    path("video/uploads/", tus_views.UploadCreateView.as_view(), name="tus_create"),
    path("video/uploads/<str:upload_id>", tus_views.UploadView.as_view(), name="tus_upload"),
    path(
        "hls/<str:token>/<int:expires>/<int:video_id>/<path:path>",
        views.stream,
        name="stream",
    ),
]
