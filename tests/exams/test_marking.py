"""Marking each type of question, and refusing answers that cannot be saved."""

from decimal import Decimal

import pytest

from exams.marking import answer_key_errors, mark, normalise, response_error

TWO = Decimal(2)


def marked(qtype, answer, response, *, loose=True, partial=True):
    result = mark(qtype, answer=answer, response=response, score=TWO, loose=loose, partial=partial)
    return result.correct, result.score


def test_single_choice():
    assert marked("single", [1], [1]) == (True, TWO)
    assert marked("single", [1], [2]) == (False, 0)
    assert marked("single", [1], []) == (False, 0)


def test_multiple_choice_exact_partial_and_wrong():
    assert marked("multiple", [0, 1, 3], [3, 1, 0]) == (True, TWO)
    assert marked("multiple", [0, 1, 3], [0, 1]) == (False, Decimal(1))
    assert marked("multiple", [0, 1, 3], [0, 1], partial=False) == (False, 0)
    assert marked("multiple", [0, 1, 3], [0, 2]) == (False, 0)
    assert marked("multiple", [0, 1, 3], [0, 1, 2, 3]) == (False, 0)


def test_true_false():
    assert marked("true_false", [False], [False]) == (True, TWO)
    assert marked("true_false", [False], [True]) == (False, 0)


def test_fill_in_blanks_each_blank_earns_its_share():
    answer = [["电压"], ["5", "五"]]
    assert marked("fill", answer, ["电压", "五"]) == (True, TWO)
    assert marked("fill", answer, ["电流", "5"]) == (False, Decimal(1))
    assert marked("fill", answer, ["", ""]) == (False, 0)


def test_fill_in_loose_matching_ignores_case_width_and_spaces():
    answer = [["ABC kV"]]
    assert marked("fill", answer, ["ａｂｃ  ｋｖ"])[0] is True
    assert marked("fill", answer, [" abc kv "], loose=False)[0] is False
    assert marked("fill", answer, [" ABC  kV "], loose=False)[0] is True
    assert normalise("ＡＢＣ", loose=True) == "abc"


def test_short_answers_wait_for_a_person():
    assert marked("short", [], ["先断开直流侧"]) == (None, None)


@pytest.mark.parametrize(
    ("qtype", "options", "answer"),
    [
        ("single", ["a", "b"], [0, 1]),
        ("single", ["a", "b"], [5]),
        ("single", ["a"], [0]),
        ("multiple", ["a", "b", "c"], [0]),
        ("multiple", ["a", "b", "c"], [0, 0]),
        ("true_false", [], ["对"]),
        ("fill", [], [[]]),
        ("fill", [], []),
        ("short", [], ["x"]),
        ("single", ["a", "b"], [True]),
    ],
)
def test_bad_answer_keys_are_named(qtype, options, answer):
    assert answer_key_errors(qtype, options, answer)


@pytest.mark.parametrize(
    ("qtype", "response"),
    [
        ("single", [0, 1]),
        ("single", [9]),
        ("single", ["0"]),
        ("multiple", [1, 1]),
        ("true_false", [1]),
        ("fill", ["only one"]),
        ("fill", ["a\x00", "b"]),
        ("short", ["x" * 5001]),
        ("short", "not a list"),
    ],
)
def test_responses_that_cannot_be_saved(qtype, response):
    assert response_error(qtype, option_count=4, blanks=2, response=response)


def test_an_empty_response_clears_the_answer():
    assert response_error("single", option_count=4, blanks=0, response=[]) is None
