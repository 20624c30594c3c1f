from django.urls import path

from dashboards import admin_views

app_name = "dashboards"
urlpatterns = [
    path("", admin_views.dashboard, name="index"),
    path("export/<slug:table>/", admin_views.export, name="export"),
    path("refresh/", admin_views.refresh, name="refresh"),
    path("log/", admin_views.audit_log, name="log"),
    path("refresh/status/", admin_views.refresh_status, name="refresh_status"),
]
