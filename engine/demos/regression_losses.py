"""``regression-losses``: capstone 1 — MSE, MAE and Huber fits of a line with outliers."""

from __future__ import annotations

from typing import Any, TypedDict

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.demos.runner import schedule_factors
from engine.reference import gradients, linear, optimizers

LOSSES = ("MSE", "MAE", "Huber")
DELTAS = np.geomspace(0.05, 50, 25)
LR = 0.3  # Adam, cosine-annealed to 0 so the MAE subgradient settles


class RegressionParams(Params):
    n: int = Field(100, ge=10, le=2000)
    slope: float = Field(2.0, ge=-10, le=10)
    intercept: float = Field(1.0, ge=-10, le=10)
    noise: float = Field(0.5, ge=0, le=5)
    outlier_fraction: float = Field(0.1, ge=0, le=0.45)
    outlier_offset: float = Field(-15.0, ge=-100, le=100, description="Shift of outlier targets")
    delta: float = Field(1.0, gt=0, le=50, description="Huber threshold δ")
    steps: int = Field(400, ge=50, le=2000)
    seed: int = Field(0, ge=0, le=2**31 - 1)


def make_data(p: RegressionParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x in [0, 10]; outliers are drawn from the upper half of x (high leverage)."""
    rng = np.random.default_rng(p.seed)
    x = rng.uniform(0, 10, p.n)
    y = p.slope * x + p.intercept + p.noise * rng.normal(size=p.n)
    upper = np.flatnonzero(x > 5)
    k = min(len(upper), round(p.outlier_fraction * p.n))
    out = np.zeros(p.n, dtype=bool)
    out[rng.choice(upper, size=k, replace=False)] = True
    y = y + out * p.outlier_offset * (1 + 0.3 * rng.random(p.n))
    return x, y, out


def _adam(grad: Any, shape: tuple[int, ...], steps: int) -> np.ndarray:
    W, m, v = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    rates = LR * schedule_factors("cosine", steps)
    for t in range(steps):
        W, m, v = optimizers.adam_step(W, grad(W), m, v, t + 1, rates[t])
    return W


def fit(X: np.ndarray, y: np.ndarray, delta: float, steps: int) -> np.ndarray:
    """Columns: the MSE, MAE and Huber(δ) fits, each by Adam on its own gradient."""

    def grad(W: np.ndarray) -> np.ndarray:
        return np.column_stack([
            gradients.mse_gradient(X, y, W[:, 0]),
            linear.mae_gradient(X, y, W[:, 1]),
            linear.huber_gradient(X, y, W[:, 2], delta),
        ])  # fmt: skip

    return _adam(grad, (X.shape[1], 3), steps)


class FitRow(TypedDict):
    loss: str
    slope: float
    intercept: float
    slope_error: float
    intercept_error: float
    parameter_error: float


def run(p: RegressionParams) -> Result:
    x, y, out = make_data(p)
    X = np.column_stack([x, np.ones_like(x)])
    W = fit(X, y, p.delta, p.steps)
    sweep = _adam(
        lambda B: linear.huber_gradient(X, y[:, None], B, DELTAS), (2, DELTAS.size), p.steps
    )
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    true = np.array([p.slope, p.intercept])
    rows: list[FitRow] = [
        {"loss": name, "slope": float(W[0, k]), "intercept": float(W[1, k]),
         "slope_error": float(abs(W[0, k] - p.slope)), "intercept_error": float(abs(W[1, k] - p.intercept)),
         "parameter_error": float(np.linalg.norm(W[:, k] - true))}
        for k, name in enumerate(LOSSES)
    ]  # fmt: skip
    data = {
        "x": x, "y": y, "outlier": out, "fits": {n: W[:, k] for k, n in enumerate(LOSSES)},
        "residuals": {n: y - X @ W[:, k] for k, n in enumerate(LOSSES)},
        "deltas": DELTAS, "slope_error_vs_delta": np.abs(sweep[0] - p.slope),
    }  # fmt: skip
    summary = {
        "fits": rows, "delta": p.delta, "outliers": int(out.sum()),
        "least_squares": ols.tolist(),
        "mse_fit_matches_least_squares": bool(np.allclose(W[:, 0], ols, atol=1e-2)),
        "most_robust": min(rows, key=lambda r: r["slope_error"])["loss"],
    }  # fmt: skip
    return Result(data, summary)


def figure(p: RegressionParams, r: Result) -> Any:
    d = r.data
    fig = plot.grid(
        2, 2, ["data and fitted lines", "residuals", "Huber slope error vs δ", "parameter error"]
    )
    inl, outl = ~d["outlier"], d["outlier"]
    plot.marker(fig, d["x"][inl], d["y"][inl], "data", color="#999", symbol="circle", size=5)
    plot.marker(fig, d["x"][outl], d["y"][outl], "outliers", color="black", symbol="x", size=7)
    xs = np.array([0.0, 10.0])
    plot.line(fig, xs, p.slope * xs + p.intercept, "true line", color="black", dash="dot")
    for k, name in enumerate(LOSSES):
        a, b = d["fits"][name]
        c = plot.colour(k)
        plot.line(fig, xs, a * xs + b, f"{name} fit", color=c)
        plot.marker(fig, d["x"], d["residuals"][name], f"{name} residuals", row=1, col=2, color=c,
                    symbol="circle", size=4, legend=False)  # fmt: skip
    plot.line(
        fig,
        d["deltas"],
        d["slope_error_vs_delta"],
        "Huber",
        row=2,
        col=1,
        color=plot.colour(2),
        legend=False,
    )
    for row in r.summary["fits"][:2]:
        fig.add_hline(y=row["slope_error"], line_dash="dot", row=2, col=1,
                      annotation_text=row["loss"], line_color=plot.colour(LOSSES.index(row["loss"])))  # fmt: skip
    fig.add_vline(x=p.delta, line_dash="dash", line_color="black", row=2, col=1)
    fits = r.summary["fits"]
    for key, c in (("slope_error", plot.colour(4)), ("intercept_error", plot.colour(5))):
        fig.add_trace(dict(type="bar", x=[f["loss"] for f in fits], y=[f[key] for f in fits],
                           name=key.replace("_", " "), marker={"color": c}), row=2, col=2)  # fmt: skip
    plot.axes(fig, 1, 1, "x", "y")
    plot.axes(fig, 1, 2, "x", "residual y − ŷ")
    plot.axes(fig, 2, 1, "δ", "|slope − true slope|", log_x=True)
    plot.axes(fig, 2, 2, "", "absolute error")
    title = f"Regression losses with {r.summary['outliers']} outliers (Huber δ = {p.delta:g})"
    return plot.finish(fig, title, height=760)


register(
    id="regression-losses",
    title="Regression losses on data with outliers",
    topics=("mse", "mae", "huber", "rmse", "choosing-a-loss"),
    params=RegressionParams,
    figure=figure,
    description="Linear data with noise and an outlier fraction, fitted with MSE, MAE and Huber(δ): "
    "fitted lines, residuals, parameter errors and the slope error as δ varies.",
)(run)
