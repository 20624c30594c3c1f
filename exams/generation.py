"""Drawing a candidate's paper from a seed: the same seed and banks give the same paper,
question for question and option for option."""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from exams.models import CHOICE_TYPES, Paper, Question

SEED_BITS = 62  # fits a signed 64-bit column


class PaperShortOfQuestions(Exception):
    """A rule asks for more questions than its banks hold."""


@dataclass(frozen=True)
class DrawnQuestion:
    question: int
    score: Decimal
    options: list[int]

    def as_json(self) -> dict:
        return {"question": self.question, "score": str(self.score), "options": self.options}


def new_seed() -> int:
    return random.SystemRandom().getrandbits(SEED_BITS)


def _candidates(rule, taken: set[int]) -> list[int]:
    questions = Question.objects.filter(bank__in=rule.banks.all(), type=rule.type)
    if rule.knowledge_point:
        questions = questions.filter(knowledge_points__name=rule.knowledge_point)
    if rule.difficulty:
        questions = questions.filter(difficulty=rule.difficulty)
    # Sorted ids: the draw depends on the seed and the banks, not on the database's order.
    return sorted(set(questions.values_list("pk", flat=True)) - taken)


def rule_shortfalls(paper: Paper) -> list[str]:
    """Rules that cannot be met by their banks, in words (empty: the paper can be drawn)."""
    problems, taken = [], {fixed.question_id for fixed in paper.fixed_questions.all()}
    for number, rule in enumerate(paper.rules.all(), start=1):
        found = _candidates(rule, taken)
        if len(found) < rule.count:
            problems.append(
                _("Rule %(number)s asks for %(count)s questions; its banks hold %(found)s.")
                % {"number": number, "count": rule.count, "found": len(found)}
            )
        taken.update(found[: rule.count])
    return problems


def draw(paper: Paper, seed: int) -> list[DrawnQuestion]:
    """The paper for `seed`: its fixed questions, then each rule's draw (no question twice),
    shuffled and with shuffled options as the paper says."""
    rng = random.Random(seed)
    chosen: list[tuple[Question | int, Decimal]] = [
        (fixed.question_id, fixed.score) for fixed in paper.fixed_questions.all()
    ]
    taken = {question for question, _score in chosen}
    for rule in paper.rules.all():
        candidates = _candidates(rule, taken)
        if len(candidates) < rule.count:
            raise PaperShortOfQuestions(rule_shortfalls(paper))
        picked = rng.sample(candidates, rule.count)
        taken.update(picked)
        chosen.extend((pk, rule.score) for pk in picked)
    if paper.shuffle_questions:
        rng.shuffle(chosen)
    facts = {
        row["pk"]: row
        for row in Question.objects.filter(pk__in=taken).values("pk", "type", "options")
    }
    drawn = []
    for pk, score in chosen:
        order = list(range(len(facts[pk]["options"])))
        if paper.shuffle_options and facts[pk]["type"] in CHOICE_TYPES:
            rng.shuffle(order)
        drawn.append(DrawnQuestion(pk, score, order))
    return drawn
