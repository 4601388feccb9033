"""The reference functions added for the demo lab: per-sample losses, linear-model gradients,
row-wise forms and reduce-on-plateau — each pinned to the existing reference or to calculus."""

from __future__ import annotations

import doctest
from collections.abc import Callable

import numpy as np
import pytest

from engine.reference import batched, elementwise, gradients, linear, losses, schedules, training
from engine.reference import elementwise as ew

RNG = np.random.default_rng(11)
N, P = 30, 3
X, Y, BETA = RNG.normal(size=(N, P)), RNG.normal(size=N), RNG.normal(size=P)
YPM = np.where(RNG.random(N) < 0.5, -1.0, 1.0)
Y01 = (YPM + 1) / 2
PROB = RNG.uniform(0.05, 0.95, N)


@pytest.mark.parametrize("module", [elementwise, linear, batched, schedules])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, extraglobs={"np": np})  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


R = Y - X @ BETA
M = YPM * (X @ BETA)


@pytest.mark.parametrize(
    ("name", "per_sample", "mean_loss"),
    [
        ("mse", lambda: ew.squared(R), lambda: losses.mse(Y, X @ BETA)),
        ("mae", lambda: ew.absolute(R), lambda: losses.mae(Y, X @ BETA)),
        ("huber", lambda: ew.huber(R, 0.7), lambda: losses.huber(Y, X @ BETA, 0.7)),
        ("hinge", lambda: ew.hinge(M), lambda: losses.hinge(YPM, X @ BETA)),
        ("logistic", lambda: ew.logistic(M), lambda: losses.bce_with_logits(Y01, X @ BETA)),
        (
            "log loss",
            lambda: ew.log_loss(Y01, PROB),
            lambda: losses.binary_cross_entropy(Y01, PROB),
        ),
        (
            "focal",
            lambda: ew.focal(Y01, PROB, 1.5, 0.3),
            lambda: losses.focal_loss(Y01, PROB, 1.5, 0.3),
        ),
    ],
)
def test_per_sample_losses_average_to_the_mean_losses(
    name: str, per_sample: Callable[[], np.ndarray], mean_loss: Callable[[], float]
) -> None:
    assert np.mean(per_sample()) == pytest.approx(mean_loss(), rel=1e-12), name


POINTS = np.array([-2.3, -0.7, -0.2, 0.35, 0.8, 1.6, 2.9])
PROBS = np.array([0.01, 0.2, 0.45, 0.7, 0.97])


@pytest.mark.parametrize(
    ("f", "df", "x"),
    [
        (ew.squared, ew.d_squared, POINTS),
        (ew.absolute, ew.d_absolute, POINTS),
        (lambda r: ew.huber(r, 1.1), lambda r: ew.d_huber(r, 1.1), POINTS),
        (lambda r: ew.smooth_l1(r, 0.5), lambda r: ew.d_smooth_l1(r, 0.5), POINTS),
        (ew.logistic, ew.d_logistic, POINTS),
        (ew.hinge, ew.d_hinge, POINTS),
        (ew.squared_hinge, ew.d_squared_hinge, POINTS),
        (ew.exponential, ew.d_exponential, POINTS),
        (ew.squared_margin, ew.d_squared_margin, POINTS),
        (ew.zero_one, ew.d_zero_one, POINTS),
        (lambda p: ew.log_loss(1.0, p), lambda p: ew.d_log_loss(1.0, p), PROBS),
        (lambda p: ew.log_loss(0.0, p), lambda p: ew.d_log_loss(0.0, p), PROBS),
        (lambda p: ew.focal(1.0, p, 2.0), lambda p: ew.d_focal(1.0, p, 2.0), PROBS),
        (lambda p: ew.focal(0.0, p, 0.5), lambda p: ew.d_focal(0.0, p, 0.5), PROBS),
        (lambda p: ew.focal(1.0, p, 0.0), lambda p: ew.d_focal(1.0, p, 0.0), PROBS),
    ],
)
def test_derivatives_match_finite_differences(
    f: Callable[[np.ndarray], np.ndarray], df: Callable[[np.ndarray], np.ndarray], x: np.ndarray
) -> None:
    numeric = gradients.numerical_gradient(lambda v: float(np.sum(f(v))), x, 1e-7)
    np.testing.assert_allclose(df(x), numeric, rtol=1e-5, atol=1e-6)


