"""Judge one returned value: against the reference, then against the exercise's known
mistakes (every one that fits), then the general detectors; the message says what differs."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.judge import arguments  # noqa: F401  (registers its detectors)
from engine.judge.compare import Outcome, compare, to_plain
from engine.judge.core import Case, Exercise
from engine.judge.detect import explain
from engine.judge.trusted import reference
from engine.sandbox.runtime.protocol import Seq

MISTAKE_RTOL, MISTAKE_ATOL = 1e-9, 1e-12  # a known mistake must fit at least this closely


def _finite_somewhere(value: Any) -> bool:
    if isinstance(value, Seq):
        return any(_finite_somewhere(v) for v in value)
    return isinstance(value, np.ndarray) and bool(np.isfinite(value).any())


def matching_mistakes(exercise: Exercise, case: Case, got: Any) -> tuple[str, ...]:
    """The codes of every known mistake that reproduces ``got`` on this case: nan where the
    mistake gives nan too, as long as some finite value agrees as well (a nan alone says
    nothing about which mistake it came from)."""
    rtol, atol = exercise.tolerance(case)
    found = []
    for mistake in exercise.mistakes:
        try:
            wrong = to_plain(reference(exercise, case, mistake.fn))
        except Exception:
            continue
        rt, at = max(rtol, MISTAKE_RTOL), max(atol, MISTAKE_ATOL)
        fits = compare(wrong, got, rt, at, exercise.returns, equal_nan=True).passed
        if fits and _finite_somewhere(wrong):
            found.append(mistake.code)
    return tuple(found)


def judge_value(exercise: Exercise, case: Case, got: Any) -> tuple[Outcome, tuple[str, ...]]:
    """The outcome of one case, and the known mistakes that fit it (the verdict picks the
    one that fits the most cases)."""
    if case.check is not None:
        found = case.check(got, case)
        code, message = found if isinstance(found, tuple) else ("property", found)
        return Outcome(message is None, message or "", "" if message is None else code), ()
    expected = to_plain(reference(exercise, case))
    rtol, atol = exercise.tolerance(case)
    outcome = compare(expected, got, rtol, atol, exercise.returns)
    if outcome.passed:
        return outcome, ()
    mistakes = matching_mistakes(exercise, case, got)
    if mistakes:
        mistake = next(m for m in exercise.mistakes if m.code == mistakes[0])
        outcome.message, outcome.code = mistake.message, f"mistake-{mistake.code}"
        return outcome, mistakes
    where = f" for {case.about}" if case.about and case.about not in case.name else ""
    advice = case.advice or exercise.advice
    if outcome.code == "nonfinite":
        outcome.message = f"{outcome.message}{where}" + (f" — {advice}" if advice else "")
        return outcome, ()
    found = explain(expected, got, case, exercise)
    if found is not None:
        outcome.code, outcome.message = found
    elif outcome.code == "shape" and exercise.shape_hint:
        outcome.message += f" — {exercise.shape_hint}"
    elif outcome.code == "wrong-value":
        outcome.message = f"wrong values{where} (largest absolute error {outcome.abs_err:.3g})" + (
            f" — {case.advice}" if case.advice else ""
        )
    return outcome, ()
