"""Gradients of the two-dimensional test objectives of the optimizer demos.

They live in the runtime because a learner's optimizer step is iterated on them inside the
sandbox; the demos import the same functions, so both trajectories see the same gradients.
Every function maps ``(..., 2)`` to ``(..., 2)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _xy(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return w[..., 0], w[..., 1]


def pair(gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    out = np.empty((*np.shape(gx), 2))
    out[..., 0] = gx
    out[..., 1] = gy
    return out


def rosenbrock_grad(w: np.ndarray) -> np.ndarray:
    x, y = _xy(w)
    inner = 200.0 * (y - x * x)
    return pair(2.0 * (x - 1.0) - 2.0 * x * inner, inner)


def beale_terms(w: np.ndarray) -> tuple[np.ndarray, ...]:
    x, y = _xy(w)
    return x, y, 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y**3


def beale_grad(w: np.ndarray) -> np.ndarray:
    x, y, a, b, c = beale_terms(w)
    gx = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y**3 - 1)
    gy = 2 * a * x + 4 * b * x * y + 6 * c * x * y * y
    return pair(gx, gy)


def saddle_grad(w: np.ndarray) -> np.ndarray:
    x, y = _xy(w)
    return pair(2 * x, y**3 - y)


def himmelblau_grad(w: np.ndarray) -> np.ndarray:
    x, y = _xy(w)
    a, b = x * x + y - 11, x + y * y - 7
    return pair(4 * x * a + 2 * b, 2 * a + 4 * y * b)


def rastrigin_grad(w: np.ndarray) -> np.ndarray:
    return 2 * w + 20 * np.pi * np.sin(2 * np.pi * w)


GRADIENTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "rosenbrock": rosenbrock_grad,
    "beale": beale_grad,
    "saddle": saddle_grad,
    "himmelblau": himmelblau_grad,
    "rastrigin": rastrigin_grad,
}
