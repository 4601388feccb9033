"""Finite-difference gradients: central differences, judged tightly enough that forward
differences (first-order accurate) fail."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import edge, example, hidden
from engine.reference import gradients as ref
from engine.sandbox.runtime.protocol import Spec


def _smooth(rng: np.random.Generator, p: int) -> Spec:
    return Spec(
        t="smooth_fn", a=rng.uniform(-1, 1, p), c=rng.uniform(2, 3, p), d=rng.uniform(-0.3, 0.3, p)
    )


def _forward(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    x = np.array(x, float)
    base, grad = f(x), np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = h
        grad.flat[i] = (f(x + step) - base) / h
    return grad


def _numgrad_cases(rng: np.random.Generator) -> list[Case]:
    square = Spec(t="smooth_fn", a=np.zeros(2), c=np.full(2, 2.0), d=np.zeros(2))
    cases = [
        example(
            square,
            np.array([1.0, -2.0]),
            call="numerical_gradient(lambda v: np.sum(v ** 2), np.array([1.0, -2.0]))",
        ),
        example(
            Spec(t="smooth_fn", a=np.ones(1), c=np.zeros(1), d=np.zeros(1)),
            np.zeros(1),
            call="numerical_gradient(lambda v: np.sum(np.sin(v)), np.array([0.0]))",
        ),
    ]
    for p in (3, 6):
        cases.append(hidden(_smooth(rng, p), rng.uniform(-2, 2, p)))
    cases += [
        hidden(_smooth(rng, 4), rng.uniform(-2, 2, 4), 1e-4, about="a custom step h"),
        edge(
            "a 2-D x",
            Spec(
                t="smooth_fn",
                a=rng.uniform(-1, 1, (2, 3)),
                c=rng.uniform(2, 3, (2, 3)),
                d=rng.uniform(-0.3, 0.3, (2, 3)),
            ),
            rng.uniform(-2, 2, (2, 3)),
        ),
    ]
    return cases


register(
    Exercise(
        name="numerical_gradient",
        signature="numerical_gradient(f, x, h=1e-5)",
        reference=ref.numerical_gradient,
        cases=_numgrad_cases,
        rtol=1e-7,
        atol=1e-7,
        shape_hint="return an array with x's shape",
        mistakes=(
            Mistake(
                "forward",
                "forward differences (f(x + h) − f(x))/h are only first-order"
                " accurate — use central differences (f(x + h) − f(x − h)) / 2h",
                _forward,
            ),
            Mistake(
                "half-step",
                "divided by h instead of 2h: the central difference spans 2h",
                lambda f, x, h=1e-5: 2 * ref.numerical_gradient(f, x, h),
            ),
        ),
    )
)
