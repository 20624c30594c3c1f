from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from academies.selectors import unit_page_models
from courses.models import Category, CoursePage, Honour, LecturerPage
from search import selectors, services


def pages_in_documents() -> tuple[type[Page], ...]:
    """Pages whose publishing or unpublishing changes course documents: courses,
    lecturers and every kind of unit (night-school sites too)."""
    return (CoursePage, LecturerPage, *unit_page_models())


def page_changed(sender, instance, **kwargs):
    services.index_enqueue(page_ids=[instance.pk])


def page_moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    """Any page (a course listing too) taking courses to another unit or address."""
    if url_path_before != url_path_after:
        services.index_enqueue(page_ids=[instance.pk])


def page_deleted(sender, instance, **kwargs):
    """Before the rows go: a lecturer's links to courses are deleted with them."""
    services.index_enqueue(page_ids=[instance.pk, *selectors.courses_taught_by(page=instance)])


def restriction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        services.index_enqueue(page_ids=[instance.page_id])


def category_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.index_enqueue(page_ids=selectors.courses_filed_under(category=instance))


def honour_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        services.index_enqueue(page_ids=selectors.courses_taught_with(honour=instance))


def connect():
    for model in pages_in_documents():
        for signal in (page_published, page_unpublished):
            signal.connect(page_changed, sender=model, dispatch_uid=f"search_{model.__name__}")
    post_page_move.connect(page_moved, dispatch_uid="search_page_moved")
    page_slug_changed.connect(page_changed, dispatch_uid="search_page_slug_changed")
    pre_delete.connect(page_deleted, sender=Page, dispatch_uid="search_page_deleted")
    for signal in (post_save, post_delete):
        signal.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="search")
    post_save.connect(category_saved, sender=Category, dispatch_uid="search_category")
    post_save.connect(honour_changed, sender=Honour, dispatch_uid="search_honour")
    pre_delete.connect(honour_changed, sender=Honour, dispatch_uid="search_honour_deleted")
