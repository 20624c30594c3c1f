from django.db.models.signals import post_save

from academies.selectors import unit_page_models
from academies.services import unit_provision


def unit_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        unit_provision(page=instance)


def connect():
    # Every concrete unit page, including those of other apps (night-school sites).
    for model in unit_page_models():
        post_save.connect(unit_saved, sender=model, dispatch_uid=f"unit_provision_{model.__name__}")
