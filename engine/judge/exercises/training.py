"""Training utilities: gradient clipping (norm and value), dropout, early stopping."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from engine.judge.compare import numeric_array
from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import edge, example, hidden, normal
from engine.reference import training as ref
from engine.sandbox.runtime.protocol import Seq

DROP_SIGMAS = 6.0


def _clip_variant(kind: str) -> Callable[..., tuple[list[np.ndarray], float]]:
    def clip(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
        if kind == "clipped-norm":
            clipped, total = ref.clip_grad_norm(grads, max_norm)
            return clipped, min(total, max_norm)
        norms = [float(np.linalg.norm(g)) for g in grads]
        total = sum(norms) if kind == "sum-of-norms" else float(np.sqrt(sum(n * n for n in norms)))
        if kind == "per-tensor":
            return [
                g * min(1.0, max_norm / (n + 1e-6)) for g, n in zip(grads, norms, strict=True)
            ], total
        scale = max_norm / (total + 1e-6)
        return [g * (scale if kind == "no-min" else min(1.0, scale)) for g in grads], total

    return clip


def _clip_norm_cases(rng: np.random.Generator) -> list[Case]:
    grads = [normal(rng, 3, scale=2), normal(rng, 2, 2, scale=2), normal(rng, 4, scale=2)]
    return [
        example([np.array([3.0]), np.array([4.0])], 1.0),
        example([np.array([0.3, 0.4])], 1.0),
        hidden(grads, 1.0),
        hidden([normal(rng, 5), normal(rng, 3, 2)], 100.0, about="a norm below max_norm"),
        edge("a single array", [normal(rng, 6, scale=5)], 2.0),
        edge("zero gradients", [np.zeros(3), np.zeros((2, 2))], 1.0),
    ]


register(
    Exercise(
        name="clip_grad_norm",
        signature="clip_grad_norm(grads, max_norm)",
        reference=ref.clip_grad_norm,
        cases=_clip_norm_cases,
        returns=("clipped", "total_norm"),
        mistakes=(
            Mistake(
                "per-tensor",
                "each array was clipped by its own norm — the norm is global:"
                " √(Σ‖g_i‖²) over the whole list, one factor for every array",
                _clip_variant("per-tensor"),
            ),
            Mistake(
                "no-min",
                "only scale down: the factor is min(1, max_norm / (norm + 1e-6))",
                _clip_variant("no-min"),
            ),
            Mistake(
                "sum-of-norms",
                "the global norm is √(Σ‖g_i‖²), not Σ‖g_i‖",
                _clip_variant("sum-of-norms"),
            ),
            Mistake(
                "clipped-norm",
                "return the total norm measured before clipping (as clip_grad_norm_ does),"
                " not the norm after it",
                _clip_variant("clipped-norm"),
            ),
        ),
    )
)

register(
    Exercise(
        name="clip_grad_value",
        signature="clip_grad_value(grad, clip_value)",
        reference=ref.clip_grad_value,
        cases=lambda rng: [
            example(np.array([-3.0, 0.5, 2.0]), 1.0),
            example(np.array([[0.1, -0.2], [5.0, -5.0]]), 0.5),
            hidden(normal(rng, 20, scale=3), 1.5),
            edge("nothing to clip", normal(rng, 5, scale=0.1), 10.0),
        ],
        mistakes=(
            Mistake(
                "upper-only",
                "clip both sides: np.clip(grad, −clip_value, clip_value)",
                lambda g, c: np.minimum(g, c),
            ),
        ),
    )
)


def dropout_check(got: Any, case: Case) -> str | None:
    """Inverted dropout, judged statistically: every unit is 0 or x/(1 − p), about p dropped."""
    x, p = case.args[0], float(case.args[1])
    arr = numeric_array(got)
    if arr is None or arr.shape != x.shape:
        return f"expected an array of x's shape {x.shape}"
    if not np.isfinite(arr).all():
        return "returned nan or inf"
    kept = arr != 0
    ratio = arr[kept] / x[kept]
    if not np.allclose(ratio, 1.0 / (1.0 - p), rtol=1e-6):
        if np.allclose(ratio, 1.0, rtol=1e-6):
            return "kept units are not rescaled — inverted dropout divides survivors by (1 − p)"
        if np.allclose(ratio, 1.0 - p, rtol=1e-6):
            return "kept units were multiplied by (1 − p) — inverted dropout divides by (1 − p)"
        return "every unit must be either 0 or x / (1 − p)"
    dropped = 1.0 - kept.mean()
    sigma = np.sqrt(p * (1 - p) / x.size)
    if abs(dropped - p) > DROP_SIGMAS * sigma:
        if abs(dropped - (1 - p)) <= DROP_SIGMAS * sigma:
            return (
                f"{dropped:.0%} of the units were dropped with p = {p:g}: p is the"
                " probability of dropping a unit, not of keeping it"
            )
        return f"{dropped:.1%} of the units were dropped, expected about {p:.0%}"
    halves = np.array_split(kept.reshape(-1), 2)
    if any(abs(1.0 - h.mean() - p) > DROP_SIGMAS * sigma * np.sqrt(2) for h in halves):
        return "the dropped units are not spread at random — draw an independent mask per unit"
    return None


SAME_SEED = (
    "two generators with the same seed gave different masks: draw the mask from the rng"
    " argument only (not np.random.* or a generator of your own)"
)
OTHER_SEED = (
    "two generators with different seeds gave the same mask: draw the mask from the rng you"
    " are given — a fixed mask, or a generator seeded again on every call, repeats it"
)
SAME_GENERATOR = (
    "two calls with one generator dropped the same units: draw a fresh mask on every call"
    " (the generator's state must advance)"
)


def dropout_calls_check(got: Any, case: Case) -> tuple[str, str] | str | None:
    """Several calls (see the ``repeat`` driver): each one judged statistically, then the
    masks compared — equal for equal seeds, different for other seeds and for a generator
    used twice."""
    calls = list((case.params or {})["calls"])
    outs = list(got) if isinstance(got, Seq) else []
    if len(outs) != len(calls):
        return f"expected {len(calls)} outputs, got {len(outs)}"
    for out in outs:
        problem = dropout_check(out, case)
        if problem:
            return problem
    masks = [np.asarray(out) != 0 for out in outs]
    for i, j in itertools.combinations(range(len(calls)), 2):
        a, b, same = calls[i], calls[j], np.array_equal(masks[i], masks[j])
        if a is not None and a == b and not isinstance(a, list) and not same:
            return ("rng-not-used", SAME_SEED)
        if a is not None and b is not None and a != b and not isinstance(a, list) and same:
            return ("rng-not-used", OTHER_SEED)
        if same and a == b and isinstance(a, list):
            return ("same-mask", SAME_GENERATOR)
        if same and a is None and b is None:
            return (
                "same-mask",
                "two calls dropped the same units: draw a fresh mask on every call",
            )
    return None


def _dropout_cases(rng: np.random.Generator) -> list[Case]:
    def units(*shape: int) -> np.ndarray:
        out: np.ndarray = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
        return out

    def seed() -> int:
        return int(rng.integers(1 << 30))

    def stat(about: str, x: np.ndarray, p: float, calls: list[Any]) -> Case:
        return Case(
            f"statistics: {about}",
            (x, p, True),
            about=about,
            driver="repeat",
            params={"calls": calls},
            check=dropout_calls_check,
        )

    a, b, c = seed(), seed(), seed()
    return [
        example(np.ones(4), 0.5, training=False),
        example(np.array([2.0, -4.0]), 0.0),
        hidden(units(5, 4), 0.3, False, about="evaluation mode"),
        stat("p = 0.3 with a generator", units(100, 200), 0.3, [a, a, b, [c], [c]]),
        stat("p = 0.5, rng=None", units(20000), 0.5, [None, None]),
        stat("p = 0.8", units(50, 400), 0.8, [b, b, c]),
    ]


register(
    Exercise(
        name="dropout",
        signature="dropout(x, p, training=True, rng=None)",
        reference=ref.dropout,
        cases=_dropout_cases,
        shape_hint="dropout keeps the input's shape",
    )
)


def _stop_variant(kind: str) -> Callable[..., tuple[int, int]]:
    def stop(losses: list[float], patience: int, min_delta: float = 0.0) -> tuple[int, int]:
        best, best_epoch, waited = float("inf"), 0, 0
        delta = 0.0 if kind == "no-delta" else min_delta
        for epoch, loss in enumerate(losses):
            better = loss <= best - delta if kind == "ties" else loss < best - delta
            if better:
                best, best_epoch, waited = loss, epoch, 0
            else:
                waited += 1
                if waited > patience if kind == "late" else waited >= patience:
                    return epoch, best_epoch
        return (len(losses) if kind == "past-end" else len(losses) - 1), best_epoch

    return stop


def _curve(rng: np.random.Generator, n: int, turn: int) -> list[float]:
    e = np.arange(n)
    values = 1.0 / (1.0 + 0.3 * e) + 0.03 * np.maximum(0, e - turn) + rng.normal(0, 0.01, n)
    return [float(v) for v in values]


register(
    Exercise(
        name="early_stopping",
        signature="early_stopping(val_losses, patience, min_delta=0.0)",
        reference=ref.early_stopping,
        returns=("stop_epoch", "best_epoch"),
        atol=0.0,
        rtol=0.0,
        cases=lambda rng: [
            example([1.0, 0.8, 0.85, 0.9, 0.95, 0.7], 3),
            example([0.5, 0.4, 0.3], 2),
            hidden(_curve(rng, 40, 12), 3),
            hidden(_curve(rng, 60, 25), 5, 0.005, about="a min_delta"),
            edge("a plateau of equal losses", [1.0, 0.9, 0.9, 0.9, 0.9, 0.8], 3),
            edge("steady improvement", [1.0 / (k + 1) for k in range(10)], 2),
            edge("improvements below min_delta", [1.0, 0.99, 0.985, 0.98, 0.975, 0.5], 2, 0.05),
        ],
        mistakes=(
            Mistake(
                "ties",
                "a tie is not an improvement: require loss < best − min_delta",
                _stop_variant("ties"),
            ),
            Mistake(
                "late",
                "stop as soon as `patience` epochs in a row have not improved",
                _stop_variant("late"),
            ),
            Mistake(
                "no-delta",
                "improvements smaller than min_delta do not count",
                _stop_variant("no-delta"),
            ),
            Mistake(
                "past-end",
                "if patience never runs out, stop_epoch is the last epoch index,"
                " len(val_losses) − 1",
                _stop_variant("past-end"),
            ),
        ),
    )
)
