from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import api as lms_api
from lms import views as lms_views

lms_urls = (
    [
        path("messages/", lms_views.notification_list, name="notifications"),
        path("messages/read/", lms_views.notifications_read, name="notifications_read"),
        path(
            "messages/<int:notification_id>/",
            lms_views.notification_open,
            name="notification_open",
        ),
        path("me/account/", lms_views.account, name="account"),
    ],
    "lms",
)

api_urls = (
    [
        path("auth/token/", lms_api.token, name="token"),
        path("openapi.json", lms_api.schema, name="openapi"),
        path("docs/", lms_api.docs, name="docs"),
    ],
    "api",
)

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
    path("", include("learning.urls")),
    path("", include("courses.urls")),
    path("", include("video.urls")),
    path("", include("search.urls")),
    path("", include("nightschool.urls")),
    path("", include(lms_urls)),
    path("api/v1/", include(api_urls)),
    re_path(r"^api/", lms_api.not_found),
    re_path(r"^media/(?P<path>.*)$", lms_views.media, name="media"),
    path("", include(wagtail_urls)),
]
