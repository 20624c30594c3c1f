"""The faculty (师资库): lecturer profile pages and the honours shown on them."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.models.pages import UNIT_PAGE_TYPES
from lms.blocks import BodyBlock


class Honour(models.Model):
    """A title that matters to workers: 全国劳动模范, 大国工匠, 吉林工匠, 高级技师 …"""

    name = models.CharField(_("name"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    panels = [FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class LecturerIndexPage(Page):
    """The faculty of a unit: every lecturer page below the unit that holds it.
    Under the headquarters it is the province's expert pool."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = UNIT_PAGE_TYPES
    subpage_types = ["courses.LecturerPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Faculty")

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context["unit"] = self.get_parent().specific
        context["lecturers"] = selectors.lecturer_listing(
            within=context["unit"], page_number=request.GET.get("page")
        )
        return context


class LecturerPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        from courses.selectors import lecturer_accounts

        super().__init__(*args, **kwargs)
        # Only members of a lecturer group can be linked: learners number in the
        # hundreds of thousands and do not belong in this list.
        self.fields["user"].queryset = lecturer_accounts(including=self.instance.user_id)


class LecturerPage(Page):
    """A lecturer's profile: honours, biography, photo, the courses they teach and,
    through the linked account, the lecture videos they give."""

    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    honours = ParentalManyToManyField(Honour, blank=True, verbose_name=_("honours"))
    employer = models.CharField(_("work unit"), max_length=120, blank=True)
    position = models.CharField(
        _("position"), max_length=120, blank=True, help_text=_("e.g. 变电运维班班长")
    )
    specialty = models.CharField(
        _("specialty"), max_length=200, blank=True, help_text=_("e.g. 风电场升压站运维")
    )
    biography = StreamField(BodyBlock(), blank=True, verbose_name=_("biography"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lecturer_page",
        verbose_name=_("account"),
        help_text=_("The lecturer's own account: their videos in the library appear here."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("photo"),
        MultiFieldPanel(
            [
                FieldPanel("employer"),
                FieldPanel("position"),
                FieldPanel("specialty"),
                FieldPanel("honours", widget=forms.CheckboxSelectMultiple),
            ],
            heading=pgettext_lazy("lecturer", "Profile"),
        ),
        FieldPanel("biography"),
        FieldPanel("user"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("employer"),
        index.SearchField("specialty"),
        index.SearchField("biography"),
        index.RelatedFields("honours", [index.SearchField("name")]),
    ]
    base_form_class = LecturerPageForm
    exclude_fields_in_copy = ["user"]
    parent_page_types = ["courses.LecturerIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Lecturer")

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.lecturer_detail(lecturer=self, user=request.user))
        return context
