"""Detectors of typical mistakes: each looks at a wrong answer and may name what went wrong.

Detectors register themselves in order of specificity; the first ones that recognise the answer
produce the feedback ("your answer is −1 × the target: check the sign of the residual").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.expr import ast as A
from engine.expr.equivalence import Comparison, Target, gradient
from engine.expr.errors import EvalError, ExprError
from engine.expr.evaluate import evaluate
from engine.expr.front import Parsed
from engine.expr.printer import to_ascii
from engine.expr.shapes import describe
from engine.verdict import Feedback

MATCH_RTOL = 1e-6
MAX_BRANCH_ORDERS = 12  # re-attachments of piecewise values tried by the swapped-branches check
MAX_CHAIN_CANDIDATES = 12


@dataclass
class KnownMistake:
    """A question's own wrong answer (parsed) and its message."""

    parsed: Parsed
    message: str
    code: str = "known-mistake"


@dataclass
class Context:
    target: Target
    answer: Parsed
    comparison: Comparison
    known: list[KnownMistake]


Detector = Callable[[Context], Feedback | None]
DETECTORS: list[Detector] = []


def detector(func: Detector) -> Detector:
    DETECTORS.append(func)
    return func


def _close(
    a: list[np.ndarray], b: list[np.ndarray], *, partial: bool = False, noisy: bool = False
) -> bool:
    """All values agree; with ``partial``, wherever ``b`` is defined (at least half the points).

    ``noisy``: ``b`` comes from finite differences, whose absolute error scales with the largest
    entry, so tiny entries (a softmax output of 1e-8) are compared with that slack.
    """
    defined = total = 0
    for x, y in zip(a, b, strict=True):
        if x.shape != y.shape:
            return False
        ok = np.isfinite(y).all(axis=(1, 2)) if partial else np.ones(len(y), dtype=bool)
        x, y = x[ok], y[ok]
        defined, total = defined + int(ok.sum()), total + len(ok)
        if not y.size:
            continue
        scale = float(np.max(np.abs(y))) * 1e-6 if noisy else float(np.mean(np.abs(y))) * 1e-9
        tol = MATCH_RTOL * np.maximum(np.abs(x), np.abs(y)) + max(scale, 1e-21)
        if not (np.isfinite(x).all() and (np.abs(x - y) <= tol).all()):
            return False
    return defined > 0 and 2 * defined >= total


def _targets(ctx: Context) -> list[np.ndarray]:
    return [r.target for r in ctx.target.rounds]


@detector
def known_mistakes(ctx: Context) -> Feedback | None:
    if ctx.comparison.answer is None:
        return None
    for mistake in ctx.known:
        if mistake.parsed.shape != ctx.answer.shape:
            continue
        try:
            values = ctx.target.values(mistake.parsed.node)
        except EvalError:
            continue
        # where the mistake itself is defined: inv(X^T X) may be singular at some sizes
        if _close(ctx.comparison.answer, values, partial=True):
            return Feedback(mistake.code, mistake.message)
    return None


@detector
def swapped_branches(ctx: Context) -> Feedback | None:
    if ctx.comparison.answer is None:
        return None
    for node in A.walk(ctx.answer.node):
        if isinstance(node, A.Piecewise) and len(node.pieces) >= 2:
            values = [v for v, _ in node.pieces]
            conds = [c for _, c in node.pieces]
            k = len(values)
            # the values re-attached: every exchange of two pieces, then every rotation
            orders = [
                [j if m == i else i if m == j else m for m in range(k)]
                for i in range(k)
                for j in range(i + 1, k)
            ] + [[(m + shift) % k for m in range(k)] for shift in range(1, k)]
            for order in list(dict.fromkeys(map(tuple, orders)))[:MAX_BRANCH_ORDERS]:
                pieces = tuple((values[m], c) for m, c in zip(order, conds, strict=True))
                swapped = _replace(ctx.answer.node, node, A.Piecewise(pieces))
                try:
                    if _close(ctx.target.values(swapped), _targets(ctx)):
                        return Feedback(
                            "branches-swapped",
                            "the pieces of your piecewise expression are "
                            "attached to the wrong conditions: swap them",
                        )
                except EvalError:
                    continue
    return None


@detector
def transposed(ctx: Context) -> Feedback | None:
    answer = ctx.answer
    target = ctx.target
    if answer.shape == (1, 1) or (
        answer.shape == target.shape and answer.shape[0] != answer.shape[1]
    ):
        return None  # a scalar is its own transpose
    if answer.shape != (target.shape[1], target.shape[0]):
        return None
    try:
        values = [np.swapaxes(v, 1, 2) for v in target.values(answer.node)]
    except EvalError:
        return None
    if _close(values, _targets(ctx)):
        return Feedback(
            "transpose",
            f"your expression is the transpose of the expected one "
            f"({describe(answer.shape)} instead of {describe(target.shape)})",
        )
    return None


def _ratios(ctx: Context) -> list[np.ndarray] | None:
    if ctx.comparison.answer is None:
        return None
    out = []
    for rnd, answer in zip(ctx.target.rounds, ctx.comparison.answer, strict=True):
        if rnd.special is not None:  # lattice points sit on kinks, where ties break either way
            answer = answer[~rnd.special]
            target = rnd.target[~rnd.special]
        else:
            target = rnd.target
        big = np.abs(target) > 1e-8 * max(float(np.max(np.abs(target), initial=0.0)), 1e-300)
        if not big.any() or not np.isfinite(answer).all():
            return None
        if np.any(np.abs(answer[~big]) > 1e-6 * max(float(np.max(np.abs(answer))), 1e-300)):
            return None
        out.append(answer[big] / target[big])
    return out


