"""``loss-landscape``: a 2-D slice of a model's loss around its minimum, and sharp vs flat minima
with SGD vs SAM on a 1-D toy problem."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.demos.runner import schedule_factors
from engine.reference import batched, gradients, optimizers
from engine.reference import elementwise as ew

SHARP, FLAT = (-1.5, 0.15, 1.08), (1.5, 0.6, 1.0)  # (centre, width, depth) of the two basins
OFFSETS = np.linspace(-1, 1, 21)


class LandscapeParams(Params):
    radius: float = Field(1.0, gt=0, le=5, description="Slice half-width, in units of ‖θ*‖")
    resolution: int = Field(41, ge=11, le=121)
    l2: float = Field(0.0, ge=0, le=1, description="L2 strength of the sliced model")
    rho: float = Field(0.6, gt=0, le=1, description="SAM neighbourhood radius ρ")
    lr: float = Field(0.03, gt=0, le=0.1)
    noise: float = Field(1.0, ge=0, le=10, description="Gradient noise of the toy SGD")
    starts: int = Field(100, ge=10, le=1000)
    steps: int = Field(400, ge=10, le=3000)
    seed: int = Field(0, ge=0, le=2**31 - 1)


def _model(
    p: LandscapeParams, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Logistic regression on quadratic features of 2-D data; returns (X, y∈±1, θ*)."""
    z = rng.normal(size=(300, 2))
    y = np.where(z[:, 0] ** 2 + 0.5 * z[:, 1] - 0.8 + 0.5 * rng.normal(size=300) > 0, 1.0, -1.0)
    X = np.column_stack([z, z * z, z[:, :1] * z[:, 1:], np.ones(300)])
    theta, m, v = np.zeros(X.shape[1]), np.zeros(X.shape[1]), np.zeros(X.shape[1])
    rates = 0.1 * schedule_factors("cosine", 300)
    for t in range(300):
        g = gradients.logistic_gradient(X, (y + 1) / 2, theta) + p.l2 * theta
        theta, m, v = optimizers.adam_step(theta, g, m, v, t + 1, rates[t])
    return X, y, theta


def _slice(p: LandscapeParams, rng: np.random.Generator) -> dict[str, Any]:
    X, y, theta = _model(p, rng)
    dirs = rng.normal(size=(2, theta.size))
    dirs *= np.linalg.norm(theta) / np.linalg.norm(
        dirs, axis=1, keepdims=True
    )  # normalized directions
    a = np.linspace(-p.radius, p.radius, p.resolution)
    base, s1, s2 = X @ theta, X @ dirs[0], X @ dirs[1]
    scores = base + a[:, None, None] * s2 + a[None, :, None] * s1  # rows: direction 2
    loss = ew.logistic(y * scores).mean(axis=-1) + 0.5 * p.l2 * np.sum(
        (theta + a[:, None, None] * dirs[1] + a[None, :, None] * dirs[0]) ** 2, axis=-1
    )
    mid = p.resolution // 2
    curvature = (loss[mid, mid + 1] + loss[mid, mid - 1] - 2 * loss[mid, mid]) / (a[1] - a[0]) ** 2
    return {
        "alphas": a,
        "loss": loss,
        "theta_norm": float(np.linalg.norm(theta)),
        "curvature": float(curvature),
    }


def toy(w: np.ndarray) -> np.ndarray:
    """Two basins: a deep narrow one (sharp) and a wide one (flat)."""
    out = 1.0 + 0.1 * (w - FLAT[0]) ** 2
    for c, s, depth in (SHARP, FLAT):
        out = out - depth * np.exp(-((w - c) ** 2) / (2 * s * s))
    return out


def toy_grad(w: np.ndarray) -> np.ndarray:
    out = 0.2 * (w - FLAT[0])
    for c, s, depth in (SHARP, FLAT):
        out = out + depth * (w - c) / (s * s) * np.exp(-((w - c) ** 2) / (2 * s * s))
    return out


def sharpness(w: np.ndarray, rho: float) -> np.ndarray:
    """``max_{|e| ≤ ρ} f(w + e) − f(w)``, on a grid of offsets."""
    out: np.ndarray = np.max(toy(w[:, None] + rho * OFFSETS[None, :]), axis=1) - toy(w)
    return out


def _toy_runs(p: LandscapeParams, rng: np.random.Generator) -> dict[str, np.ndarray]:
    w0 = np.linspace(-3, 3, p.starts)[:, None]
    noise = p.noise * rng.normal(size=(p.steps, p.starts, 1))
    w_sgd, w_sam = w0.copy(), w0.copy()
    with np.errstate(all="ignore"):
        for t in range(p.steps):
            w_sgd = optimizers.sgd_step(w_sgd, toy_grad(w_sgd) + noise[t], p.lr)
            e = batched.sam_perturbation_rows(toy_grad(w_sam), p.rho)
            w_sam = optimizers.sgd_step(w_sam, toy_grad(w_sam + e) + noise[t], p.lr)
    return {"start": w0[:, 0], "sgd": w_sgd[:, 0], "sam": w_sam[:, 0]}


