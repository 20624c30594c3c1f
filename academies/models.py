"""The "1+6+N" hierarchy: one headquarters, industry academies, training bases.

Every unit owns a Wagtail collection and two groups (admins, lecturers); see
`academies.services.unit_provision`, called whenever a unit page is saved.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Collection, Orderable, Page
from wagtail.search import index

from lms.blocks import BodyBlock
from lms.sections import UNIT, render_sections

# What every unit may hold besides sub-units: its courses, their listing, its faculty.
COURSE_PAGE_TYPES = ["courses.CoursePage", "courses.CourseIndexPage", "courses.LecturerIndexPage"]


class PartnerKind(models.TextChoices):
    UNIVERSITY = "university", _("University or college")
    INSTITUTE = "institute", _("Research institute")
    ENTERPRISE = "enterprise", _("Enterprise")
    GOVERNMENT = "government", _("Government department")
    ASSOCIATION = "association", _("Industry association")


class AcademyUnitPage(Page):
    """Fields shared by the headquarters, industry academies and training bases."""

    short_name = models.CharField(
        _("short name"),
        max_length=40,
        help_text=_("Shown in lists and on phones, e.g. 新能源学院."),
    )
    introduction = StreamField(BodyBlock(), blank=True, verbose_name=_("introduction"))
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    host_institution = models.CharField(
        _("host institution"),
        max_length=120,
        blank=True,
        help_text=_("Where the unit is based, e.g. 长春汽车工业高等专科学校."),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    collection = models.ForeignKey(
        Collection,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    admin_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    lecturer_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("short_name"),
        FieldPanel("cover_image"),
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("founded_on"),
                FieldPanel("host_institution"),
                FieldPanel("venue"),
                FieldPanel("address"),
            ],
            heading=_("Where and since when"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_phone"), FieldPanel("contact_email")],
            heading=_("Contact"),
        ),
        InlinePanel("partners", heading=_("Partner institutions"), label=_("Partner")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("short_name"),
        index.SearchField("host_institution"),
        index.SearchField("introduction"),
    ]

    class Meta:
        abstract = True

    def with_content_json(self, content):
        # Revisions are snapshots of editable content; the unit's collection and
        # groups are provisioned outside the editor and must survive publishing.
        page = super().with_content_json(content)
        page.collection_id = self.collection_id
        page.admin_group_id = self.admin_group_id
        page.lecturer_group_id = self.lecturer_group_id
        return page


class UnitSectionsMixin:
    """The page shows its courses, classes and lecturers: sections other apps register
    (see lms.sections)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = render_sections(slot=UNIT, request=request, page=self)
        return context


class PartnerInstitution(Orderable):
    """A university, institute, enterprise, department or association running a unit jointly."""

    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    role = models.CharField(
        _("role"), max_length=120, blank=True, help_text=_("e.g. 承办单位, 实训基地, 共建单位")
    )

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")

    def __str__(self):
        return self.name


class HeadquartersPage(UnitSectionsMixin, AcademyUnitPage):
    """吉林省工匠学院总部: the "1". Exactly one per site, directly under the home page."""

    parent_page_types = ["lms.HomePage"]
    subpage_types = [
        "academies.IndustryAcademyPage",
        "academies.TrainingBasePage",
        *COURSE_PAGE_TYPES,
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Academy headquarters")

    def get_context(self, request, *args, **kwargs):
        from academies.selectors import academies_with_bases

        context = super().get_context(request, *args, **kwargs)
        context["academies"], context["direct_bases"] = academies_with_bases(headquarters=self)
        return context


class IndustryAcademyPage(UnitSectionsMixin, AcademyUnitPage):
    """An industry craftsman academy (the "6", growing): new energy, new materials …"""

    industry = models.CharField(_("industry"), max_length=60, help_text=_("e.g. 新能源, 新材料"))

    content_panels = [
        *AcademyUnitPage.content_panels[:2],
        FieldPanel("industry"),
        *AcademyUnitPage.content_panels[2:],
    ]
    search_fields = [*AcademyUnitPage.search_fields, index.SearchField("industry")]
    parent_page_types = ["academies.HeadquartersPage"]
    subpage_types = ["academies.TrainingBasePage", *COURSE_PAGE_TYPES]

    class Meta:
        verbose_name = _("Industry academy")

    def get_context(self, request, *args, **kwargs):
        from academies.selectors import bases_of

        context = super().get_context(request, *args, **kwargs)
        context["bases"] = bases_of(unit=self)
        return context


class BaseLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class TrainingBasePage(UnitSectionsMixin, AcademyUnitPage):
    """A training base (the "N"): under an industry academy or directly under headquarters."""

    level = models.CharField(
        _("level"), max_length=20, choices=BaseLevel.choices, default=BaseLevel.PROVINCIAL
    )
    city = models.CharField(_("city"), max_length=40, blank=True)

    content_panels = [
        *AcademyUnitPage.content_panels[:2],
        FieldPanel("level"),
        FieldPanel("city"),
        *AcademyUnitPage.content_panels[2:],
    ]
    search_fields = [*AcademyUnitPage.search_fields, index.SearchField("city")]
    parent_page_types = ["academies.HeadquartersPage", "academies.IndustryAcademyPage"]
    subpage_types = COURSE_PAGE_TYPES

    class Meta:
        verbose_name = _("Training base")
