"""Small helpers shared by the reference implementations."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from engine.arrays import FloatArray


def as_float(x: ArrayLike) -> FloatArray:
    """Return ``x`` as a float64 array (a new array; inputs are never modified)."""
    return np.asarray(x, dtype=np.float64)


def sigmoid(z: ArrayLike) -> FloatArray:
    """Logistic function, accurate and overflow-free for any z: ``exp(-log(1 + e^{-z}))``.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    return np.exp(-np.logaddexp(0.0, -as_float(z)))
