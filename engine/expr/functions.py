"""Numeric implementations of the functions of the expression language, on (K, r, c) batches."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from engine.expr.errors import EvalError

MAX_FACTORIAL = 170.0


def _sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


_gamma = np.frompyfunc(
    lambda v: (
        math.gamma(v) if v > -1e6 and not (v <= 0 and v == int(v)) and v < 171.7 else math.nan
    ),
    1,
    1,
)


def _factorial(x: np.ndarray) -> np.ndarray:
    if np.nanmax(np.abs(x), initial=0) > MAX_FACTORIAL:
        return np.full(x.shape, np.inf)
    return _gamma(x + 1).astype(float)


def _axis(x: np.ndarray) -> int:
    return 1 if x.shape[2] == 1 else 2


def _softmax(x: np.ndarray) -> np.ndarray:
    axis = _axis(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def _logsumexp(x: np.ndarray) -> np.ndarray:
    axis = _axis(x)
    top = np.max(x, axis=axis, keepdims=True)
    value = top + np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True))
    return value if value.shape[1] == 1 else np.swapaxes(value, 1, 2)  # row-wise -> column


def _reduce(func: Callable[..., np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    return lambda x: func(x, axis=(1, 2), keepdims=True)


def _diag(x: np.ndarray) -> np.ndarray:
    if x.shape[2] == 1:
        return x * np.eye(x.shape[1])[None]
    return np.diagonal(x, axis1=1, axis2=2)[:, :, None]


def _inv(x: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(x)
    except np.linalg.LinAlgError:
        return np.full(x.shape, np.nan)


def _log(x: np.ndarray, base: np.ndarray | None = None) -> np.ndarray:
    value = np.log(np.where(x > 0, x, np.nan))
    return value if base is None else value / np.log(np.where(base > 0, base, np.nan))


def _root(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    from engine.expr.evaluate import _power

    return _power(x, 1 / n)


def _binomial(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    """n choose k; for a whole k ≥ 0 the falling factorial n(n−1)…(n−k+1)/k!, which is
    defined for every n (binomial(−4, 2) = 10), else through the gamma function."""
    n, k = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(k, dtype=float))
    out = np.array(_factorial(n) / (_factorial(k) * _factorial(n - k)), dtype=float)
    whole = (k == np.round(k)) & (k >= 0) & (k <= 170) & np.isfinite(n)
    if whole.any():
        kk, nn = k[whole], n[whole]
        result = np.ones_like(nn)
        for j in range(int(kk.max())):
            result = np.where(j < kk, result * (nn - j) / (j + 1), result)
        out[whole] = result
    return out


def _safe(
    func: Callable[[np.ndarray], np.ndarray],
    lo: float = -np.inf,
    hi: float = np.inf,
    open_lo: bool = False,
):  # type: ignore[no-untyped-def]
    def run(x: np.ndarray) -> np.ndarray:
        ok = (x > lo if open_lo else x >= lo) & (x <= hi)
        return func(np.where(ok, x, np.nan))

    return run


UNARY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "abs": np.abs,
    "sign": np.sign,
    "exp": np.exp,
    "sqrt": _safe(np.sqrt, 0.0),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "sec": lambda x: 1 / np.cos(x),
    "csc": lambda x: 1 / np.sin(x),
    "cot": lambda x: 1 / np.tan(x),
    "asin": _safe(np.arcsin, -1, 1),
    "acos": _safe(np.arccos, -1, 1),
    "atan": np.arctan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "asinh": np.arcsinh,
    "acosh": _safe(np.arccosh, 1.0),
    "atanh": _safe(np.arctanh, -1, 1),
    "sech": lambda x: 1 / np.cosh(x),
    "csch": lambda x: 1 / np.sinh(x),
    "coth": lambda x: 1 / np.tanh(x),
    "relu": lambda x: np.maximum(x, 0),
    "factorial": _factorial,
    "log1p": _safe(np.log1p, -1.0, open_lo=True),
    "expm1": np.expm1,
    "softplus": lambda x: np.logaddexp(0, x),
    "softmax": _softmax,
    "logsumexp": _logsumexp,
    "sum": _reduce(np.sum),
    "mean": _reduce(np.mean),
    "norm": lambda x: np.sqrt(np.sum(x * x, axis=(1, 2), keepdims=True)),
    "trace": lambda x: np.trace(x, axis1=1, axis2=2)[:, None, None],
    "diag": _diag,
    "inv": _inv,
    "indicator": lambda c: np.where(np.isnan(c), np.nan, (c > 0.5).astype(float)),
}


def call(func: str, args: list) -> np.ndarray:  # type: ignore[type-arg]
    from engine.expr.evaluate import Eye

    if any(isinstance(a, Eye) for a in args):
        raise EvalError(f"{func} of the identity matrix is not supported")
    if func == "log":
        return _log(*args)
    if len(args) == 1:
        if func in ("max", "min"):
            reducer = np.max if func == "max" else np.min
            return reducer(args[0], axis=(1, 2), keepdims=True)
        try:
            return UNARY[func](args[0])
        except KeyError:
            raise EvalError(f"{func} needs more arguments") from None
    a, b = args[0], args[1]
    match func:
        case "max":
            return np.maximum(a, b)
        case "min":
            return np.minimum(a, b)
        case "clip":
            return np.minimum(np.maximum(a, b), args[2])
        case "root":
            return _root(a, b)
        case "binomial":
            return _binomial(a, b)
        case "dot":
            return np.sum(a * b, axis=(1, 2), keepdims=True)
        case "outer":
            return np.matmul(a, np.swapaxes(b, 1, 2))
    raise EvalError(f"unknown function {func}")
