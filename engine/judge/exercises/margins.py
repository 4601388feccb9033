"""Margin losses: binary hinge and Weston–Watkins multiclass hinge."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import edge, example, hidden, normal, signs
from engine.reference import losses as ref


def _hinge_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([1.0, -1.0, 1.0]), np.array([2.0, 0.5, 0.2])),
        example(np.array([-1.0, 1.0]), np.array([-3.0, 1.0])),
    ]
    cases += [hidden(signs(rng, n), normal(rng, n, scale=2)) for n in (6, 50)]
    y = signs(rng, 5)
    cases += [
        edge("every margin above 1", y, y * rng.uniform(1.5, 4, 5)),
        edge("a single sample", np.array([-1.0]), normal(rng, 1)),
    ]
    return cases


register(
    Exercise(
        name="hinge",
        signature="hinge(y_true, scores)",
        reference=ref.hinge,
        cases=_hinge_cases,
        atol=1e-12,
        mistakes=(
            Mistake(
                "no-clamp",
                "forgot max(0, ·) — confident correct predictions must cost 0,"
                " not a negative amount",
                lambda y, s: float(np.mean(1 - y * s)),
            ),
            Mistake(
                "perceptron",
                "that is the perceptron loss max(0, −y·s) — the hinge adds a margin of 1",
                lambda y, s: float(np.mean(np.maximum(0, -y * s))),
            ),
            Mistake(
                "sum",
                "returned the sum — average over samples",
                lambda y, s: float(np.sum(np.maximum(0, 1 - y * s))),
            ),
        ),
    )
)


def _mc_hinge_variant(kind: str) -> Callable[..., float]:
    def loss(labels: np.ndarray, scores: np.ndarray, margin: float = 1.0) -> float:
        s = np.asarray(scores, float)
        idx = np.arange(s.shape[0])
        m = np.maximum(0, s - s[idx, labels][:, None] + margin)
        if kind == "max":
            m[idx, labels] = 0
            return float(np.mean(np.max(m, axis=1)))
        if kind == "sum":
            m[idx, labels] = 0
            return float(np.sum(m))
        return float(np.mean(np.sum(m, axis=1)))  # "with-true": j = y kept

    return loss


def _mc_hinge_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([0]), np.array([[3.0, 2.5, 0.0]])),
        example(np.array([0, 2]), np.array([[1.0, 2.0, 0.5], [0.0, 1.0, 3.0]]), margin=0.5),
    ]
    for n, k, margin in ((5, 3, 1.0), (40, 6, 1.0), (10, 4, 0.5)):
        cases.append(hidden(rng.integers(0, k, n), normal(rng, n, k, scale=1.5), margin))
    cases += [
        edge("two classes", rng.integers(0, 2, 6), normal(rng, 6, 2)),
        edge("a single sample", np.array([2]), normal(rng, 1, 5)),
    ]
    return cases


register(
    Exercise(
        name="multiclass_hinge",
        signature="multiclass_hinge(labels, scores, margin=1.0)",
        reference=ref.multiclass_hinge,
        cases=_mc_hinge_cases,
        mistakes=(
            Mistake(
                "with-true",
                "the true class was counted too — skip j = y (it adds `margin` per sample)",
                _mc_hinge_variant("with-true"),
            ),
            Mistake(
                "max",
                "took the max over classes (Crammer–Singer) — Weston–Watkins sums over every j ≠ y",
                _mc_hinge_variant("max"),
            ),
            Mistake(
                "sum",
                "returned the sum over samples — average over samples",
                _mc_hinge_variant("sum"),
            ),
        ),
    )
)
