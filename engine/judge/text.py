"""Python-like text of values and calls, for the visible examples shown in questions."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.judge.core import Case, Exercise


def number(x: float) -> str:
    """A float with up to 6 significant digits that still reads as a float (``1.0``)."""
    text = f"{float(x):.6g}"
    if text in ("nan", "inf", "-inf"):
        return f"float('{text}')"
    return text if any(c in text for c in ".e") else text + ".0"


def nested(a: np.ndarray) -> str:
    if a.ndim == 0:
        if a.dtype == np.bool_:
            return str(bool(a))
        return str(int(a)) if np.issubdtype(a.dtype, np.integer) else number(float(a))
    return "[" + ", ".join(nested(x) for x in a) + "]"


def value(v: Any, *, array_name: str = "np.array") -> str:
    """Source-like text of an input or output value."""
    if isinstance(v, np.ndarray):
        body = nested(v)
        if v.dtype == np.float32:
            return f"{array_name}({body}, dtype=np.float32)"
        return f"{array_name}({body})"
    if isinstance(v, bool | np.bool_):
        return str(bool(v))
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating):
        return number(float(v))
    if isinstance(v, tuple):
        return "(" + ", ".join(value(x, array_name=array_name) for x in v) + ")"
    if isinstance(v, list):
        return "[" + ", ".join(value(x, array_name=array_name) for x in v) + "]"
    return repr(v)


def call(exercise: Exercise, case: Case) -> str:
    """The call a visible case makes, e.g. ``mse(np.array([1.0]), np.array([2.0]))``."""
    if case.call:
        return case.call
    parts = [value(a) for a in case.args] + [f"{k}={value(v)}" for k, v in case.kwargs.items()]
    return f"{exercise.name}({', '.join(parts)})"


def result(v: Any) -> str:
    """How a result is shown (``array([...])`` like NumPy's repr, floats to 6 digits)."""
    if isinstance(v, np.floating | float) or (isinstance(v, np.ndarray) and v.ndim == 0):
        return number(float(v))
    return value(v, array_name="array")
