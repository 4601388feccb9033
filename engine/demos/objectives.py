"""Two-dimensional test functions for optimizer demos: value and gradient over ``(..., 2)``.

These are objectives to minimise, not losses of a model, so they live with the demos.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.arrays import FloatArray
from engine.sandbox.runtime.surfaces import (
    beale_grad,
    beale_terms,
    himmelblau_grad,
    rastrigin_grad,
    rosenbrock_grad,
    saddle_grad,
)

Fn = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class Objective:
    name: str
    formula: str
    f: Fn
    grad: Fn
    start: tuple[float, float]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    f_min: float


def _xy(w: FloatArray) -> tuple[FloatArray, FloatArray]:
    return w[..., 0], w[..., 1]


def quadratic(kappa: float) -> Objective:
    """``½(x² + κy²)``: curvature 1 along x and κ along y, so L = max(1, κ)."""

    def f(w: FloatArray) -> FloatArray:
        x, y = _xy(w)
        return 0.5 * (x * x + kappa * y * y)

    def grad(w: FloatArray) -> FloatArray:
        out: FloatArray = w * np.array([1.0, kappa])
        return out

    return Objective(
        "quadratic", f"½(x² + {kappa:g}·y²)", f, grad, (-4.0, 1.5), (-5, 5), (-2.5, 2.5),
        ((0.0, 0.0),), 0.0,
    )  # fmt: skip


def _rosenbrock_f(w: FloatArray) -> FloatArray:
    x, y = _xy(w)
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _beale_f(w: FloatArray) -> FloatArray:
    _, _, a, b, c = beale_terms(w)
    out: FloatArray = a * a + b * b + c * c
    return out


def _saddle_f(w: FloatArray) -> FloatArray:
    x, y = _xy(w)
    return x * x + 0.25 * y**4 - 0.5 * y * y


def _himmelblau_f(w: FloatArray) -> FloatArray:
    x, y = _xy(w)
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def _rastrigin_f(w: FloatArray) -> FloatArray:
    out: FloatArray = 20 + np.sum(w * w - 10 * np.cos(2 * np.pi * w), axis=-1)
    return out


HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118, 3.131312),
    (-3.779310, -3.283186),
    (3.584428, -1.848126),
)

FIXED: dict[str, Objective] = {
    "rosenbrock": Objective(
        "rosenbrock", "(1 − x)² + 100(y − x²)²", _rosenbrock_f, rosenbrock_grad,
        (-1.5, 2.0), (-2.0, 2.0), (-1.0, 3.0), ((1.0, 1.0),), 0.0,
    ),
    "beale": Objective(
        "beale", "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        _beale_f, beale_grad, (1.0, 1.4), (-1.0, 4.5), (-1.5, 2.0), ((3.0, 0.5),), 0.0,
    ),
    "saddle": Objective(
        "saddle", "x² + ¼y⁴ − ½y²  (saddle at the origin, minima at y = ±1)",
        _saddle_f, saddle_grad, (-2.0, 0.001), (-2.5, 2.5), (-2.0, 2.0),
        ((0.0, 1.0), (0.0, -1.0)), -0.25,
    ),
    "himmelblau": Objective(
        "himmelblau", "(x² + y − 11)² + (x + y² − 7)²", _himmelblau_f, himmelblau_grad,
        (-0.5, -0.5), (-5.0, 5.0), (-5.0, 5.0), HIMMELBLAU_MINIMA, 0.0,
    ),
    "rastrigin": Objective(
        "rastrigin", "20 + Σ (w² − 10 cos 2πw)", _rastrigin_f, rastrigin_grad,
        (-2.3, 3.2), (-5.12, 5.12), (-5.12, 5.12), ((0.0, 0.0),), 0.0,
    ),
}  # fmt: skip
NAMES = ("quadratic", *FIXED)


def objective(name: str, kappa: float = 10.0) -> Objective:
    """The objective called ``name`` (``kappa`` is the quadratic's condition number)."""
    return quadratic(kappa) if name == "quadratic" else FIXED[name]


def smoothness(obj: Objective, kappa: float) -> float | None:
    """The gradient's Lipschitz constant L when it is global (the quadratic), else None."""
    return max(1.0, kappa) if obj.name == "quadratic" else None
