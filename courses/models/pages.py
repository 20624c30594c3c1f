"""Course pages and their outline (chapters → lessons), and the course listing page."""

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.blocks import LessonBodyBlock
from courses.models.catalogue import Category, EnrolmentPolicy, Level, Mode
from courses.panels import StudyTimePanel
from lms.blocks import BodyBlock

UNIT_PAGE_TYPES = [
    "academies.HeadquartersPage",
    "academies.IndustryAcademyPage",
    "academies.TrainingBasePage",
]
# Night-school sites hold their own courses and course listing (not a faculty).
COURSE_PARENT_PAGE_TYPES = [*UNIT_PAGE_TYPES, "nightschool.NightSchoolPage"]


NOT_CHOOSABLE = _(
    "You may not choose this video: it is in another academy's library. Choose one of "
    "the videos the chooser lists."
)


class CourseIndexPage(Page):
    """The course listing of a unit: every live course below the unit that holds it.

    Under the headquarters it is the whole province's catalogue. Filters (category,
    level, mode, tag) come from the query string, so a category's listing is this
    page with ``?category=<id>``.
    """

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = COURSE_PARENT_PAGE_TYPES
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Course listing")

    def get_context(self, request, *args, **kwargs):
        from courses import selectors
        from courses.forms import CourseFilterForm

        context = super().get_context(request, *args, **kwargs)
        unit = self.get_parent().specific
        form = CourseFilterForm(request.GET)
        context["unit"] = unit
        context["filter_form"] = form
        context["listing"] = selectors.course_listing(
            within=unit,
            user=request.user,
            page_number=request.GET.get("page"),
            **form.filters(),
        )
        context["is_following"] = selectors.is_following(user=request.user, page=unit)
        return context


class CourseTag(TaggedItemBase):
    """An industry or skill tag: the competition events (焊工, 人工智能训练师 …) and more."""

    content_object = ParentalKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("course tag")
        verbose_name_plural = _("course tags")


class CoursePageForm(WagtailAdminPageForm):
    def clean(self):
        from courses.selectors import lesson_videos_not_choosable

        cleaned_data = super().clean()
        if self.for_user is None:
            return cleaned_data
        lesson_forms = [
            form
            for chapter_form in self.formsets["chapters"].forms
            for form in chapter_form.formsets["lessons"].forms
            if form.is_valid() and not form.cleaned_data.get("DELETE")
        ]
        videos = {form: form.cleaned_data.get("video") for form in lesson_forms}
        refused = lesson_videos_not_choosable(
            user=self.for_user,
            course=self.instance,
            video_ids=[video.pk for video in videos.values() if video is not None],
        )
        for form, video in videos.items():
            if video is not None and video.pk in refused:
                form.add_error("video", NOT_CHOOSABLE)
        if refused:
            self.add_error(None, NOT_CHOOSABLE)
        return cleaned_data

    def save(self, commit=True):
        page = super().save(commit=False)
        page.normalise_outline()
        if commit:
            page.save()
        return page


