"""What the embedded index answers from, kept in this process per index version: the
courses' ranking and facet columns, and the posting lists of the terms searched for, as
bit sets over the courses (bit i: the i-th course by id).

A search then costs bit operations and a few string comparisons in the courses it finds,
not a statement grouping and scoring every course found: conditions are ANDs and ORs of
posting lists, facet counts are popcounts, and only the courses on the chosen filters are
scored. The database is asked only for what is not kept yet: the version (by primary key)
on every search, the courses once per version, and each term's posting list once.
Counts and pages are exact, as the database would give them."""

import heapq
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from search import text
from search.documents import FACETS
from search.query import TITLE_WEIGHT, All, Coverage, Lookup, QueryPlan, Term, phrase_points

# A field of a plan's term, the column of the index it is looked up in.
FIELD_COLUMNS = {"text": "body", "spell": "spell", "initials": "initials", "grams": "grams"}
# The facets' key columns, in the order of FACETS, and the label beside each (hours has none).
FACET_KEYS = ("academy_id", "category_id", "level", "mode", "hours_range")
FACET_LABELS = ("academy", "category", "level_label", "mode_label")
STRINGS = (
    "title_key", "people_key", "title_pinyin", "title_fuzzy", "people_fuzzy", "title_initials",
    "people_initials",
)  # fmt: skip
# What a snapshot reads of each course, in the order of its id; the publication as text,
# which sorts as the dates do on both databases (UTC, the same form throughout).
COLUMNS = ("id", *STRINGS, *FACET_KEYS, *FACET_LABELS, "popularity", "published")
ENTRIES = (
    f"SELECT {', '.join(COLUMNS[:-1])}, CAST(published_at AS TEXT)"
    " FROM search_searchentry ORDER BY id"
)
# Posting lists kept in a process, in bytes of their bit sets (a course a bit): about
# 13,000 terms at 10,000 courses, 1,300 at 100,000.
KEPT_BYTES = 16 * 2**20
_ONE = re.compile("1")


def ordinals(bits: int) -> list[int]:
    """The positions of the bits set, in order."""
    return [match.start() for match in _ONE.finditer(format(bits, "b")[::-1])]


