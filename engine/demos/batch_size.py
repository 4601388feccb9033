"""``batch-size``: full batch vs SGD vs mini-batches on one linear-regression problem."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.reference import batched, elementwise, optimizers

CHECKPOINTS_PER_EPOCH = 16
NEAR_OPTIMUM = 1.1  # "converged": within 10 % of the least-squares loss


class BatchSizeParams(Params):
    n: int = Field(256, ge=16, le=1000, description="Samples")
    features: int = Field(5, ge=1, le=20)
    noise: float = Field(0.5, ge=0, le=5, description="Noise standard deviation")
    batch_sizes: list[int] = Field(
        default=[1, 8, 32, 256], min_length=1, max_length=6,
        description="Each 1…1000; a size ≥ n is full batch",
    )  # fmt: skip
    lr: float = Field(0.05, gt=0, le=1)
    epochs: int = Field(10, ge=1, le=20)
    repeats: int = Field(5, ge=1, le=10, description="Runs per size (different shuffles)")
    seed: int = Field(0, ge=0, le=2**31 - 1)


def _problem(p: BatchSizeParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(p.seed)
    X = rng.normal(size=(p.n, p.features))
    beta = rng.normal(size=p.features)
    return X, X @ beta + p.noise * rng.normal(size=p.n), beta


def _losses(X: np.ndarray, y: np.ndarray, betas: np.ndarray) -> np.ndarray:
    """Full-data MSE of every checkpoint and repeat, ``betas`` of shape (C, R, p)."""
    out: np.ndarray = elementwise.squared(y - betas @ X.T).mean(axis=-1)
    return out


def _train(
    X: np.ndarray, y: np.ndarray, b: int, p: BatchSizeParams
) -> tuple[np.ndarray, np.ndarray]:
    """Mini-batch SGD with batch size ``b``; returns (steps at checkpoints, losses (C, R))."""
    rng = np.random.default_rng([p.seed, b])
    per_epoch = -(-p.n // b)
    stride = max(1, per_epoch // CHECKPOINTS_PER_EPOCH)
    beta = np.zeros((p.repeats, p.features))
    marks, saved, step = [0], [beta], 0
    for _ in range(p.epochs):
        order = np.argsort(rng.random((p.repeats, p.n)), axis=1)
        Xe, ye = X[order], y[order]
        for s in range(per_epoch):
            g = batched.stacked_mse_gradient(
                Xe[:, s * b : (s + 1) * b], ye[:, s * b : (s + 1) * b], beta
            )
            beta = optimizers.sgd_step(beta, g, p.lr)
            step += 1
            if step % stride == 0 or s == per_epoch - 1:
                marks.append(step)
                saved.append(beta)
    with np.errstate(all="ignore"):
        return np.array(marks), _losses(X, y, np.array(saved))


def run(p: BatchSizeParams) -> Result:
    X, y, _ = _problem(p)
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    floor = float(elementwise.squared(y - X @ best).mean())
    runs, rows = [], []
    for b in dict.fromkeys(min(b, p.n) for b in p.batch_sizes):
        steps, loss = _train(X, y, b, p)
        per_epoch = -(-p.n // b)
        mean = np.mean(loss, axis=1)
        near = np.flatnonzero(mean <= NEAR_OPTIMUM * floor)
        runs.append({
            "batch_size": b, "epochs": steps / per_epoch, "gradient_evaluations": steps * b,
            "mean": mean, "low": loss.min(axis=1), "high": loss.max(axis=1),
        })  # fmt: skip
        rows.append({
            "batch_size": b, "full_batch": b == p.n, "steps_per_epoch": per_epoch,
            "final_loss_mean": float(mean[-1]), "final_loss_spread": float(np.ptp(loss[-1])),
            "gradient_evaluations_to_near_optimum": int(steps[near[0]] * b) if near.size else None,
            "updates_to_near_optimum": int(steps[near[0]]) if near.size else None,
        })  # fmt: skip
    summary = {
        "least_squares_loss": floor, "lr": p.lr, "runs": rows,
        "rule": f"near optimum = mean loss ≤ {NEAR_OPTIMUM:g} × the least-squares loss",
    }  # fmt: skip
    return Result({"runs": runs, "least_squares_loss": floor}, summary)


def _band(fig: Any, x: np.ndarray, run: dict[str, Any], k: int, col: int, legend: bool) -> None:
    c = plot.colour(k)
    name = f"batch {run['batch_size']}"
    plot.line(fig, x, run["high"], name, col=col, color=c, legend=False, opacity=0.25, group=name)
    plot.line(
        fig,
        x,
        run["low"],
        name,
        col=col,
        color=c,
        legend=False,
        opacity=0.25,
        fill="tonexty",
        group=name,
    )
    plot.line(fig, x, run["mean"], name, col=col, color=c, legend=legend, group=name)


def figure(p: BatchSizeParams, r: Result) -> Any:
    fig = plot.grid(1, 2, ["loss vs epoch", "loss vs gradient evaluations (samples seen)"])
    for k, run in enumerate(r.data["runs"]):
        _band(fig, run["epochs"], run, k, 1, True)
        _band(fig, run["gradient_evaluations"], run, k, 2, False)
    for col in (1, 2):
        floor = r.data["least_squares_loss"]
        fig.add_hline(y=floor, line_dash="dot", line_color="black", row=1, col=col)
    plot.axes(fig, 1, 1, "epoch", "training MSE", log_y=True)
    plot.axes(fig, 1, 2, "gradient evaluations", "training MSE", log_x=True, log_y=True)
    return plot.finish(
        fig,
        f"Batch size on linear regression (n = {p.n}, lr = {p.lr:g}); band = min…max over {p.repeats} shuffles",
        height=520,
    )


register(
    id="batch-size",
    title="Batch size: full batch vs SGD vs mini-batches",
    topics=("gradient-descent",),
    params=BatchSizeParams,
    figure=figure,
    description="Linear regression on synthetic data: loss per epoch and per gradient evaluation, "
    "with the spread over shuffles.",
)(run)
