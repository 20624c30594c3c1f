from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from academies.selectors import hierarchy_for_home
from lms.blocks import BodyBlock


class HomePage(Page):
    """The site root: presents the "1+6+N" academies and, later, courses and classes."""

    lead = StreamField(BodyBlock(), blank=True, verbose_name=_("Introduction"))

    content_panels = [*Page.content_panels, FieldPanel("lead")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["academies.HeadquartersPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["hierarchy"] = hierarchy_for_home(home=self)
        return context
