"""Two tiny models with hand-written backpropagation, and training steps on their parameters.

``linear``: ``ŷ = X Wᵀ + b`` (``nn.Linear``); ``mlp``: ``ŷ = tanh(X W1ᵀ + b1) W2ᵀ + b2``
(``Linear → Tanh → Linear``). Both are trained on the mean squared error over every element
(``nn.MSELoss()``). Parameters are lists of arrays in ``model.parameters()`` order; the PyTorch
exercises (optimizers, hooks, clipping, SAM) are judged against these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from engine.arrays import FloatArray
from engine.reference._util import as_float
from engine.reference.training import CLIP_EPS, SAM_EPS

Params = list[FloatArray]
GradFn = Callable[[Sequence[FloatArray]], tuple[float, Params]]


def linear_mse(X: ArrayLike, Y: ArrayLike, W: ArrayLike, b: ArrayLike) -> tuple[float, Params]:
    """MSE of ``X Wᵀ + b`` against ``Y`` and its gradients ``[∂W, ∂b]``.

    Examples
    --------
    >>> loss, (dW, db) = linear_mse(np.ones((1, 1)), np.zeros((1, 1)), np.ones((1, 1)), np.zeros(1))
    >>> loss, dW, db
    (1.0, array([[2.]]), array([2.]))
    """
    X, Y = as_float(X), as_float(Y)
    residual = X @ as_float(W).T + as_float(b) - Y
    d_out = 2.0 * residual / residual.size
    return float(np.mean(residual**2)), [d_out.T @ X, d_out.sum(axis=0)]


def mlp_mse(
    X: ArrayLike,
    Y: ArrayLike,
    W1: ArrayLike,
    b1: ArrayLike,
    W2: ArrayLike,
    b2: ArrayLike,
) -> tuple[float, Params]:
    """MSE of ``tanh(X W1ᵀ + b1) W2ᵀ + b2`` against ``Y`` and its gradients
    ``[∂W1, ∂b1, ∂W2, ∂b2]``.

    Examples
    --------
    >>> z = np.zeros((1, 1))
    >>> loss, grads = mlp_mse(z, np.ones((1, 1)), z, np.zeros(1), z, np.zeros(1))
    >>> loss, [g.tolist() for g in grads]
    (1.0, [[[0.0]], [0.0], [[0.0]], [-2.0]])
    """
    X, Y = as_float(X), as_float(Y)
    hidden = np.tanh(X @ as_float(W1).T + as_float(b1))
    residual = hidden @ as_float(W2).T + as_float(b2) - Y
    d_out = 2.0 * residual / residual.size
    d_pre = (d_out @ as_float(W2)) * (1.0 - hidden**2)
    grads = [d_pre.T @ X, d_pre.sum(axis=0), d_out.T @ hidden, d_out.sum(axis=0)]
    return float(np.mean(residual**2)), grads


def global_norm(grads: Sequence[FloatArray]) -> float:
    """``√(Σ_i ‖g_i‖²)`` over every array."""
    return float(np.sqrt(sum(float(np.sum(as_float(g) ** 2)) for g in grads)))


def clip_and_step(
    params: Sequence[FloatArray], grads: Sequence[FloatArray], max_norm: float, lr: float
) -> tuple[float, Params]:
    """``clip_grad_norm_`` then one SGD step: scale every gradient by
    ``min(1, max_norm / (‖g‖ + 1e-6))`` (global norm), step ``w ← w − lr·g``; returns
    (the norm before clipping, new parameters).

    Examples
    --------
    >>> clip_and_step([np.zeros(2)], [np.array([3.0, 4.0])], 1.0, 1.0)[0]
    5.0
    """
    total = global_norm(grads)
    scale = min(1.0, max_norm / (total + CLIP_EPS))
    return total, [
        as_float(w) - lr * scale * as_float(g) for w, g in zip(params, grads, strict=True)
    ]


def sam_step(
    params: Sequence[FloatArray], loss_and_grads: GradFn, rho: float, lr: float
) -> tuple[float, Params]:
    """One SAM update with SGD as the base optimizer; returns (loss at ``w``, new parameters).

    ``ε = ρ·g/(‖g‖ + 1e-12)`` with the global norm of the gradient at ``w``; the gradient is
    taken again at ``w + ε``, and that gradient moves the original weights:
    ``w ← w − lr·∇L(w + ε)``.

    Examples
    --------
    >>> quad = lambda p: (float(p[0] @ p[0]), [2 * p[0]])
    >>> sam_step([np.array([1.0, 0.0])], quad, rho=0.5, lr=0.25)[1]
    [array([0.25, 0.  ])]
    """
    w = [as_float(p) for p in params]
    loss, grads = loss_and_grads(w)
    scale = rho / (global_norm(grads) + SAM_EPS)
    _, sharp = loss_and_grads([p + scale * g for p, g in zip(w, grads, strict=True)])
    return loss, [p - lr * g for p, g in zip(w, sharp, strict=True)]
