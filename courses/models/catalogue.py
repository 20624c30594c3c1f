"""What a course is filed under: the night school's "4+N" categories, levels, modes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Mode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    BLENDED = "blended", _("Online and in person")


class EnrolmentPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone may enrol")
    APPROVAL = "approval", _("Approval required")
    LIMITED = "limited", _("Limited seats, with a waiting list")


class Category(index.Indexed, models.Model):
    """A course category. The four of the "4+N" model are fixed (no city, cannot be
    deleted); each city adds its own N with its name in ``city``."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    city = models.CharField(
        _("city"),
        max_length=40,
        blank=True,
        help_text=_("The city that added this category; empty for the four fixed ones."),
    )
    description = models.CharField(
        pgettext_lazy("category", "description"), max_length=200, blank=True
    )
    is_fixed = models.BooleanField(_("fixed"), default=False, editable=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    panels = [
        FieldPanel("name"),
        FieldPanel("city"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("city")]

    class Meta:
        verbose_name = _("course category")
        verbose_name_plural = _("course categories")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return f"{self.name}({self.city})" if self.city else self.name
