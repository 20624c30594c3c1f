from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("enrolment/<int:course_id>/join/", views.enrol, name="enrol"),
    path("enrolment/<int:course_id>/leave/", views.leave, name="leave"),
    path("follow/<int:page_id>/", views.follow, name="follow"),
]
