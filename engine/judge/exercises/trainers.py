"""Regularization helpers (mixup, SAM) and full-batch training loops for linear models."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import binary, edge, example, hidden, normal, onehot
from engine.reference import training as ref
from engine.reference._util import sigmoid

register(
    Exercise(
        name="mixup",
        signature="mixup(x1, y1, x2, y2, lam)",
        reference=ref.mixup,
        returns=("x", "y"),
        cases=lambda rng: [
            example(
                np.array([1.0]), np.array([1.0, 0.0]), np.array([3.0]), np.array([0.0, 1.0]), 0.25
            ),
            example(
                np.array([[0.0, 2.0]]),
                np.array([0.0, 0.0, 1.0]),
                np.array([[4.0, 0.0]]),
                np.array([1.0, 0.0, 0.0]),
                0.5,
            ),
            hidden(
                normal(rng, 8),
                onehot(rng, 1, 4)[0],
                normal(rng, 8),
                onehot(rng, 1, 4)[0],
                float(rng.beta(0.4, 0.4)),
            ),
            edge(
                "a batch of images",
                normal(rng, 4, 3, 3),
                onehot(rng, 4, 5),
                normal(rng, 4, 3, 3),
                onehot(rng, 4, 5),
                0.7,
            ),
        ],
        mistakes=(
            Mistake(
                "swapped",
                "λ weighs the first example: λ·x1 + (1 − λ)·x2",
                lambda x1, y1, x2, y2, lam: ref.mixup(x2, y2, x1, y1, lam),
            ),
            Mistake(
                "labels-unmixed",
                "mix the labels with the same λ as the inputs",
                lambda x1, y1, x2, y2, lam: (ref.mixup(x1, y1, x2, y2, lam)[0], y1),
            ),
            Mistake(
                "labels-swapped",
                "mix the labels with the same weights as the inputs: λ·y1 + (1 − λ)·y2 (λ weighs"
                " the first example in both)",
                lambda x1, y1, x2, y2, lam: (
                    ref.mixup(x1, y1, x2, y2, lam)[0],
                    ref.mixup(x2, y2, x1, y1, lam)[1],
                ),
            ),
        ),
    )
)

register(
    Exercise(
        name="sam_perturbation",
        signature="sam_perturbation(grad, rho=0.05)",
        reference=ref.sam_perturbation,
        cases=lambda rng: [
            example(np.array([3.0, 4.0]), rho=0.5),
            example(np.array([0.0, -2.0])),
            hidden(normal(rng, 10, scale=3), 0.05),
            hidden(normal(rng, 4, 3), 0.1, about="a matrix gradient (Frobenius norm)"),
            edge(
                "a zero gradient",
                np.zeros(3),
                0.05,
                advice="add 1e-12 to the norm so a zero gradient gives a zero perturbation",
            ),
        ],
        mistakes=(
            Mistake(
                "unnormalized",
                "normalize the gradient: ε = ρ·g / ‖g‖ has length ρ",
                lambda g, rho=0.05: rho * g,
            ),
            Mistake(
                "descent",
                "SAM steps uphill, towards higher loss: ε = +ρ·g/‖g‖",
                lambda g, rho=0.05: -ref.sam_perturbation(g, rho),
            ),
            Mistake(
                "squared-norm",
                "divide by the norm ‖g‖₂, not its square",
                lambda g, rho=0.05: rho * g / (np.sum(g * g) + 1e-12),
            ),
        ),
    )
)


def _linear_variant(kind: str) -> Callable[..., np.ndarray]:
    def train(X: np.ndarray, y: np.ndarray, lr: float, epochs: int) -> np.ndarray:
        beta = np.zeros(X.shape[1])
        factor = 1.0 if kind == "no-two" else 2.0
        for _ in range(epochs + (1 if kind == "extra-epoch" else 0)):
            scale = 1.0 if kind == "no-mean" else 1.0 / len(y)
            beta = beta - lr * factor * scale * (X.T @ (X @ beta - y))
        return beta

    return train


def _lin_cases(rng: np.random.Generator) -> list[Case]:
    X = normal(rng, 40, 3)
    y = X @ normal(rng, 3) + normal(rng, 40, scale=0.1)
    return [
        example(np.array([[1.0], [2.0]]), np.array([2.0, 4.0]), 0.1, 50),
        example(np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]), np.array([1.0, 3.0, 5.0]), 0.1, 3),
        hidden(X, y, 0.05, 100),
        edge("zero epochs", X, y, 0.1, 0),
        edge("a single feature", X[:, :1], y, 0.1, 20),
    ]


register(
    Exercise(
        name="linear_regression_gd",
        signature="linear_regression_gd(X, y, lr, epochs)",
        reference=ref.linear_regression_gd,
        cases=_lin_cases,
        shape_hint="return the coefficients, shape (p,)",
        mistakes=(
            Mistake(
                "no-two",
                "the MSE gradient is −2/n·Xᵀ(y − Xβ): the factor 2 is missing",
                _linear_variant("no-two"),
            ),
            Mistake(
                "no-mean",
                "average the gradient over the n samples (the 1/n of the mean)",
                _linear_variant("no-mean"),
            ),
            Mistake(
                "extra-epoch",
                "run exactly `epochs` updates, starting from β = 0",
                _linear_variant("extra-epoch"),
            ),
        ),
    )
)


def _logistic_variant(kind: str) -> Callable[..., np.ndarray]:
    def train(X: np.ndarray, y: np.ndarray, lr: float, epochs: int) -> np.ndarray:
        beta = np.zeros(X.shape[1])
        for _ in range(epochs):
            residual = (X @ beta - y) if kind == "linear" else (sigmoid(X @ beta) - y)
            step = X.T @ residual / (1.0 if kind == "no-mean" else len(y))
            beta = beta + lr * step if kind == "ascent" else beta - lr * step
        return beta

    return train


def _log_cases(rng: np.random.Generator) -> list[Case]:
    X = normal(rng, 50, 3)
    y = binary(rng, 50)
    return [
        example(np.array([[1.0], [-1.0]]), np.array([1.0, 0.0]), 1.0, 1),
        example(np.array([[1.0, 2.0], [1.0, -1.0], [1.0, 0.5]]), np.array([1.0, 0.0, 1.0]), 0.5, 2),
        hidden(X, y, 0.1, 200),
        edge(
            "separable data with a large step",
            np.array([[5.0], [-5.0], [3.0]]),
            np.array([1.0, 0.0, 1.0]),
            50.0,
            30,
            advice="use a stable sigmoid, e.g. np.exp(−np.logaddexp(0, −z))",
        ),
    ]


register(
    Exercise(
        name="logistic_regression_gd",
        signature="logistic_regression_gd(X, y, lr, epochs)",
        reference=ref.logistic_regression_gd,
        cases=_log_cases,
        shape_hint="return the coefficients, shape (p,)",
        mistakes=(
            Mistake(
                "ascent",
                "the update moved uphill: β ← β − lr·Xᵀ(σ(Xβ) − y)/n",
                _logistic_variant("ascent"),
            ),
            Mistake(
                "no-mean",
                "average the gradient over the n samples (the 1/n of the mean)",
                _logistic_variant("no-mean"),
            ),
            Mistake(
                "linear",
                "the sigmoid is missing: the residual is σ(Xβ) − y",
                _logistic_variant("linear"),
            ),
        ),
    )
)
