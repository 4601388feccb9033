"""Adam and AdamW steps (t counts from 1; ε outside the square root; decoupled decay)."""

from __future__ import annotations

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.exercises.optimizers import EPS_OUTSIDE, NO_EPS, TINY, Step, trajectory
from engine.judge.gen import edge, example, hidden, normal
from engine.reference import optimizers as ref

A = np.ndarray
HYPER = [0.01, 0.9, 0.999, 1e-8]
BIAS = (
    "bias correction missing: without it step 1 moves by lr·(1 − β1)/√(1 − β2)·sign(g)"
    " — divide m by (1 − β1^t) and v by (1 − β2^t)"
)


T_MINUS_1 = (
    "the bias correction uses t − 1: t counts from 1, so the first step divides by 1 − β¹ — with"
    " β^(t − 1) it divides by 1 − β⁰ = 0"
)
NAN_AT_FIRST_STEP = (
    "if it is nan from the first step, the bias correction divides by 1 − β^t = 0: t counts"
    " from 1 (β^t, not β^(t − 1) or a count that starts at 0)"
)
CORRECTED_MOMENTS = (
    "return the moments themselves (m, v), not their bias-corrected m̂, v̂: the correction is"
    " recomputed from t at every step"
)
BETAS_SWAPPED = "β1 averages the gradient (m) and β2 its square (v) — the two are swapped"
ADAM_MISTAKES = (
    ("no-bias", BIAS),
    ("eps-inside", EPS_OUTSIDE),
    ("t-from-0", "t is given counting from 1: use β^t with that t (do not add 1)"),
    ("t-minus-1", T_MINUS_1),
    ("corrected-moments", CORRECTED_MOMENTS),
    ("no-bias-v", "v needs its bias correction too: v̂ = v / (1 − β2^t)"),
    ("no-bias-m", "m needs its bias correction too: m̂ = m / (1 − β1^t)"),
    ("betas-swapped", BETAS_SWAPPED),
    ("no-eps", NO_EPS),
)


def adam_variant(kind: str) -> Step:
    """A wrong Adam step: ``no-bias`` (no bias correction), ``eps-inside`` (ε under the root),
    ``t-from-0`` (a step count that starts at 0), ``t-minus-1`` (β^(t − 1)),
    ``corrected-moments`` (m̂, v̂ returned as the state), ``no-bias-v``/``no-bias-m`` (one
    correction missing), ``betas-swapped`` or ``no-eps``."""

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
        b_m, b_v = (beta2, beta1) if kind == "betas-swapped" else (beta1, beta2)
        m = b_m * m + (1 - b_m) * g
        v = b_v * v + (1 - b_v) * g * g
        tt = {"t-from-0": t + 1, "t-minus-1": t - 1}.get(kind, t)
        with np.errstate(divide="ignore", invalid="ignore"):
            m_hat = m if kind in ("no-bias", "no-bias-m") else m / (1 - beta1**tt)
            v_hat = v if kind in ("no-bias", "no-bias-v") else v / (1 - beta2**tt)
            if kind == "eps-inside":
                denom = np.sqrt(v_hat + eps)
            else:
                denom = np.sqrt(v_hat) + (0.0 if kind == "no-eps" else eps)
            new_w = w - lr * m_hat / denom
        return (new_w, m_hat, v_hat) if kind == "corrected-moments" else (new_w, m, v)

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
            advice=TINY,
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
        mistakes=tuple(Mistake(code, text, adam_variant(code)) for code, text in ADAM_MISTAKES),
    )
)


DECAY_AFTER = (
    "the decay uses the weights from before the step: w ← w − lr·(m̂/(√v̂ + ε) + λ·w) — you"
    " decayed the already-updated weights"
)


def adamw_variant(kind: str) -> Step:
    """A wrong AdamW step: ``l2`` (decay through the gradient), ``no-lr`` (decay not scaled by
    the rate), ``none`` (no decay) or ``decay-after`` (the updated weights decayed)."""

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
        if kind == "decay-after":
            return new_w - lr * weight_decay * new_w, m, v
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
            Mistake("decay-after", DECAY_AFTER, adamw_variant("decay-after")),
        ),
    )
)
