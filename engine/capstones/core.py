"""What a capstone check reports: each of the learner's numbers beside the reference's, with a
verdict and a reason, then comments on what the comparison shows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.arrays import FloatArray


class CheckInputError(ValueError):
    """The learner's numbers cannot be compared as sent (wrong length or shape)."""


@dataclass(frozen=True)
class Item:
    """One compared quantity: the learner's values, the reference's, and what to make of it."""

    name: str
    passed: bool
    message: str
    yours: dict[str, float | None]
    reference: dict[str, float]


@dataclass(frozen=True)
class Report:
    """A capstone check: every item, a one-line summary and comments on the comparison."""

    items: tuple[Item, ...]
    comments: tuple[str, ...]
    summary: str

    @property
    def passed(self) -> bool:
        return all(item.passed for item in self.items)

    @property
    def score(self) -> float:
        return sum(item.passed for item in self.items) / len(self.items) if self.items else 0.0


def report(items: Sequence[Item], comments: Sequence[str], *, noun: str) -> Report:
    """Gather items into a report whose summary counts them ("2 of 3 fits match the reference").

    Examples
    --------
    >>> r = report([Item("a", True, "", {}, {}), Item("b", False, "", {}, {})], [], noun="fits")
    >>> r.summary, r.passed, r.score
    ('1 of 2 fits match the reference', False, 0.5)
    """
    passed = sum(item.passed for item in items)
    summary = (
        f"all {len(items)} {noun} match the reference"
        if passed == len(items)
        else f"{passed} of {len(items)} {noun} match the reference"
    )
    return Report(tuple(items), tuple(comments), summary)


def finite(value: float | None) -> bool:
    """True for a real, finite number (None stands for a value the learner could not compute)."""
    return value is not None and math.isfinite(value)


def as_array(values: Sequence[float | None], *, what: str, length: int) -> FloatArray:
    """The learner's list as floats (missing or non-finite values become NaN), or a
    :class:`CheckInputError` that says both lengths.

    Examples
    --------
    >>> as_array([1.0, None], what="norms", length=2)
    array([ 1., nan])
    """
    if len(values) != length:
        raise CheckInputError(f"{what}: expected {length} values, got {len(values)}")
    return np.array([v if finite(v) else np.nan for v in values], dtype=np.float64)


def close(yours: FloatArray, reference: FloatArray, *, rtol: float, atol: float) -> bool:
    """Every value finite and within ``atol + rtol·|reference|`` of a finite reference.

    Examples
    --------
    >>> close(np.array([1.0, 2.0]), np.array([1.0, 2.000001]), rtol=1e-3, atol=0.0)
    True
    >>> close(np.array([1.0]), np.array([np.inf]), rtol=1e-3, atol=0.0)
    False
    """
    finite = np.all(np.isfinite(yours)) and np.all(np.isfinite(reference))
    return bool(finite and np.all(np.abs(yours - reference) <= atol + rtol * np.abs(reference)))


def worst(yours: FloatArray, reference: FloatArray) -> int:
    """Where the learner's values are furthest from the reference's (a missing value first)."""
    gap = np.where(np.isfinite(yours), np.abs(yours - reference), np.inf)
    return int(np.argmax(gap))


def fmt(value: float | None, digits: int = 4) -> str:
    """A number for a message: ``None`` and non-finite values read as "no value".

    Examples
    --------
    >>> fmt(1.234567), fmt(None), fmt(float("nan"))
    ('1.235', 'no value', 'no value')
    """
    return f"{value:.{digits}g}" if value is not None and math.isfinite(value) else "no value"


def values(
    names: Sequence[str], numbers: Sequence[float | None] | FloatArray
) -> dict[str, float | None]:
    """A ``{name: value}`` record with non-finite values as None (JSON has no NaN)."""
    return {
        n: (float(v) if v is not None and math.isfinite(v) else None)
        for n, v in zip(names, numbers, strict=True)
    }


def reference_values(
    names: Sequence[str], numbers: Sequence[float] | FloatArray
) -> dict[str, float]:
    return {n: float(v) for n, v in zip(names, numbers, strict=True)}
