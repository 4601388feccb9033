"""Detectors: name a wrong result that no known mistake of the exercise explains.

Each detector looks at the expected value, what came back and the case, and returns a
``(code, message)`` pair or None; :func:`explain` asks them in order. They know nothing of a
particular exercise: a result rounded to a few decimals, a loss whose value is right but whose
gradient is not (and where), values in the wrong order, shifted by one step, transposed, or off
by a constant factor. A new detector is one decorated function.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from engine.judge.compare import compare, factor_note, numeric_array, to_plain
from engine.judge.core import Case, Exercise
from engine.sandbox.runtime.protocol import Seq

Found = tuple[str, str] | None
Detector = Callable[[Any, Any, Case, Exercise], Found]
DETECTORS: list[tuple[int, Detector]] = []  # (rank, detector): the lowest rank is asked first
MAX_DECIMALS = 8
EXTREME = 100.0  # inputs this large are "extreme" (the edge cases use ±40 and ±1000)
KINK_HINT = (
    "autograd takes a subgradient of clamp, abs, relu or max exactly there — write the loss"
    " with smooth functions (softplus, logaddexp) or give it a backward of your own"
)


def detector(rank: int) -> Callable[[Detector], Detector]:
    """Register a detector; more specific findings get a lower ``rank`` and are asked first."""

    def register(fn: Detector) -> Detector:
        DETECTORS.append((rank, fn))
        DETECTORS.sort(key=lambda entry: entry[0])
        return fn

    return register


def explain(expected: Any, got: Any, case: Case, exercise: Exercise) -> Found:
    """The first detector's finding for a result that failed, or None.

    >>> from engine.judge import get_exercise
    >>> ex = get_exercise("mse")
    >>> case = ex.build_cases(np.random.default_rng(0))[0]
    >>> explain(np.array(0.41666667), np.array(0.4167), case, ex)[0]
    'rounded'
    """
    for _, found in ((r, d(expected, got, case, exercise)) for r, d in DETECTORS):
        if found is not None:
            return found
    return None


def _flat(value: Any) -> np.ndarray | None:
    if isinstance(value, np.ndarray):
        return value.reshape(-1)
    if isinstance(value, Seq) and value:
        parts = [_flat(v) for v in value]
        if all(p is not None for p in parts):
            return np.concatenate([p for p in parts if p is not None])
    return None


def _labels(exercise: Exercise, n: int) -> tuple[str, ...]:
    names = exercise.returns
    return names if len(names) == n else tuple(f"item {i}" for i in range(n))


@detector(10)
def value_and_gradient(expected: Any, got: Any, case: Case, exercise: Exercise) -> Found:
    """A loss returned with gradients: which of the two is wrong, and where."""
    params = case.params or {}
    if case.driver != "torch-loss" or not isinstance(expected, Seq) or not isinstance(got, Seq):
        return None
    if len(expected) != len(got) or len(expected) < 2:
        return None
    rtol, atol = exercise.tolerance(case)
    labels = _labels(exercise, len(expected))
    value_ok = compare(expected[0], got[0], rtol, atol).passed
    wrong = [
        i for i in range(1, len(expected)) if not compare(expected[i], got[i], rtol, atol).passed
    ]
    if value_ok and wrong:
        i = wrong[0]
        where = _where(expected[i], got[i], case, params, i - 1, rtol, atol)
        return (
            "wrong-gradient",
            f"the {labels[0]} value is right, but the {labels[i]} is wrong{where}",
        )
    if not value_ok and not wrong:
        return (
            "wrong-loss-value",
            f"the {labels[1] if len(labels) > 1 else 'gradient'} is right, but the {labels[0]}"
            " value is wrong — a constant term, or a factor that the gradient does not see?",
        )
    return None


def _where(
    expected: Any, got: Any, case: Case, params: Any, index: int, rtol: float, atol: float
) -> str:
    """`` at logits = 0 — …`` when the wrong elements sit where the input is 0 (a kink),
    `` at logits = ±1000`` for extreme inputs, else how many elements are wrong."""
    grads, names = list(params.get("grad", [])), list(params.get("names", []))
    e, g = numeric_array(expected), numeric_array(got)
    if e is None or g is None or e.shape != g.shape or index >= len(grads):
        return ""
    x = np.asarray(case.args[grads[index]], dtype=float)
    if x.shape != e.shape:
        return ""
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(g - e) <= atol + rtol * np.abs(e))
    name = names[index] if index < len(names) else "the input"
    if not bad.any():
        return ""
    if np.all(x[bad] == 0):
        return f" at {name} = 0 — {KINK_HINT}"
    if np.all(np.abs(x[bad]) >= EXTREME):
        return f" where |{name}| is large — keep every term finite there (log-sum-exp, softplus)"
    if bad.sum() < bad.size:
        return f" at {int(bad.sum())} of its {bad.size} elements"
    return ""


@detector(20)
def rounded(expected: Any, got: Any, case: Case, exercise: Exercise) -> Found:
    """Every value equals the expected one rounded to a few decimals (or to float32)."""
    e, g = _flat(expected), _flat(got)
    if (
        e is None
        or g is None
        or e.shape != g.shape
        or not (np.isfinite(e).all() and np.isfinite(g).all())
    ):
        return None
    if np.array_equal(e, g):
        return None
    scale = max(1.0, float(np.max(np.abs(e), initial=0.0)))
    for k in range(MAX_DECIMALS + 1):
        if np.allclose(g, np.round(e, k), rtol=0.0, atol=1e-12 * scale):
            return (
                "rounded",
                f"your results look rounded to {k} decimal place{'s' * (k != 1)} — return them"
                " at full precision (leave rounding to whoever displays them)",
            )
    if np.array_equal(g, e.astype(np.float32).astype(np.float64)):
        return (
            "rounded",
            "your results have float32 precision — compute and return float64 values",
        )
    return None


@detector(30)
def swapped(expected: Any, got: Any, case: Case, exercise: Exercise) -> Found:
    """The right values, returned in the wrong order."""
    if not isinstance(expected, Seq) or not isinstance(got, Seq) or len(expected) != len(got):
        return None
    rtol, atol = exercise.tolerance(case)
    for i, j in itertools.combinations(range(len(expected)), 2):
        order = list(range(len(expected)))
        order[i], order[j] = j, i
        trial = Seq([got[k] for k in order], kind=got.kind)
        if compare(expected, trial, rtol, atol).passed:
            labels = _labels(exercise, len(expected))
            return (
                "order",
                f"{labels[i]} and {labels[j]} are swapped — return ({', '.join(labels)})",
            )
    return None


@detector(40)
def transposed(expected: Any, got: Any, case: Case, exercise: Exercise) -> Found:
    e, g = numeric_array(expected), numeric_array(got)
    if e is None or g is None or e.ndim != 2 or e.shape[0] == e.shape[1] or g.shape != e.T.shape:
        return None
    rtol, atol = exercise.tolerance(case)
    if compare(e, g.T, rtol, atol).passed:
        return ("transposed", f"your result is transposed: shape {g.shape}, expected {e.shape}")
    return None


@detector(50)
def shifted(expected: Any, got: Any, case: Case, exercise: Exercise) -> Found:
    """A schedule or trajectory one step early or late."""
    e, g = numeric_array(expected), numeric_array(got)
    if e is None or g is None or e.shape != g.shape or e.ndim == 0 or len(e) < 3:
        return None
    rtol, atol = exercise.tolerance(case)
    if compare(e[1:], g[:-1], rtol, atol).passed:
        return (
            "off-by-one",
            "your values run one step ahead: the value for step k is the one expected at step k + 1 — check whether steps count from 0 or from 1",
        )
    if compare(e[:-1], g[1:], rtol, atol).passed:
        return (
            "off-by-one",
            "your values run one step behind: the value for step k is the one expected at step k − 1 — check whether steps count from 0 or from 1",
        )
    return None


@detector(55)
def returned_input(expected: Any, got: Any, case: Case, exercise: Exercise) -> Found:
    """The result, or one wrong item of it, is one of the inputs, unchanged."""
    inputs = [
        (name, a)
        for name, a in zip(exercise.params, case.args, strict=False)
        if isinstance(a, np.ndarray) and a.dtype.kind == "f"
    ]
    if not inputs:
        return None
    rtol, atol = exercise.tolerance(case)
    items = (
        list(zip(_labels(exercise, len(expected)), expected, got, strict=True))
        if (isinstance(expected, Seq) and isinstance(got, Seq) and len(expected) == len(got))
        else [("your result", expected, got)]
    )
    for label, e, g in items:
        if compare(e, g, rtol, atol).passed:
            continue
        for name, value in inputs:
            if compare(to_plain(value), g, rtol, atol).passed:
                return (
                    "unchanged-input",
                    f"{label} is the `{name}` you were given, unchanged — compute its new value"
                    " and return that",
                )
        return None
    return None


@detector(90)
def constant_factor(expected: Any, got: Any, case: Case, exercise: Exercise) -> Found:
    """The whole result, or one returned item, off by a constant factor (−1, 2, 1/n…)."""
    note = factor_note(expected, got)
    if note:
        return ("sign" if "opposite sign" in note else "factor"), note
    if isinstance(expected, Seq) and isinstance(got, Seq) and len(expected) == len(got):
        rtol, atol = exercise.tolerance(case)
        labels = _labels(exercise, len(expected))
        for label, e, g in zip(labels, expected, got, strict=True):
            if compare(e, g, rtol, atol).passed:
                continue
            note = factor_note(e, g)
            if note:
                return ("sign" if "opposite sign" in note else "factor"), f"{label}: {note}"
            return None
    return None
