"""One optimizer step each: SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW.

Besides single steps, every optimizer is iterated 20 times on a quadratic bowl and the whole
trajectory is compared with the reference; a "tiny gradients" case makes the position of ε
matter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import edge, example, hidden, normal, spd
from engine.reference import optimizers as ref
from engine.sandbox.runtime.protocol import Spec

A = np.ndarray
EPS_OUTSIDE = "ε goes outside the square root: g / (√s + ε)"
NO_EPS = (
    "ε is missing: with tiny gradients the square root is tiny too and the step explodes —"
    " add ε outside the square root: g / (√s + ε)"
)
TINY = "with tiny gradients ε dominates the denominator — check ε and the state you divide by"
MOMENTUM_LR = (
    "this exercise keeps the learning rate out of the velocity: v ← β·v + (1 − β)·g, then"
    " w ← w − lr·v — your velocity carries lr (the convention of some libraries, not this one)"
)
Step = Callable[..., Any]


def trajectory(
    rng: np.random.Generator,
    names: tuple[str, ...],
    hyper: list[float],
    *,
    with_t: bool = False,
    grad_fn: bool = False,
    p: int = 3,
) -> Case:
    """Iterate the step 20 times on f(w) = ½wᵀAw − bᵀw from random w, zero state."""
    params = {
        "A": spd(rng, p),
        "b": normal(rng, p),
        "w0": normal(rng, p),
        "state": [np.zeros(p) for _ in names],
        "state_names": list(names),
        "steps": 20,
        "with_t": with_t,
        "grad_fn": grad_fn,
        "hyper": hyper,
    }
    return Case(
        "trajectory: 20 steps on a quadratic",
        driver="optimizer",
        params=params,
        about="20 iterated steps",
    )


def _sgd_cases(rng: np.random.Generator) -> list[Case]:
    return [
        example(np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1),
        example(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[2.0, 2.0], [-2.0, 0.0]]), 0.5),
        hidden(normal(rng, 5), normal(rng, 5), 0.01),
        trajectory(rng, (), [0.1]),
    ]


register(
    Exercise(
        name="sgd_step",
        signature="sgd_step(w, grad, lr)",
        reference=ref.sgd_step,
        cases=_sgd_cases,
        mistakes=(
            Mistake(
                "sign", "moved uphill — subtract lr·grad: w − lr·grad", lambda w, g, lr: w + lr * g
            ),
        ),
    )
)


def _momentum_classic(w: A, g: A, v: A, lr: float, beta: float = 0.9) -> tuple[A, A]:
    v = beta * v + g
    return w - lr * v, v


def _momentum_stale(w: A, g: A, v: A, lr: float, beta: float = 0.9) -> tuple[A, A]:
    new_v = beta * v + (1 - beta) * g
    return w - lr * v, new_v


def _momentum_variant(kind: str) -> Step:
    """Other conventions: lr inside the velocity (with or without 1 − β), or a velocity that
    accumulates −g and is added to w."""

    def step(w: A, g: A, v: A, lr: float, beta: float = 0.9) -> tuple[A, A]:
        if kind == "lr-in-velocity":
            v = beta * v + lr * g
            return w - v, v
        if kind == "lr-in-averaged-velocity":
            v = beta * v + (1 - beta) * lr * g
            return w - v, v
        v = beta * v - (1 - beta) * g  # "velocity-sign"
        return w + lr * v, v

    return step


def _momentum_cases(rng: np.random.Generator) -> list[Case]:
    return [
        example(np.array([1.0]), np.array([2.0]), np.array([0.0]), 0.1),
        example(np.array([1.0, -1.0]), np.array([0.5, 0.5]), np.array([1.0, -1.0]), 0.1, beta=0.5),
        hidden(normal(rng, 5), normal(rng, 5), normal(rng, 5), 0.05, 0.9),
        hidden(normal(rng, 4), normal(rng, 4), normal(rng, 4), 0.2, 0.7),
        trajectory(rng, ("velocity",), [0.1, 0.9]),
    ]


register(
    Exercise(
        name="momentum_step",
        signature="momentum_step(w, grad, velocity, lr, beta=0.9)",
        reference=ref.momentum_step,
        cases=_momentum_cases,
        returns=("w", "velocity"),
        mistakes=(
            Mistake(
                "classic",
                "this exercise uses the averaged form v = βv + (1 − β)·g — you"
                " added the whole gradient (v = βv + g)",
                _momentum_classic,
            ),
            Mistake(
                "stale",
                "update the velocity first, then move w by the new velocity",
                _momentum_stale,
            ),
            Mistake("lr-in-velocity", MOMENTUM_LR, _momentum_variant("lr-in-velocity")),
            Mistake(
                "lr-in-averaged-velocity", MOMENTUM_LR, _momentum_variant("lr-in-averaged-velocity")
            ),
            Mistake(
                "velocity-sign",
                "the velocity has the opposite sign convention: this exercise accumulates the"
                " gradient, v ← β·v + (1 − β)·g, and steps against it, w ← w − lr·v",
                _momentum_variant("velocity-sign"),
            ),
        ),
    )
)


def _nesterov_variant(sign: float, scale_lr: bool = True) -> Step:
    def step(w: A, grad_fn: Callable[[A], A], v: A, lr: float, beta: float = 0.9) -> tuple[A, A]:
        g = grad_fn(w - sign * (lr if scale_lr else 1.0) * beta * v)
        v = beta * v + (1 - beta) * g
        return w - lr * v, v

    return step


def _nesterov_cases(rng: np.random.Generator) -> list[Case]:
    quad = Spec(t="quadratic_grad", A=np.array([[2.0]]), b=np.zeros(1))
    call = "nesterov_step(np.array([1.0]), lambda x: 2 * x, np.array([1.0]), 0.1)"
    cases = [example(np.array([1.0]), quad, np.array([1.0]), 0.1, call=call)]
    quad2 = Spec(t="quadratic_grad", A=np.array([[1.0, 0.0], [0.0, 3.0]]), b=np.zeros(2))
    call2 = (
        "nesterov_step(np.array([1.0, 1.0]), lambda x: np.array([1.0, 3.0]) * x,"
        " np.array([0.5, -0.5]), 0.2, beta=0.5)"
    )
    cases.append(
        example(np.array([1.0, 1.0]), quad2, np.array([0.5, -0.5]), 0.2, beta=0.5, call=call2)
    )
    spec = Spec(t="quadratic_grad", A=spd(rng, 4), b=normal(rng, 4))
    cases += [
        hidden(normal(rng, 4), spec, normal(rng, 4), 0.1, 0.9),
        trajectory(rng, ("velocity",), [0.1, 0.9], grad_fn=True),
    ]
    return cases


register(
    Exercise(
        name="nesterov_step",
        signature="nesterov_step(w, grad_fn, velocity, lr, beta=0.9)",
        reference=ref.nesterov_step,
        cases=_nesterov_cases,
        returns=("w", "velocity"),
        mistakes=(
            Mistake(
                "at-w",
                "the gradient was taken at w — Nesterov takes it at the look-ahead"
                " point w − lr·β·v",
                _nesterov_variant(0.0),
            ),
            Mistake(
                "look-back",
                "the look-ahead point is w − lr·β·v (where momentum is taking you), not w + lr·β·v",
                _nesterov_variant(-1.0),
            ),
            Mistake(
                "look-ahead-no-lr",
                "the look-ahead point is w − lr·β·v: the velocity moves w only once it is scaled"
                " by lr, in the look-ahead as in the step",
                _nesterov_variant(1.0, scale_lr=False),
            ),
        ),
    )
)


def _adaptive_cases(
    rng: np.random.Generator, names: tuple[str, ...], hyper: list[float], examples: list[Case]
) -> list[Case]:
    p = 5
    state = [np.abs(normal(rng, p)) for _ in names]
    tiny = [1e-6 * normal(rng, p), *(np.zeros(p) for _ in names)]
    return [
        *examples,
        hidden(normal(rng, p), normal(rng, p), *state, *hyper),
        hidden(normal(rng, p), normal(rng, p, scale=10), *state, 0.01, *hyper[1:]),
        edge("tiny gradients (1e-6)", normal(rng, p), *tiny, *hyper, advice=TINY),
        trajectory(rng, names, hyper),
    ]


def _denominator(kind: str, s: A, eps: float) -> A:
    """√s + ε, or what a mistake of ``kind`` divides by instead."""
    out: A
    if kind == "eps-inside":
        out = np.sqrt(s + eps)
    elif kind == "no-eps":
        out = np.sqrt(s)
    elif kind == "no-sqrt":
        out = s + eps
    else:
        out = np.sqrt(s) + eps
    return out


def _adagrad_variant(kind: str) -> Step:
    def step(w: A, g: A, acc: A, lr: float, eps: float = 1e-8) -> tuple[A, A]:
        new = g * g if kind == "no-accumulate" else acc + g * g
        with np.errstate(divide="ignore", invalid="ignore"):
            moved = w - lr * g / _denominator(kind, acc if kind == "stale" else new, eps)
        return moved, new

    return step


ADAPTIVE_MISTAKES = (
    ("eps-inside", EPS_OUTSIDE),
    ("no-eps", NO_EPS),
    ("no-sqrt", "divide by the square root of the accumulated squares: g / (√s + ε)"),
    ("stale", "the step used the state from before this gradient: update it first, then step"),
)


register(
    Exercise(
        name="adagrad_step",
        signature="adagrad_step(w, grad, accum, lr, eps=1e-8)",
        reference=ref.adagrad_step,
        returns=("w", "accum"),
        cases=lambda rng: _adaptive_cases(
            rng,
            ("accum",),
            [0.1, 1e-8],
            [
                example(np.array([1.0]), np.array([2.0]), np.array([0.0]), 0.1),
                example(np.array([1.0, 1.0]), np.array([1.0, -3.0]), np.array([3.0, 7.0]), 0.5),
            ],
        ),
        mistakes=(
            Mistake(
                "no-accumulate",
                "AdaGrad accumulates every squared gradient: G ← G + g²",
                _adagrad_variant("no-accumulate"),
            ),
            *(Mistake(code, text, _adagrad_variant(code)) for code, text in ADAPTIVE_MISTAKES),
        ),
    )
)


def _rmsprop_variant(kind: str) -> Step:
    def step(w: A, g: A, s: A, lr: float, rho: float = 0.9, eps: float = 1e-8) -> tuple[A, A]:
        old = s
        if kind == "no-one-minus":
            s = rho * s + g * g
        elif kind == "swapped":
            s = (1 - rho) * s + rho * g * g
        else:
            s = rho * s + (1 - rho) * g * g
        with np.errstate(divide="ignore", invalid="ignore"):
            moved = w - lr * g / _denominator(kind, old if kind == "stale" else s, eps)
        return moved, s

    return step


register(
    Exercise(
        name="rmsprop_step",
        signature="rmsprop_step(w, grad, sq_avg, lr, rho=0.9, eps=1e-8)",
        reference=ref.rmsprop_step,
        returns=("w", "sq_avg"),
        cases=lambda rng: _adaptive_cases(
            rng,
            ("sq_avg",),
            [0.01, 0.9, 1e-8],
            [
                example(np.array([1.0]), np.array([2.0]), np.array([0.0]), 0.1),
                example(
                    np.array([1.0, 1.0]), np.array([1.0, -3.0]), np.array([1.0, 1.0]), 0.1, rho=0.5
                ),
            ],
        ),
        mistakes=(
            Mistake(
                "no-one-minus",
                "the average is s ← ρ·s + (1 − ρ)·g² — the (1 − ρ) is missing",
                _rmsprop_variant("no-one-minus"),
            ),
            Mistake(
                "swapped",
                "ρ weighs the old average: s ← ρ·s + (1 − ρ)·g²",
                _rmsprop_variant("swapped"),
            ),
            *(Mistake(code, text, _rmsprop_variant(code)) for code, text in ADAPTIVE_MISTAKES),
        ),
    )
)
