"""``loss-surface``: the loss of a one-feature linear regression over (slope, intercept)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.reference import elementwise as ew
from engine.reference import gradients, linear, optimizers

SLOPE, INTERCEPT, GRID = 1.5, -0.5, 61


class SurfaceParams(Params):
    loss: Literal["mse", "mae", "huber"] = "mse"
    delta: float = Field(1.0, gt=0, le=10, description="Huber δ")
    n: int = Field(40, ge=5, le=500)
    noise: float = Field(0.4, ge=0, le=3)
    outliers: bool = Field(False, description="Add three far outliers and watch the surface move")
    steps: int = Field(40, ge=0, le=1000, description="Gradient-descent steps drawn on the surface")
    lr: float | None = Field(None, gt=0, le=10, description="null = 1/L for MSE, 0.3 otherwise")
    seed: int = Field(0, ge=0, le=2**31 - 1)


def make_data(p: SurfaceParams) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(p.seed)
    x = rng.uniform(-1, 3, p.n)
    y = SLOPE * x + INTERCEPT + p.noise * rng.normal(size=p.n)
    if p.outliers:
        x, y = np.append(x, [2.5, 2.8, 3.0]), np.append(y, [-6.0, -7.0, -6.5])
    return x, y


def _per_sample(loss: str, r: np.ndarray, delta: float) -> np.ndarray:
    losses: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "mse": ew.squared,
        "mae": ew.absolute,
        "huber": lambda v: ew.huber(v, delta),
    }
    return losses[loss](r)


def _gradient(loss: str, X: np.ndarray, y: np.ndarray, b: np.ndarray, delta: float) -> np.ndarray:
    if loss == "mse":
        return gradients.mse_gradient(X, y, b)
    return linear.mae_gradient(X, y, b) if loss == "mae" else linear.huber_gradient(X, y, b, delta)


def run(p: SurfaceParams) -> Result:
    x, y = make_data(p)
    X = np.column_stack([x, np.ones_like(x)])
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    hessian = 2 * X.T @ X / len(x)
    curvatures = np.linalg.eigvalsh(hessian)
    centre = np.array([SLOPE, INTERCEPT])  # the grid is not built around the answer
    span = max(3.0, 1.3 * float(np.max(np.abs(ols - centre))))
    slopes = np.linspace(SLOPE - span, SLOPE + span, GRID)
    inters = np.linspace(INTERCEPT - span, INTERCEPT + span, GRID)
    resid = y - (slopes[None, :, None] * x + inters[:, None, None])  # (intercept, slope, n)
    surface = _per_sample(p.loss, resid, p.delta).mean(axis=-1)
    lr = p.lr if p.lr is not None else (1.0 / curvatures[-1] if p.loss == "mse" else 0.3)
    b, path = centre + np.array([-0.8, 0.8]) * span, []
    with np.errstate(all="ignore"):
        for _ in range(p.steps + 1):
            path.append(b)
            b = optimizers.sgd_step(b, _gradient(p.loss, X, y, b, p.delta), lr)
    path_arr = np.array(path)
    loss_path = _per_sample(p.loss, y[None, :] - path_arr @ X.T, p.delta).mean(axis=1)
    i, j = np.unravel_index(int(np.argmin(surface)), surface.shape)
    summary = {
        "loss": p.loss, "least_squares": ols.tolist(),
        "grid_minimum": [float(slopes[j]), float(inters[i])],
        "grid_step": float(slopes[1] - slopes[0]),
        "hessian_eigenvalues": curvatures.tolist(), "mse_convex": bool(curvatures[0] > 0),
        "lr": float(lr), "gd_final": path_arr[-1].tolist(), "gd_final_loss": float(loss_path[-1]),
        "outliers": p.outliers,
    }  # fmt: skip
    if p.outliers:
        clean = SurfaceParams(**{**p.model_dump(), "outliers": False})
        xc, yc = make_data(clean)
        summary["least_squares_without_outliers"] = np.linalg.lstsq(
            np.column_stack([xc, np.ones_like(xc)]), yc, rcond=None
        )[0].tolist()
    data = {"x": x, "y": y, "slopes": slopes, "intercepts": inters, "surface": surface,
            "path": path_arr, "path_loss": loss_path}  # fmt: skip
    return Result(data, summary)


def figure(p: SurfaceParams, r: Result) -> Any:
    d, s = r.data, r.summary
    fig = plot.grid(
        1, 2, [f"{p.loss.upper()} surface", "contours, least-squares optimum and GD steps"]
    )
    fig.add_scene_trace(
        dict(type="surface", x=d["slopes"], y=d["intercepts"], z=d["surface"], colorscale="Viridis",
             showscale=False, name="loss"), 1, 1,
        xaxis={"title": {"text": "slope"}}, yaxis={"title": {"text": "intercept"}}, zaxis={"title": {"text": "loss"}},
    )  # fmt: skip
    fig.data.append(dict(type="scatter3d", x=d["path"][:, 0], y=d["path"][:, 1], z=d["path_loss"], mode="lines+markers",
                         marker={"size": 3, "color": "red"}, line={"color": "red"}, name="GD", scene="scene"))  # fmt: skip
    fig.add_trace(dict(type="contour", x=d["slopes"], y=d["intercepts"], z=d["surface"], colorscale="Viridis",
                       showscale=False, ncontours=30, name="loss"), row=1, col=2)  # fmt: skip
    plot.line(
        fig,
        d["path"][:, 0],
        d["path"][:, 1],
        "GD steps",
        col=2,
        color="red",
        mode="lines+markers",
        marker={"size": 4},
    )
    ols = s["least_squares"]
    plot.marker(
        fig, ols[0], ols[1], "least-squares fit", col=2, color="white", symbol="star", size=14
    )
    if "least_squares_without_outliers" in s:
        c = s["least_squares_without_outliers"]
        plot.marker(
            fig,
            c[0],
            c[1],
            "fit without the outliers",
            col=2,
            color="orange",
            symbol="star-open",
            size=14,
        )
    plot.axes(fig, 1, 2, "slope", "intercept")
    return plot.finish(
        fig, f"Linear-regression loss surface ({p.loss.upper()}, lr = {s['lr']:.3g})", height=560
    )


register(
    id="loss-surface",
    title="The linear-regression loss surface",
    topics=("mse", "gradient-descent", "mae", "huber"),
    params=SurfaceParams,
    figure=figure,
    description="MSE, MAE or Huber loss of a one-feature linear regression over (slope, intercept) "
    "with the least-squares optimum and gradient-descent steps; an outlier toggle moves it.",
)(run)
