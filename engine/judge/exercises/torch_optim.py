"""PyTorch optimizers and schedules: ``Adam`` and ``AdamW`` as ``torch.optim.Optimizer``
subclasses (trajectories of a small model against the NumPy steps), and ``warmup_cosine`` as a
``LambdaLR`` (its rates against the NumPy schedule)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.exercises.adam import (
    BETAS_SWAPPED,
    BIAS,
    DECAY_AFTER,
    NAN_AT_FIRST_STEP,
    adam_variant,
    adamw_variant,
)
from engine.judge.exercises.optimizers import EPS_OUTSIDE, TINY
from engine.judge.gen import normal
from engine.judge.torchcases import model_case, show_array, torch_setup
from engine.reference import optimizers as opt
from engine.reference.schedules import warmup_cosine
from engine.reference.tiny_models import linear_mse

A = np.ndarray
Step = Callable[..., tuple[A, A, A]]
FORBID_ADAM = ("torch.optim.adam.Adam", "torch.optim.adamw.AdamW")
TRAJECTORY_RTOL, TRAJECTORY_ATOL = 1e-6, 1e-9
SETUP = torch_setup(
    {
        "torch.optim.adam:adam": "torch.optim.Adam's update",
        "torch.optim.adamw:adamw": "torch.optim.AdamW's update",
        "torch:_fused_adam_": "torch._fused_adam_",
        "torch:_fused_adamw_": "torch._fused_adamw_",
    },
    {
        f"aten::{op}": "the fused Adam kernel of torch.optim"
        for op in ("_fused_adam_", "_fused_adam", "_fused_adamw_", "_fused_adamw")
    },
)


def trajectory(
    step: Step, decoupled: bool
) -> Callable[[list[Any], dict[str, Any], dict[str, Any]], A]:
    """The twin: ``steps`` NumPy optimizer steps on nn.Linear's weight and bias, one row of
    parameters per step (as the child's ``torch-optimizer`` driver records them)."""

    def twin(args: list[Any], kwargs: dict[str, Any], p: dict[str, Any]) -> A:
        hyper = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2}
        hyper.update(p.get("hyper", {}))
        groups = p.get("groups") or [{}, {}]
        params = [np.array(p["W"], dtype=float), np.array(p["b"], dtype=float)]
        state = [(np.zeros_like(w), np.zeros_like(w)) for w in params]
        rows = []
        for t in range(1, int(p["steps"]) + 1):
            _, grads = linear_mse(p["X"], p["Y"], *params)
            for i, (w, g) in enumerate(zip(params, grads, strict=True)):
                h = dict(hyper, **groups[i])
                extra = [h["weight_decay"]] if decoupled else []
                b1, b2 = h["betas"]
                params[i], m, v = step(w, g, *state[i], t, h["lr"], b1, b2, h["eps"], *extra)
                state[i] = (m, v)
            rows.append(np.concatenate([w.reshape(-1) for w in params]))
        return np.stack(rows)

    return twin


def _describe(cls: str, p: dict[str, Any]) -> str:
    hyper = ", ".join(f"{k}={v!r}" for k, v in p["hyper"].items())
    W, b = np.asarray(p["W"]), np.asarray(p["b"])
    return (
        f"{p['steps']} steps of {cls}(model.parameters(), {hyper}) on"
        f" nn.Linear({W.shape[1]}, {W.shape[0]}) with weight {W.tolist()}, bias {b.tolist()};"
        f" MSE of model(X) against Y, X = {np.asarray(p['X']).tolist()},"
        f" Y = {np.asarray(p['Y']).tolist()}"
    )


