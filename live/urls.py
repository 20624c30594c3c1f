from django.urls import path

from live import views

app_name = "live"

urlpatterns = [
    path("live/<int:lecture_id>/", views.lecture_page, name="lecture"),
    path("live/<int:lecture_id>/state/", views.lecture_state, name="state"),
    path("live/<int:lecture_id>/progress/", views.lecture_progress, name="progress"),
    path("live/<int:lecture_id>/questions/", views.question_create, name="questions"),
    path(
        "live/<int:lecture_id>/questions/<int:question_id>/",
        views.question_moderate,
        name="question",
    ),
    path("live/<int:lecture_id>/end/", views.lecture_end, name="end"),
    path("live/ingest/<str:secret>/publish/", views.on_publish, name="on_publish"),
    path("live/ingest/<str:secret>/publish-done/", views.on_publish_done, name="on_publish_done"),
]
