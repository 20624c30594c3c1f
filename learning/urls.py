from django.urls import path

from learning import api, views

app_name = "learning"
urlpatterns = [
    path("certificates/verify/", views.certificate_verify, name="certificate_verify_form"),
    path("certificates/verify/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>.pdf", views.certificate_download, name="certificate_download"),
    path("api/v1/lessons/<uuid:key>/progress/", api.lesson_progress, name="lesson_progress"),
]
