"""Loss functions. Each returns the mean over samples as a Python float (``softmax`` and
``label_smoothing`` return arrays)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from engine.arrays import FloatArray
from engine.reference._util import as_float

BCE_EPS = 1e-12


def mse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean squared error over all elements.

    Parameters
    ----------
    y_true, y_pred : ndarray
        Targets and predictions of the same shape.

    Returns
    -------
    float
        ``mean((y_true - y_pred) ** 2)``.

    Examples
    --------
    >>> mse(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 2.0]))
    0.4166666666666667
    """
    r = as_float(y_true) - as_float(y_pred)
    return float(np.mean(r * r))


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error over all elements.

    Examples
    --------
    >>> mae(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 2.0]))
    0.5
    """
    return float(np.mean(np.abs(as_float(y_true) - as_float(y_pred))))


def rmse(y_true: FloatArray, y_pred: FloatArray) -> float:
    """Root mean squared error: the square root of :func:`mse`, in the target's units.

    Examples
    --------
    >>> rmse(np.array([0.0, 0.0]), np.array([3.0, 4.0]))
    3.5355339059327378
    """
    return float(np.sqrt(mse(y_true, y_pred)))


def huber(y_true: ArrayLike, y_pred: ArrayLike, delta: float = 1.0) -> float:
    """Huber loss: ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond, averaged; r = y_true − y_pred.

    Examples
    --------
    >>> huber(np.array([0.0, 0.0]), np.array([0.5, 3.0]))
    1.3125
    """
    a = np.abs(as_float(y_true) - as_float(y_pred))
    return float(np.mean(np.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta))))


def binary_cross_entropy(y_true: ArrayLike, p_pred: ArrayLike, eps: float = BCE_EPS) -> float:
    """Binary cross-entropy on probabilities clipped to ``[eps, 1 - eps]``.

    Parameters
    ----------
    y_true : ndarray
        Labels in {0, 1}.
    p_pred : ndarray
        Predicted probabilities of class 1 (may be exactly 0 or 1).
    eps : float
        Clipping margin that keeps the logarithms finite.

    Examples
    --------
    >>> round(binary_cross_entropy(np.array([1.0, 0.0]), np.array([0.9, 0.2])), 6)
    0.164252
    """
    y = as_float(y_true)
    p = np.clip(as_float(p_pred), eps, 1.0 - eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def bce_with_logits(y_true: ArrayLike, logits: ArrayLike) -> float:
    """Binary cross-entropy computed from logits, stable for any magnitude.

    Uses ``log(1 + e^z) - y z = logaddexp(0, z) - y z``, which never overflows.

    Examples
    --------
    >>> bce_with_logits(np.array([1.0, 0.0]), np.array([1000.0, -1000.0]))
    0.0
    """
    y, z = as_float(y_true), as_float(logits)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def log_softmax(logits: ArrayLike) -> FloatArray:
    """Log-softmax over the last axis via log-sum-exp (shift by the row maximum).

    Examples
    --------
    >>> np.round(log_softmax(np.array([0.0, 0.0])), 6)
    array([-0.693147, -0.693147])
    """
    z = as_float(logits)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    out: FloatArray = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    return out


def softmax(logits: ArrayLike) -> FloatArray:
    """Softmax over the last axis (each row of a 2-D array sums to 1); stable for large logits.

    Examples
    --------
    >>> np.round(softmax(np.array([1.0, 2.0, 3.0])), 4)
    array([0.09  , 0.2447, 0.6652])
    """
    z = as_float(logits)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    out: FloatArray = e / np.sum(e, axis=-1, keepdims=True)
    return out


def categorical_cross_entropy(y_onehot: ArrayLike, logits: FloatArray) -> float:
    """Softmax cross-entropy from logits, averaged over rows (a 1-D input is one row).

    Examples
    --------
    >>> round(categorical_cross_entropy(np.array([[0.0, 1.0]]), np.array([[0.0, 0.0]])), 6)
    0.693147
    """
    y = np.atleast_2d(as_float(y_onehot))
    return float(-np.mean(np.sum(y * log_softmax(np.atleast_2d(logits)), axis=-1)))


def hinge(y_true: ArrayLike, scores: ArrayLike) -> float:
    """Binary hinge loss ``mean(max(0, 1 - y s))`` with labels y in {-1, 1}.

    Examples
    --------
    >>> hinge(np.array([1.0, -1.0, 1.0]), np.array([2.0, 0.5, 0.2]))
    0.7666666666666666
    """
    return float(np.mean(np.maximum(0.0, 1.0 - as_float(y_true) * as_float(scores))))


def multiclass_hinge(labels: FloatArray, scores: ArrayLike, margin: float = 1.0) -> float:
    """Weston–Watkins multiclass hinge: mean over samples of Σ_{j≠y} max(0, s_j − s_y + margin).

    Parameters
    ----------
    labels : ndarray of int, shape (n,)
        Index of the true class of each sample.
    scores : ndarray, shape (n, K)
        Class scores.

    Examples
    --------
    >>> multiclass_hinge(np.array([0]), np.array([[3.0, 2.5, 0.0]]))
    0.5
    """
    s = np.atleast_2d(as_float(scores))
    idx = np.arange(s.shape[0])
    y = np.asarray(labels).astype(np.int64).reshape(-1)
    margins = np.maximum(0.0, s - s[idx, y][:, None] + margin)
    margins[idx, y] = 0.0
    return float(np.mean(np.sum(margins, axis=1)))


def focal_loss(
    y_true: ArrayLike, p_pred: ArrayLike, gamma: float = 2.0, alpha: float = 0.25
) -> float:
    """Binary focal loss ``-α_t (1 − p_t)^γ log p_t``, averaged.

    ``p_t`` is the probability given to the true class and ``α_t`` is α for positives and
    1 − α for negatives. Probabilities lie strictly between 0 and 1.

    Examples
    --------
    >>> round(focal_loss(np.array([1.0, 0.0]), np.array([0.9, 0.2])), 6)
    0.003479
    """
    y, p = as_float(y_true), as_float(p_pred)
    p_t = y * p + (1.0 - y) * (1.0 - p)
    alpha_t = y * alpha + (1.0 - y) * (1.0 - alpha)
    return float(np.mean(-alpha_t * (1.0 - p_t) ** gamma * np.log(p_t)))


def label_smoothing(y_onehot: ArrayLike, eps: float) -> FloatArray:
    """Smoothed targets ``(1 − ε) y + ε / K`` with K classes (the last axis).

    Examples
    --------
    >>> label_smoothing(np.array([0.0, 1.0, 0.0, 0.0]), 0.1)
    array([0.025, 0.925, 0.025, 0.025])
    """
    y = as_float(y_onehot)
    out: FloatArray = (1.0 - eps) * y + eps / y.shape[-1]
    return out
