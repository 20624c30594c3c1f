from django.db import transaction
from django.db.models.signals import post_save
from django_q.tasks import async_task

from nightschool.models import ClassSession


def class_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(
            lambda: async_task("nightschool.tasks.session_seats_offer", instance.pk)
        )


def connect():
    post_save.connect(class_saved, sender=ClassSession, dispatch_uid="nightschool_class_saved")
