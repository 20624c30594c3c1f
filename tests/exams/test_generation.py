"""Rule-based papers: the counts asked for, no question twice, the same paper from the
same seed, and a clear refusal when the banks run short."""

import pytest

from exams.generation import draw, rule_shortfalls
from exams.models import Difficulty
from tests.exams.factories import make_bank, make_paper, make_question


@pytest.fixture
def banks(new_energy, hq):
    own = make_bank(new_energy, "光伏题库")
    shared = make_bank(hq, "安全生产公共题库", shared=True)
    for n in range(12):
        make_question(
            own,
            "single",
            points=["光伏发电"],
            difficulty=Difficulty.MEDIUM,
            stem=f"<p>单选 {n}</p>",
        )
    for n in range(6):
        make_question(
            own, "single", points=["光伏发电"], difficulty=Difficulty.HARD, stem=f"<p>难题 {n}</p>"
        )
    for n in range(8):
        make_question(shared, "multiple", points=["安全生产"], stem=f"<p>多选 {n}</p>")
    for n in range(5):
        make_question(shared, "true_false", points=["安全生产"], stem=f"<p>判断 {n}</p>")
    return own, shared


@pytest.fixture
def paper(new_energy, banks):
    own, shared = banks
    fixed = make_question(own, "fill", stem="<p>固定填空</p>")
    return make_paper(
        new_energy,
        fixed=[(fixed, 4)],
        rules=[
            {
                "banks": [own],
                "type": "single",
                "difficulty": Difficulty.HARD,
                "count": 3,
                "score": 2,
            },
            {"banks": [own, shared], "type": "single", "count": 10, "score": 1},
            {
                "banks": [shared],
                "type": "multiple",
                "knowledge_point": "安全生产",
                "count": 5,
                "score": 3,
            },
            {"banks": [shared], "type": "true_false", "count": 5, "score": 1},
        ],
        shuffle_questions=True,
    )


def test_counts_scores_and_no_duplicates(paper, banks):
    drawn = draw(paper, seed=12345)
    assert len(drawn) == 1 + 3 + 10 + 5 + 5
    ids = [d.question for d in drawn]
    assert len(set(ids)) == len(ids)
    assert sum(d.score for d in drawn) == 4 + 6 + 10 + 15 + 5
    from exams.models import Question

    hard = [d for d in drawn if d.score == 2]
    assert {Question.objects.get(pk=d.question).difficulty for d in hard} == {Difficulty.HARD}


def test_the_same_seed_gives_the_same_paper_and_options(paper):
    first, again = draw(paper, seed=987654321), draw(paper, seed=987654321)
    assert [d.as_json() for d in first] == [d.as_json() for d in again]
    others = {tuple(d.question for d in draw(paper, seed=seed)) for seed in range(20)}
    assert len(others) > 1, "different seeds should give different papers"


def test_options_are_shuffled_per_seed_and_keep_every_option(paper):
    orders = {
        tuple(d.options) for seed in range(10) for d in draw(paper, seed=seed) if d.score == 3
    }
    assert len(orders) > 1
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)


def test_no_duplicates_across_many_seeds_even_when_rules_overlap(paper):
    for seed in range(50):
        ids = [d.question for d in draw(paper, seed=seed)]
        assert len(ids) == len(set(ids)), seed


def test_a_rule_asking_for_more_than_the_banks_hold_is_named(new_energy, banks):
    own, _shared = banks
    paper = make_paper(
        new_energy, rules=[{"banks": [own], "type": "single", "count": 30, "score": 1}]
    )
    [problem] = rule_shortfalls(paper)
    assert "30" in problem and "18" in problem
