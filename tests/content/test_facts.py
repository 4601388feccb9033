"""Claims the content makes that can be computed, computed with the reference implementations.

Each test is a fact an expert audit found stated wrongly in an earlier version of the content
(issue 17); the second half of the file checks that the wrong statement is gone from the text.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from content import ContentSet
from engine.reference.gradients import mse_gradient, ridge_gradient
from engine.reference.losses import rmse
from engine.reference.optimizers import adam_step, adamw_step
from engine.reference.training import clip_grad_norm, linear_regression_gd

RNG = np.random.default_rng(7)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def test_squared_error_on_probabilities_is_a_proper_scoring_rule() -> None:
    """The Brier score's expected value under y ~ Bernoulli(q) is smallest at p = q."""
    p = np.linspace(0.0, 1.0, 1001)
    for q in (0.1, 0.37, 0.5, 0.9):
        expected = q * (p - 1.0) ** 2 + (1.0 - q) * p**2
        assert p[np.argmin(expected)] == pytest.approx(q, abs=1e-3)


def test_mse_through_a_sigmoid_is_non_convex_and_log_loss_is_convex() -> None:
    """The real objections: curvature of (σ(wx) − 1)² changes sign along w; log loss's never does."""
    w = np.linspace(-8.0, 8.0, 4001)
    x, y = 1.0, 1.0
    mse = (sigmoid(w * x) - y) ** 2
    log_loss = -np.log(sigmoid(w * x))
    second = np.gradient(np.gradient(mse, w), w)
    assert second.min() < -1e-3 and second.max() > 1e-3
    assert np.gradient(np.gradient(log_loss, w), w).min() > -1e-6


def test_mse_gradient_vanishes_on_a_confident_mistake_and_log_loss_does_not() -> None:
    z, y = -10.0, 1.0
    p = sigmoid(np.array(z))
    mse_grad = 2 * (p - y) * p * (1 - p)  # ∂(p − y)²/∂z carries σ'(z)
    log_loss_grad = p - y
    assert abs(mse_grad) < 1e-4 < 0.99 < abs(log_loss_grad)


