"""The reference implementations: documented examples, calculus, stability, conventions."""

from __future__ import annotations

import doctest
from collections.abc import Callable

import numpy as np
import pytest

from engine.reference import _util as util
from engine.reference import gradients, losses, optimizers, schedules, training

RNG = np.random.default_rng(7)
X, Y, BETA = RNG.normal(size=(12, 4)), RNG.normal(size=12), RNG.normal(size=4)
Y01 = (RNG.random(12) < 0.5).astype(float)
ONEHOT = np.eye(3)[RNG.integers(0, 3, 6)]
LOGITS = RNG.normal(size=(6, 3))


@pytest.mark.parametrize("module", [losses, gradients, optimizers, schedules, training, util])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, extraglobs={"np": np})  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


def _fd(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    return gradients.numerical_gradient(f, x, 1e-6)


@pytest.mark.parametrize(
    ("name", "analytic", "numeric"),
    [
        (
            "mse wrt beta",
            lambda: gradients.mse_gradient(X, Y, BETA),
            lambda: _fd(lambda b: losses.mse(Y, X @ b), BETA),
        ),
        (
            "logistic wrt beta",
            lambda: gradients.logistic_gradient(X, Y01, BETA),
            lambda: _fd(lambda b: losses.bce_with_logits(Y01, X @ b), BETA),
        ),
        (
            "softmax ce wrt logits",
            lambda: gradients.softmax_ce_gradient(ONEHOT, LOGITS),
            lambda: _fd(lambda z: losses.categorical_cross_entropy(ONEHOT, z), LOGITS),
        ),
    ],
)
def test_gradients_match_finite_differences(
    name: str, analytic: Callable, numeric: Callable
) -> None:
    np.testing.assert_allclose(analytic(), numeric(), rtol=1e-5, atol=1e-8, err_msg=name)


def test_a_wrong_gradient_fails_the_finite_difference_check() -> None:
    wrong = gradients.mse_gradient(X, Y, BETA) / 2  # missing factor 2
    numeric = _fd(lambda b: losses.mse(Y, X @ b), BETA)
    assert not np.allclose(wrong, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (lambda: losses.bce_with_logits(np.array([1.0, 0.0]), np.array([-1000.0, 1000.0])), 1000.0),
        (lambda: losses.bce_with_logits(np.array([1.0, 0.0]), np.array([1000.0, -1000.0])), 0.0),
        (lambda: losses.softmax(np.array([1000.0, 1000.0]))[0], 0.5),
        (
            lambda: losses.categorical_cross_entropy(
                np.array([[1.0, 0.0]]), np.array([[0.0, 1000.0]])
            ),
            1000.0,
        ),
        (lambda: losses.binary_cross_entropy(np.array([1.0]), np.array([0.0])), -np.log(1e-12)),
        (lambda: util.sigmoid(np.array(-1000.0)), 0.0),
        (lambda: training.sam_perturbation(np.zeros(3))[0], 0.0),
    ],
)
def test_stable_at_extremes(expr: Callable[[], float], expected: float) -> None:
    value = expr()
    assert np.isfinite(value)
    assert value == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_softmax_is_row_wise_and_keeps_shape() -> None:
    p = losses.softmax(LOGITS)
    assert p.shape == LOGITS.shape
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)


def _flat(value: object) -> np.ndarray:
    parts = value if isinstance(value, tuple) else (value,)
    return np.concatenate([np.ravel(np.asarray(p, dtype=float)) for p in parts])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            lambda: optimizers.momentum_step(BETA, Y[:4], np.zeros(4), 0.1, beta=0.0)[0],
            lambda: optimizers.sgd_step(BETA, Y[:4], 0.1),
        ),
        (
            lambda: optimizers.adamw_step(BETA, Y[:4], BETA * 0, BETA**2, 3, weight_decay=0.0),
            lambda: optimizers.adam_step(BETA, Y[:4], BETA * 0, BETA**2, 3),
        ),
        (
            lambda: optimizers.nesterov_step(BETA, lambda w: 2 * w, np.zeros(4), 0.1, beta=0.0)[0],
            lambda: optimizers.sgd_step(BETA, 2 * BETA, 0.1),
        ),
        (
            lambda: schedules.warmup_cosine(10, 0, 10, 0.3, 0.01),
            lambda: schedules.cosine_annealing(10, 10, 0.3, 0.01),
        ),
        (
            lambda: training.linear_regression_gd(X, Y, 0.05, 2000),
            lambda: np.linalg.lstsq(X, Y, rcond=None)[0],
        ),
    ],
)
def test_conventions_agree(a: Callable, b: Callable) -> None:
    np.testing.assert_allclose(_flat(a()), _flat(b()), rtol=1e-6, atol=1e-9)


def test_adam_first_step_moves_by_lr() -> None:
    w, _, _ = optimizers.adam_step(
        np.array([1.0, 1.0]), np.array([0.3, -5.0]), np.zeros(2), np.zeros(2), 1, lr=0.01
    )
    np.testing.assert_allclose(w, [0.99, 1.01], rtol=1e-6)


def test_references_never_mutate_inputs() -> None:
    w, g, m, v = BETA.copy(), Y[:4].copy(), BETA.copy(), BETA**2
    before = [a.copy() for a in (w, g, m, v)]
    optimizers.adamw_step(w, g, m, v, 2)
    gradients.numerical_gradient(lambda x: float(np.sum(x**2)), w)
    training.clip_grad_norm([w, g], 0.1)
    for a, b in zip((w, g, m, v), before, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("fn", "args", "first", "last"),
    [
        (schedules.step_decay, (0.1, 0.5, 10), 0.1, 0.1 * 0.5**4),
        (schedules.exponential_decay, (1.0, 0.9), 1.0, 0.9**49),
        (
            schedules.cosine_annealing,
            (49, 1.0, 0.1),
            1.0,
            0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * 49 / 49)),
        ),
        (schedules.warmup_cosine, (5, 49, 1.0), 0.0, 0.0),
        (schedules.triangular_clr, (0.1, 1.0, 7), 0.1, 1.0),  # 49 = 7 step sizes: a peak
    ],
)
def test_schedule_endpoints(fn: Callable, args: tuple, first: float, last: float) -> None:
    curve = [fn(step, *args) for step in range(50)]
    assert curve[0] == pytest.approx(first)
    assert curve[-1] == pytest.approx(last, abs=1e-12)


def test_early_stopping_and_dropout_conventions() -> None:
    assert training.early_stopping([1.0, 0.9, 0.9, 0.9], 2) == (3, 1)
    assert training.early_stopping([3.0, 2.0, 1.0], 1) == (2, 2)
    x = np.ones(100_000)
    out = training.dropout(x, 0.25, rng=np.random.default_rng(0))
    assert set(np.unique(out)) == {0.0, 1 / 0.75}
    assert abs((out == 0).mean() - 0.25) < 0.01
    np.testing.assert_array_equal(training.dropout(x, 0.25, training=False), x)
