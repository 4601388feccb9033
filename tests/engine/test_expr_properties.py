"""Property tests: random polynomial and rational expressions.

Expressions are our own small trees; each is rendered to ASCII text for the grader, and its
SymPy form is built node by node from the same tree (never by parsing text), so SymPy is an
independent oracle: its expansion must be judged equivalent, ``e + 1`` must not be, and
``3*(e)`` must be named a constant-factor mistake.
"""

from __future__ import annotations

from typing import Any

import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.expr import Problem, grade_expression

NAMES = ("a", "b", "c", "x")
SYMBOLS = {name: sympy.Symbol(name) for name in NAMES}
MAX_TEXT = 600  # keep the expanded forms well inside the grader's input bounds

Tree = tuple[Any, ...]

LEAVES = st.one_of(
    st.sampled_from(NAMES).map(lambda name: ("name", name)),
    st.integers(-4, 5).map(lambda k: ("num", k)),
)


def _extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    return st.one_of(
        st.tuples(st.sampled_from(["+", "-", "*"]), children, children),
        st.tuples(st.just("/"), children, children),
        st.tuples(st.just("^"), children, st.integers(2, 3)),
        st.tuples(st.just("neg"), children),
    )


TREES = st.recursive(LEAVES, _extend, max_leaves=7)


def render(tree: Tree) -> str:
    match tree:
        case ("name", name):
            return name
        case ("num", k):
            return str(k) if k >= 0 else f"({k})"
        case ("neg", arg):
            return f"(-{render(arg)})"
        case ("^", base, k):
            return f"({render(base)})^{k}"
        case (op, left, right):
            return f"({render(left)} {op} {render(right)})"
    raise AssertionError(tree)


class ZeroDivision(Exception):
    pass


def to_sympy(tree: Tree) -> sympy.Expr:
    match tree:
        case ("name", name):
            return SYMBOLS[name]
        case ("num", k):
            return sympy.Integer(k)
        case ("neg", arg):
            return -to_sympy(arg)
        case ("^", base, k):
            return sympy.Pow(to_sympy(base), k)
        case ("+", left, right):
            return to_sympy(left) + to_sympy(right)
        case ("-", left, right):
            return to_sympy(left) - to_sympy(right)
        case ("*", left, right):
            return to_sympy(left) * to_sympy(right)
        case ("/", left, right):
            denominator = to_sympy(right)
            if sympy.cancel(denominator) == 0:
                raise ZeroDivision
            return to_sympy(left) / denominator
    raise AssertionError(tree)


def sympy_text(expr: sympy.Expr) -> str:
    return str(expr).replace("**", "^")


def _usable(tree: Tree) -> sympy.Expr:
    try:
        expr = to_sympy(tree)
    except ZeroDivision:
        assume(False)
        raise
    assume(expr.is_finite is not False and not expr.has(sympy.zoo, sympy.nan))
    assume(len(render(tree)) < MAX_TEXT)
    return expr


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


@SETTINGS
@given(TREES)
def test_expansion_is_equivalent(tree: Tree) -> None:
    expr = _usable(tree)
    expanded = sympy_text(sympy.expand(expr))
    assume(len(expanded) < MAX_TEXT)
    text = render(tree)
    verdict = grade_expression(expanded, Problem.build(expected=text))
    assert verdict.status == "correct", (text, expanded, verdict.to_dict())
    back = grade_expression(text, Problem.build(expected=expanded))
    assert back.status == "correct", (expanded, text, back.to_dict())


@SETTINGS
@given(TREES)
def test_plus_one_is_not_equivalent(tree: Tree) -> None:
    _usable(tree)
    text = render(tree)
    verdict = grade_expression(f"{text} + 1", Problem.build(expected=text))
    assert verdict.status == "incorrect", (text, verdict.to_dict())
    assert not verdict.correct


@SETTINGS
@given(TREES)
def test_scalar_multiple_is_a_factor_mistake(tree: Tree) -> None:
    expr = _usable(tree)
    assume(sympy.cancel(expr) != 0)
    text = render(tree)
    verdict = grade_expression(f"3*{text}", Problem.build(expected=text))
    assert verdict.status == "incorrect", (text, verdict.to_dict())
    assert verdict.codes()[0] == "factor", (text, verdict.to_dict())
    assert "3 ×" in verdict.feedback[0].message


def test_renderer_and_oracle_agree_on_an_example() -> None:
    tree: Tree = ("*", ("+", ("name", "a"), ("num", 1)), ("-", ("name", "a"), ("num", 1)))
    assert render(tree) == "((a + 1) * (a - 1))"
    assert sympy_text(sympy.expand(to_sympy(tree))) == "a^2 - 1"
