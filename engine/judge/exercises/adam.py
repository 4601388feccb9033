"""Adam and AdamW steps (t counts from 1; ε outside the square root; decoupled decay)."""

from __future__ import annotations

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.exercises.optimizers import EPS_OUTSIDE, Step, trajectory
from engine.judge.gen import edge, example, hidden, normal
from engine.reference import optimizers as ref

A = np.ndarray
HYPER = [0.01, 0.9, 0.999, 1e-8]
BIAS = (
    "bias correction missing: without it step 1 moves by lr·(1 − β1)/√(1 − β2)·sign(g)"
    " — divide m by (1 − β1^t) and v by (1 − β2^t)"
)


def adam_variant(kind: str) -> Step:
    """A wrong Adam step: ``no-bias`` (no bias correction), ``eps-inside`` (ε under the root)
    or ``t-from-0`` (a step count that starts at 0)."""

    def step(
        w: A,
        g: A,
        m: A,
        v: A,
        t: int,
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> tuple[A, A, A]:
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        tt = t + 1 if kind == "t-from-0" else t
        m_hat, v_hat = (m, v) if kind == "no-bias" else (m / (1 - beta1**tt), v / (1 - beta2**tt))
        denom = np.sqrt(v_hat + eps) if kind == "eps-inside" else np.sqrt(v_hat) + eps
        return w - lr * m_hat / denom, m, v

    return step


def _cases(rng: np.random.Generator, extra: list[float], examples: list[Case]) -> list[Case]:
    p = 5
    m, v = normal(rng, p, scale=0.1), np.abs(normal(rng, p, scale=0.1))
    return [
        *examples,
        hidden(normal(rng, p), normal(rng, p), m, v, 7, *HYPER, *extra),
        hidden(
            normal(rng, p),
            normal(rng, p),
            np.zeros(p),
            np.zeros(p),
            1,
            0.1,
            0.8,
            0.99,
            1e-8,
            *extra,
            about="the first step",
        ),
        edge(
            "tiny gradients (1e-6)",
            normal(rng, p),
            1e-6 * normal(rng, p),
            np.zeros(p),
            np.zeros(p),
            1,
            *HYPER,
            *extra,
            advice=EPS_OUTSIDE,
        ),
        trajectory(rng, ("m", "v"), [0.05, 0.9, 0.999, 1e-8, *extra], with_t=True),
    ]


register(
    Exercise(
        name="adam_step",
        signature="adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)",
        reference=ref.adam_step,
        returns=("w", "m", "v"),
        cases=lambda rng: _cases(
            rng,
            [],
            [
                example(np.array([1.0]), np.array([0.5]), np.zeros(1), np.zeros(1), 1, lr=0.1),
                example(
                    np.array([1.0, -1.0]),
                    np.array([0.2, -0.4]),
                    np.array([0.1, 0.1]),
                    np.array([0.01, 0.04]),
                    3,
                    lr=0.01,
                ),
            ],
        ),
        mistakes=(
            Mistake("no-bias", BIAS, adam_variant("no-bias")),
            Mistake("eps-inside", EPS_OUTSIDE, adam_variant("eps-inside")),
            Mistake(
                "t-from-0",
                "t is given counting from 1: use β^t with that t (do not add 1)",
                adam_variant("t-from-0"),
            ),
        ),
    )
)


def adamw_variant(kind: str) -> Step:
    """A wrong AdamW step: ``l2`` (decay through the gradient), ``no-lr`` (decay not scaled by
    the rate) or ``none`` (no decay)."""

    def step(
        w: A,
        g: A,
        m: A,
        v: A,
        t: int,
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> tuple[A, A, A]:
        if kind == "l2":
            return ref.adam_step(w, g + weight_decay * w, m, v, t, lr, beta1, beta2, eps)
        new_w, m, v = ref.adam_step(w, g, m, v, t, lr, beta1, beta2, eps)
        if kind == "no-lr":
            return new_w - weight_decay * w, m, v
        return new_w, m, v  # "none": no decay at all

    return step


register(
    Exercise(
        name="adamw_step",
        signature=(
            "adamw_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,"
            " weight_decay=1e-2)"
        ),
        reference=ref.adamw_step,
        returns=("w", "m", "v"),
        cases=lambda rng: _cases(
            rng,
            [0.1],
            [
                example(
                    np.array([1.0]),
                    np.array([0.0]),
                    np.zeros(1),
                    np.zeros(1),
                    1,
                    lr=0.1,
                    weight_decay=0.5,
                ),
                example(
                    np.array([2.0, -1.0]),
                    np.array([0.5, 0.5]),
                    np.zeros(2),
                    np.zeros(2),
                    1,
                    lr=0.1,
                    weight_decay=0.1,
                ),
            ],
        ),
        mistakes=(
            Mistake(
                "l2",
                "weight decay was folded into the gradient (Adam + L2) — AdamW decays the"
                " weights directly, outside the adaptive step: w ← w − lr·λ·w",
                adamw_variant("l2"),
            ),
            Mistake(
                "no-lr",
                "the decay is scaled by the learning rate: w ← w − lr·λ·w",
                adamw_variant("no-lr"),
            ),
            Mistake("none", "no weight decay was applied: subtract lr·λ·w", adamw_variant("none")),
        ),
    )
)