def run(p: LandscapeParams) -> Result:
    rng = np.random.default_rng(p.seed)
    sl = _slice(p, rng)
    ends = _toy_runs(p, rng)
    rows = {}
    for name in ("sgd", "sam"):
        w = ends[name]
        rows[name] = {"flat_fraction": float(np.mean(np.abs(w - FLAT[0]) < 2 * FLAT[1])),
                      "sharp_fraction": float(np.mean(np.abs(w - SHARP[0]) < 3 * SHARP[1])),
                      "mean_sharpness": float(np.mean(sharpness(w, p.rho))),
                      "mean_loss": float(np.mean(toy(w)))}  # fmt: skip
    minima = np.array([SHARP[0], FLAT[0]])
    summary = {
        "slice_curvature_direction_1": sl["curvature"], "theta_norm": sl["theta_norm"],
        "sharp_minimum": {"w": SHARP[0], "loss": float(toy(np.array(SHARP[0]))),
                          "sharpness": float(sharpness(minima[:1], p.rho)[0])},
        "flat_minimum": {"w": FLAT[0], "loss": float(toy(np.array(FLAT[0]))),
                         "sharpness": float(sharpness(minima[1:], p.rho)[0])},
        "sgd": rows["sgd"], "sam": rows["sam"],
        "rule": f"sharpness = max over |e| ≤ ρ = {p.rho:g} of f(w + e) − f(w)",
    }  # fmt: skip
    grid = np.linspace(-3.5, 3.5, 281)
    data = {"slice": sl, "toy": {"w": grid, "f": toy(grid)}, "ends": ends}
    return Result(data, summary)


def figure(p: LandscapeParams, r: Result) -> Any:
    d, s = r.data, r.summary
    fig = plot.grid(2, 2, ["loss on a 2-D slice around θ* (normalized random directions)",
                           "1-D cuts through θ*", "toy landscape: sharp (left) vs flat (right) minimum",
                           "where the runs end"])  # fmt: skip
    sl = d["slice"]
    fig.add_trace(dict(type="contour", x=sl["alphas"], y=sl["alphas"], z=np.log10(sl["loss"]),
                       colorscale="Viridis", ncontours=25, showscale=False, name="log₁₀ loss"), row=1, col=1)  # fmt: skip
    mid = len(sl["alphas"]) // 2
    plot.line(fig, sl["alphas"], sl["loss"][mid], "direction 1", row=1, col=2, color=plot.colour(0))
    plot.line(
        fig, sl["alphas"], sl["loss"][:, mid], "direction 2", row=1, col=2, color=plot.colour(1)
    )
    plot.line(fig, d["toy"]["w"], d["toy"]["f"], "toy loss", row=2, col=1, color="black")
    for k, name in enumerate(("sgd", "sam")):
        w = d["ends"][name]
        jitter = 0.02 * (k + 1)
        plot.marker(fig, w, toy(w) + jitter, f"{name.upper()} end points", row=2, col=1, color=plot.colour(k + 2),
                    symbol="circle", size=5)  # fmt: skip
    fig.add_trace(dict(type="bar", x=["SGD", "SAM"], y=[s["sgd"]["flat_fraction"], s["sam"]["flat_fraction"]],
                       name="share in the flat basin", marker={"color": plot.colour(4)}), row=2, col=2)  # fmt: skip
    fig.add_trace(dict(type="bar", x=["SGD", "SAM"], y=[s["sgd"]["mean_sharpness"], s["sam"]["mean_sharpness"]],
                       name="mean sharpness", marker={"color": plot.colour(5)}), row=2, col=2)  # fmt: skip
    plot.axes(fig, 1, 1, "α (direction 1)", "β (direction 2)")
    plot.axes(fig, 1, 2, "step along the direction", "loss")
    plot.axes(fig, 2, 1, "w", "f(w)")
    return plot.finish(fig, f"Loss landscapes; SAM with ρ = {p.rho:g}", height=780)


register(
    id="loss-landscape",
    title="Loss landscapes, sharp vs flat minima, SAM",
    topics=("loss-landscapes", "advanced-regularization"),
    params=LandscapeParams,
    figure=figure,
    description="A 2-D slice of a logistic model's loss along normalized random directions, and "
    "SGD vs SAM on a toy problem with one sharp and one flat minimum, with a sharpness measure.",
)(run)
