"""Following (关注) lecturers, academies and training bases."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page

from academies.selectors import unit_page_models
from courses.models import Follow, LecturerPage


@transaction.atomic
def follow_set(*, user, page: Page, following: bool) -> None:
    """Start or stop following a lecturer or a unit; repeating either changes nothing."""
    if page.specific_class not in (*unit_page_models(), LecturerPage):
        raise ValidationError(_("Only lecturers, academies and training bases can be followed."))
    if following:
        Follow.objects.get_or_create(user=user, page_id=page.pk)
    else:
        Follow.objects.filter(user=user, page_id=page.pk).delete()
