"""Losses for imbalanced and over-confident classification: focal loss, label smoothing."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import as_float32, binary, edge, example, hidden, onehot, probs
from engine.reference import losses as ref


def _focal_variant(kind: str) -> Callable[..., float]:
    def loss(y: np.ndarray, p: np.ndarray, gamma: float = 2.0, alpha: float = 0.25) -> float:
        p_t = y * p + (1 - y) * (1 - p)
        alpha_t = y * alpha + (1 - y) * (1 - alpha)
        if kind == "alpha-both":
            alpha_t = np.full_like(p_t, alpha)
        elif kind == "no-alpha":
            alpha_t = np.ones_like(p_t)
        factor = p_t**gamma if kind == "p-gamma" else (1 - p_t) ** gamma
        return float(np.mean(-alpha_t * factor * np.log(p_t)))

    return loss


def _focal_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([1.0, 0.0]), np.array([0.9, 0.2])),
        example(np.array([1.0, 0.0, 1.0]), np.array([0.3, 0.4, 0.95]), gamma=0.0, alpha=0.5),
    ]
    for n, gamma, alpha in ((8, 2.0, 0.25), (60, 1.0, 0.6), (20, 3.0, 0.1)):
        cases.append(hidden(binary(rng, n), probs(rng, n), gamma, alpha))
    y = binary(rng, 6)
    cases += [
        edge("γ = 0 (weighted cross-entropy)", y, probs(rng, 6), 0.0, 0.4),
        edge("only positives", np.ones(5), probs(rng, 5)),
        as_float32(hidden(y, probs(rng, 6))),
    ]
    return cases


register(
    Exercise(
        name="focal_loss",
        signature="focal_loss(y_true, p_pred, gamma=2.0, alpha=0.25)",
        reference=ref.focal_loss,
        cases=_focal_cases,
        mistakes=(
            Mistake(
                "alpha-both",
                "α weighted the negatives too — positives get α, negatives 1 − α",
                _focal_variant("alpha-both"),
            ),
            Mistake(
                "p-gamma",
                "the modulating factor is (1 − p_t)^γ, which shrinks the loss of"
                " easy examples — not p_t^γ",
                _focal_variant("p-gamma"),
            ),
            Mistake(
                "no-alpha",
                "the class weight α_t is missing (α for positives, 1 − α for negatives)",
                _focal_variant("no-alpha"),
            ),
        ),
    )
)


def _smoothing_cases(rng: np.random.Generator) -> list[Case]:
    return [
        example(np.array([0.0, 1.0, 0.0, 0.0]), 0.1),
        example(np.array([[1.0, 0.0], [0.0, 1.0]]), 0.2),
        hidden(onehot(rng, 5, 3), 0.1),
        hidden(onehot(rng, 8, 10), float(rng.uniform(0.05, 0.3))),
        edge("ε = 0", onehot(rng, 3, 4), 0.0),
        edge("two classes", onehot(rng, 4, 2), 0.3),
    ]


register(
    Exercise(
        name="label_smoothing",
        signature="label_smoothing(y_onehot, eps)",
        reference=ref.label_smoothing,
        cases=_smoothing_cases,
        shape_hint="the smoothed targets keep the input's shape",
        mistakes=(
            Mistake(
                "k-minus-1",
                "spread ε over all K classes: (1 − ε)·y + ε/K (the true class keeps 1 − ε + ε/K)",
                lambda y, eps: (1 - eps) * y + (1 - y) * eps / (y.shape[-1] - 1),
            ),
            Mistake(
                "no-uniform",
                "only scaled y by (1 − ε) — add the uniform part ε/K",
                lambda y, eps: (1 - eps) * y,
            ),
            Mistake(
                "k-minus-1-all",
                "the uniform part is ε/K, added to every class: ε/(K − 1) belongs to the other"
                " convention, which gives it to the other classes only",
                lambda y, eps: (1 - eps) * y + eps / (y.shape[-1] - 1),
            ),
            Mistake(
                "no-divide",
                "added ε to every class — the uniform part is ε/K",
                lambda y, eps: (1 - eps) * y + eps,
            ),
        ),
    )
)
