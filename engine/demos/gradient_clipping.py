"""``gradient-clipping``: a steep objective where plain steps explode, clipped by value or norm."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.demos.runner import Clip, diverged_at, run_rows

MODES = ("none", "value", "norm")
NAMES = {"none": "no clipping", "value": "clip by value", "norm": "clip by norm"}


class ClippingParams(Params):
    steepness: float = Field(10.0, ge=1, le=100, description="κ in ¼x⁴ + ¼κy⁴ + ½(x² + y²)")
    lr: float = Field(0.05, gt=0, le=1)
    steps: int = Field(200, ge=10, le=5000)
    clip_value: float = Field(1.0, gt=0, le=100, description="Each component to [−c, c]")
    clip_norm: float = Field(1.0, gt=0, le=100, description="Rescale g when ‖g‖ > c")
    start: tuple[float, float] = (3.0, 2.0)


def _objective(k: float) -> tuple[Any, Any]:
    def f(w: np.ndarray) -> np.ndarray:
        x, y = w[..., 0], w[..., 1]
        out: np.ndarray = 0.25 * x**4 + 0.25 * k * y**4 + 0.5 * (x * x + y * y)
        return out

    def grad(w: np.ndarray) -> np.ndarray:
        out: np.ndarray = w**3 * np.array([1.0, k]) + w
        return out

    return f, grad


def run(p: ClippingParams) -> Result:
    f, grad = _objective(p.steepness)
    start, runs, paths = np.array(p.start), [], {}
    for mode in MODES:
        threshold = p.clip_value if mode == "value" else p.clip_norm
        path = run_rows(
            grad, [("gd", np.array([p.lr]))], start, p.steps, clip=Clip(mode, threshold)
        )[:, 0]
        with np.errstate(all="ignore"):
            loss, norms = f(path), np.linalg.norm(grad(path), axis=1)
            steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
        paths[mode] = {"path": path, "loss": loss, "grad_norm": norms, "step_length": steps}
        runs.append({
            "mode": mode, "diverged_at": diverged_at(path[:, None])[0],
            "final_loss": float(loss[-1]) if np.isfinite(loss[-1]) else None,
            "max_grad_norm": float(np.nanmax(norms)), "max_step": float(np.nanmax(steps)),
        })  # fmt: skip
    keep = plot.thin(p.steps + 1)
    data = {
        "steps": keep,
        **{m: {k: v[keep[keep < len(v)]] for k, v in d.items()} for m, d in paths.items()},
    }
    summary = {
        "runs": runs, "start_grad_norm": float(np.linalg.norm(grad(start))),
        "note": "clip by norm keeps the gradient's direction; clip by value clips each component, "
        "so the step turns toward the diagonal (sign-like steps)",
    }  # fmt: skip
    return Result(data, summary)


def figure(p: ClippingParams, r: Result) -> Any:
    f, _ = _objective(p.steepness)
    fig = plot.grid(
        2, 2, ["paths on ¼x⁴ + ¼κy⁴ + ½(x² + y²)", "loss", "gradient norm", "step length ‖Δw‖"]
    )
    lim = 1.3 * max(abs(p.start[0]), abs(p.start[1]))
    xs = np.linspace(-lim, lim, 100)
    X, Y = np.meshgrid(xs, xs)
    z = np.log10(f(np.stack([X, Y], axis=-1)) + 1e-3)
    fig.add_trace(dict(type="contour", x=xs, y=xs, z=z, colorscale="Greys", showscale=False,
                       ncontours=25, hoverinfo="skip"), row=1, col=1)  # fmt: skip
    steps = r.data["steps"]
    for k, mode in enumerate(MODES):
        d, c = r.data[mode], plot.colour(k)
        plot.line(
            fig,
            d["path"][:, 0],
            d["path"][:, 1],
            NAMES[mode],
            color=c,
            mode="lines+markers",
            marker={"size": 4},
        )
        plot.line(fig, steps, d["loss"], NAMES[mode], row=1, col=2, color=c, legend=False)
        plot.line(fig, steps, d["grad_norm"], NAMES[mode], row=2, col=1, color=c, legend=False)
        plot.line(
            fig, steps[1:], d["step_length"], NAMES[mode], row=2, col=2, color=c, legend=False
        )
    fig.update_xaxes(row=1, col=1, range=[-lim, lim])
    fig.update_yaxes(row=1, col=1, range=[-lim, lim])
    plot.axes(fig, 1, 2, "step", "f(w)", log_y=True)
    plot.axes(fig, 2, 1, "step", "‖∇f‖", log_y=True)
    plot.axes(fig, 2, 2, "step", "‖Δw‖", log_y=True)
    return plot.finish(
        fig, f"Gradient clipping (lr = {p.lr:g}, steepness κ = {p.steepness:g})", height=760
    )


register(
    id="gradient-clipping",
    title="Exploding gradients and clipping",
    topics=("early-stopping-clipping",),
    params=ClippingParams,
    figure=figure,
    description="Plain gradient steps on a steep quartic blow up; clipping by value or by norm "
    "keeps them bounded.",
)(run)