def _constant(values: np.ndarray) -> float | None:
    if values.size == 0:
        return None
    first = float(np.median(values))
    return first if np.allclose(values, first, rtol=1e-6, atol=1e-9) else None


@detector
def sign_or_factor(ctx: Context) -> Feedback | None:
    ratios = _ratios(ctx)
    if ratios is None:
        return None
    constants = [c for c in map(_constant, ratios) if c is not None]
    if len(constants) < len(ratios):
        return None
    if all(abs(c - constants[0]) <= 1e-6 * abs(constants[0]) for c in constants):
        c = constants[0]
        if abs(c - 1) < 1e-3:  # not a factor: a rounded number, or a tiny extra term
            gap = abs(c - 1)
            size = f"about {gap:.1g}" if gap >= 1e-6 else "below one in a million"
            return Feedback(
                "rounded",
                f"your answer is very close to the expected one but not equal (relative "
                f"difference {size}): if you rounded a number, write it exactly "
                "(a fraction, pi, sqrt(2))",
            )
        if abs(c + 1) < 1e-6:
            return Feedback(
                "sign",
                "your answer is −1 × the expected one: check the sign "
                "(e.g. of the residual y − ŷ versus ŷ − y)",
            )
        return Feedback(
            "factor",
            f"your answer is {_name_factor(c)} × the expected one: check the constant factor",
        )
    for dim in ctx.target.dims:
        sizes = [r.sizes[dim] for r in ctx.target.rounds]
        for power, label in ((1, dim), (-1, f"1/{dim}")):
            for sign in (1, -1):
                if all(
                    abs(c - sign * s**power) < 1e-6 * abs(c)
                    for c, s in zip(constants, sizes, strict=True)
                ):
                    prefix = "−" if sign < 0 else ""
                    return Feedback(
                        "factor",
                        f"your answer is {prefix}{label} × the expected one: "
                        f"check the 1/{dim} averaging factor",
                    )
    return None


@detector
def chain_rule_stopped(ctx: Context) -> Feedback | None:
    """For derivative targets: is the answer dL/du for an inner expression u instead of dL/dw?"""
    target = ctx.target
    loss, wrt = target.loss, target.wrt
    if loss is None or wrt is None:
        return None
    if ctx.comparison.answer is None and ctx.comparison.reason != "shape":
        return None
    candidates = list(
        dict.fromkeys(
            n
            for n in A.walk(loss.node)
            if not isinstance(n, A.Num | A.Const | A.Name)
            and n != loss.node
            and wrt in A.names_in(n)
        )
    )[:MAX_CHAIN_CANDIDATES]
    for node in candidates:
        try:
            values = [gradient(loss.node, wrt, r.env(), node=node) for r in target.rounds]
            answer = ctx.comparison.answer or target.values(ctx.answer.node)
        except (EvalError, ValueError):
            continue
        if _close(answer, values, partial=True, noisy=True):
            return Feedback(
                "chain-rule",
                f"this is the derivative with respect to {to_ascii(node)}, "
                f"not {wrt}: the chain rule stops early — multiply by the derivative of "
                f"{to_ascii(node)} with respect to {wrt}",
            )
    return None


def _name_factor(c: float) -> str:
    for value, name in (
        (2, "2"),
        (0.5, "1/2"),
        (-2, "−2"),
        (-0.5, "−1/2"),
        (4, "4"),
        (0.25, "1/4"),
    ):
        if abs(c - value) < 1e-9:
            return name
    return f"{c:.6g}"


def _replace(tree: A.Node, old: A.Node, new: A.Node) -> A.Node:
    if tree is old:
        return new
    match tree:
        case A.Neg(arg=arg):
            return A.Neg(_replace(arg, old, new))
        case A.Transpose(arg=arg):
            return A.Transpose(_replace(arg, old, new))
        case A.Bin(op=op, left=left, right=right):
            return A.Bin(op, _replace(left, old, new), _replace(right, old, new))
        case A.Call(func=func, args=args):
            return A.Call(func, tuple(_replace(a, old, new) for a in args))
        case A.Cmp(op=op, left=left, right=right):
            return A.Cmp(op, _replace(left, old, new), _replace(right, old, new))
        case A.Logic(op=op, args=args):
            return A.Logic(op, tuple(_replace(a, old, new) for a in args))
        case A.Piecewise(pieces=pieces):
            return A.Piecewise(
                tuple((_replace(v, old, new), _replace(c, old, new)) for v, c in pieces)
            )
    return tree


def diagnose(ctx: Context) -> list[Feedback]:
    """Return the feedback of the first detector that recognises the answer (may be empty)."""
    for func in DETECTORS:
        try:
            found = func(ctx)
        except (EvalError, ExprError, FloatingPointError, ValueError):
            continue
        if found:
            return [found]
    return []


__all__ = ["DETECTORS", "Context", "KnownMistake", "detector", "diagnose", "evaluate"]
