from django.urls import path

from courses import api, views

app_name = "courses"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("enrolment/<int:course_id>/join/", views.enrol, name="enrol"),
    path("enrolment/<int:course_id>/leave/", views.leave, name="leave"),
    path("follow/<int:page_id>/", views.follow, name="follow"),
    path("api/v1/courses/", api.course_list, name="api_courses"),
    path("api/v1/courses/<int:course_id>/", api.course_detail, name="api_course"),
    path("api/v1/courses/<int:course_id>/enrolment/", api.enrolment, name="api_enrolment"),
    path("api/v1/me/courses/", api.my_courses, name="api_my_courses"),
]
