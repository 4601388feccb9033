"""Per-sample losses and their derivatives, for plotting a loss against its argument.

The mean losses in :mod:`engine.reference.losses` average these values (the tests pin that they
agree). Every function broadcasts over NumPy arrays and returns an array of the same shape.

Three families, by what the loss is a function of:

* the residual ``r = y − ŷ`` (regression): squared, absolute, Huber, Smooth-L1;
* the margin ``m = y·f(x)`` with ``y ∈ {−1, 1}`` (classification scores): logistic, hinge,
  squared hinge, 0-1, exponential, squared error on the labels ``(y − f)² = (1 − m)²``;
* the predicted probability ``p`` of class 1 with ``y ∈ {0, 1}``: log loss, focal loss.

Each ``d_*`` function is the derivative with respect to that argument (a subgradient at kinks).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from engine.arrays import FloatArray
from engine.reference._util import as_float, sigmoid
from engine.reference.losses import BCE_EPS


def squared(r: ArrayLike) -> FloatArray:
    """``r²``; its mean is the MSE.

    Examples
    --------
    >>> squared(np.array([-2.0, 0.5]))
    array([4.  , 0.25])
    """
    r = as_float(r)
    return r * r


def d_squared(r: ArrayLike) -> FloatArray:
    """``2r``: grows with the residual, so large errors dominate the gradient."""
    return 2.0 * as_float(r)


def absolute(r: ArrayLike) -> FloatArray:
    """``|r|``; its mean is the MAE (and for one sample it is also the RMSE).

    Examples
    --------
    >>> absolute(np.array([-2.0, 0.5]))
    array([2. , 0.5])
    """
    return np.abs(as_float(r))


def d_absolute(r: ArrayLike) -> FloatArray:
    """``sign(r)``: the same size for every error (0 at r = 0)."""
    return np.sign(as_float(r))


def huber(r: ArrayLike, delta: float = 1.0) -> FloatArray:
    """``½r²`` for ``|r| ≤ δ``, ``δ(|r| − ½δ)`` beyond.

    Examples
    --------
    >>> huber(np.array([0.5, 3.0]), delta=1.0)
    array([0.125, 2.5  ])
    """
    a = np.abs(as_float(r))
    return np.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta))


def d_huber(r: ArrayLike, delta: float | FloatArray = 1.0) -> FloatArray:
    """``clip(r, −δ, δ)``: the residual itself inside δ, ±δ outside.

    Examples
    --------
    >>> d_huber(np.array([-3.0, 0.5, 3.0]), delta=1.0)
    array([-1. ,  0.5,  1. ])
    """
    return np.clip(as_float(r), -delta, delta)


def smooth_l1(r: FloatArray, beta: float = 1.0) -> FloatArray:
    """Smooth-L1: ``½r²/β`` for ``|r| < β``, ``|r| − ½β`` beyond (Huber divided by β).

    Examples
    --------
    >>> smooth_l1(np.array([0.5, 3.0]), beta=1.0)
    array([0.125, 2.5  ])
    """
    return huber(r, beta) / beta


def d_smooth_l1(r: FloatArray, beta: float = 1.0) -> FloatArray:
    """``clip(r/β, −1, 1)``: slope ±1 outside the quadratic zone, like MAE."""
    return d_huber(r, beta) / beta


def logistic(m: ArrayLike) -> FloatArray:
    """Log loss on the margin: ``log(1 + e^{−m})``, stable for any m.

    Examples
    --------
    >>> logistic(np.array([-1000.0, 1000.0]))
    array([1000.,    0.])
    """
    return np.logaddexp(0.0, -as_float(m))


def d_logistic(m: ArrayLike) -> FloatArray:
    """``−σ(−m)``: about −1 for badly wrong scores, never exactly 0."""
    return -sigmoid(-as_float(m))


def hinge(m: ArrayLike) -> FloatArray:
    """``max(0, 1 − m)``: zero once the margin reaches 1.

    Examples
    --------
    >>> hinge(np.array([-1.0, 0.5, 1.0, 3.0]))
    array([2. , 0.5, 0. , 0. ])
    """
    return np.maximum(0.0, 1.0 - as_float(m))


def d_hinge(m: ArrayLike) -> FloatArray:
    """``−1`` for ``m < 1``, else 0."""
    return -(as_float(m) < 1.0).astype(np.float64)


def squared_hinge(m: FloatArray) -> FloatArray:
    """``max(0, 1 − m)²``: a smooth hinge that punishes large violations quadratically."""
    h = hinge(m)
    return h * h


def d_squared_hinge(m: FloatArray) -> FloatArray:
    """``−2·max(0, 1 − m)``."""
    return -2.0 * hinge(m)


def zero_one(m: ArrayLike) -> FloatArray:
    """``1`` when the margin is ≤ 0 (misclassified), else 0; its gradient is 0 almost everywhere.

    Examples
    --------
    >>> zero_one(np.array([-0.5, 0.0, 2.0]))
    array([1., 1., 0.])
    """
    return (as_float(m) <= 0.0).astype(np.float64)


def d_zero_one(m: ArrayLike) -> FloatArray:
    """Zero everywhere except the jump at 0: nothing to descend on."""
    return np.zeros_like(as_float(m))


def exponential(m: ArrayLike) -> FloatArray:
    """``e^{−m}`` (AdaBoost's loss): grows exponentially with a wrong margin."""
    return np.exp(-as_float(m))


def d_exponential(m: ArrayLike) -> FloatArray:
    """``−e^{−m}``."""
    return -np.exp(-as_float(m))


def squared_margin(m: ArrayLike) -> FloatArray:
    """Squared error on ±1 labels, ``(y − f)² = (1 − m)²``: it also punishes m > 1.

    Examples
    --------
    >>> squared_margin(np.array([0.0, 1.0, 3.0]))
    array([1., 0., 4.])
    """
    d = 1.0 - as_float(m)
    return d * d


def d_squared_margin(m: ArrayLike) -> FloatArray:
    """``−2(1 − m)``: positive for m > 1, pulling correct, confident scores back."""
    return -2.0 * (1.0 - as_float(m))


def log_loss(y: ArrayLike, p: ArrayLike, eps: float = BCE_EPS) -> FloatArray:
    """``−[y log p + (1 − y) log(1 − p)]`` with p clipped to ``[eps, 1 − eps]``.

    ``eps = 0`` disables clipping, so a confident wrong prediction gives ``inf``.

    Examples
    --------
    >>> np.round(log_loss(np.array([1.0, 0.0]), np.array([0.9, 0.2])), 6)
    array([0.105361, 0.223144])
    """
    y = as_float(y)
    q = np.clip(as_float(p), eps, 1.0 - eps)
    with np.errstate(divide="ignore"):
        return -(y * np.log(q) + (1.0 - y) * np.log1p(-q))


def d_log_loss(y: ArrayLike, p: ArrayLike, eps: float = BCE_EPS) -> FloatArray:
    """``∂/∂p = −y/p + (1 − y)/(1 − p)`` inside the clipping range, 0 where p is clipped.

    Examples
    --------
    >>> d_log_loss(np.array([1.0]), np.array([0.001]))
    array([-1000.])
    """
    y, p = np.broadcast_arrays(as_float(y), as_float(p))
    inside = (p >= eps) & (p <= 1.0 - eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = -y / p + (1.0 - y) / (1.0 - p)
    return np.where(inside, g, 0.0)


def focal(y: ArrayLike, p: ArrayLike, gamma: float = 2.0, alpha: float = 0.25) -> FloatArray:
    """Focal loss ``−α_t (1 − p_t)^γ log p_t`` with ``p_t`` the probability of the true class.

    Examples
    --------
    >>> np.round(focal(np.array([1.0, 0.0]), np.array([0.9, 0.2])), 6)
    array([0.000263, 0.006694])
    """
    y, p = as_float(y), as_float(p)
    p_t = y * p + (1.0 - y) * (1.0 - p)
    alpha_t = y * alpha + (1.0 - y) * (1.0 - alpha)
    return -alpha_t * (1.0 - p_t) ** gamma * np.log(p_t)


def d_focal(y: ArrayLike, p: ArrayLike, gamma: float = 2.0, alpha: float = 0.25) -> FloatArray:
    """``∂/∂p`` of :func:`focal`: ``(2y − 1)·α_t[γ(1 − p_t)^{γ−1} log p_t − (1 − p_t)^γ / p_t]``."""
    y, p = as_float(y), as_float(p)
    p_t = y * p + (1.0 - y) * (1.0 - p)
    alpha_t = y * alpha + (1.0 - y) * (1.0 - alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        damp = np.where(gamma == 0, 0.0, gamma * (1.0 - p_t) ** (gamma - 1.0) * np.log(p_t))
    return (2.0 * y - 1.0) * alpha_t * (damp - (1.0 - p_t) ** gamma / p_t)
