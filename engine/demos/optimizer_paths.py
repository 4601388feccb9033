"""``optimizer-paths``: optimizers side by side on 2-D test functions."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from engine.demos import objectives as obj
from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.demos.custom import CustomCode, run_custom
from engine.demos.runner import (
    LABELS,
    OPTIMIZERS,
    SCHEDULES,
    Clip,
    Hyper,
    diverged_at,
    run_rows,
    schedule_factors,
)

LR_GRID = 10.0 ** np.linspace(-4, 1, 11)
VALLEY_TOLERANCE = 1e-3  # "reached the minimum": f − f* below this


class OptimizerSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Literal["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]
    lr: float | None = Field(
        default=None,
        gt=0,
        le=10,
        description="Learning rate; null tunes it over 1e-4…10 (half-decade grid) by the final "
        "loss, so every optimizer gets its best rate — a fair comparison.",
    )


DEFAULT_SET = [OptimizerSpec(name=n) for n in ("gd", "momentum", "rmsprop", "adam")]


class PathsParams(Params):
    objective: Literal["quadratic", "rosenbrock", "beale", "saddle", "himmelblau", "rastrigin"] = (
        "rosenbrock"
    )
    condition: float = Field(10.0, ge=1, le=1000, description="κ of the quadratic objective")
    optimizers: list[OptimizerSpec] = Field(default=DEFAULT_SET, min_length=1, max_length=7)
    steps: int = Field(500, ge=1, le=10000)
    start: tuple[float, float] | None = Field(
        default=None, description="Starting point; null = the objective's usual start"
    )
    schedule: Literal["constant", "step", "exponential", "cosine", "warmup-cosine", "cyclical"] = (
        "constant"
    )
    warmup: int = Field(0, ge=0, le=20000, description="Warmup steps (warmup-cosine)")
    clip: Literal["none", "value", "norm"] = "none"
    clip_threshold: float = Field(1.0, gt=0, le=1e4)
    weight_decay: float = Field(0.0, ge=0, le=1, description="L2 in the gradient; AdamW decouples")
    beta: float = Field(0.9, ge=0, le=0.999, description="Momentum and Nesterov β")
    custom: CustomCode | None = Field(
        default=None, description="Run your own step function next to the reference"
    )
    annotate: bool = Field(
        True, description="Show the learning rates in the figure (off for quizzes)"
    )


def _settings(p: PathsParams) -> tuple[Hyper, Clip, np.ndarray]:
    hyper = Hyper(beta=p.beta, weight_decay=p.weight_decay)
    return hyper, Clip(p.clip, p.clip_threshold), schedule_factors(p.schedule, p.steps, p.warmup)


def _gap(o: obj.Objective, paths: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return o.f(paths) - o.f_min


def _first_below(gap: np.ndarray, tol: float) -> int | None:
    hit = gap <= tol
    return int(np.argmax(hit)) if hit.any() else None


def run(p: PathsParams) -> Result:
    o = obj.objective(p.objective, p.condition)
    start = np.array(p.start if p.start is not None else o.start)
    hyper, clip, factors = _settings(p)
    groups = [(s.name, LR_GRID if s.lr is None else np.array([s.lr])) for s in p.optimizers]
    paths = run_rows(o.grad, groups, start, p.steps, factors=factors, hyper=hyper, clip=clip)
    gap = _gap(o, paths)
    chosen, row = [], 0
    for spec, (_, lrs) in zip(p.optimizers, groups, strict=True):
        final = np.where(
            np.isnan(gap[-1, row : row + len(lrs)]), np.inf, gap[-1, row : row + len(lrs)]
        )
        best = int(np.argmin(final)) if np.isfinite(final).any() else 0
        chosen.append((spec, float(lrs[best]), row + best))
        row += len(lrs)
    idx = [r for _, _, r in chosen]
    paths, gap = paths[:, idx], gap[:, idx]
    div = diverged_at(paths)
    runs = []
    for k, (spec, lr, _) in enumerate(chosen):
        runs.append({
            "optimizer": spec.name,
            "label": LABELS[spec.name],
            "lr": lr,
            "tuned": spec.lr is None,
            "final_loss": float(gap[-1, k] + o.f_min) if np.isfinite(gap[-1, k]) else None,
            "final_point": paths[-1, k].tolist(),
            "diverged_at": div[k],
            "steps_to_minimum": _first_below(gap[:, k], VALLEY_TOLERANCE),
        })  # fmt: skip
    keep = plot.thin(p.steps + 1)
    data: dict[str, Any] = {
        "steps": keep,
        "runs": [
            {
                "optimizer": r["optimizer"],
                "lr": r["lr"],
                "path": paths[keep, k],
                "loss": gap[keep, k] + o.f_min,
            }
            for k, r in enumerate(runs)
        ],
        "lr_factor": factors[keep[:-1]] if p.steps > 1 else factors,
    }
    summary: dict[str, Any] = {
        "objective": o.name,
        "formula": o.formula,
        "minimum": o.f_min,
        "start": start.tolist(),
        "runs": runs,
        "rule": "lr null = best final loss over the grid 1e-4…10 (half decades)",
    }
    L = obj.smoothness(o, p.condition)
    if L is not None:
        summary["gd_stable_below"] = 2.0 / L
    if p.custom is not None:
        mine = run_custom(p.custom, o, p, start, chosen)
        data["custom"], summary["custom"] = mine.data(keep), mine.summary
    return Result(data, summary)


def _contour(o: obj.Objective) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs, ys = np.linspace(*o.x_range, 120), np.linspace(*o.y_range, 120)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    return xs, ys, np.log10(o.f(grid) - o.f_min + 1e-2)


PATH_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")
PATH_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star")


def figure(p: PathsParams, r: Result) -> Any:
    o = obj.objective(p.objective, p.condition)
    fig = plot.grid(
        1, 2, [f"{o.name}: {o.formula}", "f(w) − f* per step"], column_widths=[0.55, 0.45]
    )
    xs, ys, z = _contour(o)
    fig.add_trace(
        dict(type="contour", x=xs, y=ys, z=z, colorscale="Greys", showscale=False, ncontours=30,
             name="log₁₀(f − f* + 0.01)", hoverinfo="skip"),
        row=1, col=1,
    )  # fmt: skip
    steps = r.data["steps"]
    pairs = list(enumerate(zip(r.data["runs"], r.summary["runs"], strict=True)))
    # Drawn last first, so that the first optimizers (GD, momentum: often on the same track as
    # the later ones) are on top; each has its own dash and marker, the legend keeps the order.
    for k, (run, info) in reversed(pairs):
        name = f"{info['label']} (lr={info['lr']:.3g})" if p.annotate else info["label"]
        dash = PATH_DASHES[k % len(PATH_DASHES)]
        plot.line(
            fig,
            run["path"][:, 0],
            run["path"][:, 1],
            name,
            color=plot.colour(k),
            dash=dash,
            mode="lines+markers",
            marker={"size": 5, "symbol": PATH_SYMBOLS[k % len(PATH_SYMBOLS)]},
            legendrank=k + 1,
        )
        plot.line(
            fig,
            steps,
            run["loss"] - o.f_min + 1e-16,
            name,
            col=2,
            color=plot.colour(k),
            dash=dash,
            legend=False,
        )
    if "custom" in r.data:
        mine = r.data["custom"]
        if mine.get("path") is not None:
            plot.line(
                fig, mine["path"][:, 0], mine["path"][:, 1], "your code", color="black", dash="dot"
            )
            plot.line(
                fig,
                mine["steps"],
                mine["loss"] - o.f_min + 1e-16,
                "your code",
                col=2,
                color="black",
                dash="dot",
                legend=False,
            )
    start = r.summary["start"]
    plot.marker(fig, start[0], start[1], "start", color="black", symbol="circle-open")
    mins = np.array(o.minima)
    plot.marker(fig, mins[:, 0], mins[:, 1], "minimum", color="gold", symbol="star", size=13)
    fig.update_xaxes(range=list(o.x_range), row=1, col=1)
    fig.update_yaxes(range=list(o.y_range), row=1, col=1)
    plot.axes(fig, 1, 2, "step", "f − f*", log_y=True)
    return plot.finish(fig, "Optimizer paths" if p.annotate else "An optimization run")


register(
    id="optimizer-paths",
    title="Optimizer paths on 2-D test functions",
    topics=("gradient-descent", "momentum", "adaptive-optimizers", "weight-decay", "lr-schedules"),
    params=PathsParams,
    figure=figure,
    description="GD, momentum, Nesterov, AdaGrad, RMSProp, Adam and AdamW from one start, each "
    "with its own (or a tuned) learning rate; optional schedule, clipping and weight decay.",
)(run)

__all__ = ["OPTIMIZERS", "SCHEDULES", "PathsParams"]
