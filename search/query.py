"""A search request, its plan (shared by both backends) and the shape of the answer.

A query is read the way a worker types it. Its words (jieba's dictionary, the search
vocabulary's terms first) become *units*, question filler (我想 怎么 有没有) aside.
A unit is found in a course when one of its alternatives is — the word itself or a
term of the vocabulary meaning the same (电焊 → 焊接, 焊工) — and an alternative is
found when the course holds every one of its terms that occurs somewhere in the index
(character pairs, a character, a Latin word): a pair no course has (伏板 in 光伏板)
cannot veto a match. A Latin query is also read as pinyin (fuzzy, or with one letter
corrected) and as initials, of the courses' texts, and as the vocabulary's terms it
spells, in pinyin (dianhan: 电焊) or, from three letters on, in initials (tzzy: 特种作业).

A course is a *strict* match when it holds every unit. When few do, courses holding
most of the query's characters, weighted by how rare they are (IDF), follow as
*partial* matches, marked as such. Rare terms weigh more in the ranking (words
saying what kind of course, not on what — 技术 培训 入门 — less), a title
holding the query's words (or, among partial matches, its characters) more than the
body, a course naming them again and again in its own texts a little more, and the
whole query as (the start of) a title or a lecturer's name most.

Both backends run the same plan: the embedded one on posting lists kept in memory,
Elasticsearch as a query."""

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise

from search import text, tokens
from search.documents import FACETS, HOURS_RANGES

SORTS = ("relevance", "newest", "popular")
SYNONYM_WEIGHT = 0.5
GENERIC_WEIGHT = 0.5  # of a word saying what kind of course, not on what (text.GENERIC)
PARTIAL_SHARE = 0.35  # of the weight of the query's characters, for a partial match
PARTIAL_WORDS = 3  # a query of more words than this needs a smaller share of them
PARTIAL_BELOW = 10  # strict matches: fewer, and partial matches follow
LOOSE_SHARE = 0.6  # of PARTIAL_SHARE: partial matches filling a page after the others
CHARACTER_WEIGHT = 0.3  # a character found counts less than a pair of them
TITLE_WEIGHT = 2.0  # a term in the title counts this much more
# What a word of the query named again and again in a course's own texts adds, as a
# share of its weight, at each of `tokens.REPEAT_LEVELS`: 0.3 for twice … 0.85 for 8 times.
REPEAT_SHARES = (0.3, 0.5, 0.65, 0.75, 0.85)
REPEATED = 2  # words of a query counted so (a search's cost grows with them)
SCORE_STEP = 64  # scores are multiples of its inverse (`points`)
MAX_TYPO_READINGS = 5
# Initials typed for a vocabulary term (tzzy: 特种作业) are read as the term from this
# many letters on; two letters stand for too many terms (yy: 养羊 英语 液压 …).
INITIALS_SIZE = 3

TOKEN = re.compile(rf"[a-z0-9{text.HAN}]+")
# Fields of the index a term is looked up in.
TEXT, SPELL, INITIALS, GRAMS = "text", "spell", "initials", "grams"


@dataclass(frozen=True)
class SearchQuery:
    """What was asked. `filters` maps a facet name to the chosen value's key;
    `synonyms` are groups of interchangeable terms (the search vocabulary);
    `only_ids` limits the search to these courses (editors' picks); `fill`: partial
    matches fill a page strict ones leave short, loose ones after them
    (`QueryPlan.loosened`) — without it (the search box's suggestions: a short list is
    better than a loose one), partial matches come only when nothing matches whole,
    and no loose ones."""

    text: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 10
    synonyms: tuple[tuple[str, ...], ...] = ()
    only_ids: tuple[int, ...] | None = None
    fill: bool = True

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


# Conditions on the terms a course holds: a term, all of some, any of some.
@dataclass(frozen=True)
class Term:
    field: str
    token: str


@dataclass(frozen=True)
class All:
    parts: tuple


@dataclass(frozen=True)
class Any:
    parts: tuple


