from django.urls import path

from learning import views

app_name = "learning"
urlpatterns = [
    path("certificates/verify/", views.certificate_verify, name="certificate_verify_form"),
    path("certificates/verify/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>.pdf", views.certificate_download, name="certificate_download"),
    path(
        "certificates/course/<int:course_id>/",
        views.course_certificate,
        name="course_certificate",
    ),
]