def test_rescaling_targets_scales_the_gradient_linearly_and_leaves_the_hessian() -> None:
    X = RNG.normal(size=(50, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * RNG.normal(size=50)
    beta = RNG.normal(size=3)
    g1, g100 = mse_gradient(X, y, np.zeros(3)), mse_gradient(X, 100 * y, np.zeros(3))
    assert np.allclose(g100, 100 * g1)  # ×100, not ×10⁴
    residual = y - X @ beta
    assert np.mean((100 * residual) ** 2) == pytest.approx(1e4 * np.mean(residual**2))
    hessian = 2 / X.shape[0] * X.T @ X  # the same matrix whatever y is
    lr = 0.9 / np.linalg.eigvalsh(hessian).max()
    for scale in (1.0, 100.0):  # the tuned learning rate converges on both
        fitted = linear_regression_gd(X, scale * y, lr, 2000)
        assert np.allclose(fitted, np.linalg.lstsq(X, scale * y, rcond=None)[0], rtol=1e-6)


def test_ridge_closed_forms_belong_to_their_objectives() -> None:
    n, lam = 40, 0.3
    X = RNG.normal(size=(n, 4))
    y = RNG.normal(size=n)
    mean_form = np.linalg.solve(X.T @ X + n * lam * np.eye(4), X.T @ y)
    assert np.allclose(ridge_gradient(X, y, mean_form, lam), 0.0, atol=1e-10)
    sum_form = np.linalg.solve(X.T @ X + lam * np.eye(4), X.T @ y)
    sum_gradient = -2 * X.T @ (y - X @ sum_form) + 2 * lam * sum_form  # ‖y − Xw‖² + λ‖w‖²
    assert np.allclose(sum_gradient, 0.0, atol=1e-10)
    assert not np.allclose(ridge_gradient(X, y, sum_form, lam), 0.0, atol=1e-6)


def test_clipping_caps_the_sgd_step_but_not_adams() -> None:
    g = np.array([30.0, -40.0])  # norm 50
    lr, c = 0.1, 1.0
    (clipped,), _ = clip_grad_norm([g], c)
    assert np.linalg.norm(lr * clipped) == pytest.approx(lr * c)  # SGD: at most η·c
    w = np.zeros(2)
    step_clipped = w - adam_step(w, clipped, np.zeros(2), np.zeros(2), 1, lr=lr)[0]
    step_raw = w - adam_step(w, g, np.zeros(2), np.zeros(2), 1, lr=lr)[0]
    assert np.allclose(step_clipped, step_raw)  # Adam normalises: clipping changed nothing
    assert np.linalg.norm(step_raw) > lr * c


def test_a_largest_singular_value_above_one_is_not_enough_for_explosion() -> None:
    """Backprop through h_t = tanh(W h_{t−1}) multiplies by diag(tanh') W: with saturated units
    the product shrinks although σ_max(W) = 1.5."""
    W = 1.5 * np.linalg.qr(RNG.normal(size=(4, 4)))[0]
    assert np.linalg.svd(W, compute_uv=False).max() == pytest.approx(1.5)
    saturated = 1.0 - np.tanh(3.0) ** 2  # tanh' at a pre-activation of 3
    jacobian = np.eye(4)
    for _ in range(20):
        jacobian = jacobian @ (np.diag(np.full(4, saturated)) @ W)
    assert np.linalg.norm(jacobian, 2) < 1e-10


def test_pytorch_style_adamw_couples_decay_and_learning_rate() -> None:
    """Each step shrinks a weight with zero gradient by the factor 1 − lr·λ."""
    for lr, lam in ((0.1, 0.5), (0.01, 0.5), (0.1, 0.05)):
        w, _, _ = adamw_step(np.array([2.0]), np.zeros(1), np.zeros(1), np.zeros(1), 1, lr=lr,
                             weight_decay=lam)  # fmt: skip
        assert w[0] == pytest.approx(2.0 * (1 - lr * lam))


def test_averaging_per_batch_rmse_is_low_for_equal_batches_but_not_in_general() -> None:
    errors = RNG.normal(size=(10, 32)) * RNG.uniform(0.5, 3.0, size=(10, 1))
    per_batch = np.mean([rmse(e, np.zeros_like(e)) for e in errors])
    assert per_batch <= rmse(errors.ravel(), np.zeros(errors.size))
    one, many = np.array([10.0]), np.zeros(99)  # the counter-example: unequal batches
    per_batch = np.mean([rmse(one, np.zeros(1)), rmse(many, np.zeros(99))])
    overall = rmse(np.concatenate([one, many]), np.zeros(100))
    assert per_batch == pytest.approx(5.0) and overall == pytest.approx(1.0)


def test_a_forgotten_zero_grad_accumulates_instead_of_flattening_the_loss() -> None:
    """Gradients summed over steps grow the effective step: on L = w²/2 with a tuned lr the
    accumulating run diverges while the correct one converges."""
    lr = 0.5
    w_ok = w_bad = 1.0
    accumulated = 0.0
    for _ in range(30):
        w_ok -= lr * w_ok
        accumulated += w_bad  # .grad += ∇L each step, never reset
        w_bad -= lr * accumulated
    assert abs(w_ok) < 1e-6 and abs(w_bad) > 1.0


# -- the wrong statements are gone ---------------------------------------------------------


def texts(content: ContentSet) -> list[tuple[str, str]]:
    out = []
    for module in content.topics.values():
        out += [(module.id, t) for t in (module.summary, *module.learning_steps)]
        out += [(module.id, i.text) for i in module.insights]
        for q in module.questions:
            out += [(q.id, q.prompt), *((q.id, h) for h in q.hints)]
            out += [(q.id, getattr(q, f)) for f in ("model_answer", "explanation") if hasattr(q, f)]
    return out


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"(?i)MSE[^.]{0,80}(does not|doesn't|never) push[^.]{0,40}calibrat",
         "squared error on probabilities is the Brier score, a proper scoring rule"),
        (r"(?i)gradients?[^.]{0,40}(10\^4|10\^\{4\}|10,000|10 000|ten thousand)",
         "rescaling targets by 100 scales the gradient by 100"),
        (r"(?i)averag[^.]{0,60}per-batch RMSE[^.]{0,80}always[^.]{0,20}underestimat",
         "only for equal-size batches"),
        (r"(?i)forg[eo]t[^.]{0,40}zero_grad[^.]{0,80}flat",
         "a missing zero_grad accumulates gradients; it does not flatten the loss"),
    ],
)  # fmt: skip
def test_the_audited_mistakes_are_not_taught(
    shipped_content: ContentSet, pattern: str, why: str
) -> None:
    wrong = [
        (where, text[:120]) for where, text in texts(shipped_content) if re.search(pattern, text)
    ]
    assert not wrong, f"{why}: {wrong}"


def test_ridge_closed_forms_name_their_objective(shipped_content: ContentSet) -> None:
    """Wherever (XᵀX + λI)⁻¹Xᵀy is written, the same text says it is for the summed loss (or
    gives nλ for the mean): the two must never be mixed silently."""
    plain = re.compile(r"X\^\\?(top|T)\s*X\s*\+\s*\\lambda\s*I\s*\\?right\)?\s*\)?\s*\^\{?-1")
    for where, text in texts(shipped_content):
        if plain.search(text):
            assert re.search(r"(?i)sum|n\\lambda|without the 1/n|not averaged|summed", text), where
