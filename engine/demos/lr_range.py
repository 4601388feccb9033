"""``lr-range-test``: an exponential learning-rate sweep on softmax regression (Smith's range
test, as fastai's ``lr_find``, but seeded), checked against constant-rate runs."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.reference import gradients, losses, optimizers

N, FEATURES, CLASSES, BATCH = 600, 4, 4, 32
SMOOTHING = 0.98  # EMA of the loss, bias-corrected (as fastai)
DIVERGENCE = 4.0  # stop once the smoothed loss exceeds 4 × its best
CHECK_STEPS = 60  # constant-rate runs that define the stable region
RULES = {
    "min/10": "the rate at the minimum of the smoothed loss, divided by 10",
    "steepest": "the rate where the smoothed loss falls fastest (most negative slope per log-rate)",
}


class RangeTestParams(Params):
    lr_min: float = Field(1e-5, gt=0, le=1e-1)
    lr_max: float = Field(100.0, ge=1e-2, le=1e3)
    steps: int = Field(100, ge=20, le=2000)
    rule: Literal["min/10", "steepest"] = "min/10"
    seed: int = Field(0, ge=0, le=2**31 - 1)


def make_data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, CLASSES, N)
    centres = rng.normal(scale=1.5, size=(CLASSES, FEATURES))
    X = centres[labels] + rng.normal(size=(N, FEATURES))
    return np.hstack([X, np.ones((N, 1))]), np.eye(CLASSES)[labels]


def step(W: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float) -> tuple[np.ndarray, float]:
    """One SGD step of softmax regression; returns the new weights and the batch loss before it."""
    logits = X @ W
    grad = X.T @ gradients.softmax_ce_gradient(Y, logits)
    return optimizers.sgd_step(W, grad, lr), losses.categorical_cross_entropy(Y, logits)


def _sweep(p: RangeTestParams, X: np.ndarray, Y: np.ndarray, batches: np.ndarray) -> dict[str, Any]:
    lrs = p.lr_min * (p.lr_max / p.lr_min) ** (np.arange(p.steps) / (p.steps - 1))
    W = np.zeros((X.shape[1], CLASSES))
    raw, smooth, avg, best, stop = [], [], 0.0, np.inf, None
    with np.errstate(all="ignore"):
        for t in range(p.steps):
            b = batches[t % len(batches)]
            W, loss = step(W, X[b], Y[b], float(lrs[t]))
            avg = SMOOTHING * avg + (1 - SMOOTHING) * loss
            s = avg / (1 - SMOOTHING ** (t + 1))
            raw.append(loss)
            smooth.append(s)
            best = min(best, s)
            if not np.isfinite(s) or s > DIVERGENCE * best:
                stop = t
                break
    return {
        "lr": lrs[: len(raw)],
        "loss": np.array(raw),
        "smoothed": np.array(smooth),
        "stopped_at": stop,
    }


def _suggest(lr: np.ndarray, smooth: np.ndarray, rule: str) -> float:
    low = int(np.nanargmin(smooth))
    if rule == "min/10":
        return float(lr[low] / 10)
    slope = np.gradient(smooth[: low + 1], np.log(lr[: low + 1])) if low >= 2 else np.zeros(1)
    return float(lr[int(np.argmin(slope))])


def constant_runs(
    X: np.ndarray, Y: np.ndarray, batches: np.ndarray, rates: np.ndarray
) -> np.ndarray:
    """Full-data loss after a constant-rate run, for each rate."""
    out = []
    with np.errstate(all="ignore"):
        for lr in rates:
            W = np.zeros((X.shape[1], CLASSES))
            for t in range(CHECK_STEPS):
                b = batches[t % len(batches)]
                W, _ = step(W, X[b], Y[b], float(lr))
            out.append(losses.categorical_cross_entropy(Y, X @ W))
    return np.array(out)


def run(p: RangeTestParams) -> Result:
    X, Y = make_data(p.seed)
    rng = np.random.default_rng([p.seed, 1])
    batches = np.array([rng.permutation(N)[:BATCH] for _ in range(max(p.steps, CHECK_STEPS))])
    sweep = _sweep(p, X, Y, batches)
    suggested = _suggest(sweep["lr"], sweep["smoothed"], p.rule)
    grid = np.geomspace(p.lr_min, p.lr_max, 13)
    check = constant_runs(X, Y, batches, np.append(grid, suggested))
    start = float(np.log(CLASSES))
    stable = np.isfinite(check[:-1]) & (check[:-1] < start)
    summary = {
        "suggested_lr": suggested, "rule": RULES[p.rule],
        "min_loss_lr": float(sweep["lr"][int(np.nanargmin(sweep["smoothed"]))]),
        "stopped_at_step": sweep["stopped_at"],
        "stopped_at_lr": float(sweep["lr"][-1]) if sweep["stopped_at"] is not None else None,
        "initial_loss": start,
        "stable_rates": grid[stable].tolist(),
        "largest_stable_rate": float(grid[stable].max()) if stable.any() else None,
        "suggested_run_loss": float(check[-1]),
        "suggested_is_stable": bool(np.isfinite(check[-1]) and check[-1] < start),
        "stop_rule": f"stop when the smoothed loss exceeds {DIVERGENCE:g} × its minimum",
    }  # fmt: skip
    data = {**sweep, "check_rates": grid, "check_loss": check[:-1]}
    return Result(data, summary)


def figure(p: RangeTestParams, r: Result) -> Any:
    d, s = r.data, r.summary
    fig = plot.grid(
        1, 2, ["range test: loss vs learning rate", f"after {CHECK_STEPS} steps at a constant rate"]
    )
    plot.line(fig, d["lr"], d["loss"], "batch loss", color=plot.colour(0), opacity=0.4)
    plot.line(fig, d["lr"], d["smoothed"], "smoothed loss", color=plot.colour(0))
    plot.marker(fig, s["suggested_lr"], s["suggested_run_loss"], f"suggested lr = {s['suggested_lr']:.3g}",
                row=1, col=2, color=plot.colour(2), symbol="diamond")  # fmt: skip
    plot.line(
        fig,
        d["check_rates"],
        d["check_loss"],
        "constant-rate runs",
        col=2,
        color=plot.colour(1),
        mode="lines+markers",
    )
    for col in (1, 2):
        fig.add_vline(
            x=s["suggested_lr"], line_dash="dash", line_color=plot.colour(2), row=1, col=col
        )
    fig.add_hline(y=s["initial_loss"], line_dash="dot", line_color="black", row=1, col=2)
    plot.axes(fig, 1, 1, "learning rate", "loss", log_x=True)
    plot.axes(fig, 1, 2, "learning rate", "loss", log_x=True, log_y=True)
    return plot.finish(fig, f"LR range test — suggestion: {s['rule']}", height=520)


register(
    id="lr-range-test",
    title="Learning-rate range test",
    topics=("lr-schedules",),
    params=RangeTestParams,
    figure=figure,
    description="Exponential learning-rate sweep on softmax regression: raw and smoothed loss, "
    "divergence stop, the suggested rate and the constant-rate runs that show it is stable.",
)(run)
