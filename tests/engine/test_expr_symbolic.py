"""The exact rational-function proof behind "proved symbolically"."""

from __future__ import annotations

import time

import pytest

from engine.expr import Problem, VarSpec, grade_expression, parse
from engine.expr.symbolic import prove_equal


def proved(a: str, b: str) -> bool:
    return prove_equal(parse(a).node, parse(b).node)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("(x-1)*(x^2+x+1)", "x^3-1"),
        ("1/n - 1/(n+1)", "1/(n*(n+1))"),
        ("x - 1", "(x^2-1)/(x+1)"),
        ("(a+b)^-2", "1/(a^2 + 2*a*b + b^2)"),
        ("(1 - b1)*(b1^2*g1 + b1*g2 + g3)", "(1-b1)*g3 + b1*(1-b1)*g2 + b1^2*(1-b1)*g1"),
        ("x/2 + x/3", "5*x/6"),
        ("-(a - b)", "b - a"),
        ("1/(1/x)", "x"),
    ],
)
def test_identities_are_proved(a: str, b: str) -> None:
    assert proved(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("x", "x + 1"),
        ("(x+1)^2", "x^2 + 1"),
        ("1/n - 1/(n+1)", "1/(n*(n-1))"),
        ("x/2 + x/3", "x/5"),
        ("1/(x - x)", "1"),  # division by the zero polynomial proves nothing
        ("sqrt(x)^2", "x"),  # not a rational function: left to sampling
        ("0.5*x", "x/2"),  # a decimal stands for a double, never proved exact
    ],
)
def test_non_identities_and_out_of_scope_are_not_proved(a: str, b: str) -> None:
    assert not proved(a, b)


def test_blow_up_is_refused_quickly() -> None:
    start = time.perf_counter()
    assert not proved("((x+y+z+w)^8)^8", "((w+x+y+z)^8)^8 + 1")
    assert time.perf_counter() - start < 0.5


def test_grader_reports_the_proof() -> None:
    problem = Problem.build(expected="x^3 - 1", variables={"x": VarSpec()})
    verdict = grade_expression("(x-1)*(x^2+x+1)", problem)
    assert verdict.status == "correct"
    assert verdict.to_dict()["method"] == "symbolic"
