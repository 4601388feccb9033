""" "Run with my code": a learner's optimizer step, iterated in the sandbox next to the reference.

The submitted source runs only in the sandbox, through the judge's ``optimizer`` driver, which
iterates the step function on the demo's objective (the quadratic ``½wᵀAw`` with the demo's κ,
or one of the named test surfaces, whose gradients the sandbox runtime and the demos share).
The trajectory comes back as plain data and is compared here with the reference trajectory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from engine.demos.objectives import Objective
from engine.demos.runner import LABELS, Hyper
from engine.judge import MAX_SOURCE_BYTES, Case, get_exercise
from engine.judge.report import build_verdict
from engine.judge.run import payload
from engine.judge.trusted import reference as judge_reference
from engine.sandbox import default_sandbox
from engine.sandbox.runtime.protocol import ProtocolError, decode_output

# exercise → (optimizer, state names, passes t, passes grad_fn, hyper-parameters after lr)
EXERCISES: dict[str, tuple[str, tuple[str, ...], bool, bool, tuple[str, ...]]] = {
    "sgd_step": ("gd", (), False, False, ()),
    "momentum_step": ("momentum", ("velocity",), False, False, ("beta",)),
    "nesterov_step": ("nesterov", ("velocity",), False, True, ("beta",)),
    "adagrad_step": ("adagrad", ("accum",), False, False, ("eps",)),
    "rmsprop_step": ("rmsprop", ("sq_avg",), False, False, ("rho", "eps")),
    "adam_step": ("adam", ("m", "v"), True, False, ("beta1", "beta2", "eps")),
    "adamw_step": ("adamw", ("m", "v"), True, False, ("beta1", "beta2", "eps", "weight_decay")),
}
DEFAULT_LR = 0.05


class CustomCode(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    exercise: Literal[
        "sgd_step", "momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step",
        "adam_step", "adamw_step",
    ]  # fmt: skip
    code: str = Field(min_length=1, max_length=MAX_SOURCE_BYTES, description="Python source")
    lr: float | None = Field(
        default=None, gt=0, le=10, description="null = the rate of the same reference optimizer"
    )


@dataclass
class CustomRun:
    path: np.ndarray | None
    loss: np.ndarray | None
    summary: dict[str, Any] = field(default_factory=dict)

    def data(self, keep: np.ndarray) -> dict[str, Any]:
        if self.path is None or self.loss is None:
            return {"path": None, "loss": None, "steps": None}
        keep = keep[keep < len(self.path)]
        return {"steps": keep, "path": self.path[keep], "loss": self.loss[keep]}


def _case(c: CustomCode, o: Objective, start: np.ndarray, steps: int, lr: float, hp: Hyper) -> Case:
    _, states, with_t, grad_fn, names = EXERCISES[c.exercise]
    if o.name == "quadratic":
        kappa = float(o.grad(np.array([0.0, 1.0]))[1])
        surface: dict[str, Any] = {"A": np.diag([1.0, kappa]), "b": np.zeros(2)}
    else:
        surface = {"objective": o.name}
    params = {
        **surface,
        "w0": start,
        "state": [np.zeros(2) for _ in states],
        "state_names": list(states),
        "steps": steps,
        "with_t": with_t,
        "grad_fn": grad_fn,
        "hyper": [lr, *(float(getattr(hp, n)) for n in names)],
    }
    return Case(
        f"{steps} steps on the {o.name} objective from the demo's start",
        driver="optimizer",
        params=params,
    )


def _trajectory(frames: list[tuple[dict[str, Any], bytes]]) -> np.ndarray | None:
    for header, blob in frames:
        if header.get("ev") == "result" and header.get("case") == 0:
            try:
                value = np.asarray(decode_output(header.get("value"), blob), dtype=np.float64)
            except (ProtocolError, TypeError, ValueError):
                return None
            return value if value.ndim == 2 and value.shape[1] == 2 else None
    return None


def run_custom(
    c: CustomCode, o: Objective, p: Any, start: np.ndarray, chosen: list[Any]
) -> CustomRun:
    """Run the learner's step in the sandbox; raises ``SandboxBusy``/``SandboxDisabled``."""
    optimizer = EXERCISES[c.exercise][0]
    same = [lr for spec, lr, _ in chosen if spec.name == optimizer]
    lr = c.lr or (same[0] if same else DEFAULT_LR)
    hp = Hyper(beta=p.beta, weight_decay=p.weight_decay or 1e-2)
    case = _case(c, o, start, p.steps, lr, hp)
    specs, blob = payload([case])
    run = default_sandbox().run({"source": c.code, "function": c.exercise, "cases": specs}, blob)
    exercise = get_exercise(c.exercise)
    verdict = build_verdict(exercise, c.exercise, [case], run)
    mine = _trajectory(run.frames)
    # Deviations are measured from the path the judge compares with (its reference step on the
    # same gradients) and with its tolerance, so "matches" and "first deviating step" agree.
    rtol = case.rtol if case.rtol is not None else exercise.rtol
    atol = case.atol if case.atol is not None else exercise.atol
    with np.errstate(all="ignore"):
        reference = np.asarray(judge_reference(exercise, case), dtype=np.float64)
        summary: dict[str, Any] = {
            "exercise": c.exercise,
            "optimizer": LABELS[optimizer],
            "lr": lr,
            "matches_reference": verdict.correct,
            "tolerance": f"|yours − reference| ≤ {atol:g} + {rtol:g}·|reference| at every step",
            "feedback": [f.message for f in verdict.feedback],
            "note": "your step runs with a constant rate, without clipping or a schedule",
        }
        if mine is None:
            return CustomRun(None, None, summary)
        n = min(len(mine), len(reference))
        gap = np.abs(mine[:n] - reference[:n]).max(axis=1)
        within = np.abs(mine[:n] - reference[:n]) <= atol + rtol * np.abs(reference[:n])
        off = np.flatnonzero(~within.all(axis=1))
        summary["max_deviation"] = float(np.nanmax(gap)) if np.isfinite(gap).any() else None
        summary["first_deviating_step"] = int(off[0]) + 1 if off.size else None
        path = np.vstack([start, mine])
        return CustomRun(path, o.f(path), summary)
