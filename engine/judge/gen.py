"""Input generators and small constructors for cases."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.judge.core import FLOAT32_ATOL, FLOAT32_RTOL, Case


def example(*args: Any, call: str = "", **kwargs: Any) -> Case:
    """A visible case (shown in the question; its call text is generated unless given)."""
    return Case("example", tuple(args), kwargs, visible=True, call=call)


def hidden(*args: Any, about: str = "", **kwargs: Any) -> Case:
    """A hidden randomized case."""
    return Case("hidden", tuple(args), kwargs, about=about)


def edge(about: str, *args: Any, advice: str = "", **kwargs: Any) -> Case:
    """A hidden edge case; ``about`` is named in messages, its data is not."""
    return Case(f"edge: {about}", tuple(args), kwargs, about=about, advice=advice)


def as_float32(case: Case) -> Case:
    """The same case with every float array converted to float32 (looser tolerance)."""
    args = tuple(
        a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype == np.float64 else a
        for a in case.args
    )
    return Case(
        "edge: float32 input",
        args,
        case.kwargs,
        about="float32 input",
        rtol=FLOAT32_RTOL,
        atol=FLOAT32_ATOL,
    )


def normal(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return rng.normal(0.0, scale, size=shape)


def binary(rng: np.random.Generator, n: int) -> np.ndarray:
    """Labels in {0, 1} (as floats) with both classes present when n ≥ 2."""
    y = (rng.random(n) < 0.5).astype(float)
    if n >= 2:
        y[0], y[1] = 0.0, 1.0
    return rng.permutation(y)


def signs(rng: np.random.Generator, n: int) -> np.ndarray:
    return 2.0 * binary(rng, n) - 1.0


def probs(rng: np.random.Generator, n: int, low: float = 0.02, high: float = 0.98) -> np.ndarray:
    return rng.uniform(low, high, size=n)


def onehot(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    y = np.zeros((n, k))
    y[np.arange(n), rng.integers(0, k, size=n)] = 1.0
    return y


def spd(rng: np.random.Generator, p: int, low: float = 0.5, high: float = 3.0) -> np.ndarray:
    """A random symmetric positive-definite matrix with eigenvalues in [low, high]."""
    q, _ = np.linalg.qr(rng.normal(size=(p, p)))
    out: np.ndarray = (q * rng.uniform(low, high, size=p)) @ q.T
    return out
