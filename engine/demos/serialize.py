"""Turn demo output into plain JSON data: lists, floats (6 significant digits), ``None`` for
values that are not finite (a diverging run is data, not an error)."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

SIGNIFICANT_DIGITS = 6


def round_significant(a: np.ndarray, digits: int = SIGNIFICANT_DIGITS) -> np.ndarray:
    """Round every element to ``digits`` significant digits (non-finite values pass through).

    Examples
    --------
    >>> round_significant(np.array([123456789.0, 0.000123456789, -2.0 / 3.0]))
    array([ 1.23457e+08,  1.23457e-04, -6.66667e-01])
    """
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(all="ignore"):
        mag = np.floor(np.log10(np.abs(a)))
        decimals = np.clip(np.where(np.isfinite(mag), digits - 1 - mag, 0), -300, 300)
        scale = 10.0 ** np.abs(decimals)
        out: np.ndarray = np.where(
            decimals >= 0, np.round(a * scale) / scale, np.round(a / scale) * scale
        )
        return out


def _array(a: np.ndarray) -> Any:
    if a.dtype.kind in "biu":
        return a.tolist()
    if a.dtype.kind != "f":
        return [to_plain(v) for v in a.tolist()]
    r = round_significant(a)
    finite = np.isfinite(r)
    if finite.all():
        return r.tolist()
    out = r.astype(object)
    out[~finite] = None
    return out.tolist()


def to_plain(value: Any) -> Any:
    """Convert nested dicts, lists, tuples, NumPy arrays and scalars to JSON-ready values.

    Examples
    --------
    >>> to_plain({"x": np.array([1.0, np.inf]), "n": np.int64(3), "t": (0.1, float("nan"))})
    {'x': [1.0, None], 'n': 3, 't': [0.1, None]}
    """
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if value and all(type(v) is float for v in value):
            return _array(np.asarray(value))
        return [to_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _array(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return float(round_significant(np.array(value))) if np.isfinite(value) else None
    return value


def _typed_arrays(value: Any) -> Any:
    """Decode Plotly's base64 typed arrays (``{dtype, bdata, shape}``) back into NumPy arrays."""
    if isinstance(value, dict):
        if set(value) <= {"dtype", "bdata", "shape"} and {"dtype", "bdata"} <= set(value):
            arr = np.frombuffer(
                base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<")
            )
            shape = value.get("shape")
            return arr.reshape([int(n) for n in str(shape).split(",")]) if shape else arr
        return {k: _typed_arrays(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed_arrays(v) for v in value]
    return value


def figure_to_plain(figure: Any) -> dict[str, Any]:
    """A Plotly figure as plain JSON (``data`` and ``layout``, numbers as lists), without the
    bulky template: plotly.js applies its own defaults."""
    fig = _typed_arrays(figure.to_plotly_json())
    layout = dict(fig.get("layout", {}))
    layout.pop("template", None)
    return {"data": to_plain(fig.get("data", [])), "layout": to_plain(layout)}