def test_a_wrong_derivative_fails_the_check() -> None:
    numeric = gradients.numerical_gradient(lambda v: float(np.sum(ew.huber(v))), POINTS, 1e-7)
    assert not np.allclose(ew.d_squared(POINTS), numeric, rtol=1e-5, atol=1e-6)


def test_clipped_log_loss_gradient_is_finite_and_zero_below_eps() -> None:
    p = np.array([0.0, 1e-3])
    assert np.isinf(ew.log_loss(1.0, p, eps=0.0)[0])
    np.testing.assert_array_equal(ew.d_log_loss(1.0, p, eps=1e-7), [0.0, -1000.0])
    assert ew.log_loss(1.0, p, eps=1e-7)[0] == pytest.approx(-np.log(1e-7))


@pytest.mark.parametrize(
    ("analytic", "loss"),
    [
        (lambda b: linear.mae_gradient(X, Y, b), lambda b: losses.mae(Y, X @ b)),
        (lambda b: linear.huber_gradient(X, Y, b, 0.5), lambda b: losses.huber(Y, X @ b, 0.5)),
        (
            lambda b: linear.hinge_gradient(X, YPM, b, 0.1),
            lambda b: losses.hinge(YPM, X @ b) + 0.05 * float(b @ b),
        ),
    ],
)
def test_linear_gradients_match_finite_differences(analytic: Callable, loss: Callable) -> None:
    np.testing.assert_allclose(
        analytic(BETA), gradients.numerical_gradient(loss, BETA, 1e-7), rtol=1e-5, atol=1e-7
    )


def test_linear_gradients_run_k_fits_as_columns() -> None:
    B, deltas = RNG.normal(size=(P, 4)), np.array([0.1, 0.5, 1.0, 3.0])
    many = linear.huber_gradient(X, Y[:, None], B, deltas)
    for k in range(4):
        np.testing.assert_allclose(many[:, k], linear.huber_gradient(X, Y, B[:, k], deltas[k]))


def test_row_wise_forms_equal_the_one_run_functions() -> None:
    Xs, ys, bs = RNG.normal(size=(3, 8, 2)), RNG.normal(size=(3, 8)), RNG.normal(size=(3, 2))
    stacked = batched.stacked_mse_gradient(Xs, ys, bs)
    for i in range(3):
        np.testing.assert_allclose(stacked[i], gradients.mse_gradient(Xs[i], ys[i], bs[i]))
    G = RNG.normal(size=(5, 2)) * np.array([[0.1], [1.0], [3.0], [10.0], [0.0]])
    clipped, norms = batched.clip_rows_by_norm(G, 1.5)
    sam = batched.sam_perturbation_rows(G, 0.2)
    for i in range(5):
        (one,), norm = training.clip_grad_norm([G[i]], 1.5)
        np.testing.assert_allclose(clipped[i], one)
        assert norms[i] == pytest.approx(norm)
        np.testing.assert_allclose(sam[i], training.sam_perturbation(G[i], 0.2))


def test_reduce_on_plateau_waits_patience_epochs() -> None:
    lr, best, wait, lrs = 1.0, float("inf"), 0, []
    for loss in [1.0, 0.5, 0.6, 0.6, 0.6, 0.6, 0.4, 0.45]:
        lr, best, wait = schedules.reduce_on_plateau(loss, lr, best, wait, 0.1, patience=3)
        lrs.append(lr)
    assert lrs == pytest.approx([1, 1, 1, 1, 1, 0.1, 0.1, 0.1])
    assert best == 0.4
