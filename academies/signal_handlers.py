from django.db.models.signals import post_save

from academies.models import UNIT_PAGE_MODELS
from academies.services import unit_provision


def unit_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        unit_provision(page=instance)


def connect():
    for model in UNIT_PAGE_MODELS:
        post_save.connect(unit_saved, sender=model, dispatch_uid=f"unit_provision_{model.__name__}")
