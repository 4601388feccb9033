"""Compare what a submission returned with the reference, and say precisely what differs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.sandbox.runtime.protocol import Seq, Unconvertible

FACTOR_RTOL = 1e-6
NICE_FACTORS = (-1.0, 2.0, 0.5, -2.0, -0.5)


@dataclass
class Outcome:
    """Result of one comparison; ``code`` classifies a failure."""

    passed: bool
    message: str = ""
    code: str = ""
    abs_err: float | None = None
    rel_err: float | None = None


def to_plain(value: Any) -> Any:
    """A trusted value in the same plain form as a decoded submission output."""
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return Seq(
            [to_plain(v) for v in value], kind="tuple" if isinstance(value, tuple) else "list"
        )
    return np.array(value, dtype=np.float64)


def article(noun: str) -> str:
    """``a list`` / ``an int``."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def describe(got: Any) -> str:
    if got is None:
        return "None"
    if isinstance(got, Unconvertible):
        return article(got.type_name)
    if isinstance(got, Seq):
        return f"a {got.kind} of {len(got)}"
    return "a number" if got.ndim == 0 else f"an array of shape {got.shape}"


def numeric_array(got: Any) -> np.ndarray | None:
    """Turn a list/tuple of plain numbers (possibly nested) into an array, else None."""
    if isinstance(got, np.ndarray):
        return got
    if isinstance(got, Seq) and got:
        parts = [p for p in (numeric_array(g) for g in got) if p is not None]
        if len(parts) == len(got) and len({p.shape for p in parts}) == 1:
            return np.stack(parts)
    return None


def compare(
    expected: Any,
    got: Any,
    rtol: float,
    atol: float,
    names: tuple[str, ...] = (),
    equal_nan: bool = False,
) -> Outcome:
    """Compare a plain expected value with a decoded output (arrays, tuples, None); with
    ``equal_nan`` a nan where a nan is expected matches (known mistakes that blow up do)."""
    if isinstance(expected, Seq):
        return _compare_seq(expected, got, rtol, atol, names, equal_nan)
    if got is None:
        return Outcome(False, "returned None — is a `return` statement missing?", "returned-none")
    if isinstance(got, Unconvertible):
        if got.too_big:
            return Outcome(
                False, f"returned {article(got.type_name)} far larger than expected", "too-big"
            )
        return Outcome(
            False, f"returned {article(got.type_name)}, not a number or array", "wrong-type"
        )
    array = numeric_array(got)
    if array is None:
        want = "a number" if expected.ndim == 0 else f"an array of shape {expected.shape}"
        return Outcome(False, f"returned {describe(got)} but expected {want}", "wrong-type")
    return _compare_arrays(expected, array, rtol, atol, equal_nan)


def _compare_seq(
    expected: Seq, got: Any, rtol: float, atol: float, names: tuple[str, ...], equal_nan: bool
) -> Outcome:
    labels = (
        names if len(names) == len(expected) else tuple(f"item {i}" for i in range(len(expected)))
    )
    want = f"a tuple ({', '.join(labels)})"
    if not isinstance(got, Seq):
        return Outcome(False, f"returned {describe(got)} but expected {want}", "wrong-type")
    if len(got) != len(expected):
        return Outcome(False, f"returned {len(got)} values but expected {want}", "wrong-length")
    worst = Outcome(True, abs_err=0.0, rel_err=0.0)
    for label, e, g in zip(labels, expected, got, strict=True):
        sub = compare(e, g, rtol, atol, equal_nan=equal_nan)
        if not sub.passed:
            return Outcome(False, f"{label}: {sub.message}", sub.code, sub.abs_err, sub.rel_err)
        worst.abs_err = max(worst.abs_err or 0.0, sub.abs_err or 0.0)
        worst.rel_err = max(worst.rel_err or 0.0, sub.rel_err or 0.0)
    return worst


def _compare_arrays(
    expected: np.ndarray, got: np.ndarray, rtol: float, atol: float, equal_nan: bool = False
) -> Outcome:
    if expected.ndim == 0:
        if got.size != 1:
            return Outcome(
                False,
                f"returned an array of shape {got.shape} but expected a single number"
                " — reduce it (e.g. with np.mean)",
                "shape",
            )
        got = got.reshape(())
    elif got.shape != expected.shape:
        return Outcome(False, f"output shape {got.shape} but expected {expected.shape}", "shape")
    bad = ~np.isfinite(got) & np.isfinite(expected)
    if bad.any():
        kind = "nan" if np.isnan(got[bad]).any() else "inf"
        return Outcome(False, f"returned {kind}", "nonfinite")
    err = np.abs(got - expected)
    same = (got == expected) | (equal_nan & np.isnan(got) & np.isnan(expected))
    err = np.where(np.isfinite(expected), err, np.where(same, 0.0, np.inf))
    scale = np.abs(np.where(np.isfinite(expected), expected, 0.0))
    abs_err = float(err.max()) if err.size else 0.0
    rel_err = float((err / np.maximum(scale, 1e-300)).max()) if err.size else 0.0
    passed = bool(np.all(err <= atol + rtol * scale))
    return Outcome(
        passed, "" if passed else "wrong values", "" if passed else "wrong-value", abs_err, rel_err
    )


def factor_note(expected: Any, got: Any) -> str:
    """Name a constant factor between output and reference (``-1×``, ``2×``, ``n×``…)."""
    e, g = _flat(expected), _flat(got)
    if e is None or g is None or e.shape != g.shape or not np.isfinite(g).all():
        return ""
    denom = float(e @ e)
    if denom == 0.0:
        return ""
    k = float(g @ e) / denom
    if abs(k - 1.0) < 1e-3 or not np.allclose(g, k * e, rtol=FACTOR_RTOL, atol=1e-12):
        return ""
    nice = any(abs(k - f) < 1e-6 for f in NICE_FACTORS) or (k > 1.5 and abs(k - round(k)) < 1e-6)
    inverse = 0 < k < 1 and abs(1 / k - round(1 / k)) < 1e-6
    if e.size < 2 and not (nice or inverse):
        return ""
    if abs(k + 1.0) < 1e-6:
        return "your result has the opposite sign of the expected one — check the sign"
    if k > 1.5 and abs(k - round(k)) < 1e-6:
        return (
            f"your result is {round(k)}× the expected one — a sum instead of a mean,"
            " or a missing factor like 1/2 or 1/n?"
        )
    if inverse:
        return (
            f"your result is 1/{round(1 / k)} of the expected one — an extra division"
            " (by n, by 2) or a missing factor?"
        )
    return f"your result is {k:.4g}× the expected one — check constant factors"


def _flat(v: Any) -> np.ndarray | None:
    if isinstance(v, np.ndarray):
        return v.reshape(-1)
    if isinstance(v, Seq):
        parts = [p for p in (_flat(x) for x in v) if p is not None]
        return np.concatenate(parts) if parts and len(parts) == len(v) else None
    return None
