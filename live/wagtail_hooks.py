from wagtail import hooks
from wagtail.permissions import register_permission_policy

from live.models import LiveLecture
from live.viewsets import LecturePermissionPolicy, LiveLectureViewSet

# Before the viewset is built, so that it uses this instead of model permissions.
register_permission_policy(LiveLecture, LecturePermissionPolicy(LiveLecture))


@hooks.register("register_admin_viewset")
def register_live_lectures():
    return LiveLectureViewSet()
