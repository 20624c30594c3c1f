"""Marking what matched, as HTML with <mark>: every term of every query variant, and
the characters a pinyin or initials query spelled (`hanjie` spelled 焊接): both
backends use this."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search import text
from search.query import QueryPlan

SNIPPET_LENGTH = 80


def _occurrences(haystack: str, needle: str) -> list[tuple[int, int]]:
    spans, start = [], haystack.find(needle)
    while needle and start >= 0:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + 1)
    return spans


def _spelled(source: str, plan: QueryPlan, initials: bool) -> list[tuple[int, int]]:
    sequences = [(tuple(map(text.fuzzy, reading)), False) for reading in plan.readings]
    if initials:
        # Pairs of initials, as they are matched: gfd marks 光伏 and 发电 of 光伏发电.
        sequences += [(tuple(pair), True) for pair in plan.initial_bigrams]
    if not sequences:
        return []
    chars = text.syllable_spans(source)
    # Each character's fuzzy syllable and initial, once, and where a run of
    # neighbouring characters ends; then each sequence compared at each start.
    keys = {False: [text.fuzzy(s) for _start, _end, s in chars], True: [s[0] for *_, s in chars]}
    run_end, end = [0] * len(chars), len(chars)
    for i in reversed(range(len(chars))):
        if i + 1 < len(chars) and chars[i + 1][0] != chars[i][1]:
            end = i + 1
        run_end[i] = end
    spans = []
    for sequence, by_initials in sequences:
        width, spelled = len(sequence), keys[by_initials]
        for i in range(len(chars) - width + 1):
            if (
                spelled[i] == sequence[0]
                and i + width <= run_end[i]
                and tuple(spelled[i : i + width]) == sequence
            ):
                spans.append((chars[i][0], chars[i + width - 1][1]))
    return spans


def match_spans(source: str, plan: QueryPlan, *, initials: bool = True) -> list[tuple[int, int]]:
    """Merged (start, end) spans of `source` that the query matched, its words or
    their pinyin (and initials, which only titles are matched by)."""
    lowered = source.lower()
    if len(lowered) != len(source):
        lowered = source
    spans = []
    for term in plan.marks:
        spans.extend(_occurrences(lowered, term))
    spans.extend(_spelled(source, plan, initials))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def render(source: str, spans) -> SafeString:
    parts, position = [], 0
    for start, end in spans:
        parts.append(escape(source[position:start]))
        parts.append(f"<mark>{escape(source[start:end])}</mark>")
        position = end
    parts.append(escape(source[position:]))
    return mark_safe("".join(parts))


def snippet(source: str, spans, length: int = SNIPPET_LENGTH) -> SafeString:
    """The part of a long text around its first match, marked."""
    if not spans or len(source) <= length:
        return render(source[:length], [s for s in spans if s[1] <= length])
    first = spans[0][0]
    start = max(0, min(first - length // 4, len(source) - length))
    end = start + length
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    html = render(source[start:end], inside)
    return mark_safe(("…" if start else "") + html + ("…" if end < len(source) else ""))


def highlight_title(title: str, plan: QueryPlan) -> SafeString:
    return render(title, match_spans(title, plan))


def highlight_text(texts, plan: QueryPlan) -> SafeString:
    """A snippet of the first text with a match (summary, description, lessons …),
    or the first text when none matched."""
    texts = [t for t in texts if t]
    for candidate in texts:
        spans = match_spans(candidate, plan, initials=False)
        if spans:
            return snippet(candidate, spans)
    return snippet(texts[0], []) if texts else mark_safe("")
