"""One step of each optimizer. Every function returns new arrays and never updates in place.

Conventions (pinned in the exercises): momentum keeps an exponential average of gradients,
``v ← βv + (1 − β)g`` then ``w ← w − lr·v``; Nesterov evaluates the gradient at the look-ahead
point ``w − lr·β·v``; Adam's ``t`` counts from 1 and ε sits outside the square root; AdamW decays
the weights directly (``w ← w − lr·λ·w``) instead of adding ``λw`` to the gradient.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from engine.arrays import FloatArray, FloatOrArray
from engine.reference._util import as_float

Pair = tuple[FloatArray, FloatArray]


def sgd_step(w: ArrayLike, grad: ArrayLike, lr: FloatOrArray) -> FloatArray:
    """Plain gradient step ``w − lr·g``.

    Examples
    --------
    >>> sgd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1)
    array([0.95, 2.1 ])
    """
    return as_float(w) - lr * as_float(grad)


def momentum_step(
    w: ArrayLike, grad: ArrayLike, velocity: ArrayLike, lr: FloatOrArray, beta: FloatOrArray = 0.9
) -> Pair:
    """Momentum as an exponential average: ``v ← βv + (1 − β)g``, ``w ← w − lr·v``.

    Returns
    -------
    (w, velocity) : tuple of ndarray

    Examples
    --------
    >>> momentum_step(np.array([1.0]), np.array([2.0]), np.array([0.0]), 0.1)
    (array([0.98]), array([0.2]))
    """
    v = beta * as_float(velocity) + (1.0 - beta) * as_float(grad)
    return as_float(w) - lr * v, v


def nesterov_step(
    w: ArrayLike,
    grad_fn: Callable[[FloatArray], FloatArray],
    velocity: ArrayLike,
    lr: FloatOrArray,
    beta: FloatOrArray = 0.9,
) -> Pair:
    """Nesterov momentum: the gradient is taken at the look-ahead point ``w − lr·β·v``.

    ``v ← βv + (1 − β)·grad_fn(w − lr·β·v)``, then ``w ← w − lr·v``.

    Examples
    --------
    >>> nesterov_step(np.array([1.0]), lambda x: 2 * x, np.array([1.0]), 0.1)
    (array([0.8918]), array([1.082]))
    """
    w, v = as_float(w), as_float(velocity)
    g = as_float(grad_fn(w - lr * beta * v))
    v = beta * v + (1.0 - beta) * g
    return w - lr * v, v


def adagrad_step(
    w: ArrayLike, grad: ArrayLike, accum: ArrayLike, lr: FloatOrArray, eps: FloatOrArray = 1e-8
) -> Pair:
    """AdaGrad: ``G ← G + g²``, ``w ← w − lr·g / (√G + ε)``; returns ``(w, G)``.

    Examples
    --------
    >>> adagrad_step(np.array([1.0]), np.array([2.0]), np.array([0.0]), 0.1)
    (array([0.9]), array([4.]))
    """
    g = as_float(grad)
    acc = as_float(accum) + g * g
    return as_float(w) - lr * g / (np.sqrt(acc) + eps), acc


def rmsprop_step(
    w: ArrayLike,
    grad: ArrayLike,
    sq_avg: ArrayLike,
    lr: FloatOrArray,
    rho: FloatOrArray = 0.9,
    eps: FloatOrArray = 1e-8,
) -> Pair:
    """RMSProp: ``s ← ρs + (1 − ρ)g²``, ``w ← w − lr·g / (√s + ε)``; returns ``(w, s)``.

    Examples
    --------
    >>> w, s = rmsprop_step(np.array([1.0]), np.array([2.0]), np.array([0.0]), 0.1)
    >>> np.round(w, 6), s
    (array([0.683772]), array([0.4]))
    """
    g = as_float(grad)
    s = rho * as_float(sq_avg) + (1.0 - rho) * g * g
    return as_float(w) - lr * g / (np.sqrt(s) + eps), s


def adam_step(
    w: ArrayLike,
    grad: ArrayLike,
    m: ArrayLike,
    v: ArrayLike,
    t: int,
    lr: FloatOrArray = 1e-3,
    beta1: FloatOrArray = 0.9,
    beta2: FloatOrArray = 0.999,
    eps: FloatOrArray = 1e-8,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Adam with bias correction (t counts from 1, ε outside the square root).

    ``m ← β1 m + (1 − β1) g``, ``v ← β2 v + (1 − β2) g²``,
    ``w ← w − lr · m̂ / (√v̂ + ε)`` with ``m̂ = m/(1 − β1^t)``, ``v̂ = v/(1 − β2^t)``.

    Returns
    -------
    (w, m, v) : tuple of ndarray

    Examples
    --------
    >>> w, m, v = adam_step(np.array([1.0]), np.array([0.5]), np.zeros(1), np.zeros(1), 1, lr=0.1)
    >>> np.round(w, 6)
    array([0.9])
    """
    g = as_float(grad)
    m = beta1 * as_float(m) + (1.0 - beta1) * g
    v = beta2 * as_float(v) + (1.0 - beta2) * g * g
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    return as_float(w) - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adamw_step(
    w: ArrayLike,
    grad: FloatArray,
    m: FloatArray,
    v: FloatArray,
    t: int,
    lr: FloatOrArray = 1e-3,
    beta1: FloatOrArray = 0.9,
    beta2: FloatOrArray = 0.999,
    eps: FloatOrArray = 1e-8,
    weight_decay: FloatOrArray = 1e-2,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """AdamW: an Adam step plus decoupled weight decay ``w ← w − lr·λ·w``.

    The decay does not pass through the moment estimates, unlike L2 added to the gradient.

    Examples
    --------
    >>> w, m, v = adamw_step(np.array([1.0]), np.array([0.0]), np.zeros(1), np.zeros(1), 1,
    ...                      lr=0.1, weight_decay=0.5)
    >>> w
    array([0.95])
    """
    w = as_float(w)
    new_w, m, v = adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)
    return new_w - lr * weight_decay * w, m, v
