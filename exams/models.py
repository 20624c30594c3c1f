"""Question banks (题库), papers (试卷), exams and the candidates' attempts.

A bank belongs to a unit (headquarters, academy, base, night school) and is managed by
that unit's admins and lecturers (and those of the units above it); headquarters may
share a bank with every unit. A paper takes fixed questions and/or rules ("from these
banks, N questions of this type, knowledge point and difficulty, at this score each").
Each candidate's paper is drawn once, from a recorded seed, and frozen in the attempt
(`Attempt.questions`); one `Answer` row per question holds what the candidate saved.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

OPTION_LETTERS = "ABCDEF"
STEM_FEATURES = ["bold", "italic", "superscript", "subscript", "ol", "ul", "image"]


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    FILL = "fill", _("Fill in the blank")
    SHORT = "short", _("Short answer")


CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    FAIRLY_EASY = 2, _("Fairly easy")
    MEDIUM = 3, _("Medium")
    FAIRLY_HARD = 4, _("Fairly hard")
    HARD = 5, _("Hard")


class QuestionBank(models.Model):
    """A unit's question bank (题库)."""

    unit = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="question_banks",
        verbose_name=_("unit"),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    shared = models.BooleanField(
        _("shared with every unit"),
        default=False,
        help_text=_("Headquarters only: every unit may draw questions from this bank."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("unit"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("shared"),
    ]

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["unit__path", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        from academies.models import HeadquartersPage

        if (
            self.shared
            and self.unit_id
            and not HeadquartersPage.objects.filter(pk=self.unit_id).exists()
        ):
            raise ValidationError(
                {"shared": _("Only a bank of the headquarters can be shared with every unit.")}
            )


class QuestionKnowledgePoint(TaggedItemBase):
    content_object = models.ForeignKey(
        "exams.Question", on_delete=models.CASCADE, related_name="tagged_points"
    )


class Question(models.Model):
    """One question. `options` are the texts of options A–F; `answer` is, by type:
    single / multiple — indexes of the right options; true/false — ``[true]`` or
    ``[false]``; fill-in — one list of accepted answers per blank; short — empty (a
    person marks it against `reference_answer`)."""

    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="questions", verbose_name=_("bank")
    )
    type = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    stem = RichTextField(_("stem"), features=STEM_FEATURES)
    options = models.JSONField(_("options"), default=list, blank=True)
    answer = models.JSONField(_("answer"), default=list, blank=True)
    reference_answer = models.TextField(_("reference answer"), blank=True)
    loose_matching = models.BooleanField(
        _("ignore case and full/half width"),
        default=True,
        help_text=_("Fill-in-the-blank: ABC, abc and ＡＢＣ count as the same answer."),
    )
    explanation = models.TextField(_("explanation (解析)"), blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    knowledge_points = TaggableManager(
        through=QuestionKnowledgePoint,
        blank=True,
        verbose_name=_("knowledge points"),
        help_text=_("知识点 or competition events, separated by commas."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "pk"]
        indexes = [models.Index(fields=["bank", "type", "difficulty"])]

    def __str__(self):
        from django.utils.html import strip_tags

        text = strip_tags(self.stem).strip()
        return text[:40] + ("…" if len(text) > 40 else "")

    @property
    def is_objective(self) -> bool:
        return self.type != QuestionType.SHORT

    def clean(self):
        from exams.marking import answer_key_errors

        errors = answer_key_errors(self.type, self.options, self.answer)
        if errors:
            raise ValidationError({"answer": errors})


class Paper(ClusterableModel):
    """A paper (试卷): fixed questions and/or rules drawing questions from banks."""

    unit = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=160)
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=False)
    shuffle_options = models.BooleanField(_("shuffle the options"), default=True)
    multiple_partial_credit = models.BooleanField(
        _("half marks for an incomplete multiple choice"),
        default=True,
        help_text=_("Some right options and no wrong one earn half the score (少选得半分)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("unit"),
        FieldPanel("title"),
        FieldRowPanel(
            [
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_options"),
                FieldPanel("multiple_partial_credit"),
            ]
        ),
        InlinePanel("fixed_questions", heading=_("Fixed questions"), label=_("Question")),
        InlinePanel("rules", heading=_("Rules"), label=_("Rule")),
    ]

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class PaperQuestion(Orderable):
    paper = ParentalKey(Paper, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    panels = [FieldPanel("question"), FieldPanel("score")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["paper", "question"], name="paper_question_once")
        ]


class PaperRule(Orderable, ClusterableModel):
    """From these banks, `count` questions of this type (and knowledge point and
    difficulty, when given), at `score` each."""

    paper = ParentalKey(Paper, on_delete=models.CASCADE, related_name="rules")
    banks = ParentalManyToManyField(QuestionBank, related_name="+", verbose_name=_("banks"))
    type = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    knowledge_point = models.CharField(_("knowledge point"), max_length=100, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, null=True, blank=True
    )
    count = models.PositiveSmallIntegerField(
        _("number of questions"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    score = models.DecimalField(
        _("score each"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )

    panels = [
        FieldPanel("banks"),
        FieldRowPanel([FieldPanel("type"), FieldPanel("difficulty")]),
        FieldPanel("knowledge_point"),
        FieldRowPanel([FieldPanel("count"), FieldPanel("score")]),
    ]


class ExamKind(models.TextChoices):
    FINAL = "final", _("Course final exam")
    PRACTICE = "practice", _("Practice set")
    COMPETITION = "competition", _("Competition preliminary")


class Exam(models.Model):
    """An exam: a paper, a time limit, an opening window, attempts and a pass mark."""

    unit = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=160)
    kind = models.CharField(_("kind"), max_length=12, choices=ExamKind.choices)
    paper = models.ForeignKey(
        Paper, on_delete=models.PROTECT, related_name="exams", verbose_name=_("paper")
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
        help_text=_("Final exams: passing is required to complete this course."),
    )
    instructions = models.TextField(_("instructions"), blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text=_("Empty: untimed."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: unlimited."),
    )
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=6, decimal_places=1, default=Decimal("60")
    )
    show_answers = models.BooleanField(_("show the right answers after submission"), default=True)
    show_explanations = models.BooleanField(_("show the explanations"), default=True)
    published = models.BooleanField(_("open to learners"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("unit"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("paper")]),
        FieldPanel("course"),
        FieldPanel("instructions"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel(
                    [
                        FieldPanel("time_limit_minutes"),
                        FieldPanel("max_attempts"),
                        FieldPanel("pass_mark"),
                    ]
                ),
            ],
            heading=_("Rules"),
        ),
        FieldRowPanel([FieldPanel("show_answers"), FieldPanel("show_explanations")]),
        FieldPanel("published"),
    ]

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True)
                | models.Q(opens_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="exam_closes_after_it_opens",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.kind == ExamKind.FINAL and not self.course_id:
            errors["course"] = _("A final exam belongs to a course.")
        if self.kind != ExamKind.FINAL and self.course_id:
            errors["course"] = _("Only a final exam belongs to a course.")
        if self.kind == ExamKind.COMPETITION:
            if self.max_attempts != 1:
                errors["max_attempts"] = _("A competition preliminary allows one attempt.")
            if not self.time_limit_minutes:
                errors["time_limit_minutes"] = _("A competition preliminary needs a time limit.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The exam must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_practice(self) -> bool:
        return self.kind == ExamKind.PRACTICE

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.published
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )


class Registration(models.Model):
    """A candidate on a competition preliminary's registration list."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="registrations")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_registrations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["exam", "learner"], name="one_registration_per_exam")
        ]

    def __str__(self):
        return f"{self.exam} {self.learner}"


class AttemptStatus(models.TextChoices):
    READY = "ready", _("Paper ready, not started")
    OPEN = "open", _("In progress")
    MARKING = "marking", _("Awaiting marking")
    DONE = "done", _("Marked")


class Attempt(models.Model):
    """One candidate's go at an exam, with their paper frozen in `questions`:
    ``[{"question": id, "score": "2.0", "options": [2, 0, 1, 3]}, …]`` in the order
    shown, options as indexes into the question's options in the order shown."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exam_attempts"
    )
    number = models.PositiveSmallIntegerField(default=1)
    seed = models.BigIntegerField()
    questions = models.JSONField(default=list)
    max_score = models.DecimalField(max_digits=7, decimal_places=1)
    status = models.CharField(
        max_length=8, choices=AttemptStatus.choices, default=AttemptStatus.OPEN
    )
    generated_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    device = models.CharField(max_length=64, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(null=True)
    seconds_used = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "learner", "number"], name="one_paper_per_attempt"
            )
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.exam} · {self.learner} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in (AttemptStatus.READY, AttemptStatus.OPEN)


class Answer(models.Model):
    """What the candidate saved for one question of their paper (the latest save wins,
    by the client's revision number; the client's answer id makes a repeat harmless)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    response = models.JSONField(default=list)
    client_id = models.CharField(max_length=64)
    revision = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(default=timezone.now)
    correct = models.BooleanField(null=True)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    marker_comment = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="one_answer_per_question")
        ]
        indexes = [models.Index(fields=["question", "correct"])]

    def __str__(self):
        return f"{self.attempt_id}:{self.position}"


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened the paper")
    DEVICE = "device", _("Continued on another device")
    REFUSED = "refused", _("Save refused: another device is active")
    HIDDEN = "hidden", _("Left the page")
    VISIBLE = "visible", _("Came back to the page")
    OFFLINE = "offline", _("Lost the network")
    ONLINE = "online", _("Network back")
    SUBMITTED = "submitted", _("Submitted")
    AUTO_SUBMITTED = "auto", _("Submitted automatically at the deadline")


# Events a page may report; the others are recorded by the server itself.
CLIENT_EVENTS = (EventKind.HIDDEN, EventKind.VISIBLE, EventKind.OFFLINE, EventKind.ONLINE)


class AttemptEvent(models.Model):
    """The evidence log of an attempt, for the marker: never an automatic fail."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    device = models.CharField(max_length=64, blank=True)
    client_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "client_id"],
                condition=~models.Q(client_id=""),
                name="event_reported_once",
            )
        ]

    def __str__(self):
        return f"{self.attempt_id} {self.kind} {self.at:%H:%M:%S}"


class Mistake(models.Model):
    """A question the learner got wrong (错题本), until they answer it right again."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_mistakes"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    times_wrong = models.PositiveIntegerField(default=1)
    last_wrong_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mistake")
        verbose_name_plural = _("mistake book")
        ordering = ["-last_wrong_at"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="one_mistake_per_question")
        ]

    def __str__(self):
        return f"{self.learner} {self.question_id}"
