"""Gradients of linear models under robust and margin losses.

Each is ``∂/∂β`` of the mean loss of the scores ``Xβ``, built from the per-sample derivatives in
:mod:`engine.reference.elementwise`. ``beta`` may also be a matrix ``(p, k)`` with ``y`` of shape
``(n, 1)``: then the k columns are k independent fits (and ``delta`` may be a vector of k).
"""

from __future__ import annotations

import numpy as np  # noqa: F401  (the examples below use np)
from numpy.typing import ArrayLike

from engine.arrays import FloatArray
from engine.reference import elementwise as ew
from engine.reference._util import as_float


def mae_gradient(X: ArrayLike, y: ArrayLike, beta: ArrayLike) -> FloatArray:
    """Subgradient of ``mean(|y − Xβ|)``: ``−Xᵀ sign(y − Xβ) / n``.

    Examples
    --------
    >>> mae_gradient(np.array([[1.0], [2.0]]), np.array([3.0, -1.0]), np.zeros(1))
    array([0.5])
    """
    X, y, beta = as_float(X), as_float(y), as_float(beta)
    out: FloatArray = -(X.T @ ew.d_absolute(y - X @ beta)) / X.shape[0]
    return out


def huber_gradient(
    X: ArrayLike, y: ArrayLike, beta: ArrayLike, delta: float | FloatArray = 1.0
) -> FloatArray:
    """Gradient of the mean Huber loss: ``−Xᵀ clip(y − Xβ, −δ, δ) / n``.

    Examples
    --------
    >>> huber_gradient(np.array([[1.0], [1.0]]), np.array([0.5, 10.0]), np.zeros(1))
    array([-0.75])
    """
    X, y, beta = as_float(X), as_float(y), as_float(beta)
    out: FloatArray = -(X.T @ ew.d_huber(y - X @ beta, delta)) / X.shape[0]
    return out


def hinge_gradient(X: ArrayLike, y: ArrayLike, beta: ArrayLike, lam: float = 0.0) -> FloatArray:
    """Subgradient of ``mean(max(0, 1 − y·Xβ)) + ½λ‖β‖²`` with labels in {−1, 1}.

    Only samples inside the margin (``y·Xβ < 1``) contribute: ``−Xᵀ(y·1[m < 1]) / n + λβ``.

    Examples
    --------
    >>> hinge_gradient(np.array([[1.0], [2.0]]), np.array([1.0, -1.0]), np.array([1.0]))
    array([1.])
    """
    X, y, beta = as_float(X), as_float(y), as_float(beta)
    m = y * (X @ beta)
    out: FloatArray = (X.T @ (y * ew.d_hinge(m))) / X.shape[0] + lam * beta
    return out