def _optimizer_cases(
    cls: str, extra: dict[str, float]
) -> Callable[[np.random.Generator], list[Case]]:
    def cases(rng: np.random.Generator) -> list[Case]:
        def problem(n: int, p: int, k: int, **kw: Any) -> dict[str, Any]:
            W, b, X = normal(rng, k, p, scale=0.5), normal(rng, k, scale=0.5), normal(rng, n, p)
            Y = X @ normal(rng, k, p).T + normal(rng, k) + 0.1 * normal(rng, n, k)
            return dict(W=W, b=b, X=X, Y=Y, forbid=list(FORBID_ADAM), **kw)

        def case(name: str, params: dict[str, Any], **kw: Any) -> Case:
            return model_case(name, "torch-optimizer", params, **kw)

        ex1 = dict(
            W=np.array([[0.5, -0.3]]), b=np.array([0.1]),
            X=np.array([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5]]), Y=np.array([[1.0], [0.0], [0.5]]),
            steps=3, hyper={"lr": 0.1, **extra}, forbid=list(FORBID_ADAM),
        )  # fmt: skip
        ex2 = dict(ex1, steps=2, hyper={"lr": 0.05, "betas": (0.8, 0.99), **extra})
        tiny = problem(6, 3, 1, steps=10, hyper={"lr": 0.01, "eps": 1e-8, **extra})
        tiny["Y"] = tiny["X"] @ tiny["W"].T + tiny["b"] + 1e-7 * normal(rng, 6, 1)
        return [
            case("example", ex1, visible=True, call=_describe(cls, ex1)),
            case("example", ex2, visible=True, call=_describe(cls, ex2)),
            case("hidden", problem(8, 3, 2, steps=50, hyper={"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, **extra}),
                 about="50 steps on a small model"),
            case("hidden", problem(6, 2, 1, steps=20, hyper={"lr": 0.003}), about="default betas, eps"
                 + (" and weight_decay" if extra else "")),
            case("hidden", problem(8, 3, 2, steps=30, hyper={"lr": 0.01, **extra}, groups=[{"lr": 0.05}, {"lr": 0.002}]),
                 about="two parameter groups with their own learning rates",
                 advice="read lr, betas and eps from each group in self.param_groups"),
            case("edge: tiny gradients", tiny, about="tiny gradients (1e-7)", advice=TINY),
        ]  # fmt: skip

    return cases


_ADAM_MISTAKES = (
    ("no-bias", BIAS),
    ("eps-inside", EPS_OUTSIDE),
    (
        "t-from-0",
        "count steps from 1 per parameter: the first step uses β^1 in the bias correction",
    ),
    ("no-bias-v", "v needs its bias correction too: v̂ = v / (1 − β2^t)"),
    ("betas-swapped", BETAS_SWAPPED),
)
_ADAM_STEPS = {"ref": opt.adam_step, **{k: adam_variant(k) for k, _ in _ADAM_MISTAKES}}

register(
    Exercise(
        name="torch_adam",
        signature="class Adam(torch.optim.Optimizer)",
        reference=trajectory(opt.adam_step, decoupled=False),
        cases=_optimizer_cases("Adam", {}),
        runtime="torch",
        setup=SETUP,
        show=show_array,
        advice=NAN_AT_FIRST_STEP,
        rtol=TRAJECTORY_RTOL,
        atol=TRAJECTORY_ATOL,
        mistakes=tuple(
            Mistake(code, message, trajectory(_ADAM_STEPS[code], decoupled=False))
            for code, message in _ADAM_MISTAKES
        ),
    )
)


def _no_bias_adamw(w: A, g: A, m: A, v: A, t: int, *hyper: float) -> tuple[A, A, A]:
    *adam, weight_decay = hyper
    new_w, m, v = adam_variant("no-bias")(w, g, m, v, t, *adam)
    return new_w - adam[0] * weight_decay * w, m, v


register(
    Exercise(
        name="torch_adamw",
        signature="class AdamW(torch.optim.Optimizer)",
        reference=trajectory(opt.adamw_step, decoupled=True),
        cases=_optimizer_cases("AdamW", {"weight_decay": 0.1}),
        runtime="torch",
        setup=SETUP,
        show=show_array,
        advice=NAN_AT_FIRST_STEP,
        rtol=TRAJECTORY_RTOL,
        atol=TRAJECTORY_ATOL,
        mistakes=(
            Mistake(
                "l2",
                "weight decay was folded into the gradient (Adam + L2) — AdamW decays the"
                " weights directly, outside the adaptive step: p ← p − lr·λ·p",
                trajectory(adamw_variant("l2"), decoupled=True),
            ),
            Mistake(
                "no-lr",
                "the decay is scaled by the learning rate: p ← p − lr·λ·p",
                trajectory(adamw_variant("no-lr"), decoupled=True),
            ),
            Mistake(
                "none",
                "no weight decay was applied: multiply each parameter by (1 − lr·λ)",
                trajectory(adamw_variant("none"), decoupled=True),
            ),
            Mistake("no-bias", BIAS, trajectory(_no_bias_adamw, decoupled=True)),
            Mistake(
                "decay-after", DECAY_AFTER, trajectory(adamw_variant("decay-after"), decoupled=True)
            ),
        ),
    )
)


def _schedule_twin(kind: str) -> Callable[[list[Any], dict[str, Any], dict[str, Any]], A]:
    def twin(args: list[Any], kwargs: dict[str, Any], p: dict[str, Any]) -> A:
        warmup, total = int(args[0]), int(args[1])
        base = float(p["base_lr"])
        rates = []
        for step in range(int(p["steps"])):
            factor = warmup_cosine(step, warmup, total, 1.0)
            if kind == "warmup-off-by-one" and step < warmup:
                factor = (step + 1) / warmup
            elif kind == "cosine-over-total" and step >= warmup:
                factor = 0.5 * (1 + np.cos(np.pi * min(step, total) / total))
            rates.append(base * factor * (base if kind == "rate-not-factor" else 1.0))
        return np.array(rates)

    return twin


def _schedule_cases(rng: np.random.Generator) -> list[Case]:
    def case(name: str, warmup: int, total: int, base_lr: float, **kw: Any) -> Case:
        params = {"base_lr": base_lr, "steps": total + 1}
        return model_case(name, "torch-scheduler", params, args=(warmup, total), **kw)

    def call(warmup: int, total: int, base_lr: float) -> str:
        return (
            f"lr of SGD(params, lr={base_lr}) at steps 0…{total} under"
            f" warmup_cosine(optimizer, {warmup}, {total})"
        )

    total = int(rng.integers(60, 120))
    return [
        case("example", 2, 6, 1.0, visible=True, call=call(2, 6, 1.0)),
        case("example", 1, 4, 0.1, visible=True, call=call(1, 4, 0.1)),
        case("hidden", int(rng.integers(5, 15)), total, 0.1, about="every step of a longer run"),
        case("hidden", 0, 20, 0.5, about="no warmup (warmup_steps = 0)"),
        case("edge: warmup of one step", 1, 10, 0.3, about="a warmup of one step"),
    ]


register(
    Exercise(
        name="torch_warmup_cosine",
        signature="warmup_cosine(optimizer, warmup_steps, total_steps)",
        reference=_schedule_twin("ref"),
        cases=_schedule_cases,
        runtime="torch",
        setup=torch_setup(),
        show=show_array,
        shape_hint="one rate per step",
        mistakes=(
            Mistake(
                "warmup-off-by-one",
                "the warmup starts at 0: the factor is step / warmup_steps (0 at step 0), not"
                " (step + 1) / warmup_steps",
                _schedule_twin("warmup-off-by-one"),
            ),
            Mistake(
                "cosine-over-total",
                "the cosine runs over the steps after the warmup: progress ="
                " (step − warmup_steps) / (total_steps − warmup_steps)",
                _schedule_twin("cosine-over-total"),
            ),
            Mistake(
                "rate-not-factor",
                "LambdaLR multiplies the optimizer's base rate by what your lambda returns —"
                " return the factor, not a learning rate",
                _schedule_twin("rate-not-factor"),
            ),
        ),
    )
)