def bitset(positions, size: int) -> int:
    data = bytearray(size // 8 + 1)
    for position in positions:
        data[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(data, "little")


def lookup_of(term: Term) -> Lookup:
    return Lookup(term.token, FIELD_COLUMNS[term.field])


def title_lookup(token: str) -> Lookup:
    return Lookup(token, "title")


def repeats_lookup(token: str) -> Lookup:
    return Lookup(token, "repeats")


def title_tokens(phrase: str) -> list[str]:
    """The title-column terms a title containing `phrase` holds: its Chinese
    characters and its Latin words, whole (ps is not in WPS). Not the characters'
    pairs: titles are compared without their punctuation (`title_key`), and a pair
    typed across it (职工心理健康:压力… → 康压) is in none."""
    runs = text.runs(phrase)
    return list(dict.fromkeys(c for run in runs for c in (run if text.is_han(run) else [run])))


def reading_gate(reading: tuple[str, ...]) -> list[Lookup]:
    """A title or name spelled with `reading` holds the pairs of its fuzzy syllables
    (`text.fuzzy_pairs`); a lone syllable is too common to be worth a gate."""
    keys = [text.fuzzy(s) for s in reading]
    return [Lookup(a + b, "spell") for a, b in pairwise(keys)]


def initials_gate(query_plan: QueryPlan) -> list[Lookup]:
    """Titles and names whose initials hold the query's hold its pairs of initials."""
    return [Lookup(pair, "initials") for pair in query_plan.initial_bigrams]


def lookups_of(query_plan: QueryPlan, partial: bool) -> list[Lookup]:
    """Every posting list a run of the plan reads: its terms, the title's characters
    and the pairs the spelling signals are gated on (see `Snapshot.scores`)."""
    found = [lookup_of(term) for term in query_plan.terms(partial)]
    found += [title_lookup(t) for t, _w in query_plan.titled(partial)]
    found += [repeats_lookup(t) for t, _w in query_plan.repeats()]
    for phrase, _weight in query_plan.phrases:
        found += map(title_lookup, title_tokens(phrase))
    for reading in query_plan.readings:
        found += reading_gate(reading)
    return list(dict.fromkeys([*found, *initials_gate(query_plan)]))


@dataclass
class Snapshot:
    """The index at one version, as searching reads it."""

    key: tuple
    ids: tuple[int, ...]
    position: dict[int, int]  # of each id
    strings: dict[str, tuple[str, ...]]
    popularity: tuple[int, ...]
    newest: tuple[int, ...]  # rank by publication, newest first, none last
    ties: tuple[int, ...]  # rank by title length, popularity ↓, publication ↓, id
    facets: list[dict[str, int]]  # per facet, each key's courses
    labels: dict[tuple[int, str], str]  # (facet, key): the least label of the key
    postings: dict[Lookup, int] = field(default_factory=dict)

    @classmethod
    def of(cls, key: tuple, rows: list[tuple]) -> "Snapshot":
        """From the rows of ENTRIES. Ties are broken by title length, popularity ↓,
        publication ↓ (none last), id."""
        size = len(rows)
        column = dict(zip(COLUMNS, zip(*rows, strict=True), strict=True)) if rows else {}
        published, popularity = column.get("published", ()), column.get("popularity", ())
        dates = sorted({date for date in published if date is not None}, reverse=True)
        rank = {date: n for n, date in enumerate(dates)}
        newest = tuple(len(dates) if date is None else rank[date] for date in published)
        titles, ids = column.get("title_key", ()), column.get("id", ())
        ties = [0] * size
        by_ties = zip(
            map(len, titles), map(operator.neg, popularity), newest, ids, range(size), strict=True
        )
        for n, row in enumerate(sorted(by_ties)):
            ties[row[-1]] = n
        facets = []
        for name in FACET_KEYS:
            members: dict[str, list[int]] = {}
            for i, value in enumerate(column.get(name, ())):
                members.setdefault(value, []).append(i)
            facets.append({value: bitset(found, size) for value, found in members.items()})
        labels: dict[tuple[int, str], str] = {}
        for p, name in enumerate(FACET_LABELS):
            pairs = set(zip(column.get(FACET_KEYS[p], ()), column.get(name, ()), strict=True))
            for value, label in sorted(pairs, reverse=True):  # the least label last
                labels[p, value] = label
        return cls(
            key=key,
            ids=ids,
            position={id_: n for n, id_ in enumerate(ids)},
            strings={name: column.get(name, ()) for name in STRINGS},
            popularity=popularity,
            newest=newest,
            ties=tuple(ties),
            facets=facets,
            labels=labels,
        )

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def every(self) -> int:
        return (1 << self.size) - 1

    def kept(self, lookups: Iterable[Lookup]) -> dict[Lookup, int]:
        """The posting lists of `lookups` already kept."""
        postings = self.postings  # replaced, never emptied, while others read it
        return {lookup: postings[lookup] for lookup in lookups if lookup in postings}

    def keep(self, found: dict[Lookup, list[int]]) -> dict[Lookup, int]:
        """Keep the posting lists read (ids; those of courses written since this version
        was read are left out, the next search reads the new version), and return them.
        Past KEPT_BYTES, what was kept is let go."""
        position = self.position
        read = {
            lookup: bitset((position[i] for i in ids if i in position), self.size)
            for lookup, ids in found.items()
        }
        if (len(self.postings) + len(read)) * (self.size // 8 + 1) > KEPT_BYTES:
            self.postings = {}
        self.postings.update(read)
        return read

    def held(self, condition, postings: dict[Lookup, int]) -> int:
        """The courses meeting a plan's condition, from the `postings` of its terms."""
        if isinstance(condition, Term):
            return postings[lookup_of(condition)]
        if isinstance(condition, Coverage):
            return self._covered(condition, postings)
        parts = [self.held(part, postings) for part in condition.parts]
        result = parts[0]
        for part in parts[1:]:
            result = result & part if isinstance(condition, All) else result | part
        return result

    def _covered(self, condition: Coverage, postings: dict[Lookup, int]) -> int:
        """Courses whose parts held weigh at least `need` (summed in the parts' order):
        the courses are split by the parts they hold, one part after another, a group
        settled once it reaches `need` or can no longer reach it."""
        if condition.need <= 0:
            return self.every
        parts = [(self.held(part, postings), weight) for part, weight in condition.weights]
        left = [sum(weight for _bits, weight in parts[n:]) for n in range(len(parts) + 1)]
        some = 0  # a course holding none of the parts weighs 0 < need
        for bits, _weight in parts:
            some |= bits
        groups, accepted = [(some, 0.0)], 0
        for n, (bits, weight) in enumerate(parts):
            split = []
            for courses, total in groups:
                for held, reached in ((courses & bits, total + weight), (courses & ~bits, total)):
                    if not held:
                        continue
                    if reached >= condition.need:
                        accepted |= held
                    elif reached + left[n + 1] >= condition.need - 1e-9:
                        split.append((held, reached))
            groups = split
        return accepted

    def scores(
        self, query_plan: QueryPlan, partial: bool, courses: list[int], postings: dict
    ) -> dict:
        """The plan's score of each of `courses`: the weight of the terms held, twice
        more in the title, a share more when named often; the query as (the start of)
        a title or a lecturer's name; its spelling. Titles and names are compared only
        in courses holding what a match needs (the gate's posting lists), not one by
        one."""
        score = dict.fromkeys(courses, 0.0)
        chosen = bitset(courses, self.size)
        strings = self.strings

        def add(bits: int, weight: float) -> None:
            for i in ordinals(bits & chosen):
                score[i] += weight

        def gated(gate: list[Lookup]) -> list[int]:
            bits = chosen
            for lookup in gate:
                bits &= postings[lookup]
            return ordinals(bits) if gate else courses

        def signal(gate: list[Lookup], column: str, value: str, points: float) -> None:
            values = strings[column]
            for i in gated(gate):
                if value in values[i]:
                    score[i] += points

        for term, weight in query_plan.scored(partial):
            add(postings[lookup_of(term)], weight)
        for token, weight in query_plan.repeats():
            add(postings[repeats_lookup(token)], weight)
        for token, weight in query_plan.titled(partial):
            add(postings[title_lookup(token)], TITLE_WEIGHT * weight)
        titles = strings["title_key"]
        for phrase, weight in query_plan.phrases:
            within, start, whole = phrase_points(phrase, weight)
            for i in gated([title_lookup(t) for t in title_tokens(phrase)]):
                title = titles[i]
                if phrase in title:
                    starts, same = title.startswith(phrase), title == phrase
                    score[i] += within + start * starts + whole * same
            signal([], "people_key", f"|{phrase}|", 12 * weight)
        for reading in query_plan.readings:
            fuzzy = " ".join(text.fuzzy(s) for s in reading)
            gate = reading_gate(reading)
            signal(gate, "title_fuzzy", f" {fuzzy} ", 8)
            signal(gate, "title_pinyin", f" {' '.join(reading)} ", 2)
            signal(gate, "people_fuzzy", f"|{fuzzy}|", 10)
        if query_plan.initials:
            letters, gate = "".join(query_plan.initials), initials_gate(query_plan)
            signal(gate, "title_initials", letters, 6)
            signal(gate, "people_initials", letters, 4)
        return score

    def counted(self, found: int, strict: int, chosen: dict[int, str]):
        """The courses passing every chosen filter, how many of them are strict
        matches, and each facet's counts by key: a facet's values are counted among
        the courses found meeting every chosen filter but its own."""
        facets = self.facets

        def passing(but: int | None = None) -> int:
            bits = found
            for p, value in chosen.items():
                if p != but:
                    bits &= facets[p].get(value, 0)
            return bits

        passed = passing()
        counts = []
        for p in range(len(FACETS)):
            base = passing(p) if p in chosen else passed
            counts.append(
                {key: n for key, bits in facets[p].items() if (n := (base & bits).bit_count())}
            )
        return passed, (passed & strict).bit_count(), counts

    def page(self, courses: list[int], tiers: tuple[int, ...], score: dict, sort: str, end: int):
        """The first `end` of `courses` in the order of `sort`, the courses in each of
        `tiers` (strict matches, then the closer partial ones) before the others."""
        ties, newest, popularity, ids = self.ties, self.newest, self.popularity, self.ids

        def order(i: int) -> tuple:
            first = tuple(-((bits >> i) & 1) for bits in tiers)
            if sort == "newest":
                return *first, newest[i], -score[i], ids[i]
            if sort == "popular":
                return *first, -popularity[i], -score[i], ids[i]
            return *first, -score[i], ties[i]

        return heapq.nsmallest(end, courses, key=order)
