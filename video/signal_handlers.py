from django.db import transaction
from django.db.models.signals import post_delete

from video import files
from video.models import Video


def video_deleted(sender, instance, **kwargs):
    locations = files.video_locations(video=instance)
    transaction.on_commit(lambda: files.locations_delete(locations=locations))


def connect():
    post_delete.connect(video_deleted, sender=Video, dispatch_uid="video_files_delete")
