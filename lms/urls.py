from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses.api import router as courses_api
from exams.api import router as exams_api
from learning.api import router as learning_api
from live.api import router as live_api
from lms import views as lms_views
from lms.api import api_create
from nightschool.api import router as nightschool_api
from search.api import router as search_api

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

# The one JSON API: a router from each app, mounted once.
api = api_create()
for router in (courses_api, learning_api, nightschool_api, search_api, live_api, exams_api):
    api.add_router("", router)

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
    path("", include("live.urls")),
    path("", include("exams.urls")),
    path("", include(lms_urls)),
    path("api/v1/docs/", lms_views.api_docs, {"api": api}, name="api_docs"),
    path("api/v1/", api.urls),
    re_path(r"^api/", lms_views.api_not_found),
    re_path(r"^media/(?P<path>.*)$", lms_views.media, name="media"),
    path("", include(wagtail_urls)),
]
