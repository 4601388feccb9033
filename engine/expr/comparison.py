"""Comparing an answer's values with the target's at the sampled points, in float64."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypedDict

import numpy as np

from engine.expr import ast as A
from engine.expr.batch import Batch, Mask
from engine.expr.errors import EvalError
from engine.expr.evaluate import Env, evaluate
from engine.expr.rounds import Round, TargetFn, fmt

ATOL_FACTOR = 1e-9  # absolute slack relative to the typical size of the target
MIN_DEFINED_SHARE = 1 / 3  # without declared domains, the answer must be defined this often

Reason = Literal["equal", "differ", "undefined", "shape"]
Method = Literal["symbolic", "precise", "numeric"]


class ComparisonDetails(TypedDict, total=False):
    relative: float  # the largest relative difference where both sides are defined
    absorbed: bool  # did float64 lose a term to rounding, on either side?
    undefined_at: list[tuple[int, int]]  # (round, sample) where only the target is defined


@dataclass
class Comparison:
    equal: bool
    reason: Reason
    message: str
    answer: list[Batch] | None = None
    precise: bool = False  # settled in 40-digit arithmetic
    details: ComparisonDetails = field(default_factory=ComparisonDetails)
    symbolic: bool = False  # equality was proved symbolically

    @property
    def method(self) -> Method:
        """How equality was established (when ``equal``): symbolic, precise or numeric."""
        if self.symbolic:
            return "symbolic"
        return "precise" if self.precise else "numeric"


def compare_floats(
    rounds: list[Round],
    values: list[Batch],
    node: A.Node,
    target: TargetFn,
    *,
    rtol: float,
    strict_domain: bool,
) -> Comparison:
    """Compare the answer's ``values`` (of ``node``) with the target in every round.

    Differences where both sides are defined win over "undefined" points.
    """
    worst = 0.0
    total_ordinary = 0
    undefined_at: list[tuple[int, int]] = []  # (round, sample)
    for r, (rnd, answer) in enumerate(zip(rounds, values, strict=True)):
        defined = np.isfinite(answer).all(axis=(1, 2))
        ordinary = ~rnd.special if rnd.special is not None else np.ones_like(defined)
        undefined_at += [(r, int(k)) for k in np.flatnonzero(~defined & ordinary)]
        total_ordinary += int(ordinary.sum())
        diff = np.abs(answer - rnd.target)
        bad = defined & (diff > _tolerance(rnd.target, answer, rtol)).any(axis=(1, 2))
        if rnd.special is not None and (bad & rnd.special).any():
            bad &= ~rnd.special | persists(rnd, node, target)
        scale = np.maximum(np.abs(rnd.target), np.abs(answer))
        with np.errstate(all="ignore"):
            relative = np.where(scale > 0, diff / scale, 0.0)[defined]
        worst = max(worst, float(np.nanmax(relative, initial=0.0)))
        if bad.any():
            k = int(np.argmax(bad))
            message = describe_difference(rnd, k, answer[k])
            return Comparison(False, "differ", message, values, details={"relative": worst})
    lenient = not strict_domain and len(undefined_at) <= (1 - MIN_DEFINED_SHARE) * total_ordinary
    if undefined_at and not lenient:
        r, k = undefined_at[0]
        where = rounds[r].describe_point(k)
        message = f"your expression is undefined {where}, where the expected one is defined"
        return Comparison(
            False, "undefined", message, values, details={"undefined_at": undefined_at}
        )
    return Comparison(
        True, "equal", "equivalent at every sampled point", values, details={"relative": worst}
    )


def _tolerance(target: Batch, answer: Batch, rtol: float) -> Batch:
    typical = np.mean(np.abs(target)) if target.size else 1.0
    tolerance: Batch = rtol * np.maximum(np.abs(target), np.abs(answer))
    return tolerance + ATOL_FACTOR * max(typical, 1e-12)


def persists(rnd: Round, node: A.Node, target: TargetFn) -> Mask:
    """Does a difference at a lattice point survive a nudge of every variable?

    A kink (|y - ŷ| at y = ŷ) is a tie that any subgradient may break its own way: nudged,
    both sides agree. A special point of definedness ((a^b)^c at a = -2, b = 2, c = 1/2) is
    not: nudged, the sides are undefined, so the difference stands.
    """
    # the nudge must exceed the finite-difference step of derivative targets (2e-3)
    nudged = {
        name: v * (1 + 1e-2 * (j + 1)) + 1e-3 * (j + 1)
        for j, (name, v) in enumerate(sorted(rnd.values.items()))
    }
    env = Env(nudged, rnd.sizes, rnd.batch)
    try:
        expected = target(env)
        answer = evaluate(node, env)
    except EvalError:
        return np.ones(rnd.batch, dtype=bool)
    both = np.isfinite(expected).all(axis=(1, 2)) & np.isfinite(answer).all(axis=(1, 2))
    gap = np.abs(answer - expected)
    close = (gap <= 1e-4 * np.maximum(np.abs(expected), 1.0)).all(axis=(1, 2))
    return np.logical_not(both & close)


def describe_difference(rnd: Round, k: int, answer: Batch) -> str:
    where = rnd.describe_point(k)
    target = rnd.target[k]
    if answer.shape == (1, 1):
        return (
            f"{where} your expression gives {fmt(answer[0, 0])} "
            f"but the expected value is {fmt(target[0, 0])}"
        )
    return f"your expression differs from the expected one {where}"
