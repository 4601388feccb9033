"""``lr-schedules``: the common schedules and what each does to one mini-batch SGD run."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.demos.runner import schedule_factors
from engine.reference import elementwise, gradients, optimizers

Schedule = Literal["constant", "step", "exponential", "cosine", "warmup-cosine", "cyclical"]
ALL: list[Schedule] = ["constant", "step", "exponential", "cosine", "warmup-cosine", "cyclical"]
RULES = {
    "constant": "lr",
    "step": "lr · 0.5^⌊t / (T/4)⌋",
    "exponential": "lr · γ^t with γ chosen so that lr_T = lr/100",
    "cosine": "½ lr (1 + cos(π t / T))",
    "warmup-cosine": "lr · t / warmup, then cosine to 0",
    "cyclical": "triangular between 0.1·lr and lr, half-period T/8",
}
N, P, BATCH = 512, 10, 16


class SchedulesParams(Params):
    schedules: list[Schedule] = Field(default=ALL, min_length=1, max_length=6)
    steps: int = Field(300, ge=10, le=5000)
    lr: float = Field(0.1, gt=0, le=0.5, description="Base (peak) learning rate")
    warmup: int = Field(30, ge=0, le=5000, description="Warmup steps of warmup-cosine")
    noise: float = Field(1.0, ge=0, le=5)
    seed: int = Field(0, ge=0, le=2**31 - 1)


class ScheduleRow(TypedDict):
    schedule: str
    rule: str
    final_loss: float
    final_lr: float
    mean_lr: float


def run(p: SchedulesParams) -> Result:
    names = list(dict.fromkeys(p.schedules))
    rates = np.array([p.lr * schedule_factors(s, p.steps, p.warmup) for s in names])  # (S, T)
    rng = np.random.default_rng(p.seed)
    X = rng.normal(size=(N, P)) * np.linspace(0.5, 1.5, P)
    y = X @ rng.normal(size=P) + p.noise * rng.normal(size=N)
    batches = rng.integers(0, N, size=(p.steps, BATCH))
    keep = plot.thin(p.steps + 1, 400)
    W, saved = np.zeros((P, len(names))), []
    with np.errstate(all="ignore"):
        for t in range(p.steps):
            if t in keep:
                saved.append(W)
            Xb, yb = X[batches[t]], y[batches[t]]
            W = optimizers.sgd_step(W, gradients.mse_gradient(Xb, yb[:, None], W), rates[:, t])
        saved.append(W)
        losses = elementwise.squared(y[None, :, None] - X @ np.array(saved)).mean(axis=1)  # (C, S)
    floor = float(elementwise.squared(y - X @ np.linalg.lstsq(X, y, rcond=None)[0]).mean())
    rows: list[ScheduleRow] = [
        {"schedule": s, "rule": RULES[s], "final_loss": float(losses[-1, k]),
         "final_lr": float(rates[k, -1]), "mean_lr": float(rates[k].mean())}
        for k, s in enumerate(names)
    ]  # fmt: skip
    best = min(rows, key=lambda r: r["final_loss"])["schedule"]
    data = {
        "schedules": names,
        "steps": np.arange(p.steps),
        "lr": rates,
        "checkpoints": keep,
        "loss": losses.T,
    }
    summary = {"schedules": names, "runs": rows, "best": best, "least_squares_loss": floor,
               "note": "every run sees the same mini-batches (batch 16), so only the schedule differs"}  # fmt: skip
    return Result(data, summary)


def figure(p: SchedulesParams, r: Result) -> Any:
    fig = plot.grid(
        1, 2, ["learning rate per step", "training MSE (same mini-batches for every run)"]
    )
    for k, name in enumerate(r.data["schedules"]):
        c = plot.colour(k)
        plot.line(fig, r.data["steps"], r.data["lr"][k], name, color=c)
        plot.line(fig, r.data["checkpoints"], r.data["loss"][k], name, col=2, color=c, legend=False)
    fig.add_hline(
        y=r.summary["least_squares_loss"], line_dash="dot", line_color="black", row=1, col=2
    )
    plot.axes(fig, 1, 1, "step", "lr")
    plot.axes(fig, 1, 2, "step", "MSE", log_y=True)
    return plot.finish(fig, f"Learning-rate schedules (peak lr = {p.lr:g})", height=520)


register(
    id="lr-schedules",
    title="Learning-rate schedules and their effect on training",
    topics=("lr-schedules",),
    params=SchedulesParams,
    figure=figure,
    description="Step, exponential, cosine, warmup + cosine and triangular cyclical rates, and one "
    "mini-batch SGD run under each.",
)(run)
