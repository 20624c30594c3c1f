from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "video"
    verbose_name = _("Video library")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
        from wagtail.permissions import register_permission_policy

        from video import signal_handlers
        from video.models import Video

        # Like images and documents: lecturers ("add") manage the videos they uploaded,
        # academy admins ("change") every video in their academy's collection.
        register_permission_policy(
            Video, CollectionOwnershipPermissionPolicy(Video, owner_field_name="uploaded_by")
        )
        signal_handlers.connect()
