"""Gradients: MSE, ridge and logistic regression, softmax cross-entropy.

Besides the reference values, one case per gradient is judged against central finite
differences of the loss itself, so the exercise checks the calculus and not just agreement
with another formula.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import as_float32, binary, edge, example, hidden, normal, onehot
from engine.reference import gradients as ref
from engine.reference import losses

FD_STEP = 1e-6
FD_RTOL, FD_ATOL = 1e-5, 1e-7


def _fd_target(loss: Callable[..., float], wrt: int) -> Callable[..., np.ndarray]:
    """Central differences of ``loss`` with respect to its argument number ``wrt``."""

    def target(*args: np.ndarray | float) -> np.ndarray:
        def f(x: np.ndarray) -> float:
            return loss(*args[:wrt], x, *args[wrt + 1 :])

        return ref.numerical_gradient(f, np.asarray(args[wrt], float), FD_STEP)

    return target


def _fd_case(args: tuple[np.ndarray | float, ...], target: Callable[..., np.ndarray]) -> Case:
    return Case(
        "property: matches finite differences of the loss",
        args,
        about="a finite-difference check",
        rtol=FD_RTOL,
        atol=FD_ATOL,
        target=target,
    )


def _regression_data(rng: np.random.Generator, n: int, p: int) -> tuple[np.ndarray, ...]:
    return normal(rng, n, p), normal(rng, n, scale=2), normal(rng, p)


def _mse_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 2.0]), np.zeros(2)),
        example(
            np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
            np.array([1.0, 0.0, 1.0]),
            np.array([0.5, -0.5]),
        ),
    ]
    cases += [hidden(*_regression_data(rng, n, p)) for n, p in ((8, 3), (50, 5))]
    X, y, beta = _regression_data(rng, 10, 4)
    cases += [
        edge("a single sample", *_regression_data(rng, 1, 3)),
        _fd_case((X, y, beta), _fd_target(lambda X_, y_, b_: losses.mse(y_, X_ @ b_), 2)),
        as_float32(hidden(X, y, beta)),
    ]
    return cases


register(
    Exercise(
        name="mse_gradient",
        signature="mse_gradient(X, y, beta)",
        reference=ref.mse_gradient,
        cases=_mse_cases,
        shape_hint="the gradient has one entry per coefficient, shape (p,): use X.T @ (…)",
        mistakes=(
            Mistake(
                "sign",
                "opposite sign — with residual y − Xβ the gradient is −2/n·Xᵀ(y − Xβ)",
                lambda X, y, b: -ref.mse_gradient(X, y, b),
            ),
            Mistake(
                "no-two",
                "the factor 2 from differentiating the square is missing",
                lambda X, y, b: 0.5 * ref.mse_gradient(X, y, b),
            ),
            Mistake(
                "no-mean",
                "the 1/n of the mean is missing",
                lambda X, y, b: len(y) * ref.mse_gradient(X, y, b),
            ),
        ),
    )
)


def _ridge_cases(rng: np.random.Generator) -> list[Case]:
    X, y, beta = _regression_data(rng, 12, 4)
    return [
        example(np.eye(2), np.array([1.0, 2.0]), np.array([1.0, 1.0]), 0.5),
        example(
            np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 0.0]), np.array([0.5, -0.5]), 0.1
        ),
        hidden(*_regression_data(rng, 40, 5), 0.3),
        edge("λ = 0 (plain least squares)", *_regression_data(rng, 8, 3), 0.0),
        _fd_case(
            (X, y, beta, 0.7),
            _fd_target(lambda X_, y_, b_, lam: losses.mse(y_, X_ @ b_) + lam * float(b_ @ b_), 2),
        ),
    ]


register(
    Exercise(
        name="ridge_gradient",
        signature="ridge_gradient(X, y, beta, lam)",
        reference=ref.ridge_gradient,
        cases=_ridge_cases,
        shape_hint="the gradient has one entry per coefficient, shape (p,): use X.T @ (…)",
        mistakes=(
            Mistake(
                "penalty-half",
                "λ‖β‖² differentiates to 2λβ, not λβ",
                lambda X, y, b, lam: ref.mse_gradient(X, y, b) + lam * b,
            ),
            Mistake(
                "no-penalty",
                "the penalty's gradient 2λβ is missing",
                lambda X, y, b, lam: ref.mse_gradient(X, y, b),
            ),
            Mistake(
                "penalty-per-sample",
                "the penalty is not averaged over samples: add 2λβ, not 2λβ/n",
                lambda X, y, b, lam: ref.mse_gradient(X, y, b) + 2 * lam * b / len(y),
            ),
            Mistake(
                "penalty-sign",
                "the penalty pulls β towards 0: its gradient is +2λβ",
                lambda X, y, b, lam: ref.mse_gradient(X, y, b) - 2 * lam * b,
            ),
        ),
    )
)


def _logistic_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([[1.0], [1.0]]), np.array([1.0, 0.0]), np.zeros(1)),
        example(
            np.array([[1.0, 2.0], [1.0, -1.0], [1.0, 0.5]]),
            np.array([1.0, 0.0, 1.0]),
            np.array([0.1, 0.3]),
        ),
    ]
    for n, p in ((8, 3), (60, 4)):
        cases.append(hidden(normal(rng, n, p), binary(rng, n), normal(rng, p)))
    X, y, beta = normal(rng, 10, 3), binary(rng, 10), normal(rng, 3)
    cases += [
        edge(
            "logits near ±1000",
            X,
            y,
            1000.0 * beta / np.abs(X @ beta).min(),
            advice="use a stable sigmoid, e.g. np.exp(−np.logaddexp(0, −z))",
        ),
        _fd_case(
            (X, y, beta), _fd_target(lambda X_, y_, b_: losses.bce_with_logits(y_, X_ @ b_), 2)
        ),
        as_float32(hidden(X, y, beta)),
    ]
    return cases


register(
    Exercise(
        name="logistic_gradient",
        signature="logistic_gradient(X, y, beta)",
        reference=ref.logistic_gradient,
        cases=_logistic_cases,
        shape_hint="the gradient has one entry per coefficient, shape (p,): use X.T @ (…)",
        mistakes=(
            Mistake(
                "sign",
                "opposite sign — the gradient is Xᵀ(σ(Xβ) − y)/n",
                lambda X, y, b: -ref.logistic_gradient(X, y, b),
            ),
            Mistake(
                "no-mean",
                "the 1/n of the mean is missing",
                lambda X, y, b: len(y) * ref.logistic_gradient(X, y, b),
            ),
            Mistake(
                "no-sigmoid",
                "the sigmoid is missing — the residual is σ(Xβ) − y, not Xβ − y",
                lambda X, y, b: X.T @ (X @ b - y) / len(y),
            ),
        ),
    )
)


def _softmax_grad_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]])),
        example(
            np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]),
            np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),
        ),
    ]
    cases += [hidden(onehot(rng, n, k), normal(rng, n, k, scale=2)) for n, k in ((5, 3), (20, 6))]
    y, z = onehot(rng, 4, 3), normal(rng, 4, 3)
    cases += [
        edge(
            "logits = ±1000",
            onehot(rng, 2, 3),
            np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, 1000.0]]),
            advice="compute the softmax stably: subtract the row maximum before np.exp",
        ),
        _fd_case((y, z), _fd_target(losses.categorical_cross_entropy, 1)),
        as_float32(hidden(y, z)),
    ]
    return cases


register(
    Exercise(
        name="softmax_ce_gradient",
        signature="softmax_ce_gradient(y_onehot, logits)",
        reference=ref.softmax_ce_gradient,
        cases=_softmax_grad_cases,
        shape_hint="the gradient has the logits' shape (n, K)",
        mistakes=(
            Mistake(
                "no-mean",
                "the 1/n of the mean is missing — divide by the number of rows",
                lambda y, z: ref.softmax_ce_gradient(y, z) * np.atleast_2d(z).shape[0],
            ),
            Mistake(
                "sign",
                "opposite sign — the gradient is (softmax(z) − y)/n",
                lambda y, z: -ref.softmax_ce_gradient(y, z),
            ),
            Mistake(
                "softmax-only",
                "forgot to subtract the one-hot targets: (softmax(z) − y)/n",
                lambda y, z: losses.softmax(z) / np.atleast_2d(z).shape[0],
            ),
        ),
    )
)
