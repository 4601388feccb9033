"""Settling, in 40-digit arithmetic, a scalar comparison that float64 leaves open."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

import mpmath
import numpy as np

from engine.expr import ast as A
from engine.expr import precise
from engine.expr.comparison import MIN_DEFINED_SHARE, Comparison
from engine.expr.errors import EvalError
from engine.expr.rounds import Round

PRECISE_RTOL = mpmath.mpf("1e-25")
# Decimal literals are IEEE doubles; results within two units of roundoff are equal.
FLOAT_LITERAL_RTOL = mpmath.mpf(2) ** -52
PRECISE_BUDGET_S = 0.25  # wall-clock budget of the 40-digit pass
# Agreement to within a few dozen units of roundoff on ordinary numbers (no decimals, big
# literals, factorials or literal powers) settles equality: two different formulas built from
# small literals do not agree that closely at every random and lattice point.
CONCLUSIVE_RTOL = 1e-14
BIG_LITERAL = 2**24  # literals this large (or decimals, factorials) need the 40-digit check
PRECISE_POINTS = 4
PreciseFn = Callable[[precise.Point], precise.Real]


def worth_precise(result: Comparison, target: A.Node, answer: A.Node) -> bool:
    """Is float64 inconclusive here? Then settle it in 40 digits."""
    if result.reason == "undefined":
        return True  # float64 may have overflowed where 40 digits do not
    relative = float(result.details.get("relative", 1.0))
    if not result.equal:
        return relative < 1e-4
    # equal in float64: conclusive unless the numbers are beyond what a double resolves
    return (
        relative > CONCLUSIVE_RTOL
        or bool(result.details.get("absorbed"))  # x^50 + 1 and x^50 agree in float64 only
        or _beyond_double(target, answer)
    )


def _beyond_double(target: A.Node, answer: A.Node) -> bool:
    """Literals that float64 cannot tell apart from their neighbours: decimals, big
    integers, factorials, constant powers (99999999/10^8 against 99999998/99999999), and
    formulas without variables, whose single value is cheap to settle exactly."""
    names = False
    for tree in (target, answer):
        for n in A.walk(tree):
            if isinstance(n, A.Num) and (
                "." in n.text or "e" in n.text.lower() or abs(n.value) >= BIG_LITERAL
            ):
                return True
            if isinstance(n, A.Call) and n.func in ("factorial", "binomial"):
                return True
            if isinstance(n, A.Bin) and n.op == "^" and not A.names_in(n):
                return True
            names = names or isinstance(n, A.Name)
    return not names


def has_float_literal(*trees: A.Node) -> bool:
    """Does a tree have a decimal literal (``0.1``, ``1e-3``)?"""
    return any(
        isinstance(n, A.Num) and ("." in n.text or "e" in n.text.lower())
        for tree in trees
        for n in A.walk(tree)
    )


def _order(rnd: Round, result: Comparison) -> list[int]:
    """Points the float pass could not settle (overflow?) first, then ones where it could."""
    focus = [k for _, k in result.details.get("undefined_at", [])][:PRECISE_POINTS]
    answer_values = result.answer[0] if result.answer else None
    settled = [
        k
        for k in range(rnd.batch)
        if k not in focus and (answer_values is None or bool(np.isfinite(answer_values[k]).all()))
    ]
    return focus + settled[:PRECISE_POINTS]


def settle(
    rounds: list[Round],
    answer: A.Node,
    result: Comparison,
    target: PreciseFn,
    *,
    float_literals: bool,
    strict_domain: bool,
) -> Comparison | None:
    """Settle a scalar comparison in 40-digit arithmetic; None when it cannot."""
    if not rounds:
        return None
    rnd = rounds[0]
    rtol = FLOAT_LITERAL_RTOL if float_literals else PRECISE_RTOL
    checked = skipped = 0
    first_undefined = ""
    deadline = time.monotonic() + PRECISE_BUDGET_S
    for k in _order(rnd, result):
        if time.monotonic() > deadline:
            return None  # the float64 verdict stands
        try:
            outcome = _at_point(rnd, k, answer, target, rtol)
        except EvalError:
            return None  # the answer cannot be evaluated precisely here
        if outcome is None:
            continue  # the target is not defined here
        checked += 1
        reason, message = outcome
        if reason == "differ" or (reason == "undefined" and strict_domain):
            return Comparison(False, reason, message, result.answer, precise=True)
        if reason == "undefined":
            skipped += 1
            first_undefined = first_undefined or message
    if checked == 0:
        return None
    if skipped > (1 - MIN_DEFINED_SHARE) * checked:
        return Comparison(False, "undefined", first_undefined, result.answer, precise=True)
    message = "equivalent at every sampled point (checked to 25 digits)"
    return Comparison(True, "equal", message, result.answer, precise=True)


def _at_point(
    rnd: Round, k: int, answer: A.Node, target: PreciseFn, rtol: precise.Real
) -> tuple[Literal["equal", "differ", "undefined"], str] | None:
    """Compare at sample ``k``; None where the target is not defined (or not computable)."""
    point = {n: mpmath.mpf(float(v[k, 0, 0])) for n, v in rnd.values.items()}
    try:
        t = target(point)
    except (precise.Undefined, EvalError):
        return None
    where = rnd.describe_point(k)
    try:
        a = precise.value(answer, point)
    except precise.Undefined:
        return (
            "undefined",
            f"your expression is undefined {where}, where the expected one is defined",
        )
    if abs(a - t) > rtol * max(abs(a), abs(t)) + mpmath.mpf("1e-30"):
        message = (
            f"{where} your expression gives {mpmath.nstr(a, 12)} but the expected "
            f"value is {mpmath.nstr(t, 12)}"
        )
        return "differ", message
    return "equal", ""
