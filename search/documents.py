"""What a course looks like to search: the `CourseDocument` both backends index, and
the Elasticsearch index built from it (mapping and Chinese analysis)."""

import dataclasses
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from elasticsearch_dsl import Date, Document, Float, Integer, Keyword, Long, Text
from wagtail.models import Page

from academies.models import TrainingBasePage
from academies.selectors import unit_page_models
from courses.models import (
    CourseLecturer,
    CoursePage,
    CourseTag,
    Enrolment,
    EnrolmentStatus,
    LecturerPage,
    Lesson,
    Level,
    Mode,
)
from search import text, tokens


@dataclass(frozen=True)
class CourseDocument:
    """One course as search sees it: denormalised, plain values only."""

    id: int
    url: str
    title: str
    summary: str = ""
    description: str = ""
    lessons: tuple[str, ...] = ()
    lecturers: tuple[str, ...] = ()
    honours: tuple[str, ...] = ()
    academy_id: str = ""
    academy: str = ""
    training_base: str = ""
    category_id: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    level: str = ""
    level_label: str = ""
    hours: float = 0.0
    mode: str = ""
    mode_label: str = ""
    openness: str = ""
    published_at: datetime.datetime | None = None
    enrolments: int = 0
    plays: int = 0

    @property
    def popularity(self) -> int:
        return self.enrolments + self.plays

    def as_dict(self) -> dict:
        # Not dataclasses.asdict: it deep-copies, and a rebuild calls this 100,000 times.
        values = {name: getattr(self, name) for name in _DOCUMENT_FIELDS}
        values["published_at"] = self.published_at.isoformat() if self.published_at else None
        return values

    @classmethod
    def from_dict(cls, values: dict) -> "CourseDocument":
        values = {key: value for key, value in values.items() if key in _DOCUMENT_FIELDS}
        for name in ("lessons", "lecturers", "honours", "tags"):
            values[name] = tuple(values.get(name) or ())
        if isinstance(values.get("published_at"), str):
            values["published_at"] = datetime.datetime.fromisoformat(values["published_at"])
        return cls(**values)

    def spelling(self) -> "Spelling":
        return Spelling.of(self)


_DOCUMENT_FIELDS = tuple(field.name for field in dataclasses.fields(CourseDocument))


@dataclass(frozen=True)
class Spelling:
    """Pinyin of the title and the lecturers' names: syllables, their fuzzy form
    (`search.text.fuzzy`) and initials, compared with a pinyin query in ranking."""

    title_pinyin: str
    title_fuzzy: str
    title_initials: str
    lecturer_pinyin: tuple[str, ...]
    lecturer_fuzzy: tuple[str, ...]
    lecturer_initials: tuple[str, ...]

    @classmethod
    def of(cls, doc: CourseDocument) -> "Spelling":
        title = text.pinyin(doc.title)
        lecturers = [text.pinyin(name) for name in doc.lecturers]
        return cls(
            title_pinyin=" ".join(title),
            title_fuzzy=" ".join(map(text.fuzzy, title)),
            title_initials=" ".join(text.initials(doc.title)),
            lecturer_pinyin=tuple(" ".join(name) for name in lecturers),
            lecturer_fuzzy=tuple(" ".join(map(text.fuzzy, name)) for name in lecturers),
            lecturer_initials=tuple(" ".join(text.initials(name)) for name in doc.lecturers),
        )


# Facets, in the order shown. Hours are bucketed: (key, from, to (exclusive), label).
FACETS = ("academy", "category", "level", "mode", "hours")
FACET_TITLES = {
    "academy": pgettext_lazy("search facet", "Academy"),
    "category": pgettext_lazy("search facet", "Category"),
    "level": pgettext_lazy("search facet", "Level"),
    "mode": pgettext_lazy("search facet", "Mode"),
    "hours": pgettext_lazy("search facet", "Learning hours"),
}
HOURS_RANGES = (
    ("0-4", 0, 4, _("Under 4 hours")),
    ("4-16", 4, 16, _("4 to 16 hours")),
    ("16-40", 16, 40, _("16 to 40 hours")),
    ("40-", 40, None, _("40 hours or more")),
)


