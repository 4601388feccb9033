"""Numeric implementations of the functions of the expression language, on (K, r, c) batches."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from engine.expr.batch import Batch, Eye, Value
from engine.expr.errors import EvalError

MAX_FACTORIAL = 170.0  # float64 overflows beyond 170!
Unary = Callable[[Batch], Batch]


def _sigmoid(x: Batch) -> Batch:
    e = np.exp(-np.abs(x))
    out: Batch = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return out


_gamma = np.frompyfunc(
    lambda v: (
        math.gamma(v) if v > -1e6 and not (v <= 0 and v == int(v)) and v < 171.7 else math.nan
    ),
    1,
    1,
)


def _factorial(x: Batch) -> Batch:
    big = np.abs(x) > MAX_FACTORIAL  # overflows (or is undefined) there only
    out: Batch = np.where(big, np.inf, _gamma(np.where(big, 0.0, x) + 1).astype(float))
    return out


def _axis(x: Batch) -> int:
    return 1 if x.shape[2] == 1 else 2


def _softmax(x: Batch) -> Batch:
    axis = _axis(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    out: Batch = e / np.sum(e, axis=axis, keepdims=True)
    return out


def logsumexp(x: Batch) -> Batch:
    """``log Σ exp`` over a vector (or each row of a matrix, returned as a column)."""
    axis = _axis(x)
    top = np.max(x, axis=axis, keepdims=True)
    value: Batch = top + np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True))
    return value if value.shape[1] == 1 else np.swapaxes(value, 1, 2)  # row-wise -> column


def power(a: Batch, b: Batch) -> Batch:
    """``a ^ b`` with real odd roots of negative numbers: ``(-8)^(1/3) = -2``."""
    result: Batch = np.power(a, b)
    negative = (a < 0) & np.isnan(result)
    if negative.any():
        inverse = 1 / np.where(b == 0, np.nan, b)
        odd_root = negative & (np.abs(np.mod(inverse, 2) - 1) <= 1e-8)
        result = np.where(odd_root, -np.power(-a, b), result)
    return result


def _reduce(func: Callable[..., Batch]) -> Unary:
    return lambda x: func(x, axis=(1, 2), keepdims=True)


def _diag(x: Batch) -> Batch:
    if x.shape[2] == 1:
        return x * np.eye(x.shape[1])[None]
    return np.diagonal(x, axis1=1, axis2=2)[:, :, None]


def _inv(x: Batch) -> Batch:
    try:
        inverse: Batch = np.linalg.inv(x).astype(np.float64, copy=False)
    except np.linalg.LinAlgError:
        return np.full(x.shape, np.nan)
    return inverse


def _log(x: Batch, base: Batch | None = None) -> Batch:
    value: Batch = np.log(np.where(x > 0, x, np.nan))
    return value if base is None else value / np.log(np.where(base > 0, base, np.nan))


def _root(x: Batch, n: Batch) -> Batch:
    return power(x, 1 / n)


def _binomial(n: Batch, k: Batch) -> Batch:
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


def _safe(func: Unary, lo: float = -np.inf, hi: float = np.inf, open_lo: bool = False) -> Unary:
    def run(x: Batch) -> Batch:
        ok = (x > lo if open_lo else x >= lo) & (x <= hi)
        return func(np.where(ok, x, np.nan))

    return run


UNARY: dict[str, Unary] = {
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
    "logsumexp": logsumexp,
    "sum": _reduce(np.sum),
    "mean": _reduce(np.mean),
    "norm": lambda x: np.sqrt(np.sum(x * x, axis=(1, 2), keepdims=True)),
    "trace": lambda x: np.trace(x, axis1=1, axis2=2)[:, None, None],
    "diag": _diag,
    "inv": _inv,
    "floor": np.floor,
    "ceil": np.ceil,
    "indicator": lambda c: np.where(np.isnan(c), np.nan, (c > 0.5).astype(float)),
}


def call(func: str, values: Sequence[Value]) -> Batch:
    """Apply the function ``func`` to evaluated arguments."""
    args = [a for a in values if not isinstance(a, Eye)]
    if len(args) < len(values):
        raise EvalError(f"{func} of the identity matrix is not supported")
    if func == "log":
        return _log(*args)
    if len(args) == 1:
        if func in ("max", "min"):
            reducer = np.max if func == "max" else np.min
            reduced: Batch = reducer(args[0], axis=(1, 2), keepdims=True)
            return reduced
        try:
            return UNARY[func](args[0])
        except KeyError:
            raise EvalError(f"{func} needs more arguments") from None
    a, b = args[0], args[1]
    match func:
        case "max":
            out: Batch = np.maximum(a, b)
        case "min":
            out = np.minimum(a, b)
        case "clip":
            out = np.minimum(np.maximum(a, b), args[2])
        case "root":
            out = _root(a, b)
        case "binomial":
            out = _binomial(a, b)
        case "dot":
            out = np.sum(a * b, axis=(1, 2), keepdims=True)
        case "outer":
            out = np.matmul(a, np.swapaxes(b, 1, 2))
        case _:
            raise EvalError(f"unknown function {func}")
    return out