@dataclass(frozen=True)
class Whole(All):
    """Every part, and only when every part occurs in some course: the pieces of a
    Latin word (soli olid of solid), which, unlike character pairs, stand for the word
    only together."""


@dataclass(frozen=True)
class Coverage:
    """What a course holds of `weights` (terms, or conditions) weighs at least `need`."""

    weights: tuple[tuple[object, float], ...]
    need: float


def terms_of(condition) -> list[Term]:
    if isinstance(condition, Term):
        return [condition]
    if isinstance(condition, Coverage):
        return [term for part, _weight in condition.weights for term in terms_of(part)]
    return [term for part in condition.parts for term in terms_of(part)]


@dataclass(frozen=True)
class Unit:
    """A word of the query and what may stand for it (vocabulary terms)."""

    text: str
    alternatives: tuple[str, ...]
    filler: bool = False


@dataclass(frozen=True)
class QueryPlan:
    """What a backend runs. `strict` is None when no course can hold every unit (a
    word occurs nowhere); `partial` is None when partial matches are not sought.
    `weights` score each term held anywhere (twice more in the title, `title_terms`);
    `phrases` are the query as a whole (and its vocabulary variants), compared with
    titles and lecturers' names with their weight; `readings` are pinyin, `initials`
    letters, for the spelling signals; `slips`: when nothing is found, the query may
    be pinyin with one letter wrong (`corrected`). `loose` is a looser partial
    condition, sought when strict and partial matches are fewer than a page
    (`loosened`); `close` then ranks the closer partial matches before it."""

    text: str
    strict: object | None
    partial: object | None
    weights: tuple[tuple[Term, float], ...]
    title_terms: tuple[tuple[str, float], ...]
    phrases: tuple[tuple[str, float], ...]
    readings: tuple[tuple[str, ...], ...] = ()
    initials: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()
    slips: bool = False
    partial_weights: tuple[tuple[Term, float], ...] = ()
    loose: object | None = None
    close: object | None = None

    @property
    def empty(self) -> bool:
        return not self.text

    def loosened(self) -> "QueryPlan":
        """The plan seeking the loose partial matches too, after the closer ones."""
        return replace(self, partial=self.loose, close=self.partial, loose=None)

    def terms(self, partial: bool = False) -> list[Term]:
        """The terms to look up: for partial matches too, the query's characters."""
        found = [term for term, _weight in self.scored(partial)]
        for condition in (self.strict, self.partial if partial else None):
            if condition is not None:
                found += terms_of(condition)
        return list(dict.fromkeys(found))

    def scored(self, partial: bool = False) -> tuple[tuple[Term, float], ...]:
        """What each term found is worth (characters only count among partial matches)."""
        found = self.weights + (self.partial_weights if partial else ())
        return tuple((term, points(weight)) for term, weight in found)

    def titled(self, partial: bool = False) -> tuple[tuple[str, float], ...]:
        """The title's terms and their weight (TITLE_WEIGHT times it in a title): the
        query's words, and among partial matches its characters."""
        characters = tuple(
            (term.token, weight)
            for term, weight in (self.partial_weights if partial else ())
            if text.is_han(term.token)
        )
        return tuple((token, points(weight)) for token, weight in self.title_terms + characters)

    def repeats(self) -> tuple[tuple[str, float], ...]:
        """The repeats-column tokens of the query's words weighing most (REPEATED, not
        the characters partial matches count), each with what its level adds: a course
        naming a word often is more about it (term frequency)."""
        words = sorted(
            ((term, weight) for term, weight in self.scored() if term.field == TEXT),
            key=lambda found: (-found[1], found[0].token),
        )
        return tuple(
            (tokens.repeated(term.token, level), points(weight * share))
            for term, weight in words[:REPEATED]
            for level, share in zip(tokens.REPEAT_LEVELS, REPEAT_SHARES, strict=True)
        )

    @property
    def initial_bigrams(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a + b for a, b in pairwise(self.initials)))

    @property
    def pinyin(self) -> tuple[tuple[str, ...], ...]:
        return self.readings


