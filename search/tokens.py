"""The tokens of a course document, per kind, as both backends index them (the
embedded one in its full-text columns, Elasticsearch as keywords and normalised
texts): what the terms of a query plan are looked up in."""

from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

from search import text

# How many times a course's own texts name a term (its term frequency), in steps: a
# term named twice or more is kept as one token of the highest level it reaches (both
# backends hold sets of terms).
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
    """The token of a term named `level` times or more, up to the next level (焊3: three
    times). The level is one digit, the last: two terms never give the same token."""
    return f"{token}{level}"


def _repeats(cut: Iterable[list[str]]) -> list[str]:
    """The repeats tokens of texts cut into their tokens."""
    counts = Counter(token for tokens in cut for token in tokens)
    return [
        repeated(token, max(level for level in REPEAT_LEVELS if count >= level))
        for token, count in counts.items()
        if count >= REPEAT_LEVELS[0]
    ]


def columns(doc) -> dict[str, list[str]]:
    """title: characters, bigrams and Latin words of the title; body: of every text;
    spell: fuzzy pinyin of the title, lecturers, summary, tags and lessons; initials:
    pairs of initials of the title and lecturers; grams: pieces of Latin words;
    repeats: the terms the course's own texts (title, summary, description, lessons)
    name two times or more, at the highest of REPEAT_LEVELS reached."""
    every = [value for value in texts(doc) if value]
    cut = {value: text.index_tokens(value) for value in every}  # each text cut once
    own = [doc.title, doc.summary, doc.description, *doc.lessons]
    return {
        "title": cut.get(doc.title, []),
        "spell": _spelling([doc.title, *doc.lecturers, doc.summary, *doc.tags, *doc.lessons]),
        "initials": _initial_pairs([doc.title, *doc.lecturers]),
        "body": list(dict.fromkeys(t for value in every for t in cut[value])),
        "grams": text.latin_grams(" ".join(every)),
        "repeats": _repeats(cut[value] for value in own if value),
    }
