"""Detectors that explain a wrong result by the arguments: the reference, run again with one
argument changed, gives exactly what came back — ``gamma`` ignored (as if it were 1), ``1 − β``
where ``β`` belongs, ``lr²``, half the clip value, another ε, flipped labels — or the result is
a mean taken over n − 1 instead of n."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from engine.judge.compare import compare, numeric_array, to_plain
from engine.judge.core import Case, Exercise
from engine.judge.detect import Found, detector
from engine.judge.trusted import reference
from engine.sandbox.runtime.protocol import Seq

DRIVERS = ("call", "sweep", "torch-loss")  # where the arguments are the function's own
EPS_CONSTANTS = (0.0, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15)
FIT_RTOL, FIT_ATOL = 1e-9, 1e-12
DEFAULT = re.compile(r"^\s*\*?(\w+)\s*(?::[^=]*)?=\s*([-+0-9.eE]+)\s*$")


def _defaults(exercise: Exercise) -> dict[str, float]:
    inside = exercise.signature[exercise.signature.index("(") + 1 : exercise.signature.rindex(")")]
    found = {}
    for part in inside.split(","):
        match = DEFAULT.match(part)
        if match:
            try:
                found[match.group(1)] = float(match.group(2))
            except ValueError:
                continue
    return found


def _changes(name: str, value: float, default: float | None) -> Iterator[tuple[float, str]]:
    """Values a confused implementation may have used instead of ``value``, with the words."""
    if default is not None and default != value:
        yield default, f"`{name}` is ignored: your result is the one for {name} = {default:g}"
    for other in (1.0, 0.0):
        if other != value:
            yield other, f"`{name}` is ignored: your result is the one for {name} = {other:g}"
    yield 1.0 - value, f"your result is the one for 1 − {name} in place of {name}"
    yield value * value, f"your result is the one for {name}² in place of {name}"
    yield value / 2, f"your result is the one for {name}/2 in place of {name}"
    yield 2 * value, f"your result is the one for 2·{name} in place of {name}"
    if value > 0:
        yield math.sqrt(value), f"your result is the one for √{name} in place of {name}"
    if value != 0:
        yield 1.0 / value, f"your result is the one for 1/{name} in place of {name}"
    if "eps" in name:
        for other in EPS_CONSTANTS:
            if other != value:
                yield other, f"your result is the one for {name} = {other:g}, not the {name} given"


def _labels(name: str, value: np.ndarray) -> Iterator[tuple[np.ndarray, str]]:
    """Label arrays used the other way round."""
    if value.dtype.kind != "f" or value.size < 2:
        return
    if np.isin(value, (0.0, 1.0)).all():
        yield (
            1.0 - value,
            f"`{name}` is used the other way round: your result is the one for 1 − {name}",
        )
    elif np.isin(value, (-1.0, 1.0)).all():
        yield -value, f"`{name}` has the wrong sign: your result is the one for −{name}"


def _variants(exercise: Exercise, case: Case) -> Iterator[tuple[Case, str]]:
    """The case with one argument changed, and what that change means."""
    names = exercise.params[1:] if case.driver == "sweep" else exercise.params
    defaults = _defaults(exercise)
    given = dict(zip(names, case.args, strict=False)) | dict(case.kwargs)
    for name in names:
        value = given.get(name, defaults.get(name))
        position = names.index(name)
        for new, words in _options(name, value, defaults.get(name)):
            if name in case.kwargs or position >= len(case.args):
                yield replace(case, kwargs={**case.kwargs, name: new}), words
            else:
                args = list(case.args)
                args[position] = new
                yield replace(case, args=tuple(args)), words


def _options(name: str, value: Any, default: float | None) -> Iterator[tuple[Any, str]]:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int) and not isinstance(value, float):
        # counts and steps: only "ignored" is a plausible confusion, not 1 − n or n²
        if default is not None and default != value:
            yield (
                int(default),
                f"`{name}` is ignored: your result is the one for {name} = {default:g}",
            )
    elif isinstance(value, float):
        yield from _changes(name, value, default)
    elif isinstance(value, np.ndarray):
        yield from _labels(name, value)


def _fits(exercise: Exercise, case: Case, got: Any) -> Any:
    try:
        wrong = to_plain(reference(exercise, case))
    except Exception:
        return None
    rtol, atol = exercise.tolerance(case)
    return wrong, compare(wrong, got, max(rtol, FIT_RTOL), max(atol, FIT_ATOL), equal_nan=True)


@detector(60)
def changed_argument(expected: Any, got: Any, case: Case, exercise: Exercise) -> Found:
    """The whole result — or, for a tuple, every wrong item of it — is what the reference
    returns with one argument changed."""
    if case.driver not in DRIVERS or case.check is not None:
        return None
    rtol, atol = exercise.tolerance(case)
    for variant, words in _variants(exercise, case):
        fit = _fits(exercise, variant, got)
        if fit is None:
            continue
        wrong, outcome = fit
        if outcome.passed:
            return "argument", words
        if isinstance(expected, Seq) and isinstance(got, Seq) and isinstance(wrong, Seq):
            labels = exercise.returns if len(exercise.returns) == len(expected) else ()
            items = _item_fit(expected, got, wrong, rtol, atol)
            if items is not None and labels:
                return "argument", f"{labels[items]}: {words}"
    return None


def _item_fit(expected: Seq, got: Seq, wrong: Seq, rtol: float, atol: float) -> int | None:
    """The index of the one wrong item that the changed call explains, or None."""
    if not (len(expected) == len(got) == len(wrong)):
        return None
    bad = [i for i in range(len(expected)) if not compare(expected[i], got[i], rtol, atol).passed]
    if len(bad) == 1 and compare(wrong[bad[0]], got[bad[0]], rtol, atol, equal_nan=True).passed:
        return bad[0]
    return None


def _counts(case: Case, exercise: Exercise) -> list[tuple[int, str]]:
    """Sizes a mean may divide by: each input's rows, columns and size, with their names."""
    names = exercise.params[1:] if case.driver == "sweep" else exercise.params
    found: list[tuple[int, str]] = []
    for name, value in zip(names, case.args, strict=False):
        if not isinstance(value, np.ndarray) or value.ndim == 0:
            continue
        if value.ndim == 1:
            found.append((value.shape[0], f"the length of {name}"))
            continue
        found += [
            (value.shape[0], f"the number of rows of {name}"),
            (value.shape[1], f"the number of columns of {name}"),
            (value.size, f"the number of elements of {name}"),
        ]
    return found


@detector(70)
def wrong_count(expected: Any, got: Any, case: Case, exercise: Exercise) -> Found:
    """A mean (or average gradient) divided by the wrong count: n − 1, n + 1, or another
    dimension of the inputs than the expected one."""
    e, g = numeric_array(expected), numeric_array(got)
    counts = _counts(case, exercise)
    if e is None or g is None or not counts or e.shape != g.shape or not e.any():
        return None
    flat_e, flat_g = e.reshape(-1), g.reshape(-1)
    k = float(flat_g @ flat_e) / float(flat_e @ flat_e)
    if not np.allclose(flat_g, k * flat_e, rtol=1e-9, atol=1e-12):
        return None
    n, n_words = counts[0]
    options = [(m, words) for m, words in counts[1:] if m != n]
    options += [(n - 1, f"{n_words} minus one"), (n + 1, f"{n_words} plus one")]
    for m, words in options:
        if m > 0 and abs(k - n / m) < 1e-9 * max(1.0, abs(k)):
            return (
                "mean-denominator",
                f"your result is divided by {words} where {n_words} was expected: a mean"
                " divides by the number of terms it averages",
            )
    return None