# Reading the query
@dataclass(frozen=True)
class Vocabulary:
    """Each normalised vocabulary term and the terms that may stand for it, the
    lengths of the terms, longest first, and the Chinese terms of two characters or
    more by their fuzzy pinyin (电焊 by dianfan, `spelling_key`), of INITIALS_SIZE or
    more by their initials (大数据 by dsj)."""

    alternatives: dict[str, tuple[str, ...]]
    lengths: tuple[int, ...]
    by_spelling: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_initials: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def spelled(self, readings, initials) -> list[tuple[tuple[str, ...], ...]]:
        """What a query's readings as pinyin, or its initials, spell: for each, the
        vocabulary terms in it, in order, each as the terms spelled alike (电焊 点焊).
        Syllables between them are left to the spelling signals (xue lifa: 理发)."""
        found = [self._terms_in(reading) for reading in readings]
        if terms := self.by_initials.get("".join(initials)):
            found.append((terms,))
        return [spelling for spelling in dict.fromkeys(found) if spelling]

    def _terms_in(self, reading: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """The longest runs of two syllables or more spelling terms, from the left."""
        found, at = [], 0
        while at < len(reading):
            for end in range(len(reading), at + 1, -1):
                if terms := self.by_spelling.get(spelling_key(reading[at:end])):
                    found.append(terms)
                    at = end
                    break
            else:
                at += 1
        return tuple(found)

    def longest_in(self, piece: str) -> tuple[int, str] | None:
        """Where the longest term found in `piece` is (the first of that length), and
        the term; a Latin term only as a whole word, one letter never."""
        for size in self.lengths:
            for at in range(len(piece) - size + 1):
                term = piece[at : at + size]
                known = term in self.alternatives and (size > 1 or not term.isascii())
                if known and _whole_latin(piece, at, term):
                    return at, term
        return None


@lru_cache(maxsize=8)
def vocabulary(synonyms: tuple[tuple[str, ...], ...]) -> Vocabulary:
    """The vocabulary of these groups of synonyms, read once: every search of the
    site passes the same groups."""
    by_term: dict[str, list[str]] = {}
    for group in synonyms:
        terms = [t for t in dict.fromkeys(text.normalize(term) for term in group) if t]
        for term in terms:
            by_term.setdefault(term, []).extend(other for other in terms if other != term)
    alternatives = {term: tuple(dict.fromkeys(others)) for term, others in by_term.items()}
    by_spelling: dict[str, list[str]] = {}
    by_initials: dict[str, list[str]] = {}
    for term in alternatives:
        if len(term) >= 2 and text.is_han(term):
            by_spelling.setdefault(spelling_key(text.pinyin(term)), []).append(term)
        if len(term) >= INITIALS_SIZE and text.is_han(term):
            by_initials.setdefault("".join(text.initials(term)), []).append(term)
    return Vocabulary(
        alternatives,
        tuple(sorted({len(t) for t in alternatives}, reverse=True)),
        {key: tuple(terms) for key, terms in by_spelling.items()},
        {letters: tuple(terms) for letters, terms in by_initials.items()},
    )


def spelling_key(syllables) -> str:
    """Syllables in the fuzzy form, run together: 西安 and 先 (xi an, xian) alike."""
    return "".join(map(text.fuzzy, syllables))


def units(query: str, synonyms=()) -> list[Unit]:
    """The query's words: vocabulary terms first (longest first), jieba's words for
    the rest; filler words marked."""
    words_known = vocabulary(tuple(synonyms))
    known, longest_in = words_known.alternatives, words_known.longest_in
    found: list[Unit] = []

    def read(piece: str) -> None:
        piece = piece.strip()
        if not piece:
            return
        if match := longest_in(piece):
            at, term = match
            read(piece[:at])
            found.append(Unit(term, (term, *known[term])))
            read(piece[at + len(term) :])
            return
        for word in text.words(piece):
            if word in known:
                found.append(Unit(word, (word, *known[word])))
            else:
                found.append(Unit(word, (word,), filler=word in text.FILLER))

    read(query)
    if all(unit.filler for unit in found):
        found = [Unit(unit.text, unit.alternatives) for unit in found]
    return found


def _whole_latin(piece: str, at: int, term: str) -> bool:
    """A Latin vocabulary term is only taken as a whole word (ai, not the ai of mail)."""
    if not term[0].isascii() or not term[-1].isascii():
        return True
    before = piece[at - 1] if at else " "
    after = piece[at + len(term)] if at + len(term) < len(piece) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _alternative_terms(alternative: str, by_words: bool = False) -> list:
    """The terms of one wording: pairs of characters (a lone character itself), Latin
    words and numbers, also inside longer Latin words (cad in autocad, 10 in 10kv; a
    longer word by all its longest pieces: solid in solidworks). `by_words`: the pairs
    of each of its words, as a query's words are read (数控编程: 数控 编程, not the 控编
    across them, which a course on 数控车床编程 does not hold)."""
    longest = max(text.GRAM_SIZES)
    found = []
    for run in text.runs(alternative):
        if text.is_han(run):
            for word in text.words(run) if by_words else [run]:
                found += (
                    [Term(TEXT, word)]
                    if len(word) == 1
                    else [Term(TEXT, a + b) for a, b in pairwise(word)]
                )
        elif 2 <= len(run) <= longest:
            found.append(Any((Term(TEXT, run), Term(GRAMS, run))))
        elif len(run) > longest and not run.isdigit():
            pieces = [run[i : i + longest] for i in range(len(run) - longest + 1)]
            found.append(Any((Term(TEXT, run), Whole(tuple(Term(GRAMS, p) for p in pieces)))))
        else:
            found.append(Term(TEXT, run))
    return found


def _all(parts: list):
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _characters(query_units: list[Unit]) -> list[Term]:
    found = []
    for unit in query_units:
        if unit.filler:
            continue
        for run in text.runs(unit.text):
            found += [Term(TEXT, c) for c in run] if text.is_han(run) else [Term(TEXT, run)]
    return list(dict.fromkeys(found))


def _readings(letters: str) -> tuple[tuple[str, ...], ...]:
    return text.segment_pinyin(letters)


Frequencies = Callable[[Iterable[Term]], tuple[dict[Term, int], int]]


class _Weigher:
    """Document frequencies of terms (asked of the backend once per query) and the
    weight they give: rare terms weigh more; a term in no course weighs nothing."""

    def __init__(self, frequencies: Frequencies, terms: Iterable[Term]):
        self.df, self.count = frequencies(list(dict.fromkeys(terms)))

    def found(self, term: Term) -> bool:
        return self.df.get(term, 0) > 0

    def idf(self, term: Term) -> float:
        return math.log(1 + max(self.count, 1) / max(self.df.get(term, 0), 1))

    def held(self, condition):
        """The condition on only the terms that occur somewhere (None: none does)."""
        if isinstance(condition, Term):
            return condition if self.found(condition) else None
        if isinstance(condition, Whole):
            return condition if all(map(self.found, condition.parts)) else None
        parts = [p for p in (self.held(part) for part in condition.parts) if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else type(condition)(tuple(parts))

    def whole(self, condition) -> bool:
        """Some course may hold the condition as it stands: every term of it that must
        be there occurs somewhere (an alternative of an Any is enough)."""
        if isinstance(condition, Term):
            return self.found(condition)
        if isinstance(condition, Any):
            return any(map(self.whole, condition.parts))
        return all(map(self.whole, condition.parts))


def plan(query: SearchQuery, frequencies: Frequencies) -> QueryPlan:
    """Read the query (see the module's docstring); `frequencies` tells in how many
    courses each term occurs, and how many courses there are."""
    normalized = text.normalize(query.text)
    if not normalized:
        return QueryPlan("", None, None, (), (), ())
    query_units = units(normalized, query.synonyms)
    wanted = [u for u in query_units if not u.filler]
    # The word typed by its pairs; a vocabulary term standing for it by its own words.
    conditions = {
        (u.text, alt): _alternative_terms(alt, by_words=alt != u.text)
        for u in wanted
        for alt in u.alternatives
    }
    letters = normalized.replace(" ", "")
    latin = letters.isascii() and letters.isalpha()
    readings = _readings(normalized) if latin else ()
    initials = text.initials_query(normalized) if latin and not readings else ()
    known = vocabulary(query.synonyms)
    # Vocabulary terms spelled (dianhan, tzzy): each and its alternatives, by their words.
    read_as = [
        [
            {
                alt: _alternative_terms(alt, by_words=True)
                for t in terms
                for alt in (t, *known.alternatives[t])
            }
            for terms in spelling
        ]
        for spelling in known.spelled(readings, initials)
    ]
    spelled = {reading: _spelling(normalized, reading) for reading in readings}
    initial_pairs = [Term(INITIALS, a + b) for a, b in pairwise(initials)]
    characters = _characters(query_units)
    syllables = [Term(SPELL, text.fuzzy(s)) for r in readings for s in r]
    asked = [t for c in conditions.values() for part in c for t in terms_of(part)]
    asked += characters + initial_pairs + syllables + ([Term(TEXT, letters)] if latin else [])
    asked += [t for pairs in spelled.values() for t, _n in pairs]
    asked += [
        t
        for spelling in read_as
        for terms in spelling
        for parts in terms.values()
        for part in parts
        for t in terms_of(part)
    ]
    weigh = _Weigher(frequencies, asked)
    if latin and weigh.found(Term(TEXT, letters)):
        initials, initial_pairs, read_as = (), [], []  # a word the courses use

    # Words that say what kind of course, not on what (技术 of 焊接技术, 技能提升), weigh
    # less, unless nothing else is asked.
    generic = {u.text for u in wanted if u.text in text.GENERIC}
    if len(generic) == len(wanted):
        generic = set()

    def factor(unit: Unit) -> float:
        return GENERIC_WEIGHT if unit.text in generic else 1.0

    # Strict: every unit, through one of its alternatives.
    unit_conditions, weights, title_terms = [], {}, {}
    synonyms_held = []
    for unit in wanted:
        alternatives, found_alts = [], []
        for alt in unit.alternatives:
            held = weigh.held(All(tuple(conditions[unit.text, alt])))
            if held is None or (
                alt != unit.text and not weigh.whole(_all(conditions[unit.text, alt]))
            ):
                continue  # a vocabulary term counts whole, not by its common part
            alternatives.append(held)
            found_alts.append(alt)
            # A vocabulary term weighs at most what the word typed weighs, however long.
            literal = max(len(terms_of(_all(conditions[unit.text, unit.text]))), 1)
            share = (
                1.0 if alt == unit.text else SYNONYM_WEIGHT * min(1, literal / len(terms_of(held)))
            )
            _weigh_terms(held, share * factor(unit), weigh, weights, title_terms)
        unit_conditions.append(Any(tuple(alternatives)) if alternatives else None)
        others = [
            held for alt, held in zip(found_alts, alternatives, strict=True) if alt != unit.text
        ]
        synonyms_held.append(Any(tuple(others)) if others else None)
    strict = None
    if unit_conditions and all(part is not None for part in unit_conditions):
        strict = All(tuple(unit_conditions)) if len(unit_conditions) > 1 else unit_conditions[0]

    # A Latin query may also be pinyin or initials.
    spaced = " " in normalized
    alternatives = [_spelled(pairs, weigh, weights, spaced) for pairs in spelled.values()]
    pairs = weigh.held(All(tuple(initial_pairs))) if initial_pairs else None
    if pairs is not None and len(terms_of(pairs)) >= text.required_matches(len(initial_pairs)):
        alternatives.append(pairs)
        for term in terms_of(pairs):
            weights[term] = max(weights.get(term, 0), weigh.idf(term) * 0.5)
    spelled_out = {}  # a vocabulary term the query spells, as a phrase
    for spelling in read_as:
        held = [_held_terms(terms, weigh, weights, title_terms) for terms in spelling]
        if all(held):
            alternatives.append(_all([Any(tuple(found.values())) for found in held]))
            if len(spelling) == 1:
                spelled_out.update(dict.fromkeys(held[0], SYNONYM_WEIGHT))
    alternatives = [a for a in alternatives if a is not None]
    if alternatives:
        strict = Any(tuple(([strict] if strict is not None else []) + alternatives))

    # Partial: most of the query's characters (and Latin words), or of its syllables,
    # rare ones weighing more.
    held_by = [(unit, [t for t in characters if t.token in unit.text]) for unit in wanted]
    counted: dict[Term, float] = {}  # each character, as the unit weighing it most does
    for unit, mine in held_by:
        for t in mine:
            counted[t] = max(counted.get(t, 0), factor(unit))
    pieces = []  # (condition, weight): a unit's characters, or its vocabulary terms
    for (unit, mine), synonyms in zip(held_by, synonyms_held, strict=True):
        pieces += [(t, weigh.idf(t) * counted[t]) for t in mine]
        if synonyms is not None:
            pieces.append((synonyms, sum(weigh.idf(t) for t in mine) * factor(unit)))
    partial_weights: dict[Term, float] = {}
    # A long question holds words no course uses (脖子 疼 of 长期坐办公室脖子疼怎么办):
    # the more words, the smaller the share of them a partial match needs.
    # When they are still fewer than a page, a smaller share of the characters fills
    # it, after them (`loose`): related courses rather than an almost empty page.
    share = PARTIAL_SHARE * min(1.0, PARTIAL_WORDS / max(len(wanted), 1))
    spelled_pieces = [(t, weigh.idf(t)) for t in syllables]
    spelled = _share(spelled_pieces, weigh, weights, partial_weights, PARTIAL_SHARE)
    partial = _either(_share(pieces, weigh, weights, partial_weights, share), spelled)
    loose = _either(_share(pieces, weigh, weights, partial_weights, share * LOOSE_SHARE), spelled)

    phrases = {"".join(u.text for u in wanted if u.text): 1.0, **spelled_out}
    for unit in wanted:
        if len(wanted) == 1:
            phrases.update({alt: SYNONYM_WEIGHT for alt in unit.alternatives[1:]})
    phrases = {"".join(text.runs(p)): w for p, w in phrases.items()}
    marks = [t.token for t in weights if t.field == TEXT]
    return QueryPlan(
        text=normalized,
        strict=strict,
        partial=partial,
        loose=loose if loose != partial else None,
        weights=tuple(weights.items()),
        title_terms=tuple(title_terms.items()),
        phrases=tuple((p, w) for p, w in phrases.items() if p),
        readings=tuple(readings),
        initials=initials,
        marks=tuple(marks),
        slips=latin and len(letters) >= 4,
        partial_weights=tuple(partial_weights.items()),
    )


def points(value: float) -> float:
    """A score's part as both backends add it: a multiple of 1/SCORE_STEP, which sums
    exactly in Elasticsearch's 32-bit floats as in Python's, so that courses scoring
    nearly the same are not ordered apart by rounding."""
    return round(value * SCORE_STEP) / SCORE_STEP


def phrase_points(phrase: str, weight: float) -> tuple[float, float, float]:
    """Points for a title holding the query as a whole, starting with it, and being
    it. Not for starting with a lone character: it is most often the first of a
    longer word (焊 of 焊接机器人编程与应用), which says little about the course."""
    start = 4 * weight if len(phrase) > 1 else 0.0
    return points(10 * weight), points(start), points(10 * weight)


def corrected(query_plan: QueryPlan, frequencies: Frequencies) -> QueryPlan | None:
    """The query read as pinyin with one letter left out, added, changed or swapped
    (hanjei → han jie), each reading that some courses spell; None when there is none."""
    letters = query_plan.text.replace(" ", "")
    fixes = {fix: _spelling(fix, _readings(fix)[0]) for fix in text.one_letter_off(letters)}
    weigh = _Weigher(frequencies, [t for pairs in fixes.values() for t, _n in pairs])
    found = [fix for fix, pairs in fixes.items() if all(weigh.found(t) for t, _n in pairs)]
    found.sort(key=lambda fix: -min(weigh.df[t] for t, _n in fixes[fix]))
    found = found[:MAX_TYPO_READINGS]
    weights: dict[Term, float] = {}
    spaced = " " in query_plan.text
    conditions = [_spelled(fixes[fix], weigh, weights, spaced) for fix in found]
    if not conditions:
        return None
    return QueryPlan(
        text=query_plan.text,
        strict=Any(tuple(conditions)),
        partial=None,
        weights=tuple(weights.items()),
        title_terms=(),
        phrases=(),
        readings=tuple(_readings(fix)[0] for fix in found),
    )


def _spelling(typed: str, reading: tuple[str, ...]) -> list[tuple[Term, bool]]:
    """What a pinyin reading is matched by: pairs of neighbouring fuzzy syllables (a
    lone syllable itself), each with whether it must be there. Where the person typed
    a space between two words of two syllables or more, their pair may be missing
    (longji weixiu: longji and weixiu, not jiwei)."""
    keys = [text.fuzzy(s) for s in reading]
    if len(keys) == 1:
        return [(Term(SPELL, keys[0]), True)]
    sizes, at = [], 0  # syllables of each word typed
    for word in typed.split():
        count, letters = 0, ""
        while at < len(reading) and len(letters) < len(word):
            letters += reading[at]
            at, count = at + 1, count + 1
        sizes.append(count)
    ends = {sum(sizes[: i + 1]) - 1: i for i in range(len(sizes) - 1)}
    pairs = []
    for i, (a, b) in enumerate(pairwise(keys)):
        word = ends.get(i)
        loose = word is not None and sizes[word] > 1 and sizes[word + 1] > 1
        pairs.append((Term(SPELL, a + b), not loose))
    return pairs


def _spelled(pairs: list[tuple[Term, bool]], weigh: "_Weigher", weights: dict, spaced: bool):
    """A reading's condition: its required pairs that occur somewhere — all of them
    when spaces were typed, else all but one of three or more (a pair across two words
    may be missing: xinlijiankang as xinli jiankang)."""
    found = [(term, needed) for term, needed in pairs if weigh.found(term)]
    if not found:
        return None
    for term, _needed in found:
        weights[term] = max(weights.get(term, 0), weigh.idf(term))
    required = [term for term, needed in found if needed]
    if not required:
        return None
    if spaced or len(found) <= 2:
        return All(tuple(required)) if len(required) > 1 else required[0]
    return Coverage(tuple((term, 1.0) for term, _n in found), text.required_matches(len(found)))


def _held_terms(terms: dict, weigh: "_Weigher", weights: dict, title_terms: dict) -> dict:
    """The vocabulary terms spelled (each with its terms) that some course may hold,
    each with its condition, their terms weighing as a vocabulary term's do."""
    found = {}
    for alt, parts in terms.items():
        held = weigh.held(All(tuple(parts)))
        if held is None or not weigh.whole(_all(parts)):
            continue
        found[alt] = held
        _weigh_terms(held, SYNONYM_WEIGHT, weigh, weights, title_terms)
    return found


def _weigh_terms(held, share: float, weigh: "_Weigher", weights: dict, title_terms: dict):
    """Each term of the condition weighs `share` of its IDF (at least), in the title too."""
    for term in terms_of(held):
        weight = weigh.idf(term) * share
        weights[term] = max(weights.get(term, 0), weight)
        if term.field == TEXT:
            title_terms[term.token] = max(title_terms.get(term.token, 0), weight)


def _either(*conditions):
    """Any of the conditions that are not None (None if none is left)."""
    left = tuple(c for c in conditions if c is not None)
    return (left[0] if len(left) == 1 else Any(left)) if left else None


def _share(
    pieces: list, weigh: "_Weigher", weights: dict, partial_weights: dict, share: float
) -> Coverage | None:
    """Courses holding what makes up at least `share` of the weight of all the pieces
    (terms, or a unit's vocabulary terms); a term in no course weighs most, so it
    cannot be made up for by common ones."""
    pieces = list(dict.fromkeys(pieces))
    if not pieces:
        return None
    total = sum(weight for condition, weight in pieces if isinstance(condition, Term))
    present = tuple(
        (condition, weight)
        for condition, weight in pieces
        if not isinstance(condition, Term) or weigh.found(condition)
    )
    if not present or sum(weight for _c, weight in present) < share * total:
        return None
    for condition, weight in present:
        if isinstance(condition, Term) and condition not in weights:
            partial_weights[condition] = weight * CHARACTER_WEIGHT
    return Coverage(present, share * total)


@dataclass(frozen=True)
class Lookup:
    """A term to look up in a column; `prefix` for the word being typed."""

    token: str
    column: str
    prefix: bool = False


def _tokens(tokens, column, prefix_last=False) -> list[Lookup]:
    tokens = [token for token in tokens if TOKEN.fullmatch(token)]
    return [
        Lookup(token, column, prefix=prefix_last and i == len(tokens) - 1)
        for i, token in enumerate(tokens)
    ]


def _typed_lookups(typed: "TypedPlan") -> list[list[Lookup]]:
    """What is being typed: the characters in titles, the last word or syllable
    unfinished (fuzzy pinyin, as searches compare it); each a list of lookups that
    must all hold."""
    alternatives = []
    if typed.terms:
        words = _tokens(typed.terms.words, "title", prefix_last=True)
        alternatives.append(_tokens(typed.terms.han, "title") + words)
    if typed.spelled:
        # Whole syllables typed so far and the start of the next:
        # `hanj` → hanj*, `guangfufad` → guanfu fufa fad*.
        syllables = [text.fuzzy(s) for s in typed.syllables]
        if typed.partial:
            tokens = [a + b for a, b in pairwise(syllables)]
            tokens.append((syllables[-1] if syllables else "") + text.fuzzy_start(typed.partial))
            alternatives.append(_tokens(tokens, "spell", prefix_last=True))
        else:
            pairs = [a + b for a, b in pairwise(syllables)] or syllables
            alternatives.append(_tokens(pairs, "spell"))
    if typed.initials:
        pairs = [a + b for a, b in pairwise(typed.initials)]
        alternatives.append(_tokens(pairs, "initials"))
    return [alternative for alternative in alternatives if alternative]


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

    def lookups(self) -> list[list[Lookup]]:
        return _typed_lookups(self)

    def rank(self, title: str, pinyin: str, initials: str, popularity: int) -> tuple:
        """Order of suggestions, the same on every backend: titles starting with what
        was typed (as characters, pinyin or initials), then titles containing it, then
        courses that only mention it; the popular first."""
        forms = []  # (the title in a form, what was typed in that form)
        if self.terms:
            forms.append(("".join(text.runs(title)), "".join(text.runs(self.text))))
        if self.spelled:
            typed = " ".join([*map(text.fuzzy, self.syllables), text.fuzzy_start(self.partial)])
            spelled = " ".join(text.fuzzy(s) for s in pinyin.split())
            forms.append((f" {spelled}", f" {typed.strip()}"))
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
    partial: bool = False

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "url": self.url,
            "summary": self.summary,
            "highlight": self.highlight,
            "academy": self.academy,
            "category": self.category,
            "hours": self.hours,
            "partial": self.partial,
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
    partial: int = 0  # how many of `total` are partial matches
    corrected: str = ""  # the pinyin searched for instead of what was typed

    def corrected_to(self, reading: str) -> "SearchResults":
        """These results, found for `reading`, one letter off what was typed: nothing
        matches what was typed, so they are all partial matches."""
        for hit in self.hits:
            hit.partial = True
        return replace(self, partial=self.total, corrected=reading)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class Suggestion:
    title: str
    url: str
