"""Helpers every app's demo seeding uses: idempotent pages and users."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page

DEMO_PASSWORD = "gongjiang2026"
# The demo learner logs in with a mobile number, as every learner does.
DEMO_LEARNER_PHONE = "13800138000"


def ensure_child_page(parent: Page, model: type[Page], *, slug: str, **fields) -> Page:
    """Return the child of `parent` with `slug`, creating and publishing it if missing.

    An existing page is left untouched, so a second seeding run changes nothing.
    """
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return model.objects.get(pk=page.pk)


def ensure_user(username: str, *, groups: list[Group] = (), superuser=False, **fields):
    """Create a demo user with the demo password; an existing one is left as it is."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username, is_superuser=superuser, is_staff=superuser, **fields)
        user.set_password(DEMO_PASSWORD)
        user.save()
    for group in groups:
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
    return user