class CoursePage(RoutablePageMixin, Page):
    """A course of an academy, training base or the headquarters.

    The outline (chapters → lessons) is edited on the page and kept in its revisions.
    Progress and ledger records refer to a lesson by its ``key``, which stays the same
    across edits and publishing, unlike the lesson row's id.
    """

    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown in listings.")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    description = StreamField(BodyBlock(), blank=True, verbose_name=_("description"))
    category = models.ForeignKey(
        Category,
        null=True,
        blank=False,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("category"),
    )
    tags = ClusterTaggableManager(
        through=CourseTag,
        blank=True,
        verbose_name=_("industry and skill tags"),
        help_text=_("e.g. 焊工, 人工智能训练师, 新能源锂电保护"),
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER
    )
    learning_hours = models.DecimalField(
        _("learning hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("999.9"))],
        help_text=_(
            "The hours the course announces. Learners are credited the time they really "
            "study (below: what its required lessons take); certificates state those hours."
        ),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ONLINE)
    enrolment_policy = models.CharField(
        _("enrolment"),
        max_length=20,
        choices=EnrolmentPolicy.choices,
        default=EnrolmentPolicy.OPEN,
    )
    seat_limit = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Only for limited seats: how many learners may be enrolled at once."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                # A plain list: the snippet chooser needs snippet permissions.
                FieldPanel("category", widget=forms.Select),
                FieldPanel("tags"),
                FieldRowPanel([FieldPanel("level"), FieldPanel("learning_hours")]),
                StudyTimePanel(),
                FieldPanel("mode"),
            ],
            heading=_("Catalogue"),
        ),
        MultiFieldPanel(
            [FieldPanel("enrolment_policy"), FieldPanel("seat_limit")], heading=_("Enrolment")
        ),
        InlinePanel("course_lecturers", heading=_("Lecturers"), label=_("Lecturer")),
        FieldPanel("description"),
        InlinePanel("chapters", heading=_("Outline"), label=_("Chapter")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("description"),
        index.RelatedFields("category", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("level"),
        index.FilterField("mode"),
        index.FilterField("category"),
    ]
    base_form_class = CoursePageForm
    parent_page_types = COURSE_PARENT_PAGE_TYPES
    subpage_types = []

    class Meta:
        verbose_name = _("Course")

    def clean(self):
        super().clean()
        if self.enrolment_policy == EnrolmentPolicy.LIMITED and not self.seat_limit:
            raise ValidationError(
                {"seat_limit": _("A course with limited seats needs the number of seats.")}
            )

    @property
    def is_limited(self) -> bool:
        return self.enrolment_policy == EnrolmentPolicy.LIMITED

    @property
    def lecturers(self):
        return [link.lecturer for link in self.course_lecturers.all() if link.lecturer]

    def lessons(self) -> list["Lesson"]:
        return [lesson for chapter in self.chapters.all() for lesson in chapter.lessons.all()]

    def normalise_outline(self) -> None:
        """Number unordered lecturers, chapters and lessons in the order given (pages
        built in code leave ``sort_order`` empty), and give lessons their keys: new
        lessons get one, and so does any lesson repeating another's key, because the
        editor's "add lesson" template carries one pre-filled key for all it adds."""
        # Work on lists put back on the page, so that the changes are what gets saved
        # even when the relations were read from the database.
        links = list(self.course_lecturers.all())
        for position, link in enumerate(links):
            if link.sort_order is None:
                link.sort_order = position
        self.course_lecturers = links
        chapters, seen = list(self.chapters.all()), self._lesson_keys_of_other_courses()
        saved_keys = self._saved_lesson_keys()
        for position, chapter in enumerate(chapters):
            if chapter.sort_order is None:
                chapter.sort_order = position
            lessons = list(chapter.lessons.all())
            for number, lesson in enumerate(lessons):
                if lesson.sort_order is None:
                    lesson.sort_order = number
                if lesson.pk in saved_keys:
                    # A copied course's lessons got keys of their own when saved (see
                    # Lesson.save); its revisions still carry the original's.
                    lesson.key = saved_keys[lesson.pk]
                if lesson.key is None or lesson.key in seen:
                    lesson.key = uuid.uuid4()
                seen.add(lesson.key)
            chapter.lessons = lessons
        self.chapters = chapters

    def _saved_lesson_keys(self) -> dict:
        if self.pk is None:
            return {}
        return dict(Lesson.objects.filter(chapter__course_id=self.pk).values_list("pk", "key"))

    def _lesson_keys_of_other_courses(self) -> set:
        keys = [lesson.key for lesson in self.lessons() if lesson.key is not None]
        return set(
            Lesson.objects.filter(key__in=keys)
            .exclude(chapter__course_id=self.pk)
            .values_list("key", flat=True)
        )

    def save(self, *args, **kwargs):
        # A page built in code (add_child) is saved before any revision: number its
        # outline now, or the rows are stored unordered and read back in any order.
        if self._state.adding:
            self.normalise_outline()
        return super().save(*args, **kwargs)

    def save_revision(self, user=None, *args, **kwargs):
        from courses.selectors import lesson_videos_not_choosable

        self.normalise_outline()
        # Whoever saves (the editor's form checks first, with a message per lesson)
        # may give lessons only the videos they may choose.
        if user is not None and lesson_videos_not_choosable(
            user=user,
            course=self,
            video_ids=[lesson.video_id for lesson in self.lessons()],
        ):
            raise PermissionDenied(NOT_CHOOSABLE)
        return super().save_revision(user, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.course_detail(course=self, user=request.user))
        return context

    @path("lessons/<uuid:key>/", name="lesson")
    def lesson(self, request, key):
        from courses.views import lesson_view

        return lesson_view(request, course=self, key=key)


class CourseLecturer(Orderable):
    """A lecturer teaching a course, in the order shown."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="course_lecturers")
    lecturer = models.ForeignKey(
        "courses.LecturerPage",
        on_delete=models.CASCADE,
        related_name="course_links",
        verbose_name=_("lecturer"),
    )

    panels = [FieldPanel("lecturer")]

    class Meta(Orderable.Meta):
        verbose_name = _("course lecturer")
        verbose_name_plural = _("course lecturers")


class Chapter(Orderable, ClusterableModel):
    """A chapter of a course's outline; its lessons are edited inside it."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="chapters")
    title = models.CharField(_("title"), max_length=255)

    panels = [FieldPanel("title"), InlinePanel("lessons", heading=_("Lessons"), label=_("Lesson"))]

    class Meta(Orderable.Meta):
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")

    def __str__(self):
        return self.title


class Lesson(Orderable):
    """A lesson: a lecture video from the library and/or text and documents.

    ``key`` identifies the lesson for progress records, unique across courses.
    ``duration_seconds`` is the video's length, or the stated study time without one.
    """

    chapter = ParentalKey(Chapter, on_delete=models.CASCADE, related_name="lessons")
    key = models.UUIDField(_("lesson key"), default=uuid.uuid4, db_index=True)
    title = models.CharField(_("title"), max_length=255)
    video = models.ForeignKey(
        "video.Video",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
        verbose_name=_("video"),
    )
    body = StreamField(LessonBodyBlock(), blank=True, verbose_name=_("text and attachments"))
    required = models.BooleanField(
        pgettext_lazy("lesson", "required"),
        default=True,
        help_text=_("Required lessons count towards completion."),
    )
    free_preview = models.BooleanField(
        _("free preview"),
        default=False,
        help_text=_(
            "Anyone may watch or read this lesson before enrolling (试看). "
            "It earns no learning hours."
        ),
    )
    study_minutes = models.PositiveSmallIntegerField(
        _("study time (minutes)"),
        null=True,
        blank=True,
        help_text=_("For lessons without a video; a video lesson takes the video's length."),
    )

    panels = [
        FieldPanel("key", widget=forms.HiddenInput),
        FieldPanel("title"),
        FieldPanel("video"),
        FieldPanel("body"),
        FieldRowPanel(
            [FieldPanel("required"), FieldPanel("free_preview"), FieldPanel("study_minutes")]
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Progress is kept by lesson key, so a new row (a copied course's lesson) never
        # takes a key another course's lesson has.
        if (
            self._state.adding
            and (
                Lesson.objects.filter(key=self.key).exclude(
                    chapter__course_id=self.chapter.course_id
                )
            ).exists()
        ):
            self.key = uuid.uuid4()
        super().save(*args, **kwargs)

    @property
    def duration_seconds(self) -> int | None:
        if self.video_id and self.video and self.video.duration:
            return round(self.video.duration)
        if self.study_minutes:
            return self.study_minutes * 60
        return None
