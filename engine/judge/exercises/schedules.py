"""Learning-rate schedules, judged over every step of a run (and a little beyond)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import example
from engine.reference import schedules as ref

SWEEP_RTOL, SWEEP_ATOL = 1e-9, 1e-12


def sweep(steps: range, *args: Any, about: str = "every step") -> Case:
    """Call ``fn(step, *args)`` for each step and compare the whole curve."""
    return Case(f"curve: {about}", args, driver="sweep", params={"steps": list(steps)}, about=about)


register(
    Exercise(
        name="step_decay",
        signature="step_decay(step, base_lr, drop=0.5, every=10)",
        reference=ref.step_decay,
        rtol=SWEEP_RTOL,
        atol=SWEEP_ATOL,
        cases=lambda rng: [
            example(25, 0.1),
            example(9, 1.0, drop=0.1, every=10),
            sweep(range(60), 0.1),
            sweep(
                range(40),
                float(rng.uniform(0.01, 1)),
                float(rng.uniform(0.1, 0.9)),
                int(rng.integers(2, 8)),
                about="every step, other drop and period",
            ),
        ],
        mistakes=(
            Mistake(
                "continuous",
                "the rate drops in discrete stages: use drop ** (step // every)",
                lambda s, lr, drop=0.5, every=10: lr * drop ** (s / every),
            ),
            Mistake(
                "off-by-one",
                "steps count from 0: the first drop happens at step `every`",
                lambda s, lr, drop=0.5, every=10: lr * drop ** ((s + 1) // every),
            ),
        ),
    )
)

register(
    Exercise(
        name="exponential_decay",
        signature="exponential_decay(step, base_lr, gamma)",
        reference=ref.exponential_decay,
        rtol=SWEEP_RTOL,
        atol=SWEEP_ATOL,
        cases=lambda rng: [
            example(2, 0.1, 0.5),
            example(0, 0.3, 0.9),
            sweep(range(50), float(rng.uniform(0.01, 1)), float(rng.uniform(0.8, 0.99))),
            sweep(range(20), 2.0, 0.5, about="a fast decay"),
        ],
        mistakes=(
            Mistake(
                "off-by-one",
                "step 0 uses the base rate: base_lr · gamma ** step",
                lambda s, lr, g: lr * g ** (s + 1),
            ),
            Mistake(
                "linear",
                "exponential decay multiplies by gamma every step, it does not subtract",
                lambda s, lr, g: lr * (1 - (1 - g) * s),
            ),
        ),
    )
)


def _cosine(period: float, clamp: bool = True) -> Callable[..., float]:
    def lr(step: int, total: int, base: float, min_lr: float = 0.0) -> float:
        s = min(step, total) if clamp else step
        return min_lr + 0.5 * (base - min_lr) * (1 + math.cos(period * math.pi * s / total))

    return lr


register(
    Exercise(
        name="cosine_annealing",
        signature="cosine_annealing(step, total_steps, base_lr, min_lr=0.0)",
        reference=ref.cosine_annealing,
        rtol=SWEEP_RTOL,
        atol=SWEEP_ATOL,
        cases=lambda rng: [
            example(5, 10, 1.0),
            example(0, 100, 0.1, min_lr=0.01),
            sweep(range(31), 30, 0.1),
            sweep(
                range(45),
                40,
                float(rng.uniform(0.05, 1)),
                0.001,
                about="every step and past the end, with min_lr",
            ),
        ],
        mistakes=(
            Mistake(
                "full-period",
                "one half cosine spans total_steps: cos(π·step/total_steps)",
                _cosine(2.0),
            ),
            Mistake("no-clamp", "after total_steps the rate stays at min_lr", _cosine(1.0, False)),
            Mistake(
                "no-pi",
                "the cosine's argument runs from 0 to π: cos(π·step/total_steps)",
                _cosine(1.0 / math.pi),
            ),
            Mistake(
                "no-min",
                "anneal towards min_lr: min_lr + ½(base_lr − min_lr)(1 + cos(…))",
                lambda s, total, base, min_lr=0.0: (
                    0.5 * base * (1 + math.cos(math.pi * min(s, total) / total))
                ),
            ),
        ),
    )
)


def _warmup_variant(kind: str) -> Callable[..., float]:
    def lr(step: int, warmup: int, total: int, base: float, min_lr: float = 0.0) -> float:
        if step < warmup:
            return base * ((step + 1) if kind == "plus-one" else step) / warmup
        if kind == "whole-span":
            progress = min(step, total) / total
        else:
            progress = min(step - warmup, total - warmup) / (total - warmup)
        return min_lr + 0.5 * (base - min_lr) * (1 + math.cos(math.pi * progress))

    return lr


register(
    Exercise(
        name="warmup_cosine",
        signature="warmup_cosine(step, warmup_steps, total_steps, base_lr, min_lr=0.0)",
        reference=ref.warmup_cosine,
        rtol=SWEEP_RTOL,
        atol=SWEEP_ATOL,
        cases=lambda rng: [
            example(1, 2, 6, 1.0),
            example(4, 2, 6, 1.0),
            sweep(range(61), 10, 60, 0.1),
            sweep(
                range(35),
                int(rng.integers(2, 8)),
                30,
                float(rng.uniform(0.05, 1)),
                0.001,
                about="every step and past the end, with min_lr",
            ),
        ],
        mistakes=(
            Mistake(
                "plus-one",
                "warmup starts from 0 at step 0: base_lr · step / warmup_steps",
                _warmup_variant("plus-one"),
            ),
            Mistake(
                "whole-span",
                "the cosine phase starts when warmup ends and spans"
                " total_steps − warmup_steps steps",
                _warmup_variant("whole-span"),
            ),
        ),
    )
)


def _clr_half_period(step: int, base: float, top: float, size: int) -> float:
    x = abs(step / size - 2 * math.floor(1 + step / size) + 1)
    return base + (top - base) * max(0.0, 1 - x)


register(
    Exercise(
        name="triangular_clr",
        signature="triangular_clr(step, base_lr, max_lr, step_size)",
        reference=ref.triangular_clr,
        rtol=SWEEP_RTOL,
        atol=SWEEP_ATOL,
        cases=lambda rng: [
            example(0, 0.001, 0.01, 4),
            example(6, 0.001, 0.01, 4),
            sweep(range(50), 0.001, 0.01, 5),
            sweep(
                range(40),
                float(rng.uniform(1e-4, 1e-3)),
                float(rng.uniform(0.01, 0.1)),
                int(rng.integers(2, 7)),
                about="every step, other bounds",
            ),
        ],
        mistakes=(
            Mistake(
                "half-period",
                "one cycle is 2·step_size steps: up for step_size, down for"
                " step_size (cycle = ⌊1 + step/(2·step_size)⌋)",
                _clr_half_period,
            ),
        ),
    )
)