def hours_range(hours: float) -> str:
    for key, low, high, _label in HOURS_RANGES:
        if hours >= low and (high is None or hours < high):
            return key
    return HOURS_RANGES[0][0]


# The tokens the query plan looks up are made in Python (`search.tokens.columns`, the
# embedded index's columns) and sent as keywords: the same terms on both backends —
# characters and bigrams of the texts (bigrams stop at punctuation), fuzzy pinyin,
# initials, pieces of Latin words, term frequency. The one analysis left, built only
# from what every node has (no analysis-common module, no plugins), is the title's for
# the phrase signal: the standard tokenizer emits one token per Han character (Latin
# words stay whole), the shingle filter joins neighbours — across punctuation, as titles
# are compared without it (`tokens.key`) — and a phrase is searched as its bigrams. The
# title is sent already normalised (a stock node has no filter for that).
def _shingles(unigrams: bool) -> dict:
    return {
        "type": "shingle",
        "min_shingle_size": 2,
        "max_shingle_size": 2,
        "output_unigrams": unigrams,
        "output_unigrams_if_no_shingles": True,
        "token_separator": "",
    }


def _custom(*filters: str) -> dict:
    return {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", *filters]}


def index_settings() -> dict:
    return {
        "number_of_shards": 1,
        "auto_expand_replicas": "0-1",
        "analysis": {
            "filter": {
                "lms_characters_and_bigrams": _shingles(unigrams=True),
                "lms_bigrams": _shingles(unigrams=False),
            },
            "analyzer": {
                "lms_letter_pairs": _custom("lms_bigrams"),
                "lms_chinese": _custom("lms_characters_and_bigrams"),
                "lms_chinese_search": _custom("lms_bigrams"),
            },
        },
    }


def _chinese() -> Text:
    """Normalised text as characters and bigrams (phrases searched as bigrams)."""
    return Text(analyzer="lms_chinese", search_analyzer="lms_chinese_search")


def _shown() -> Text:
    """A text kept in the source to be shown, not searched (its normalised form is)."""
    return Text(index=False)


def _tokens() -> Keyword:
    """Tokens made in Python (`search.text`), looked up whole."""
    return Keyword(doc_values=False)


def _facet() -> Keyword:
    """A facet's value and label in one, joined by FACET_SEPARATOR: one terms
    aggregation gives both, without a sub-aggregation per value."""
    return Keyword(index=False, eager_global_ordinals=True)


FACET_SEPARATOR = "\x1f"  # the ASCII unit separator, in no name


def _initials() -> Text:
    """Initials (g f f d), with their pairs (gf ff fd) in `.pairs`."""
    return Text(analyzer="standard", fields={"pairs": Text(analyzer="lms_letter_pairs")})


class CourseIndexDocument(Document):
    """The Elasticsearch mapping of a `CourseDocument`. What the query plan looks up:
    `body` (the tokens of every text of the course), `spell`, `initials`, `grams` and
    `repeats`; what ranking compares: the title (`title_tokens`, its phrase in
    `title_terms`, `title_key`), the lecturers' names and the spelling of both. The
    texts as written are only shown."""

    url = Keyword(index=False)
    title = _shown()
    title_terms = _chinese()
    title_tokens = _tokens()
    title_key = Keyword()
    title_pinyin = Text(analyzer="standard")
    title_fuzzy = Text(analyzer="standard")
    title_initials = _initials()
    summary = _shown()
    description = _shown()
    lessons = _shown()
    lecturers = _shown()
    lecturer_keys = Keyword()
    lecturer_pinyin = Text(analyzer="standard")
    lecturer_fuzzy = Keyword()
    lecturer_initials = _initials()
    honours = _shown()
    academy_id = Keyword()
    academy = _shown()
    academy_facet = _facet()
    training_base = _shown()
    category_id = Keyword()
    category = _shown()
    category_facet = _facet()
    tags = _shown()
    body = _tokens()
    spell = _tokens()
    initials = _tokens()
    grams = _tokens()
    repeats = _tokens()
    level = Keyword()
    level_label = Keyword(index=False)
    level_facet = _facet()
    mode = Keyword()
    mode_label = Keyword(index=False)
    mode_facet = _facet()
    hours = Float()
    openness = Keyword()
    published_at = Date()
    enrolments = Integer()
    plays = Integer()
    popularity = Integer()
    course = Long()  # the course's id, which breaks ties as in the embedded index
    title_length = Integer()  # ties go to the shorter title, as in the embedded index

    @staticmethod
    def source(doc: CourseDocument) -> dict:
        """What is sent to Elasticsearch for a course (plain values, built fast)."""
        values = doc.as_dict()
        kinds = tokens.columns(doc)
        values.update(vars(doc.spelling()), popularity=doc.popularity)
        values.update(
            title_terms=text.normalize(doc.title),
            title_key=tokens.key(doc.title),
            title_length=len(tokens.key(doc.title)),
            lecturer_keys=[tokens.key(name) for name in doc.lecturers],
            lecturer_fuzzy=list(doc.spelling().lecturer_fuzzy),
            title_tokens=kinds["title"],
            body=kinds["body"],
            spell=kinds["spell"],
            initials=kinds["initials"],
            grams=kinds["grams"],
            repeats=kinds["repeats"],
        )
        for name, key_, label in (
            ("academy", doc.academy_id, doc.academy),
            ("category", doc.category_id, doc.category),
            ("level", doc.level, doc.level_label),
            ("mode", doc.mode, doc.mode_label),
        ):
            values[f"{name}_facet"] = f"{key_}{FACET_SEPARATOR}{label}" if key_ else None
        values["course"] = values.pop("id")
        return values


# CoursePage → CourseDocument. Only live courses without view restrictions become
# documents: what is not published or is private never reaches an index.
def _units_above(courses) -> dict[str, Page]:
    paths = {
        course.path[:end]
        for course in courses
        for end in range(Page.steplen, len(course.path), Page.steplen)
    }
    return {page.path: page for page in Page.objects.filter(path__in=paths).specific()}


def course_popularity(course_ids) -> tuple[dict[int, int], dict[int, int]]:
    """Active enrolments and plays of the lesson videos (each video once), by course."""
    enrolments = dict(
        Enrolment.objects.filter(course_id__in=course_ids, status=EnrolmentStatus.ACTIVE)
        .values("course_id")
        .annotate(count=Count("id"))
        .values_list("course_id", "count")
    )
    videos = set(
        Lesson.objects.filter(chapter__course_id__in=course_ids, video__isnull=False).values_list(
            "chapter__course_id", "video_id", "video__play_count"
        )
    )
    plays: dict[int, int] = {}
    for course_id, _video_id, count in videos:
        plays[course_id] = plays.get(course_id, 0) + count
    return enrolments, plays


@dataclass
class _Related:
    """What course documents take from rows other than the course page's, for a batch:
    read with a few flat queries rather than prefetched model instances per course, which
    made reading the documents the slow half of a rebuild."""

    units: dict[str, Page]
    kinds: tuple[type[Page], ...]
    lessons: dict[int, list[str]]
    lecturers: dict[int, list[LecturerPage]]
    tags: dict[int, list[str]]
    enrolments: dict[int, int]
    plays: dict[int, int]
    labels: dict[str, dict[str, str]]


def _grouped(rows) -> dict:
    grouped: dict = {}
    for key, value in rows:
        grouped.setdefault(key, []).append(value)
    return grouped


def _related(courses: list[CoursePage]) -> _Related:
    course_ids = [course.id for course in courses]
    links = list(
        CourseLecturer.objects.filter(course_id__in=course_ids, lecturer__isnull=False)
        .order_by("sort_order", "id")
        .values_list("course_id", "lecturer_id")
    )
    lecturer_pages = LecturerPage.objects.filter(id__in={lecturer for _c, lecturer in links})
    lecturer_pages = {page.id: page for page in lecturer_pages.prefetch_related("honours")}
    enrolments, plays = course_popularity(course_ids)
    return _Related(
        units=_units_above(courses),
        kinds=tuple(unit_page_models()),
        lessons=_grouped(
            Lesson.objects.filter(chapter__course_id__in=course_ids)
            .order_by("chapter__sort_order", "chapter_id", "sort_order", "id")
            .values_list("chapter__course_id", "title")
        ),
        lecturers=_grouped((course, lecturer_pages[lecturer]) for course, lecturer in links),
        tags=_grouped(
            CourseTag.objects.filter(content_object_id__in=course_ids)
            .order_by("id")
            .values_list("content_object_id", "tag__name")
        ),
        enrolments=enrolments,
        plays=plays,
        labels={
            "level": {key: str(label) for key, label in Level.choices},
            "mode": {key: str(label) for key, label in Mode.choices},
        },
    )


def course_documents(ids) -> tuple[list[CourseDocument], set[int]]:
    """Documents of the visible courses among `ids`, and the ids to remove from the
    index (gone, unpublished, private or not a course). A fixed number of queries."""
    ids = set(ids)
    courses = list(CoursePage.objects.live().public().filter(id__in=ids).select_related("category"))
    with translation.override(settings.LANGUAGE_CODE):
        related = _related(courses)
        docs = [_document(course, related) for course in courses]
    return docs, ids - {course.id for course in courses}


def unit_of(
    course: Page, units: dict[str, Page], kinds: tuple[type[Page], ...]
) -> tuple[Page | None, Page | None]:
    """The academy and the training base a course belongs to, given the pages above it
    by path and the kinds of unit (`unit_page_models()`): the nearest unit that is not
    a base (an industry academy, the headquarters, a night-school site …), and the
    nearest base below it, if any."""
    academy = base = None
    for end in range(len(course.path) - Page.steplen, 0, -Page.steplen):
        unit = units.get(course.path[:end])
        if not isinstance(unit, kinds):
            continue
        if not isinstance(unit, TrainingBasePage):
            academy = unit
            break
        base = base or unit
    return academy, base


def _document(course: CoursePage, related: _Related) -> CourseDocument:
    academy, base = unit_of(course, related.units, related.kinds)
    lecturers = related.lecturers.get(course.id, [])
    description = course.description.stream_block.get_searchable_content(course.description)
    return CourseDocument(
        id=course.id,
        url=course.get_url() or "",
        title=course.title,
        summary=course.summary,
        description="\n".join(part for part in description if part),
        lessons=tuple(related.lessons.get(course.id, ())),
        lecturers=tuple(lecturer.title for lecturer in lecturers),
        honours=tuple(
            dict.fromkeys(
                honour.name for lecturer in lecturers for honour in lecturer.honours.all()
            )
        ),
        academy_id=str(academy.id) if academy else "",
        academy=academy.title if academy else "",
        training_base=base.title if base else "",
        category_id=str(course.category_id or ""),
        category=course.category.name if course.category else "",
        tags=tuple(related.tags.get(course.id, ())),
        level=course.level,
        level_label=related.labels["level"].get(course.level, course.level),
        hours=float(course.learning_hours),
        mode=course.mode,
        mode_label=related.labels["mode"].get(course.mode, course.mode),
        openness=course.enrolment_policy,
        published_at=course.first_published_at,
        enrolments=related.enrolments.get(course.id, 0),
        plays=related.plays.get(course.id, 0),
    )


def visible_course_ids() -> Iterator[int]:
    """Every course a rebuild indexes."""
    return CoursePage.objects.live().public().order_by("id").values_list("id", flat=True).iterator()
