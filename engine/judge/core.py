"""Exercises, cases and known mistakes, registered by name."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9
FLOAT32_RTOL = 1e-4
FLOAT32_ATOL = 1e-5
RuntimeName = Literal["numpy", "torch"]  # the sandbox an exercise runs in


@dataclass(frozen=True)
class Case:
    """One call of the submission, judged against the reference.

    ``about`` names what the case probes ("logits = ±1000") without revealing its data;
    ``advice`` says where to look when the case fails (nan/inf or wrong values) and no known
    mistake matched; ``check`` replaces the equality test by a property check (returns a failure
    message or None, or a ``(code, message)`` pair); ``target`` replaces the reference (e.g.
    finite differences of the loss). ``ref_driver`` drives the reference when it differs from
    the submission's driver (PyTorch cases: a torch driver in the child, ``twin`` here).
    """

    name: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    visible: bool = False
    about: str = ""
    advice: str = ""
    driver: str = "call"
    params: Mapping[str, Any] | None = None
    rtol: float | None = None
    atol: float | None = None
    call: str = ""
    check: Callable[[Any, Case], str | tuple[str, str] | None] | None = None
    target: Callable[..., Any] | None = None
    ref_driver: str | None = None

    def wire(self, reference: bool = False) -> dict[str, Any]:
        """The case as the drivers see it (inputs still as Python objects): for the
        submission, or with ``reference`` for the trusted implementation."""
        return {
            "driver": (self.ref_driver or self.driver) if reference else self.driver,
            "args": list(self.args),
            "kwargs": dict(self.kwargs),
            "params": dict(self.params) if self.params is not None else None,
        }


@dataclass(frozen=True)
class Mistake:
    """A typical wrong implementation and the message that names it."""

    code: str
    message: str
    fn: Callable[..., Any]


@dataclass(frozen=True)
class Exercise:
    """A function to implement: its reference, cases, tolerances and known mistakes.

    ``runtime`` names the sandbox it runs in (``numpy`` or ``torch``); ``setup`` prepares each
    child before the submission loads (seed, forbidden shortcuts); ``show`` renders a reference
    result as the question shows it (default: NumPy-like text).
    """

    name: str
    signature: str
    reference: Callable[..., Any]
    cases: Callable[[np.random.Generator], list[Case]]
    mistakes: tuple[Mistake, ...] = ()
    returns: tuple[str, ...] = ()
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    shape_hint: str = ""
    advice: str = ""
    runtime: RuntimeName = "numpy"
    setup: Mapping[str, Any] | None = None
    show: Callable[[Any, Case], str] | None = None

    @property
    def function(self) -> str:
        """The name the submission defines, read from the signature (a function or a class)."""
        return self.signature.removeprefix("class ").split("(")[0].strip()

    @property
    def params(self) -> list[str]:
        """Parameter names, read from the signature."""
        inside = self.signature[self.signature.index("(") + 1 : self.signature.rindex(")")]
        names = [re.split(r"[=:]", p)[0].strip(" *") for p in inside.split(",")]
        return [n for n in names if n and n != "…"]

    def build_cases(self, rng: np.random.Generator) -> list[Case]:
        """All cases for one attempt; visible ones first, names made unique."""
        cases = self.cases(rng)
        cases.sort(key=lambda c: not c.visible)
        seen: dict[str, int] = {}
        out = []
        for case in cases:
            seen[case.name] = seen.get(case.name, 0) + 1
            out.append(case)
        counters: dict[str, int] = {}
        for i, case in enumerate(out):
            if seen[case.name] > 1:
                counters[case.name] = counters.get(case.name, 0) + 1
                out[i] = replace(case, name=f"{case.name} {counters[case.name]}")
        return out

    def tolerance(self, case: Case) -> tuple[float, float]:
        return (
            case.rtol if case.rtol is not None else self.rtol,
            case.atol if case.atol is not None else self.atol,
        )


EXERCISES: dict[str, Exercise] = {}  # NumPy exercises (questions ``code-<name>``)
TORCH_EXERCISES: dict[str, Exercise] = {}  # PyTorch exercises (questions ``torch-<name>``)
_REGISTRIES: dict[RuntimeName, dict[str, Exercise]] = {"numpy": EXERCISES, "torch": TORCH_EXERCISES}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry of its runtime (names are unique across runtimes)."""
    if exercise.name in EXERCISES or exercise.name in TORCH_EXERCISES:
        raise ValueError(f"exercise {exercise.name!r} is registered twice")
    _REGISTRIES[exercise.runtime][exercise.name] = exercise
    return exercise


class UnknownExercise(KeyError):
    """No exercise of that name is registered."""


def get_exercise(name: str) -> Exercise:
    """Look an exercise up by name."""
    found = EXERCISES.get(name) or TORCH_EXERCISES.get(name)
    if found is None:
        raise UnknownExercise(f"no code exercise named {name!r}")
    return found
