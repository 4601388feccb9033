"""Randomised question variants: parameters drawn from a seed, answers computed by a named
reference function — never typed by hand, so a variant cannot carry a wrong answer.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.reference import losses, schedules

Value = float | list[float]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _softmax_ce(y_index: float, logits: list[float]) -> float:
    onehot = np.zeros((1, len(logits)))
    onehot[0, int(y_index)] = 1.0
    return losses.categorical_cross_entropy(onehot, np.array([logits]))


# Functions a question may name; arguments are drawn values (lists become arrays).
FUNCTIONS: dict[str, Callable[..., float]] = {
    "mse": losses.mse,
    "mae": losses.mae,
    "rmse": losses.rmse,
    "huber": losses.huber,
    "binary_cross_entropy": losses.binary_cross_entropy,
    "bce_with_logits": losses.bce_with_logits,
    "hinge": losses.hinge,
    "softmax_cross_entropy": _softmax_ce,
    "sigmoid": _sigmoid,
    "step_decay": schedules.step_decay,
    "exponential_decay": schedules.exponential_decay,
    "cosine_annealing": schedules.cosine_annealing,
    "warmup_cosine": schedules.warmup_cosine,
    "triangular_clr": schedules.triangular_clr,
}


@dataclass(frozen=True)
class ParameterSpec:
    """Values drawn on the grid ``low, low + step, …, high`` (a vector when ``size`` is set),
    or picked from ``choices``."""

    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    size: int | None = None
    choices: tuple[float, ...] = ()


def draw(parameters: Mapping[str, ParameterSpec], seed: int) -> dict[str, Value]:
    """Draw every parameter for variant ``seed`` (the same seed always gives the same draw).

    >>> draw({"a": ParameterSpec(1, 3, 1)}, 7) == draw({"a": ParameterSpec(1, 3, 1)}, 7)
    True
    """
    rng = random.Random(f"variant:{seed}")
    values: dict[str, Value] = {}
    for name in sorted(parameters):
        spec = parameters[name]
        count = spec.size or 1
        if spec.choices:
            picked = [float(rng.choice(spec.choices)) for _ in range(count)]
        else:
            steps = round((spec.high - spec.low) / spec.step)
            picked = [round(spec.low + spec.step * rng.randint(0, steps), 10) for _ in range(count)]
        values[name] = picked if spec.size else picked[0]
    return values


def compute(function: str, args: Sequence[str | float], values: Mapping[str, Value]) -> float:
    """Call the named reference function on drawn values (names) or literal numbers."""
    try:
        func = FUNCTIONS[function]
    except KeyError:
        raise ValueError(
            f"unknown function {function!r}; use one of {', '.join(sorted(FUNCTIONS))}"
        ) from None
    resolved = []
    for arg in args:
        value = values[arg] if isinstance(arg, str) else arg
        resolved.append(np.array(value, dtype=float) if isinstance(value, list) else value)
    return float(func(*resolved))


def show(value: Value) -> str:
    """Format a drawn value for a prompt: ``[2, 3.5]`` or ``0.25``."""
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return f"{value:g}"
