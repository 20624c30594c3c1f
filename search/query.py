"""A search request, its plan (shared by both backends) and the shape of the answer."""

from dataclasses import dataclass, field
from itertools import pairwise

from search import text
from search.documents import FACETS, HOURS_RANGES

SORTS = ("relevance", "newest", "popular")
SYNONYM_WEIGHT = 0.8
MAX_VARIANTS = 8


@dataclass(frozen=True)
class SearchQuery:
    """What was asked. `filters` maps a facet name to the chosen value's key;
    `synonyms` are groups of interchangeable terms (expanded here, not in the engine);
    `only_ids` limits the search to these courses (editors' picks); `relaxed`
    accepts documents with any one of the terms (for suggestions)."""

    text: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 10
    synonyms: tuple[tuple[str, ...], ...] = ()
    only_ids: tuple[int, ...] | None = None
    relaxed: bool = False

    def __post_init__(self):
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}")
        unknown = set(self.filters) - set(FACETS)
        if unknown:
            raise ValueError(f"unknown facets {sorted(unknown)}")
        if self.filters.get("hours") not in (None, *(r[0] for r in HOURS_RANGES)):
            raise ValueError(f"unknown hours range {self.filters['hours']!r}")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Variant:
    """The query, or the query with one term replaced by a synonym."""

    text: str
    terms: text.QueryTerms
    weight: float

    @property
    def phrase(self) -> str:
        """The query's characters and words run together, as titles are compared."""
        return "".join(text.runs(self.text))

    @property
    def han_text(self) -> str:
        return " ".join(run for run in text.runs(self.text) if text.is_han(run))


@dataclass(frozen=True)
class QueryPlan:
    text: str
    variants: tuple[Variant, ...]
    pinyin: tuple[tuple[str, ...], ...]
    initials: tuple[str, ...]
    relaxed: bool

    @property
    def empty(self) -> bool:
        return not self.variants and not self.pinyin and not self.initials

    @property
    def initial_bigrams(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a + b for a, b in pairwise(self.initials)))


def _expand(query: str, synonyms) -> list[tuple[str, float]]:
    variants = {query: 1.0}
    for group in synonyms:
        terms = [text.normalize(term) for term in group if text.normalize(term)]
        for term in terms:
            if term not in query:
                continue
            for other in terms:
                if other != term:
                    variants.setdefault(query.replace(term, other), SYNONYM_WEIGHT)
    return list(variants.items())[:MAX_VARIANTS]


def plan(query: SearchQuery) -> QueryPlan:
    """Cut the query into terms, expand synonyms and, for a Latin query, read it as
    pinyin (`hanjie`) and as initials (`gfd`)."""
    normalized = text.normalize(query.text)
    variants = []
    for variant_text, weight in _expand(normalized, query.synonyms):
        terms = text.query_terms(variant_text)
        if terms:
            variants.append(Variant(text=variant_text, terms=terms, weight=weight))
    latin = normalized.replace(" ", "").isascii() and normalized.replace(" ", "").isalpha()
    readings = text.segment_pinyin(normalized) if latin else ()
    return QueryPlan(
        text=normalized,
        variants=tuple(variants),
        pinyin=readings,
        # Letters that spell whole syllables are pinyin, not initials (hanjie ≠ h-a-n-j-i-e).
        initials=text.initials_query(normalized) if latin and not readings else (),
        relaxed=query.relaxed,
    )


@dataclass(frozen=True)
class TypedPlan:
    """A prefix being typed in the search box: Chinese characters and Latin words
    (the last word unfinished), or pinyin — whole syllables and the start of the next —
    or, when it spells no whole syllable, initials."""

    text: str
    terms: text.QueryTerms
    syllables: tuple[str, ...] = ()
    partial: str = ""
    initials: tuple[str, ...] = ()

    @property
    def spelled(self) -> bool:
        return bool(self.syllables) or len(self.partial) >= 2

    def rank(self, title: str, pinyin: str, initials: str, popularity: int) -> tuple:
        """Order of suggestions, the same on every backend: titles starting with what
        was typed (as characters, pinyin or initials), then titles containing it, then
        courses that only mention it; the popular first."""
        forms = []  # (the title in a form, what was typed in that form)
        if self.terms:
            forms.append(("".join(text.runs(title)), "".join(text.runs(self.text))))
        if self.spelled:
            typed = " ".join([*self.syllables, self.partial])
            forms.append((f" {pinyin.strip()}", f" {typed.strip()}"))
        if self.initials:
            forms.append((initials.replace(" ", ""), "".join(self.initials)))
        starts = any(value.startswith(typed) for value, typed in forms)
        contains = any(typed in value for value, typed in forms)
        return (not starts, not contains, -popularity)


def plan_typed(prefix: str) -> TypedPlan:
    normalized = text.normalize(prefix)
    terms = text.query_terms(normalized)
    if terms.han or not terms.words:
        return TypedPlan(text=normalized, terms=terms)
    syllables, partial = text.segment_pinyin_prefix(normalized) or ((), "")
    initials = () if syllables else text.initials_query(normalized)
    return TypedPlan(normalized, terms, tuple(syllables), partial, initials)


@dataclass
class Hit:
    id: int
    url: str
    title: str
    summary: str
    academy: str
    category: str
    hours: float
    level_label: str
    mode_label: str
    highlight: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "url": self.url,
            "summary": self.summary,
            "highlight": self.highlight,
            "academy": self.academy,
            "category": self.category,
            "hours": self.hours,
        }


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    page: int = 1
    page_size: int = 10

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class Suggestion:
    title: str
    url: str
