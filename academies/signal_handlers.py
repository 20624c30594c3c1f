from django.db.models.signals import post_save

from academies.selectors import unit_page_models
from academies.services import unit_provision


def unit_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # Saves of a few fields (a new draft's bookkeeping) change nothing provisioned;
    # the title names the unit's collection.
    if raw or (update_fields is not None and "title" not in update_fields):
        return
    unit_provision(page=instance)


def connect():
    # Every concrete unit page, including those of other apps (night-school sites).
    for model in unit_page_models():
        post_save.connect(unit_saved, sender=model, dispatch_uid=f"unit_provision_{model.__name__}")
