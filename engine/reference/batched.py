"""Row-wise forms of reference functions, for running many independent fits or optimizations as
the rows of one array (one NumPy call per step instead of one per run).

Each is pinned by the tests to equal the one-run function applied row by row.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from engine.arrays import FloatArray
from engine.reference._util import as_float
from engine.reference.training import CLIP_EPS, SAM_EPS


def stacked_mse_gradient(X: ArrayLike, y: ArrayLike, beta: ArrayLike) -> FloatArray:
    """:func:`~engine.reference.gradients.mse_gradient` for r stacked problems.

    Parameters
    ----------
    X : ndarray, shape (r, n, p)
    y : ndarray, shape (r, n)
    beta : ndarray, shape (r, p)

    Returns
    -------
    ndarray, shape (r, p)
        ``−2/n · X_iᵀ(y_i − X_i β_i)`` for every i.

    Examples
    --------
    >>> X = np.array([[[1.0], [2.0]], [[1.0], [1.0]]])
    >>> stacked_mse_gradient(X, np.array([[1.0, 2.0], [0.0, 2.0]]), np.zeros((2, 1)))
    array([[-5.],
           [-2.]])
    """
    X, y, beta = as_float(X), as_float(y), as_float(beta)
    residual = y - np.einsum("rnp,rp->rn", X, beta)
    out: FloatArray = -2.0 / X.shape[1] * np.einsum("rnp,rn->rp", X, residual)
    return out


def clip_rows_by_norm(grads: ArrayLike, max_norm: float) -> tuple[FloatArray, FloatArray]:
    """Clip each row as :func:`~engine.reference.training.clip_grad_norm` clips one gradient.

    Returns the clipped rows and the norm of each row before clipping.

    Examples
    --------
    >>> clipped, norms = clip_rows_by_norm(np.array([[3.0, 4.0], [0.3, 0.4]]), 1.0)
    >>> np.round(clipped, 4), norms
    (array([[0.6, 0.8],
           [0.3, 0.4]]), array([5. , 0.5]))
    """
    g = as_float(grads)
    norms = np.sqrt(np.sum(g * g, axis=-1))
    scale = np.minimum(1.0, max_norm / (norms + CLIP_EPS))
    return g * scale[..., None], norms


def sam_perturbation_rows(grads: ArrayLike, rho: float = 0.05) -> FloatArray:
    """:func:`~engine.reference.training.sam_perturbation` of each row: ``ρ g / (‖g‖ + 1e-12)``.

    Examples
    --------
    >>> sam_perturbation_rows(np.array([[3.0, 4.0], [0.0, -2.0]]), rho=0.5)
    array([[ 0.3,  0.4],
           [ 0. , -0.5]])
    """
    g = as_float(grads)
    out: FloatArray = rho * g / (np.linalg.norm(g, axis=-1, keepdims=True) + SAM_EPS)
    return out
