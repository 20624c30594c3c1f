from django.db import transaction
from django.db.models.signals import post_save
from django_q.tasks import async_task
from wagtail.signals import page_published

from academies.models import HeadquartersPage
from courses.models import CoursePage
from courses.services.catalogue import catalogue_permissions_grant


def course_published(sender, instance, **kwargs):
    transaction.on_commit(lambda: async_task("courses.tasks.waitlist_promote", instance.pk))


def headquarters_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        catalogue_permissions_grant(group=instance.admin_group)


def connect():
    page_published.connect(course_published, sender=CoursePage, dispatch_uid="course_published")
    post_save.connect(
        headquarters_saved, sender=HeadquartersPage, dispatch_uid="catalogue_permissions"
    )
