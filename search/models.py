"""Search data kept in the database: the embedded index, the outbox of index changes,
synonyms and editors' picks (edited in the admin), and anonymous query counts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from search import text


class SearchEntry(models.Model):
    """A course in the embedded index. The words themselves live in a full-text
    structure beside this table that migration 0002 creates for the database in use
    (an FTS5 table on SQLite, a tsvector column on PostgreSQL); the columns here hold
    what ranking compares and what facets count."""

    id = models.BigIntegerField(primary_key=True)
    title_key = models.TextField()
    people_key = models.TextField(blank=True)
    title_pinyin = models.TextField(blank=True)
    people_pinyin = models.TextField(blank=True)
    title_fuzzy = models.TextField(blank=True)
    people_fuzzy = models.TextField(blank=True)
    title_initials = models.TextField(blank=True)
    people_initials = models.TextField(blank=True)
    academy_id = models.CharField(max_length=40, blank=True)
    academy = models.CharField(max_length=255, blank=True)
    category_id = models.CharField(max_length=40, blank=True)
    category = models.CharField(max_length=255, blank=True)
    level = models.CharField(max_length=40, blank=True)
    level_label = models.CharField(max_length=80, blank=True)
    mode = models.CharField(max_length=40, blank=True)
    mode_label = models.CharField(max_length=80, blank=True)
    hours = models.FloatField(default=0)
    hours_range = models.CharField(max_length=10, blank=True)
    published_at = models.DateTimeField(null=True)
    popularity = models.BigIntegerField(default=0)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # Browsing without words counts the facets' combinations in this order,
            # reading the index alone; a facet value's label is the least in its
            # index (search.backends.embedded).
            models.Index(
                fields=["academy_id", "category_id", "level", "mode", "hours_range"],
                name="search_entry_facets",
            ),
            models.Index(fields=["academy_id", "academy"], name="search_entry_academy"),
            models.Index(fields=["category_id", "category"], name="search_entry_category"),
            models.Index(fields=["level", "level_label"], name="search_entry_level"),
            models.Index(fields=["mode", "mode_label"], name="search_entry_mode"),
        ]

    def __str__(self):
        return self.title_key


class SearchDocument(models.Model):
    """What a result shows of a course in the embedded index (the `CourseDocument`).
    Apart from `SearchEntry`, so that searches scanning entries read narrow rows."""

    id = models.BigIntegerField(primary_key=True)
    document = models.JSONField()

    def __str__(self):
        return self.document.get("title", str(self.id))


class IndexVersion(models.Model):
    """A token that every write to the embedded index changes in its own transaction
    (a random one, never reused, so a rolled-back write is never taken for a later
    one): what searching keeps per process (`search.backends.embedded.memory`) is good
    while it stays the same."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.BigIntegerField()

    def __str__(self):
        return str(self.token)


class IndexOperation(models.Model):
    """Outbox: a page whose courses must be brought up to date in one search backend.

    Written in the same transaction as the change (publish, move, delete …), removed
    only once the backend has taken it, so nothing is lost while a backend is down.
    What to do is decided when it is applied, from the page as it is then."""

    backend = models.CharField(max_length=20)
    page_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["backend", "next_attempt_at"])]

    def __str__(self):
        return f"{self.backend} page {self.page_id}"


class IndexRebuild(models.Model):
    """A full rebuild of one backend's index; while one runs, the outbox waits."""

    backend = models.CharField(max_length=20)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True)
    documents = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.backend} {self.started_at:%Y-%m-%d %H:%M}"


def split_terms(value: str) -> list[str]:
    separators = ",,、;;\n"
    for separator in separators:
        value = value.replace(separator, " ")
    return list(dict.fromkeys(text.normalize(term) for term in value.split() if term))


class Synonym(models.Model):
    """Terms a person may type for the same thing (电焊, 焊接); a search for one
    also finds the others."""

    terms = models.CharField(
        _("terms"),
        max_length=300,
        help_text=_("Two or more terms meaning the same, separated by commas, e.g. 电焊, 焊接."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    panels = [FieldPanel("terms"), FieldPanel("note")]

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["terms"]

    def __str__(self):
        return " ↔ ".join(self.term_list())

    def term_list(self) -> list[str]:
        return split_terms(self.terms)

    def clean(self):
        terms = self.term_list()
        if len(terms) < 2:
            raise ValidationError(
                {"terms": _("Enter at least two different terms, separated by commas.")}
            )
        self.terms = ", ".join(terms)


class EditorsPick(models.Model):
    """A course the editors put first for a query."""

    query = models.CharField(
        _("query"), max_length=100, help_text=_("What people type, e.g. 焊工 or hanjie.")
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("editors' pick")
        verbose_name_plural = _("editors' picks")
        ordering = ["query", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["query", "page"], name="search_pick_once")]

    def __str__(self):
        return f"{self.query} → {self.page.title}"

    def clean(self):
        self.query = text.normalize(self.query)
        if not self.query:
            raise ValidationError({"query": _("Enter the query this course is picked for.")})


class QueryCount(models.Model):
    """How often a query was searched on a day and how often it found nothing.
    Nothing about who searched is kept."""

    query = models.CharField(_("query"), max_length=100)
    day = models.DateField(_("day"))
    searches = models.PositiveIntegerField(_("searches"), default=0)
    zero_results = models.PositiveIntegerField(_("searches without results"), default=0)

    class Meta:
        verbose_name = _("query count")
        verbose_name_plural = _("query counts")
        constraints = [models.UniqueConstraint(fields=["query", "day"], name="search_query_day")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.day} {self.query}: {self.searches}"
