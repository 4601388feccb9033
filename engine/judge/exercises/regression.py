"""Regression losses: MSE, MAE, RMSE, Huber."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import as_float32, edge, example, hidden, normal
from engine.reference import losses as ref

MEAN_HINT = "average over every element (np.mean), not the sum"


def _pairs(rng: np.random.Generator) -> list[Case]:
    """Random (y_true, y_pred) pairs: 1-D of several sizes, a 2-D batch and the edge cases."""
    y = [normal(rng, n, scale=s) for n, s in ((7, 1.0), (30, 3.0), (120, 0.5))]
    cases = [hidden(t, t + normal(rng, t.size, scale=1.5)) for t in y]
    t2 = normal(rng, 6, 3)
    cases.append(hidden(t2, t2 + normal(rng, 6, 3), about="a 2-D batch"))
    one = normal(rng, 1)
    cases += [
        edge("a single sample", one, one + 2.5),
        edge("large values (1e6)", normal(rng, 10, scale=1e6), normal(rng, 10, scale=1e6)),
        edge("tiny values (1e-8)", normal(rng, 10, scale=1e-8), normal(rng, 10, scale=1e-8)),
        as_float32(hidden(y[0], y[0] + normal(rng, 7))),
    ]
    return cases


def _mse_cases(rng: np.random.Generator) -> list[Case]:
    return [
        example(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 2.0])),
        example(np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((2, 2))),
        *_pairs(rng),
    ]


register(
    Exercise(
        name="mse",
        signature="mse(y_true, y_pred)",
        reference=ref.mse,
        cases=_mse_cases,
        atol=1e-12,
        mistakes=(
            Mistake(
                "sum",
                f"returned the sum of squared errors — {MEAN_HINT}",
                lambda t, p: float(np.sum((t - p) ** 2)),
            ),
            Mistake(
                "sqrt",
                "took the square root — that is RMSE; MSE is the mean of the squares",
                ref.rmse,
            ),
            Mistake("abs", "averaged absolute errors — that is MAE; square the residuals", ref.mae),
            Mistake(
                "half",
                "halved the result — MSE here has no factor 1/2",
                lambda t, p: 0.5 * ref.mse(t, p),
            ),
            Mistake(
                "row-sum",
                "summed over columns and averaged over rows — average over every element",
                lambda t, p: float(np.mean(np.sum(np.atleast_2d((t - p) ** 2), -1))),
            ),
        ),
    )
)


def _mae_cases(rng: np.random.Generator) -> list[Case]:
    return [
        example(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 2.0])),
        example(np.array([[0.0, 4.0], [-2.0, 1.0]]), np.zeros((2, 2))),
        *_pairs(rng),
    ]


register(
    Exercise(
        name="mae",
        signature="mae(y_true, y_pred)",
        reference=ref.mae,
        cases=_mae_cases,
        atol=1e-12,
        mistakes=(
            Mistake(
                "sum",
                f"returned the sum of absolute errors — {MEAN_HINT}",
                lambda t, p: float(np.sum(np.abs(t - p))),
            ),
            Mistake(
                "no-abs",
                "forgot the absolute value — positive and negative errors cancel",
                lambda t, p: float(np.mean(t - p)),
            ),
            Mistake(
                "no-abs-sign",
                "forgot the absolute value — positive and negative errors cancel",
                lambda t, p: float(np.mean(p - t)),
            ),
            Mistake("squared", "squared the residuals — that is MSE; MAE uses |y − ŷ|", ref.mse),
        ),
    )
)


def _rmse_cases(rng: np.random.Generator) -> list[Case]:
    return [
        example(np.array([0.0, 0.0]), np.array([3.0, 4.0])),
        example(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 2.0])),
        *_pairs(rng),
    ]


register(
    Exercise(
        name="rmse",
        signature="rmse(y_true, y_pred)",
        reference=ref.rmse,
        cases=_rmse_cases,
        atol=1e-12,
        mistakes=(
            Mistake("no-sqrt", "forgot the square root — that is MSE, in squared units", ref.mse),
            Mistake(
                "sqrt-sum",
                "took the root of the sum — average the squares before the root",
                lambda t, p: float(np.sqrt(np.sum((t - p) ** 2))),
            ),
            Mistake(
                "mae",
                "that is MAE (√ of each square, then the mean) — average the squares"
                " first, then take one square root",
                ref.mae,
            ),
        ),
    )
)


def _huber_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([0.0, 0.0]), np.array([0.5, 3.0])),
        example(np.array([1.0, 2.0, 3.0]), np.array([1.5, 0.0, 3.2]), delta=2.0),
    ]
    for delta, scale in ((1.0, 2.0), (0.5, 1.0), (3.0, 4.0)):
        t = normal(rng, 40)
        cases.append(hidden(t, t + normal(rng, 40, scale=scale), delta=delta))
    t = normal(rng, 12)
    cases += [
        edge("every residual inside δ", t, t + rng.uniform(-0.9, 0.9, 12), 1.0),
        edge("every residual beyond δ", t, t + rng.choice([-1, 1], 12) * rng.uniform(2, 9, 12)),
        edge("residuals exactly ±δ", np.zeros(4), np.array([1.5, -1.5, 1.5, 0.0]), 1.5),
        edge("a 2-D batch", normal(rng, 5, 3, scale=2), normal(rng, 5, 3, scale=2), 1.0),
        as_float32(hidden(t, t + normal(rng, 12, scale=2))),
    ]
    return cases


def _huber_variant(
    quad: float, lin_offset: float, swap: bool = False, mean: bool = True
) -> Callable[..., float]:
    def loss(t: np.ndarray, p: np.ndarray, delta: float = 1.0) -> float:
        a = np.abs(np.asarray(t, float) - np.asarray(p, float))
        inside = a > delta if swap else a <= delta
        vals = np.where(inside, quad * a * a, delta * (a - lin_offset * delta))
        return float(np.mean(vals) if mean else np.sum(vals))

    return loss


register(
    Exercise(
        name="huber",
        signature="huber(y_true, y_pred, delta=1.0)",
        reference=ref.huber,
        cases=_huber_cases,
        mistakes=(
            Mistake("no-half", "the quadratic branch is ½·r², not r²", _huber_variant(1.0, 0.5)),
            Mistake(
                "linear-offset",
                "the linear branch is δ·(|r| − ½δ): without the −½δ² the two"
                " branches do not meet at |r| = δ",
                _huber_variant(0.5, 0.0),
            ),
            Mistake(
                "swapped",
                "the branches are swapped — quadratic for |r| ≤ δ, linear beyond",
                _huber_variant(0.5, 0.5, swap=True),
            ),
            Mistake("sum", f"returned the sum — {MEAN_HINT}", _huber_variant(0.5, 0.5, mean=False)),
        ),
    )
)
