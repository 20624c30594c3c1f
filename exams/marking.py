"""Marking objective questions, and checking answer keys and responses. Pure functions:
no database, so the rules are easy to test and the same everywhere.

A response is a list: option indexes (single, multiple), ``[true]``/``[false]``
(true/false), one text per blank (fill-in), ``[text]`` (short answer).
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from exams.models import OPTION_LETTERS, QuestionType

MAX_TEXT = 5000


@dataclass(frozen=True)
class Mark:
    correct: bool | None  # None: a person marks it
    score: Decimal | None


def _half(score: Decimal) -> Decimal:
    return (score / 2).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _is_verdict(value) -> bool:
    """``[true]`` or ``[false]`` — not ``[1]``, which Python holds equal to ``[True]``."""
    return isinstance(value, list) and len(value) == 1 and isinstance(value[0], bool)


def normalise(text: str, *, loose: bool) -> str:
    """Blanks compare without surrounding or repeated spaces; loosely also without case
    and full/half width (ＡＢＣ = abc), as typed on a Chinese phone keyboard."""
    text = re.sub(r"\s+", " ", text).strip()
    if loose:
        text = unicodedata.normalize("NFKC", text).casefold()
    return text


def answer_key_errors(qtype: str, options: list, answer: list) -> list[str]:
    """What is wrong with a question's options and answer key (empty: nothing)."""
    errors = []
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        return [_("Options must be a list of texts.")]
    if not isinstance(answer, list):
        return [_("The answer must be a list.")]
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if not 2 <= len(options) <= len(OPTION_LETTERS):
            errors.append(_("A choice question needs 2 to 6 options."))
        if any(not option.strip() for option in options):
            errors.append(_("An option is empty."))
        indexes = [a for a in answer if isinstance(a, int) and not isinstance(a, bool)]
        if len(indexes) != len(answer) or any(not 0 <= a < len(options) for a in indexes):
            errors.append(_("The answer names an option that does not exist."))
        elif len(set(indexes)) != len(indexes):
            errors.append(_("The answer names an option twice."))
        elif qtype == QuestionType.SINGLE and len(indexes) != 1:
            errors.append(_("A single-choice question has exactly one right option."))
        elif qtype == QuestionType.MULTIPLE and len(indexes) < 2:
            errors.append(_("A multiple-choice question has at least two right options."))
    elif qtype == QuestionType.TRUE_FALSE:
        if not _is_verdict(answer):
            errors.append(_("A true/false answer is 对 or 错."))
    elif qtype == QuestionType.FILL:
        if not answer or not all(
            isinstance(blank, list)
            and blank
            and all(isinstance(a, str) and a.strip() for a in blank)
            for blank in answer
        ):
            errors.append(_("Each blank needs at least one accepted answer."))
    elif qtype == QuestionType.SHORT:
        if answer:
            errors.append(_("A short answer is marked by a person: give a reference answer."))
    else:
        errors.append(_("Unknown question type."))
    return errors


def response_error(qtype: str, *, option_count: int, blanks: int, response) -> str | None:
    """Why a candidate's response cannot be saved (None: it can). An empty list is a
    cleared answer."""
    if not isinstance(response, list):
        return _("The answer must be a list.")
    if not response:
        return None
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in response):
            return _("Choose options by their number.")
        if any(not 0 <= a < option_count for a in response) or len(set(response)) != len(response):
            return _("That option does not exist.")
        if qtype == QuestionType.SINGLE and len(response) != 1:
            return _("Choose one option.")
    elif qtype == QuestionType.TRUE_FALSE:
        if not _is_verdict(response):
            return _("Answer true or false.")
    elif qtype == QuestionType.FILL:
        if len(response) != blanks or not all(isinstance(a, str) for a in response):
            return _("Fill in every blank (an empty text for a blank left out).")
        if any(len(a) > 200 or "\x00" in a for a in response):
            return _("An answer is too long or holds characters that cannot be saved.")
    elif qtype == QuestionType.SHORT:
        if len(response) != 1 or not isinstance(response[0], str):
            return _("Write the answer as one text.")
        if len(response[0]) > MAX_TEXT or "\x00" in response[0]:
            return _(
                "The answer is longer than 5,000 characters or holds characters that "
                "cannot be saved."
            )
    return None


def mark(
    qtype: str, *, answer: list, response: list, score: Decimal, loose: bool, partial: bool
) -> Mark:
    """Mark one response. Multiple choice: exact earns the score; with `partial`, some
    right options and no wrong one earn half. Fill-in: each blank earns its share."""
    if qtype == QuestionType.SHORT:
        return Mark(None, None)
    if not response:
        return Mark(False, Decimal(0))
    if qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        right = response == answer
        return Mark(right, score if right else Decimal(0))
    if qtype == QuestionType.MULTIPLE:
        given, key = set(response), set(answer)
        if given == key:
            return Mark(True, score)
        if partial and given < key:
            return Mark(False, _half(score))
        return Mark(False, Decimal(0))
    if qtype == QuestionType.FILL:
        right = sum(
            1
            for given, accepted in zip(response, answer, strict=False)
            if normalise(given, loose=loose) in {normalise(a, loose=loose) for a in accepted}
        )
        earned = (score * right / len(answer)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return Mark(right == len(answer), earned)
    raise ValueError(qtype)
