from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("accounts/register/confirm/", views.register_confirm, name="register_confirm"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/confirm/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("me/edit/", views.profile_edit, name="profile_edit"),
]
