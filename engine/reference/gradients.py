"""Gradients of losses with respect to parameters or logits, and a finite-difference checker."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from engine.arrays import FloatArray
from engine.reference._util import as_float, sigmoid
from engine.reference.losses import softmax


def mse_gradient(X: ArrayLike, y: ArrayLike, beta: ArrayLike) -> FloatArray:
    """Gradient of ``mean((y − Xβ)²)`` with respect to β: ``−2/n · Xᵀ(y − Xβ)``.

    Parameters
    ----------
    X : ndarray, shape (n, p)
    y : ndarray, shape (n,)
    beta : ndarray, shape (p,)

    Returns
    -------
    ndarray, shape (p,)

    Examples
    --------
    >>> mse_gradient(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 2.0]), np.zeros(2))
    array([-1., -2.])
    """
    X, y, beta = as_float(X), as_float(y), as_float(beta)
    out: FloatArray = -2.0 / X.shape[0] * (X.T @ (y - X @ beta))
    return out


def ridge_gradient(X: FloatArray, y: FloatArray, beta: ArrayLike, lam: float) -> FloatArray:
    """Gradient of ``mean((y − Xβ)²) + λ‖β‖²``: ``−2/n · Xᵀ(y − Xβ) + 2λβ``.

    The penalty is not averaged over samples, so it adds ``2λβ`` whatever n is.

    Examples
    --------
    >>> ridge_gradient(np.eye(2), np.array([1.0, 2.0]), np.array([1.0, 1.0]), 0.5)
    array([1., 0.])
    """
    return mse_gradient(X, y, beta) + 2.0 * lam * as_float(beta)


def logistic_gradient(X: ArrayLike, y: ArrayLike, beta: ArrayLike) -> FloatArray:
    """Gradient of the mean logistic loss: ``Xᵀ(σ(Xβ) − y) / n`` with a stable sigmoid.

    Examples
    --------
    >>> logistic_gradient(np.array([[1.0], [1.0]]), np.array([1.0, 0.0]), np.zeros(1))
    array([0.])
    """
    X, y, beta = as_float(X), as_float(y), as_float(beta)
    out: FloatArray = X.T @ (sigmoid(X @ beta) - y) / X.shape[0]
    return out


def softmax_ce_gradient(y_onehot: ArrayLike, logits: ArrayLike) -> FloatArray:
    """Gradient of the mean softmax cross-entropy with respect to the logits: ``(softmax − y)/n``.

    A 1-D input is one sample (n = 1).

    Examples
    --------
    >>> softmax_ce_gradient(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))
    array([[-0.5,  0.5]])
    """
    y, z = as_float(y_onehot), as_float(logits)
    n = z.shape[0] if z.ndim == 2 else 1
    return (softmax(z) - y) / n


def numerical_gradient(
    f: Callable[[FloatArray], float], x: FloatArray, h: float = 1e-5
) -> FloatArray:
    """Central-difference gradient ``(f(x + h e_i) − f(x − h e_i)) / (2h)`` for every i.

    ``x`` may have any shape; it is not modified.

    Examples
    --------
    >>> np.round(numerical_gradient(lambda v: float(np.sum(v ** 2)), np.array([1.0, -2.0])), 6)
    array([ 2., -4.])
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f(x)
        flat[i] = old - h
        down = f(x)
        flat[i] = old
        out[i] = (up - down) / (2.0 * h)
    return grad
