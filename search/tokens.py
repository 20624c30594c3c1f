"""The tokens of a course document, per kind, as both backends index them (the
embedded one in its full-text columns, Elasticsearch as keywords and normalised
texts): what the terms of a query plan are looked up in."""

from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

from search import text

# How many times a course's own texts name a term, counted in steps (its term frequency,
# kept as tokens: both backends hold sets of terms).
REPEAT_LEVELS = (2, 3, 4, 6, 8)


def texts(doc) -> list[str]:
    """Every text of a course that a search looks in."""
    return [
        doc.title,
        doc.summary,
        doc.description,
        *doc.lessons,
        *doc.lecturers,
        *doc.honours,
        doc.academy,
        doc.training_base,
        doc.category,
        *doc.tags,
    ]


def key(value: str) -> str:
    """A text as titles and names are compared: normalised, without spaces or
    punctuation (职工心理健康:压力与情绪调适 → 职工心理健康压力与情绪调适)."""
    return "".join(text.runs(value))


def _spelling(values: Iterable[str]) -> list[str]:
    tokens = []
    for value in values:
        tokens.extend(text.fuzzy_pairs(text.pinyin(value)))
    return list(dict.fromkeys(tokens))


def _initial_pairs(names: Iterable[str]) -> list[str]:
    return [a + b for name in names for a, b in pairwise(text.initials(name))]


def repeated(token: str, level: int) -> str:
    """The token of a term named at least `level` times (焊3). The level is one digit,
    the last: two terms never give the same token."""
    return f"{token}{level}"


def _repeats(values: Iterable[str]) -> list[str]:
    counts = Counter(token for value in values for token in text.index_tokens(value))
    return [
        repeated(token, level)
        for token, count in counts.items()
        for level in REPEAT_LEVELS
        if count >= level
    ]


def columns(doc) -> dict[str, list[str]]:
    """title: characters, bigrams and Latin words of the title; body: of every text;
    spell: fuzzy pinyin of the title, lecturers, summary, tags and lessons; initials:
    pairs of initials of the title and lecturers; grams: pieces of Latin words;
    repeats: the terms the course's own texts (title, summary, description, lessons)
    name two times or more, at each of REPEAT_LEVELS reached."""
    every = [value for value in texts(doc) if value]
    return {
        "title": text.index_tokens(doc.title),
        "spell": _spelling([doc.title, *doc.lecturers, doc.summary, *doc.tags, *doc.lessons]),
        "initials": _initial_pairs([doc.title, *doc.lecturers]),
        "body": list(dict.fromkeys(t for value in every for t in text.index_tokens(value))),
        "grams": text.latin_grams(" ".join(every)),
        "repeats": _repeats([doc.title, doc.summary, doc.description, *doc.lessons]),
    }
