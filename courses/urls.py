from django.contrib.auth import views as auth_views
from django.urls import path

from courses import api, views

app_name = "courses"

urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/confirm/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("me/", views.profile, name="profile"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("enrolment/<int:course_id>/join/", views.enrol, name="enrol"),
    path("enrolment/<int:course_id>/leave/", views.leave, name="leave"),
    path("follow/<int:page_id>/", views.follow, name="follow"),
    path("api/v1/courses/", api.course_list, name="api_courses"),
    path("api/v1/courses/<int:course_id>/", api.course_detail, name="api_course"),
    path("api/v1/courses/<int:course_id>/enrolment/", api.enrolment, name="api_enrolment"),
    path("api/v1/me/courses/", api.my_courses, name="api_my_courses"),
    path("api/v1/me/", api.me, name="api_me"),
    path("api/v1/lessons/<uuid:key>/progress/", api.lesson_progress, name="lesson_progress"),
]
