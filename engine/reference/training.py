"""Training utilities: clipping, dropout, early stopping, mixup, SAM and full-batch training."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from engine.arrays import FloatArray, FloatOrArray
from engine.reference._util import as_float, sigmoid
from engine.reference.gradients import logistic_gradient, mse_gradient

CLIP_EPS = 1e-6
SAM_EPS = 1e-12


def clip_grad_norm(grads: Sequence[FloatArray], max_norm: float) -> tuple[list[FloatArray], float]:
    """Scale every gradient by ``min(1, max_norm / (‖g‖ + 1e-6))`` where ‖g‖ is the global L2 norm
    over the whole list; returns the clipped list and that norm.

    Examples
    --------
    >>> clipped, norm = clip_grad_norm([np.array([3.0]), np.array([4.0])], 1.0)
    >>> norm, np.round(clipped[0], 4)
    (5.0, array([0.6]))
    """
    arrays = [as_float(g) for g in grads]
    total = float(np.sqrt(sum(float(np.sum(g * g)) for g in arrays)))
    scale = min(1.0, max_norm / (total + CLIP_EPS))
    return [g * scale for g in arrays], total


def clip_grad_value(grad: ArrayLike, clip_value: float) -> FloatArray:
    """Clip every component to ``[−clip_value, clip_value]``.

    Examples
    --------
    >>> clip_grad_value(np.array([-3.0, 0.5, 2.0]), 1.0)
    array([-1. ,  0.5,  1. ])
    """
    return np.clip(as_float(grad), -clip_value, clip_value)


def dropout(
    x: ArrayLike, p: float, training: bool = True, rng: np.random.Generator | None = None
) -> FloatArray:
    """Inverted dropout: zero each unit with probability ``p`` and scale survivors by 1/(1 − p).

    In evaluation mode (``training=False``) or with ``p = 0`` the input comes back unchanged.

    Examples
    --------
    >>> dropout(np.ones(3), 0.5, training=False)
    array([1., 1., 1.])
    """
    x = as_float(x)
    if not training or p == 0:
        return x.copy()
    if p >= 1:
        return np.zeros_like(x)
    rng = rng if rng is not None else np.random.default_rng()
    keep = rng.random(x.shape) >= p
    return x * keep / (1.0 - p)


def early_stopping(
    val_losses: Sequence[float], patience: int, min_delta: float = 0.0
) -> tuple[int, int]:
    """Return ``(stop_epoch, best_epoch)`` (0-based) for a run of validation losses.

    An epoch improves when its loss is below the best so far minus ``min_delta``. Training stops
    at the epoch where ``patience`` epochs in a row have not improved; if that never happens,
    ``stop_epoch`` is the last epoch.

    Examples
    --------
    >>> early_stopping([1.0, 0.8, 0.85, 0.9, 0.95, 0.7], patience=3)
    (4, 1)
    """
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, best_epoch, waited = float(loss), epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_losses) - 1, best_epoch


def mixup(
    x1: ArrayLike, y1: ArrayLike, x2: ArrayLike, y2: ArrayLike, lam: FloatOrArray
) -> tuple[FloatArray, FloatArray]:
    """Mix two examples: ``(λx1 + (1 − λ)x2, λy1 + (1 − λ)y2)``.

    Examples
    --------
    >>> mixup(np.array([1.0]), np.array([1.0, 0.0]), np.array([3.0]), np.array([0.0, 1.0]), 0.25)
    (array([2.5]), array([0.25, 0.75]))
    """
    mixed_x = lam * as_float(x1) + (1 - lam) * as_float(x2)
    mixed_y = lam * as_float(y1) + (1 - lam) * as_float(y2)
    return mixed_x, mixed_y


def sam_perturbation(grad: ArrayLike, rho: float = 0.05) -> FloatArray:
    """SAM's ascent step ``ε = ρ · g / (‖g‖₂ + 1e-12)``: the worst-case nearby direction.

    Examples
    --------
    >>> sam_perturbation(np.array([3.0, 4.0]), rho=0.5)
    array([0.3, 0.4])
    """
    g = as_float(grad)
    return rho * g / (np.linalg.norm(g) + SAM_EPS)


def linear_regression_gd(X: ArrayLike, y: FloatArray, lr: float, epochs: int) -> FloatArray:
    """Full-batch gradient descent on the MSE from β = 0: ``β ← β − lr·(−2/n)Xᵀ(y − Xβ)``.

    Examples
    --------
    >>> np.round(linear_regression_gd(np.array([[1.0], [2.0]]), np.array([2.0, 4.0]), 0.1, 50), 4)
    array([2.])
    """
    X = as_float(X)
    beta = np.zeros(X.shape[1])
    for _ in range(epochs):
        beta = beta - lr * mse_gradient(X, y, beta)
    return beta


def logistic_regression_gd(X: ArrayLike, y: FloatArray, lr: float, epochs: int) -> FloatArray:
    """Full-batch gradient descent on the mean logistic loss from β = 0.

    Each epoch ``β ← β − lr·Xᵀ(σ(Xβ) − y)/n``.

    Examples
    --------
    >>> beta = logistic_regression_gd(np.array([[1.0], [-1.0]]), np.array([1.0, 0.0]), 1.0, 100)
    >>> bool(sigmoid(np.array([1.0]) @ beta) > 0.9)
    True
    """
    X = as_float(X)
    beta = np.zeros(X.shape[1])
    for _ in range(epochs):
        beta = beta - lr * logistic_gradient(X, y, beta)
    return beta


__all__ = [
    "clip_grad_norm",
    "clip_grad_value",
    "dropout",
    "early_stopping",
    "linear_regression_gd",
    "logistic_regression_gd",
    "mixup",
    "sam_perturbation",
    "sigmoid",
]
