"""Shared page sections (lms.sections) are rendered once and cached: forget them when any
page is published, unpublished, moved or deleted."""

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from lms.sections import sections_changed


def pages_changed(**kwargs) -> None:
    sections_changed()


def connect() -> None:
    for name, signal in (
        ("published", page_published),
        ("unpublished", page_unpublished),
        ("moved", post_page_move),
    ):
        signal.connect(pages_changed, dispatch_uid=f"lms-sections-{name}")
    post_delete.connect(pages_changed, sender=Page, dispatch_uid="lms-sections-delete")
