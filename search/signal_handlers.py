from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from academies.models import UNIT_PAGE_MODELS
from courses.models import Category, CoursePage, Honour, LecturerPage
from search import selectors, services

# Pages whose publishing, unpublishing or moving changes course documents.
PAGES_IN_DOCUMENTS = (CoursePage, LecturerPage, *UNIT_PAGE_MODELS)


def page_changed(sender, instance, **kwargs):
    services.index_enqueue(page_ids=[instance.pk])


def restriction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        services.index_enqueue(page_ids=[instance.page_id])


def category_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.index_enqueue(page_ids=selectors.courses_filed_under(category=instance))


def honour_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.index_enqueue(page_ids=selectors.courses_taught_with(honour=instance))


def connect():
    for model in PAGES_IN_DOCUMENTS:
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(page_changed, sender=model, dispatch_uid=f"search_{model.__name__}")
    pre_delete.connect(page_changed, sender=Page, dispatch_uid="search_page_deleted")
    for signal in (post_save, post_delete):
        signal.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="search")
    post_save.connect(category_saved, sender=Category, dispatch_uid="search_category")
    post_save.connect(honour_saved, sender=Honour, dispatch_uid="search_honour")
