"""Judge NumPy and PyTorch implementations: an exercise registry, case generators,
comparison, messages.

Public API: :func:`judge`, :func:`get_exercise`, :data:`EXERCISES` (NumPy),
:data:`TORCH_EXERCISES` (PyTorch), :func:`examples`, and the building blocks
:class:`Exercise`, :class:`Case`, :class:`Mistake` and :func:`register`.
"""

from __future__ import annotations

import numpy as np

from engine.constants import MAX_SOURCE_BYTES
from engine.judge import exercises as _exercises  # noqa: F401  (registers every exercise)
from engine.judge import text
from engine.judge.core import (
    EXERCISES,
    TORCH_EXERCISES,
    Case,
    Exercise,
    Mistake,
    UnknownExercise,
    get_exercise,
    register,
)
from engine.judge.report import CaseResult, CodeDetails
from engine.judge.run import judge
from engine.sandbox.runtime.drivers import drive


def examples(name: str) -> list[tuple[str, str]]:
    """The visible examples of an exercise as ``(call, result)`` texts, as questions show them."""
    ex = get_exercise(name)
    show = ex.show or (lambda value, _: text.result(value))
    return [
        (text.call(ex, c), show(drive(ex.reference, c.wire(reference=True)), c))
        for c in ex.build_cases(np.random.default_rng(0))
        if c.visible
    ]


__all__ = [
    "EXERCISES",
    "MAX_SOURCE_BYTES",
    "TORCH_EXERCISES",
    "Case",
    "CaseResult",
    "CodeDetails",
    "Exercise",
    "Mistake",
    "UnknownExercise",
    "examples",
    "get_exercise",
    "judge",
    "register",
]
