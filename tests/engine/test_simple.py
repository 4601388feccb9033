"""Choice and numeric grading."""

from __future__ import annotations

import pytest

from engine.kinds.choice import Option, grade_choice
from engine.kinds.numeric import grade_numeric, parse_number


def Choice(id: str, correct: bool, explanation: str) -> Option:
    return Option(id=id, text=id.upper(), correct=correct, explanation=explanation)


OPTIONS = [
    Choice("a", True, "A is right"),
    Choice("b", False, "B is wrong"),
    Choice("c", True, "C too"),
]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2.5", 2.5),
        ("-1e-3", -0.001),
        ("5/2", 2.5),
        ("40%", 0.4),
        ("1,000", 1000.0),
        ("−3", -3.0),
        (".5", 0.5),
        ("abc", None),
        ("1/0", None),
        ("", None),
        ("1e999", None),
        ("nan", None),
        ("2**10", None),
        ("9" * 100, None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_choice_exact_set() -> None:
    assert grade_choice(["a", "c"], OPTIONS, multiple=True).correct
    partial = grade_choice(["a"], OPTIONS, multiple=True)
    assert partial.status == "partial" and partial.score == pytest.approx(0.5)
    assert "missed-option" in partial.codes()
    wrong = grade_choice(["a", "b"], OPTIONS, multiple=True)
    assert wrong.score == 0 and not wrong.correct
    assert "B is wrong" in [f.message for f in wrong.feedback]


def test_choice_single_and_invalid() -> None:
    single = [Choice("a", False, "no"), Choice("b", True, "yes")]
    assert grade_choice(["b"], single, multiple=False).correct
    assert grade_choice(["a"], single, multiple=False).score == 0
    assert grade_choice(["a", "b"], single, multiple=False).status == "invalid"
    assert grade_choice(["z"], single, multiple=False).status == "invalid"
    assert grade_choice([], single, multiple=False).status == "invalid"


@pytest.mark.parametrize(
    ("answer", "correct", "code"),
    [
        ("2.5", True, "correct"),
        ("2.5024", True, "correct"),
        ("5/2", True, "correct"),
        ("2.6", False, "wrong-value"),
        ("-2.5", False, "wrong-sign"),
        ("5", False, "factor"),
        ("1.25", False, "factor"),
    ],
)
def test_numeric_tolerance_and_mistakes(answer: str, correct: bool, code: str) -> None:
    verdict = grade_numeric(answer, 2.5, abs_tol=1e-6, rel_tol=1e-3, explanation="because")
    assert verdict.correct is correct
    assert code in verdict.codes()


def test_numeric_absolute_tolerance_near_zero() -> None:
    assert grade_numeric("0.00001", 0.0, abs_tol=1e-4, rel_tol=0.01, explanation="").correct
    assert not grade_numeric("0.01", 0.0, abs_tol=1e-4, rel_tol=0.01, explanation="").correct


def test_numeric_rejects_non_numbers() -> None:
    assert grade_numeric("two", 2.0, abs_tol=0, rel_tol=0, explanation="").status == "invalid"
